"""Fixtures of the quality gates: the reference configs by name and one checkov run per session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.config import EnvironmentConfig
from tests.quality import checkov_gate
from tests.quality.fixtures import CHECKOV_BAD_STACK, CHECKOV_UNPARSABLE_STACK


@pytest.fixture(scope="session")
def configs() -> dict[str, EnvironmentConfig]:
    """Environment name -> its reference config (``stacks.environments``)."""
    from stacks.environments import ENVIRONMENTS

    return {environment.name: environment for environment in ENVIRONMENTS}


@pytest.fixture(scope="session")
def checkov_run(
    synth_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, dict[str, checkov_gate.FileResult]]:
    """checkov's version and its verdict per stack, from ONE checkov process (startup dominates).

    Keys: the three environment names, plus ``bad`` and ``unparsable``, two hand-written stacks that
    prove the gate sees failures and parse errors.
    """
    if not checkov_gate.CHECKOV.exists():
        pytest.fail(checkov_gate.INSTALL_HINT, pytrace=False)
    fixtures_dir = tmp_path_factory.mktemp("checkov-fixtures")
    files: dict[str, Path] = {}
    # checkov skips a file that sets terraform.required_version (a parse error): scan a copy without it.
    stacks = {
        name: checkov_gate.scannable(json.loads((synth_dir / "stacks" / name / "cdk.tf.json").read_text("utf-8")))
        for name in ("dev", "staging", "prod")
    }
    for name, doc in (*stacks.items(), ("bad", CHECKOV_BAD_STACK), ("unparsable", CHECKOV_UNPARSABLE_STACK)):
        (fixtures_dir / name).mkdir()
        files[name] = fixtures_dir / name / "cdk.tf.json"
        files[name].write_text(json.dumps(doc, indent=2), encoding="utf-8")
    docs: dict[Path, Any] = {path: json.loads(path.read_text(encoding="utf-8")) for path in files.values()}
    report = checkov_gate.run_checkov(list(files.values()))
    split = checkov_gate.per_file(report, docs)
    version = str(report.get("summary", {}).get("checkov_version", "unknown"))
    return version, {name: split[path.resolve()] for name, path in files.items()}


@pytest.fixture(scope="session")
def checkov_results(checkov_run: tuple[str, dict[str, checkov_gate.FileResult]]) -> dict[str, checkov_gate.FileResult]:
    """The per-stack half of :func:`checkov_run`."""
    return checkov_run[1]
