"""The README's library example runs as printed, in a fresh process, without jsii's Node banner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from constructs_lib import provider_loader
from tests.conftest import REPO_ROOT


def _library_example(index: int = 0) -> str:
    """The ``index``-th Python block of the README's library section."""
    section = (REPO_ROOT / "README.md").read_text().split("## Use as a library", 1)[1].split("\n## ", 1)[0]
    return section.split("```python\n")[index + 1].split("```", 1)[0]


def _synthesized(tmp_path: Path, index: int, stack: str) -> dict[str, Any]:
    """Run the ``index``-th block in a fresh process in ``tmp_path``; the JSON of its stack ``stack``."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    run = subprocess.run(
        [sys.executable, "-c", _library_example(index)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return dict(json.loads((tmp_path / "cdktf.out" / "stacks" / stack / "cdk.tf.json").read_text()))


def test_readme_library_example_synthesizes_quietly(tmp_path: Path) -> None:
    # As a user runs it: no banner variable preset (the tests' conftest sets one for this process).
    env = {key: value for key, value in os.environ.items() if key != provider_loader.NODE_BANNER_ENV_VAR}
    env["PYTHONPATH"] = str(REPO_ROOT)
    run = subprocess.run(
        [sys.executable, "-c", _library_example()],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    stack = json.loads((tmp_path / "cdktf.out" / "stacks" / "sandbox" / "cdk.tf.json").read_text())
    releases = {body["chart"] for body in stack["resource"]["helm_release"].values()}
    deployments = {body["metadata"]["name"] for body in stack["resource"]["kubernetes_deployment_v1"].values()}
    assert ("podinfo" in releases, deployments) == (True, {"shop"})


def test_readme_plain_stack_example_shares_one_context(tmp_path: Path) -> None:
    """A construct in a plain TerraformStack: one caller-identity, partition and region data source."""
    stack = _synthesized(tmp_path, 1, "images")
    counts = {kind: len(stack["data"][kind]) for kind in ("aws_caller_identity", "aws_partition", "aws_region")}
    assert counts == {"aws_caller_identity": 1, "aws_partition": 1, "aws_region": 1}
    assert list(stack["resource"]["aws_iam_role_policy"]) == ["registry_grant-pull-ci-runner_CCE226B6"]


def test_readme_environment_example_inherits_prods_protections(tmp_path: Path) -> None:
    """Constructs in an environment's stack, given no stage, protections or prefix, get the environment's."""
    stack = _synthesized(tmp_path, 2, "prod")
    keys = {name: body for name, body in stack["resource"]["aws_kms_key"].items() if name.startswith("audit-key")}
    (key,) = keys.values()
    assert (key["deletion_window_in_days"], key["lifecycle"]) == (30, {"prevent_destroy": True})
    (bucket,) = stack["resource"]["aws_s3_bucket"].values()
    assert (bucket["bucket"].startswith("eks-platform-prod-reports-"), bucket["force_destroy"]) == (True, False)
