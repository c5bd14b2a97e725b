"""The benchmark's reference scenarios measure what they claim (their timings are for ``make bench`` only)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

_spec = importlib.util.spec_from_file_location("bench", REPO_ROOT / "tools" / "bench.py")
assert _spec is not None and _spec.loader is not None
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

# Resource submodules of the aws package imported (``_jsii`` and its helpers are not resources).
_COUNT = (
    "\nimport sys\n"
    "print(sum(1 for m in sys.modules if m.startswith('cdktf_cdktf_provider_aws.') and m.split('.')[1][0] != '_'))\n"
)


def _run(scenario: str, tmp_path: Path) -> tuple[int, dict[str, dict[str, int]] | None]:
    """How many aws resource submodules the scenario imported, and the kernel's loader report (None: as shipped)."""
    flag, code = bench.SCENARIOS[scenario]
    report = tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "CONSTRUCTS_LIB_NODE_LOADER_REPORT": str(report)}
    run = subprocess.run(
        [sys.executable, flag, code + _COUNT], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr
    return int(run.stdout.split()[-1]), json.loads(report.read_text()) if report.exists() else None


def test_bare_load_loads_the_assemblies_as_they_ship(tmp_path: Path) -> None:
    imported, report = _run("bare-load", tmp_path)
    assert (imported, report) == (0, None)  # no resource submodule; the kernel loads the index as shipped


def test_bare_load_lib_goes_through_the_library_loader(tmp_path: Path) -> None:
    imported, report = _run("bare-load-lib", tmp_path)
    assert imported == 0
    assert report is not None
    aws = report["@cdktf/provider-aws"]
    assert (aws["reexports"] > 2000, aws["loaded"]) == (True, 0)  # the index is lazy; nothing used yet
