"""The wheel installs into a fresh virtualenv and synthesizes a stack from outside the repo.

The wheel and the virtualenv are built once per test run (fixtures ``wheel`` and ``wheel_venv`` in
``tests/conftest.py``), shared with ``tests/test_examples.py``.
"""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.wheel import clean_environment

_USER_APP = """
from cdktf import App
from constructs_lib import EnvironmentConfig, Stage
from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec
from constructs_lib.network.config import NetworkConfig
from constructs_lib.security import KmsKey, KmsKeyProps
from constructs_lib.stack import EnvironmentStack

config = EnvironmentConfig(
    name="sandbox",
    stage=Stage.DEV,
    region="eu-west-1",
    network=NetworkConfig(vpc_cidr="10.60.0.0/16", availability_zones=("eu-west-1a", "eu-west-1b")),
    cluster=ClusterConfig(endpoint_public_access=True, public_access_cidrs=("198.51.100.0/24",)),
    node_groups=(
        NodeGroupSpec(name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=3),
    ),
)
app = App(outdir="out")
stack = EnvironmentStack(app, config)
KmsKey(
    stack,
    "key",
    props=KmsKeyProps(alias=f"{config.prefix}/example", description="example", protections=config.resolved_protections),
)
app.synth()

from constructs_lib import provider_loader
print(provider_loader.node_loader_mode(), provider_loader.NODE_LOADER_SCRIPT)
"""


def test_wheel_ships_the_type_marker(wheel: Path) -> None:
    assert "constructs_lib/py.typed" in zipfile.ZipFile(wheel).namelist()


def test_wheel_ships_the_node_loader(wheel: Path) -> None:
    assert "constructs_lib/provider_loader.js" in zipfile.ZipFile(wheel).namelist()


def test_wheel_holds_only_the_library(wheel: Path) -> None:
    top_level = {name.split("/")[0] for name in zipfile.ZipFile(wheel).namelist()}
    assert {t for t in top_level if not t.endswith(".dist-info")} == {"constructs_lib"}


@pytest.mark.slow
def test_wheel_installs_and_synthesizes_outside_the_repo(wheel_venv: Path, tmp_path: Path) -> None:
    environment = wheel_venv
    python = environment / "bin" / "python"
    project = tmp_path / "user-project"
    project.mkdir()
    (project / "app.py").write_text(_USER_APP)
    env = clean_environment()
    env["CONSTRUCTS_LIB_NODE_LOADER_REPORT"] = str(project / "node-loader.json")
    run = subprocess.run([str(python), "app.py"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    synthesized = json.loads((project / "out" / "stacks" / "sandbox" / "cdk.tf.json").read_text())
    assert "aws_kms_key" in synthesized["resource"]
    mode, script = run.stdout.split()
    assert (mode, Path(script).is_relative_to(environment)) == ("lazy", True)
    report = json.loads((project / "node-loader.json").read_text())
    assert report["@cdktf/provider-aws"]["loaded"] < 10
