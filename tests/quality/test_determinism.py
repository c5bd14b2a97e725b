"""Determinism: synthesizing the reference app again, in another process with another string-hash
seed (so any iteration over a set or an unsorted dict shows), gives byte-identical files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SYNTH = (
    "import sys; import constructs_lib; from stacks.environments import ENVIRONMENTS; "
    "from constructs_lib.platform_stack import build_app; build_app(ENVIRONMENTS, outdir=sys.argv[1]).synth()"
)


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def second_synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    outdir = tmp_path_factory.mktemp("second-synth")
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    subprocess.run(
        [sys.executable, "-c", SYNTH, str(outdir)],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONHASHSEED": seed, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"},
        check=True,
        capture_output=True,
        timeout=300,
    )
    return outdir


def test_same_files(synth_dir: Path, second_synth: Path) -> None:
    assert sorted(files(second_synth)) == sorted(files(synth_dir))


def test_same_bytes(synth_dir: Path, second_synth: Path) -> None:
    first, second = files(synth_dir), files(second_synth)
    differing = sorted(name for name in first if second.get(name) != first[name])
    assert differing == [], f"synthesis is not deterministic; these files differ between two runs: {differing}"


def test_stacks_were_compared(synth_dir: Path) -> None:
    assert {"stacks/dev/cdk.tf.json", "stacks/staging/cdk.tf.json", "stacks/prod/cdk.tf.json"} <= set(files(synth_dir))
