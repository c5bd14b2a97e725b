"""One vocabulary for inputs: a construct takes ``(scope, id, *, props: <Name>Props)``, a verb with more
than its subject takes ``options: <Name>Options``, and both are frozen keyword-only dataclasses.

The gate walks every public class of the package, so a construct or verb added later is covered; the
fixtures at the end show that each rule can fail.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import typing
from collections.abc import Iterator
from dataclasses import dataclass

from cdktf import TerraformStack
from constructs import Construct

import constructs_lib
from constructs_lib.security.context import AwsContext

#: Constructs that are not built from props, and why.
NOT_FROM_PROPS: dict[type, str] = {
    # One per stack, found or created by AwsContext.of; its only input is the stack's region.
    AwsContext: "per-stack singleton",
}
#: The prefixes of a verb's name (aws-cdk's addXxx / grantXxx).
VERBS = ("add_", "grant_")


def public_classes() -> Iterator[type]:
    """Every class listed in ``__all__`` of a module of the package, once."""
    seen: set[type] = set()
    for info in pkgutil.walk_packages(constructs_lib.__path__, "constructs_lib."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", ()):
            value = getattr(module, name)
            if inspect.isclass(value) and value.__module__.startswith("constructs_lib") and value not in seen:
                seen.add(value)
                yield value


def construct_problems(cls: type) -> list[str]:
    """What is wrong with the constructor of construct ``cls`` (empty when it follows the rule)."""
    if not issubclass(cls, Construct) or issubclass(cls, TerraformStack) or cls in NOT_FROM_PROPS:
        return []
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    shape = [(p.name, p.kind) for p in parameters]
    expected = [
        ("scope", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("id", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        ("props", inspect.Parameter.KEYWORD_ONLY),
    ]
    if shape != expected:
        return [f"{cls.__name__}.__init__ takes {[name for name, _ in shape]}, not (scope, id, *, props)"]
    annotation = str(parameters[2].annotation)
    if not annotation.endswith("Props"):
        return [f"{cls.__name__}.__init__'s props is a {annotation}, not a ...Props"]
    return []


def verb_problems(cls: type) -> list[str]:
    """Verbs of ``cls`` with more than one keyword besides ``options``, or ``options`` that is not an Options."""
    problems = []
    for name, method in inspect.getmembers(cls, inspect.isfunction):
        if not name.startswith(VERBS) or method.__qualname__.split(".")[0] != cls.__name__:
            continue
        keywords = [
            p for p in inspect.signature(method).parameters.values() if p.kind is inspect.Parameter.KEYWORD_ONLY
        ]
        loose = [p.name for p in keywords if p.name != "options"]
        if len(loose) > 1:
            problems.append(f"{cls.__name__}.{name} takes {loose}: wrap them into an ...Options object")
        for parameter in keywords:
            if parameter.name == "options" and "Options" not in str(parameter.annotation):
                problems.append(f"{cls.__name__}.{name}'s options is a {parameter.annotation}")
    return problems


def input_problems(cls: type) -> list[str]:
    """A ...Props or ...Options class that is not a frozen keyword-only dataclass."""
    if not cls.__name__.endswith(("Props", "Options")):
        return []
    params = getattr(cls, "__dataclass_params__", None)
    if not dataclasses.is_dataclass(cls) or params is None or not params.frozen:
        return [f"{cls.__name__} is not a frozen dataclass"]
    if any(not f.kw_only for f in dataclasses.fields(cls)):
        return [f"{cls.__name__} is not keyword-only"]
    return []


CLASSES = tuple(public_classes())


def test_the_walk_finds_the_constructs_and_their_inputs() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert {"EksCluster", "KmsKey", "EksClusterProps", "ManagedAddonOptions", "ApplicationOptions"} <= names


def test_every_construct_takes_props() -> None:
    assert [problem for cls in CLASSES for problem in construct_problems(cls)] == []


def test_every_verb_takes_its_subject_and_options() -> None:
    assert [problem for cls in CLASSES for problem in verb_problems(cls)] == []


def test_every_props_and_options_class_is_frozen_and_keyword_only() -> None:
    assert [problem for cls in CLASSES for problem in input_problems(cls)] == []


def config_classes() -> set[type]:
    """Every dataclass an ``EnvironmentConfig`` reaches through its fields (what a config file holds)."""
    from constructs_lib.config import EnvironmentConfig
    from constructs_lib.validation import field_hints

    found: set[type] = set()
    todo: list[type] = [EnvironmentConfig]
    while todo:
        cls = todo.pop()
        if cls in found:
            continue
        found.add(cls)
        for hint in field_hints(cls).values():
            for part in [hint, *typing.get_args(hint), *(a for h in typing.get_args(hint) for a in typing.get_args(h))]:
                if dataclasses.is_dataclass(part) and isinstance(part, type):
                    todo.append(part)
    return found


def test_every_config_class_is_frozen_and_keyword_only() -> None:
    """Readable call sites: ``NodeGroupSpec(name="apps", min_size=1, ...)``, never ``NodeGroupSpec("apps", 1, ...)``."""
    classes = config_classes()
    assert len(classes) > 20  # the walk reaches the nested settings, not only EnvironmentConfig
    problems = [
        cls.__name__
        for cls in classes
        if not cls.__dataclass_params__.frozen or any(not f.kw_only for f in dataclasses.fields(cls))  # type: ignore[attr-defined]
    ]
    assert sorted(problems) == []


def test_config_classes_are_not_called_options() -> None:
    """``...Options`` is a verb's input; environment settings are ``...Config`` or ``...Spec``."""
    used = {
        str(parameter.annotation).split(" | ")[0]
        for cls in CLASSES
        for _, method in inspect.getmembers(cls, inspect.isfunction)
        for parameter in inspect.signature(method).parameters.values()
        if parameter.name == "options"
    }
    options = {cls.__name__ for cls in CLASSES if cls.__name__.endswith("Options")}
    assert options - used == set()


# -- fixtures: each rule fails on a class that breaks it ------------------------------------------


@dataclass(frozen=True)
class _PositionalProps:
    name: str


@dataclass(kw_only=True)
class _MutableOptions:
    name: str


class _LooseConstruct(Construct):
    def __init__(self, scope: Construct, id: str, *, name: str) -> None:
        super().__init__(scope, id)


class _WrongProps(Construct):
    def __init__(self, scope: Construct, id: str, *, props: str) -> None:
        super().__init__(scope, id)


class _LooseVerbs(Construct):
    def add_thing(self, name: str, *, size: int, colour: str) -> None: ...

    def grant_thing(self, role: str, *, options: str) -> None: ...

    def add_fine(self, name: str, *, options: _MutableOptions | None = None) -> None: ...


def test_fixtures_break_every_rule() -> None:
    assert construct_problems(_LooseConstruct) == [
        "_LooseConstruct.__init__ takes ['scope', 'id', 'name'], not (scope, id, *, props)"
    ]
    assert construct_problems(_WrongProps) == ["_WrongProps.__init__'s props is a str, not a ...Props"]
    assert verb_problems(_LooseVerbs) == [
        "_LooseVerbs.add_thing takes ['size', 'colour']: wrap them into an ...Options object",
        "_LooseVerbs.grant_thing's options is a str",
    ]
    assert input_problems(_PositionalProps) == ["_PositionalProps is not keyword-only"]
    assert input_problems(_MutableOptions) == ["_MutableOptions is not a frozen dataclass"]
