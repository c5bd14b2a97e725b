"""EksCluster.add_node_group: a node group after construction, built like the matrix's (aws-cdk's
addNodegroupCapacity)."""

from __future__ import annotations

from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.cluster.config import NodeGroupSpec, Taint
from constructs_lib.cluster.eks_cluster import EksCluster
from constructs_lib.errors import ConfigError
from tests.cluster.builders import cluster
from tests.helpers import Synth, resources, synth

BATCH = NodeGroupSpec(name="batch", instance_types=("c5.xlarge",), min_size=0, desired_size=1, max_size=10, labels={"node-role": "batch"})
BUILT: dict[str, EksCluster] = {}


def _with(*specs: NodeGroupSpec) -> Synth:
    def build(stack: TerraformStack) -> None:
        eks = cluster(stack)
        for spec in specs:
            eks.add_node_group(spec)
        BUILT["last"] = eks

    return synth(build)


@pytest.fixture(scope="module")
def doc() -> Synth:
    return _with(BATCH)


def _group(doc: Synth, name: str) -> dict[str, Any]:
    (found,) = [b for b in resources(doc, "aws_eks_node_group").values() if b["node_group_name"].endswith(f"-{name}")]
    return dict(found)


def test_the_group_is_created(doc: Synth) -> None:
    assert _group(doc, "batch")["scaling_config"]["max_size"] == 10


def test_the_group_is_built_like_the_matrix(doc: Synth) -> None:
    """Same role, subnets and dependencies as the constructor's groups."""
    batch, system = _group(doc, "batch"), _group(doc, "system")
    assert (batch["node_role_arn"], batch["subnet_ids"], batch["depends_on"]) == (
        system["node_role_arn"],
        system["subnet_ids"],
        system["depends_on"],
    )


def test_the_group_keeps_a_literal_construct_id(doc: Synth) -> None:
    assert any(key.startswith("eks_node-group-batch_") for key in resources(doc, "aws_eks_node_group"))


def test_the_attributes_include_the_group(doc: Synth) -> None:
    eks = BUILT["last"]
    assert (len(eks.node_groups), sorted(eks.node_group_names)) == (3, ["application", "batch", "system"])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (NodeGroupSpec(name="system", instance_types=("m5.large",), min_size=1, desired_size=1, max_size=2), r"`add_node_group`: node group name must be unique"),
        (NodeGroupSpec(name="batch", instance_types=("m5.large",), min_size=3, desired_size=1, max_size=2), r"`add_node_group\[2\]"),
        (
            NodeGroupSpec(name="x" * 60, instance_types=("m5.large",), min_size=1, desired_size=1, max_size=2),
            r"`add_node_group\[2\]\.name`",
        ),
    ],
)
def test_errors(spec: NodeGroupSpec, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _with(spec)


def test_a_tainted_group_is_fine_next_to_untainted_ones() -> None:
    tainted = NodeGroupSpec(name="gpu", instance_types=("g5.xlarge",), min_size=0, desired_size=0, max_size=2, taints=(Taint(key="gpu", value="true"),))
    assert _group(_with(tainted), "gpu")["taint"][0]["key"] == "gpu"
