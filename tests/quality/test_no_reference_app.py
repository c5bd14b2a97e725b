"""Library tests do not import the reference app (``stacks``, ``main``): they build their configs from
``tests/fixtures.py``, so the reference environments can change without touching a library test.

The tests of the reference app itself are listed in :data:`REFERENCE_APP_TESTS`, each with what it
checks about the app. They stay where they are (beside the tier they read) rather than in a package
of their own: the list below is the one place that says which tests those are, and moving them would
collide with every branch that edits them. Two more synthesize the reference app in a child process,
whose code is a string this gate does not read: ``tests/quality/test_determinism.py`` and
``tests/test_provider_loader.py`` (the eager provider import synthesizes the same bytes). The session
fixtures ``synth_dir`` / ``stacks_json`` are the reference stacks too: a test that asks for them reads
the reference app's output, and the tests listed in ``tests/quality/README.md`` do.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
#: The reference app's top-level modules.
REFERENCE_MODULES = frozenset({"stacks", "main"})

#: Test module (relative to the repository root) -> what it checks about the reference app.
REFERENCE_APP_TESTS: dict[str, str] = {
    "tests/conftest.py": "synth_dir / stacks_json: the reference app synthesized once, for the snapshot, "
    "address, docs and quality gates",
    "tests/quality/conftest.py": "configs: the reference environments the quality gates read by name",
    "tests/quality/test_first_apply.py": "the first apply of the reference stacks and of a prod variant with every add-on",
    "tests/test_reference_environments.py": "the reference environments are valid and follow the seeds",
    "tests/test_config_examples.py": "the example config files load to exactly the reference environments",
    "tests/test_deploy_rules.py": "the deploy preflight names every example value the reference environments hold",
    "tests/platform/test_workload_identity.py": "the reference stacks' workload roles, and their IRSA variant",
    "tests/data/test_environments.py": "the data tier as the reference environments wire it",
    "tests/docs/test_generate.py": "the docs generated from the reference app",
    "tests/docs/test_cost.py": "the price tables cover the reference environments' instance types",
}


def reference_imports(source: str) -> list[str]:
    """``module:line`` of every import of a reference-app module in ``source`` (functions included)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{name}:{node.lineno}" for name in names if name.split(".")[0] in REFERENCE_MODULES]
    return found


def _imports_by_module() -> dict[str, list[str]]:
    root = TESTS.parent
    modules = {path.relative_to(root).as_posix(): path for path in sorted(TESTS.rglob("*.py"))}
    return {name: reference_imports(path.read_text("utf-8")) for name, path in modules.items()}


def test_library_tests_do_not_import_the_reference_app() -> None:
    offenders = {
        name: found for name, found in _imports_by_module().items() if found and name not in REFERENCE_APP_TESTS
    }
    assert offenders == {}, "build configs from tests/fixtures.py, or list a reference-app test in REFERENCE_APP_TESTS"


def test_every_listed_reference_test_exists_and_imports_the_app() -> None:
    imports = _imports_by_module()
    assert [name for name in REFERENCE_APP_TESTS if not imports.get(name)] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from stacks.environments import DEV", ["stacks.environments:1"]),
        ("import stacks.environments as envs", ["stacks.environments:1"]),
        ("def f():\n    import main\n", ["main:2"]),
        ("from tests.fixtures import DEV\nfrom .stacks import x\nimport stacksy", []),
    ],
)
def test_the_gate_finds_every_form_of_import(source: str, expected: list[str]) -> None:
    assert reference_imports(source) == expected
