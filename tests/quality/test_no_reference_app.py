"""Library tests do not use the reference app: they neither import it (``stacks``, ``main``) nor ask for
the session fixtures that hold its synthesized stacks or configs (:data:`REFERENCE_FIXTURES`). They
build their configs from ``tests/fixtures.py``, so the reference environments can change without
touching a library test.

The tests of the reference app itself are listed in :data:`REFERENCE_APP_TESTS`, each with what it
checks about the app. They stay where they are (beside the tier they read) rather than in a package
of their own: the list below is the one place that says which tests those are, and moving them would
collide with every branch that edits them. A child process's code is a string this gate does not
read: ``tests/quality/test_determinism.py`` and ``tests/test_provider_loader.py`` also synthesize the
reference app in one (and are listed for the fixtures they compare with).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
#: The reference app's top-level modules.
REFERENCE_MODULES = frozenset({"stacks", "main"})
#: Session fixtures that hold the reference app (``tests/conftest.py``, ``tests/quality/conftest.py``).
REFERENCE_FIXTURES = frozenset({"synth_dir", "stacks_json", "configs", "checkov_run", "checkov_results"})

_SNAPSHOTS_AND_GATES = "the reference stacks as they are committed and gated"
#: Test module (relative to the repository root) -> what it checks about the reference app.
REFERENCE_APP_TESTS: dict[str, str] = {
    "tests/conftest.py": "synth_dir / stacks_json: the reference app synthesized once, for the tests below",
    "tests/quality/conftest.py": "configs and checkov_run: the reference environments and checkov's verdict on them",
    "tests/test_snapshots.py": _SNAPSHOTS_AND_GATES,
    "tests/quality/test_addresses.py": _SNAPSHOTS_AND_GATES,
    "tests/quality/test_checkov.py": _SNAPSHOTS_AND_GATES,
    "tests/quality/test_policy_checks.py": _SNAPSHOTS_AND_GATES,
    "tests/quality/test_determinism.py": "a second synthesis of the reference app, in another process, is identical",
    "tests/quality/test_first_apply.py": "the first apply of the reference stacks and of a prod variant with every add-on",
    "tests/test_reference_environments.py": "the reference environments are valid and follow the seeds",
    "tests/test_config_examples.py": "the example config files load to exactly the reference environments",
    "tests/test_deploy_rules.py": "the deploy preflight names every example value the reference environments hold",
    "tests/test_cdktf_cli.py": "the pinned cdktf CLI synthesizes the reference app as the library does",
    "tests/test_provider_loader.py": "the eager provider import synthesizes the reference stacks byte for byte",
    "tests/platform/test_workload_identity.py": "the reference stacks' workload roles, and their IRSA variant",
    "tests/data/test_environments.py": "the data tier as the reference environments wire it",
    "tests/docs/test_generate.py": "the docs generated from the reference app",
    "tests/docs/test_facts.py": "the facts the docs read from the reference stacks",
    "tests/docs/test_diagram.py": "the diagram drawn from the reference stacks",
    "tests/docs/test_cost.py": "the price tables cover the reference environments' instance types",
}


def reference_uses(source: str) -> list[str]:
    """``name:line`` of every import of a reference-app module (functions included) and of every
    function parameter that asks for a reference-app fixture in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
            found += [f"{name}:{node.lineno}" for name in names if name.split(".")[0] in REFERENCE_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in REFERENCE_MODULES:
                found.append(f"{node.module}:{node.lineno}")
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            parameters = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            found += [f"{p.arg}:{p.lineno}" for p in parameters if p.arg in REFERENCE_FIXTURES]
    return found


def _uses_by_module() -> dict[str, list[str]]:
    root = TESTS.parent
    modules = {path.relative_to(root).as_posix(): path for path in sorted(TESTS.rglob("*.py"))}
    return {name: reference_uses(path.read_text("utf-8")) for name, path in modules.items()}


def test_library_tests_do_not_use_the_reference_app() -> None:
    offenders = {name: found for name, found in _uses_by_module().items() if found and name not in REFERENCE_APP_TESTS}
    assert offenders == {}, "build configs from tests/fixtures.py, or list a reference-app test in REFERENCE_APP_TESTS"


def test_every_listed_reference_test_exists_and_uses_the_app() -> None:
    uses = _uses_by_module()
    assert [name for name in REFERENCE_APP_TESTS if not uses.get(name)] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from stacks.environments import DEV", ["stacks.environments:1"]),
        ("import stacks.environments as envs", ["stacks.environments:1"]),
        ("def f():\n    import main\n", ["main:2"]),
        ("def test_x(\n    stacks_json: dict,\n) -> None: ...", ["stacks_json:2"]),
        ("async def f(*, synth_dir): ...", ["synth_dir:1"]),
        ("from tests.fixtures import DEV\nfrom .stacks import x\nimport stacksy\ndef f(stacks): ...", []),
    ],
)
def test_the_gate_finds_every_form_of_use(source: str, expected: list[str]) -> None:
    assert reference_uses(source) == expected
