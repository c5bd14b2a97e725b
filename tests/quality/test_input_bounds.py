"""Every collection field of every config dataclass: a wrong type through the Python API is a
ConfigError naming the field (never a TypeError, never a string split into characters), and
validation stays fast at the documented bounds (validation.MAX_ITEMS)."""

from __future__ import annotations

import dataclasses
import json
import time
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.apps.stateful_config import BackupHooks
from constructs_lib.config import EnvironmentConfig, load_environments
from constructs_lib.errors import ConfigError
from constructs_lib.registry.config import RepositorySpec
from constructs_lib.validation import MAX_ITEMS, field_hints
from tests.fixtures import DEV, KV_STORE, PROD
from tests.quality.plain import to_plain

Rebuild = Callable[[Any], EnvironmentConfig]


def _instances(value: Any, path: str, rebuild: Rebuild) -> Iterator[tuple[type[Any], str, Any, Rebuild]]:
    """Every dataclass instance inside ``value``, with its path and a function that puts a
    replacement back into a copy of the whole environment."""
    yield type(value), path, value, rebuild
    for spec in dataclasses.fields(value):
        item = getattr(value, spec.name)

        def put(new: Any, value: Any = value, name: str = spec.name, rebuild: Rebuild = rebuild) -> EnvironmentConfig:
            return rebuild(replace(value, **{name: new}))

        if dataclasses.is_dataclass(item):
            yield from _instances(item, f"{path}.{spec.name}", put)
        elif isinstance(item, tuple):
            for index, element in enumerate(item):
                if dataclasses.is_dataclass(element):

                    def put_item(
                        new: Any, items: tuple[Any, ...] = item, index: int = index, put: Rebuild = put
                    ) -> Any:
                        return put((*items[:index], new, *items[index + 1 :]))

                    yield from _instances(element, f"{path}.{spec.name}[{index}]", put_item)


#: Prod with a stateful workload (backed up, with hooks): the fixtures declare none.
WITH_STATEFUL = replace(
    PROD,
    repositories=(*PROD.repositories, RepositorySpec(name="data/kv")),
    stateful_workloads=(replace(KV_STORE, backup_hooks=BackupHooks(pre=("sync",))),),
)


def _first_instances() -> dict[type[Any], tuple[str, Any, Rebuild]]:
    found: dict[type[Any], tuple[str, Any, Rebuild]] = {}
    for base in (DEV, PROD, WITH_STATEFUL):
        for cls, path, value, rebuild in _instances(base, base.name, lambda new: typing.cast(EnvironmentConfig, new)):
            found.setdefault(cls, (path, value, rebuild))
    return found


def _collection(hint: Any) -> tuple[str, bool] | None:
    """('tuple' | 'mapping', optional) when ``hint`` is a collection type."""
    optional = False
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        (hint,) = [o for o in typing.get_args(hint) if o is not type(None)]
        optional = True
    origin = typing.get_origin(hint)
    if origin is tuple:
        return "tuple", optional
    if origin in (Mapping, dict):
        return "mapping", optional
    return None


_INSTANCES = _first_instances()


def _rows() -> list[Any]:
    rows = []
    for cls in sorted(_INSTANCES, key=lambda c: c.__name__):
        for name, hint in field_hints(cls).items():
            shape = _collection(hint)
            if shape is None:
                continue
            kind, optional = shape
            bad: list[Any] = ["us-east-1a", 42, ["a", "b"] if kind == "mapping" else {"key": "value"}, {"a", "b"}]
            if not optional:
                bad.append(None)
            for value in bad:
                rows.append(
                    pytest.param(cls, name, value, id=f"{cls.__name__}.{name}={type(value).__name__}")
                )
    return rows


def test_every_config_dataclass_is_reached_by_the_table() -> None:
    reachable: set[type[Any]] = set()
    todo: list[type[Any]] = [EnvironmentConfig]
    while todo:
        cls = todo.pop()
        reachable.add(cls)
        for hint in field_hints(cls).values():
            for part in [hint, *typing.get_args(hint), *(a for h in typing.get_args(hint) for a in typing.get_args(h))]:
                if dataclasses.is_dataclass(part) and isinstance(part, type) and part not in reachable:
                    todo.append(part)
    with_collections = {c for c in reachable if any(_collection(h) for h in field_hints(c).values())}
    assert with_collections <= set(_INSTANCES)


@pytest.mark.parametrize(("cls", "name", "value"), _rows())
def test_wrong_collection_type_names_the_field(cls: type[Any], name: str, value: Any) -> None:
    path, instance, rebuild = _INSTANCES[cls]
    config = rebuild(replace(instance, **{name: value}))  # must not raise, nor split a string
    assert getattr(_find(config, path), name) is value or getattr(_find(config, path), name) == value
    with pytest.raises(ConfigError) as raised:
        config.validate()
    assert raised.value.path == f"{path}.{name}", str(raised.value)


def _find(config: EnvironmentConfig, path: str) -> Any:
    """The object at ``path`` (``dev.node_groups[0].labels`` style, first segment the environment)."""
    value: Any = config
    for part in path.split(".")[1:]:
        name, _, index = part.partition("[")
        value = getattr(value, name)
        if index:
            value = value[int(index.rstrip("]"))]
    return value


# -- bounded work ------------------------------------------------------------------------------


def _largest() -> EnvironmentConfig:
    """DEV with every big list at its bound (repositories, applications with peers, tags)."""
    repositories = tuple(RepositorySpec(name=f"r{i}") for i in range(MAX_ITEMS["EnvironmentConfig.repositories"]))
    names = [f"a{i}" for i in range(MAX_ITEMS["EnvironmentConfig.applications"])]
    applications = tuple(
        ApplicationSpec(name=name, repository=f"r{i}", image_tag="v1", allowed_peers=tuple(n for n in names[:10] if n != name))
        for i, name in enumerate(names)
    )
    tags = {f"k{i}": "v" for i in range(MAX_ITEMS["EnvironmentConfig.tags"])}
    return replace(DEV, repositories=repositories, applications=applications, tags=tags)


def test_a_config_at_every_bound_is_valid_and_validates_quickly() -> None:
    config = _largest()
    start = time.perf_counter()
    config.validate()
    # ~0.1 s on the 2-core machine; the bound leaves room for a busy machine, not for quadratic work.
    assert time.perf_counter() - start < 5


def test_a_huge_file_list_is_refused_before_it_is_converted(tmp_path: Path) -> None:
    data = to_plain(DEV)
    data["repositories"] = [{"name": f"r{i}"} for i in range(100_000)]
    file = tmp_path / "environments.json"
    file.write_text(json.dumps({"environments": [data]}), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ConfigError, match=r"`environments\[0\]\.repositories`: must hold at most 1000 items"):
        load_environments(file)
    assert time.perf_counter() - start < 5
