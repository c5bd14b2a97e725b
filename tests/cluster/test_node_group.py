"""ManagedNodeGroup: the launch template, the node group, the autoscaler contract, every error."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cdktf import TerraformStack
from cdktf import Testing as CdktfTesting

from constructs_lib.cluster.config import CapacityType, NodeGroupSpec, NodeRole, Taint, TaintEffect
from constructs_lib.cluster.instance_types import AmiType
from constructs_lib.cluster.node_group import ManagedNodeGroup, ManagedNodeGroupProps
from constructs_lib.errors import ConfigError
from tests.cluster.builders import NODE_SG, SUBNETS, SYSTEM
from tests.helpers import Synth, only, resources, synth

CLUSTER = "eks-platform-dev"
ROLE = "arn:aws:iam::123456789012:role/eks-platform-dev-eks-node"
#: Every option off its default.
WORKER = NodeGroupSpec(
    name="batch",
    instance_types=("m5.large", "m5a.large"),
    min_size=0,
    desired_size=1,
    max_size=8,
    capacity_type=CapacityType.SPOT,
    disk_size_gib=100,
    labels={"workload": "batch", "node-role": "batch"},
    taints=(Taint(key="batch", value="true", effect=TaintEffect.NO_EXECUTE),),
    max_unavailable=3,
    imds_hop_limit_two=True,
)


def _props(spec: NodeGroupSpec = SYSTEM, **changes: Any) -> ManagedNodeGroupProps:
    values: dict[str, Any] = {
        "cluster_name": CLUSTER,
        "spec": spec,
        "kubernetes_version": "1.35",
        "node_role_arn": ROLE,
        "subnet_ids": SUBNETS,
        "security_group_ids": [NODE_SG],
        "tags": {"environment": "dev"},
        **changes,
    }
    return ManagedNodeGroupProps(**values)


#: A Graviton group and an NVIDIA GPU group: their AMI type follows the instances.
GRAVITON = NodeGroupSpec(name="arm", instance_types=("m7g.large", "c7g.large"), min_size=1, desired_size=1, max_size=3)
GPU = NodeGroupSpec(name="gpu", instance_types=("g5.xlarge",), min_size=0, desired_size=0, max_size=2)
#: GPU instances on the standard AMI (a GPU operator installs the driver), set explicitly.
GPU_STANDARD = dataclasses.replace(GPU, name="gpuop", ami_type=AmiType.AL2023_X86_64_STANDARD)


def _build(stack: TerraformStack) -> None:
    ManagedNodeGroup(stack, "system", props=_props())
    ManagedNodeGroup(stack, "batch", props=_props(WORKER, tags={}))
    for spec in (GRAVITON, GPU, GPU_STANDARD):
        ManagedNodeGroup(stack, spec.name, props=_props(spec))


@pytest.fixture(scope="module")
def doc() -> Synth:
    return synth(_build)


def _group(doc: Synth, name: str) -> Any:
    (body,) = [v for k, v in resources(doc, "aws_eks_node_group").items() if k.startswith(f"{name}_")]
    return body


def _template(doc: Synth, name: str) -> Any:
    (body,) = [v for k, v in resources(doc, "aws_launch_template").items() if k.startswith(f"{name}_")]
    return body


# -- the node group ---------------------------------------------------------------------------


def test_construct_ids_come_from_the_group_name(doc: Synth) -> None:
    assert sorted(k.split("_")[0] for k in resources(doc, "aws_eks_node_group")) == [
        "arm",
        "batch",
        "gpu",
        "gpuop",
        "system",
    ]


def test_name_is_cluster_dash_group(doc: Synth) -> None:
    assert _group(doc, "system")["node_group_name"] == "eks-platform-dev-system"


def test_ami_type_is_al2023(doc: Synth) -> None:
    assert _group(doc, "system")["ami_type"] == "AL2023_x86_64_STANDARD"


def test_graviton_group_runs_the_arm_ami(doc: Synth) -> None:
    assert _group(doc, "arm")["ami_type"] == "AL2023_ARM_64_STANDARD"


def test_nvidia_group_runs_the_nvidia_ami(doc: Synth) -> None:
    assert _group(doc, "gpu")["ami_type"] == "AL2023_x86_64_NVIDIA"


def test_explicit_ami_type_is_used(doc: Synth) -> None:
    assert _group(doc, "gpuop")["ami_type"] == "AL2023_x86_64_STANDARD"


def test_resolved_ami_type_is_an_attribute() -> None:
    group = ManagedNodeGroup(TerraformStack(CdktfTesting.app(), "attr"), "arm", props=_props(GRAVITON))
    assert group.ami_type is AmiType.AL2023_ARM_64_STANDARD


def test_nodes_follow_the_cluster_version(doc: Synth) -> None:
    assert _group(doc, "system")["version"] == "1.35"


def test_on_demand_by_default(doc: Synth) -> None:
    assert _group(doc, "system")["capacity_type"] == "ON_DEMAND"


def test_spot_when_asked(doc: Synth) -> None:
    assert _group(doc, "batch")["capacity_type"] == "SPOT"


def test_instance_types_in_order(doc: Synth) -> None:
    assert _group(doc, "batch")["instance_types"] == ["m5.large", "m5a.large"]


def test_scaling_config(doc: Synth) -> None:
    assert _group(doc, "batch")["scaling_config"] == {"min_size": 0, "desired_size": 1, "max_size": 8}


def test_desired_size_is_left_to_the_autoscaler(doc: Synth) -> None:
    assert _group(doc, "system")["lifecycle"] == {"ignore_changes": ["scaling_config[0].desired_size"]}


def test_max_unavailable_default_is_one(doc: Synth) -> None:
    assert _group(doc, "system")["update_config"] == {"max_unavailable": 1}


def test_max_unavailable_override(doc: Synth) -> None:
    assert _group(doc, "batch")["update_config"] == {"max_unavailable": 3}


def test_labels_sorted(doc: Synth) -> None:
    assert _group(doc, "batch")["labels"] == {"node-role": "batch", "workload": "batch"}


def test_taints(doc: Synth) -> None:
    assert _group(doc, "batch")["taint"] == [{"key": "batch", "value": "true", "effect": "NO_EXECUTE"}]


def test_no_taint_block_without_taints(doc: Synth) -> None:
    untainted = dataclasses.replace(SYSTEM, role=NodeRole.WORKLOAD, labels={}, taints=())
    plain = synth(lambda stack: ManagedNodeGroup(stack, "plain", props=_props(untainted)))
    assert "taint" not in _group(plain, "plain")


def test_autoscaler_discovery_tags(doc: Synth) -> None:
    tags = _group(doc, "batch")["tags"]
    discovery = (tags["k8s.io/cluster-autoscaler/enabled"], tags[f"k8s.io/cluster-autoscaler/{CLUSTER}"])
    assert discovery == ("true", "owned")


def test_private_subnets(doc: Synth) -> None:
    assert _group(doc, "system")["subnet_ids"] == list(SUBNETS)


def test_node_role(doc: Synth) -> None:
    assert _group(doc, "system")["node_role_arn"] == ROLE


def test_uses_its_own_launch_template_latest_version(doc: Synth) -> None:
    template = _group(doc, "system")["launch_template"]
    assert template["version"].endswith(".latest_version}") and "system_launch-template" in template["id"]


def test_no_depends_on_by_default(doc: Synth) -> None:
    assert "depends_on" not in _group(doc, "system")


# -- the launch template ----------------------------------------------------------------------


def test_template_name_is_prefixed(doc: Synth) -> None:
    assert _template(doc, "system")["name"] == "eks-platform-dev-system"


def test_imdsv2_required(doc: Synth) -> None:
    assert _template(doc, "system")["metadata_options"]["http_tokens"] == "required"


def test_hop_limit_one_by_default(doc: Synth) -> None:
    assert _template(doc, "system")["metadata_options"]["http_put_response_hop_limit"] == 1


def test_hop_limit_two_when_opted_in(doc: Synth) -> None:
    assert _template(doc, "batch")["metadata_options"]["http_put_response_hop_limit"] == 2


def test_encrypted_gp3_root_volume(doc: Synth) -> None:
    ebs = _template(doc, "system")["block_device_mappings"][0]["ebs"]
    assert (ebs["volume_type"], ebs["encrypted"], ebs["volume_size"]) == ("gp3", "true", 50)


def test_disk_size_override(doc: Synth) -> None:
    assert _template(doc, "batch")["block_device_mappings"][0]["ebs"]["volume_size"] == 100


def test_root_device_is_xvda(doc: Synth) -> None:
    assert _template(doc, "system")["block_device_mappings"][0]["device_name"] == "/dev/xvda"


def test_node_security_group(doc: Synth) -> None:
    assert _template(doc, "system")["vpc_security_group_ids"] == [NODE_SG]


def test_tags_propagate_to_instances_volumes_and_enis(doc: Synth) -> None:
    specs = _template(doc, "system")["tag_specifications"]
    assert [s["resource_type"] for s in specs] == ["instance", "volume", "network-interface"]


def test_propagated_tags_include_the_given_tags_and_name(doc: Synth) -> None:
    tags = _template(doc, "system")["tag_specifications"][0]["tags"]
    assert tags == {"environment": "dev", "Name": "eks-platform-dev-system"}


def test_propagated_tags_default_to_name_only(doc: Synth) -> None:
    assert _template(doc, "batch")["tag_specifications"][1]["tags"] == {"Name": "eks-platform-dev-batch"}


# -- errors -----------------------------------------------------------------------------------


def _construct(props: ManagedNodeGroupProps) -> None:
    ManagedNodeGroup(TerraformStack(CdktfTesting.app(), "errors"), "group", props=props)


def test_spec_is_validated_with_the_group_name() -> None:
    with pytest.raises(ConfigError, match=r"node_groups\['system'\].desired_size"):
        _construct(_props(dataclasses.replace(SYSTEM, desired_size=10)))


def test_cluster_name_must_be_dns_label() -> None:
    with pytest.raises(ConfigError, match="`cluster_name`: must be a DNS-1123 label"):
        _construct(_props(cluster_name="EKS Platform"))


def test_name_fits_63_characters() -> None:
    long_group = dataclasses.replace(SYSTEM, name="a-very-long-node-group-name-xyz")
    with pytest.raises(ConfigError, match="longer than 63 characters"):
        _construct(_props(long_group, cluster_name="eks-platform-staging-with-a-long-name"))


def test_needs_subnets() -> None:
    with pytest.raises(ConfigError, match="subnet_ids`: must list at least one private subnet"):
        _construct(_props(subnet_ids=[]))


def test_needs_a_security_group() -> None:
    with pytest.raises(ConfigError, match="security_group_ids`: must list the node security group"):
        _construct(_props(security_group_ids=[]))


def test_ami_type_that_does_not_fit_the_instances_is_refused() -> None:
    arm_on_x86 = dataclasses.replace(SYSTEM, ami_type=AmiType.AL2023_ARM_64_STANDARD)
    with pytest.raises(ConfigError, match=r"node_groups\['system'\]\.ami_type`: does not run on m5\.large"):
        _construct(_props(arm_on_x86))


# -- rolling updates ------------------------------------------------------------------------------


def _spec(max_size: int, **changes: object) -> NodeGroupSpec:
    return dataclasses.replace(NodeGroupSpec(name="workers", instance_types=("m5.large",), min_size=1, desired_size=1, max_size=max_size), **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("max_size", "changes", "rollout", "minutes"),
    [
        (4, {}, (1, None), 100),  # 4 batches of one node, plus one batch of slack, 20 minutes each
        (2, {}, (1, None), 60),  # never below the provider's hour
        (10, {}, (None, 20), 120),  # a large group: 5 batches of 2 nodes
        (50, {}, (None, 20), 120),  # 5 batches of 10 nodes
        (50, {"max_unavailable": 5}, (5, None), 220),
        (4, {"max_unavailable_percentage": 50}, (None, 50), 60),
    ],
)
def test_rollout_and_update_timeout(
    max_size: int, changes: dict[str, object], rollout: tuple[int | None, int | None], minutes: int
) -> None:
    spec = _spec(max_size, **changes)
    assert (spec.resolved_rollout(), spec.update_timeout_minutes()) == (rollout, minutes)


def test_both_rollout_settings_are_refused() -> None:
    with pytest.raises(
        ConfigError,
        match=r"`g\.max_unavailable_percentage`: supply at most one of `max_unavailable` or "
        r"`max_unavailable_percentage` \(got 20\)",
    ):
        _spec(50, max_unavailable=2, max_unavailable_percentage=20).validate("g")


def test_large_group_rolls_by_percentage_with_a_longer_timeout() -> None:
    group = synth(lambda stack: ManagedNodeGroup(stack, "large", props=_props(_spec(50))))
    body = only(group, "aws_eks_node_group")
    assert (body["update_config"], body["timeouts"]) == ({"max_unavailable_percentage": 20}, {"update": "120m"})
