"""The karpenter add-on alone (PlatformAddons with plain inputs): chart values, EC2NodeClasses and
NodePools from the node-group matrix, and its IAM permissions."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from constructs_lib.cluster.config import CapacityType, NodeGroupSpec, NodeRole, Taint, TaintEffect
from constructs_lib.cluster.karpenter import DISCOVERY_TAG, KarpenterNodes
from constructs_lib.errors import ConfigError
from constructs_lib.identity import presets
from constructs_lib.platform.addons import PlatformAddons
from constructs_lib.platform.addons.karpenter import KARPENTER_AMI_ALIAS, NODE_POOLS_RELEASE
from constructs_lib.platform.config import AddonsConfig
from tests.helpers import Synth, resources, synth
from tests.platform.test_addons import PROPS

NODES = KarpenterNodes(
    queue_name="eks-platform-prod-karpenter-interruption",
    queue_arn="arn:aws:sqs:us-east-1:123456789012:eks-platform-prod-karpenter-interruption",
    instance_profile_name="eks-platform-prod-karpenter-node",
    instance_profile_arn="arn:aws:iam::123456789012:instance-profile/eks-platform-prod-karpenter-node",
    node_role_arn="arn:aws:iam::123456789012:role/eks-platform-prod-eks-node",
)
GROUPS = (
    NodeGroupSpec(name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=4, role=NodeRole.SYSTEM),
    NodeGroupSpec(name="application", instance_types=("m5.xlarge",), min_size=2, desired_size=2, max_size=10, labels={"node-role": "application"}),
    NodeGroupSpec(
        name="batch",
        instance_types=("c5.2xlarge", "c5.xlarge"),
        min_size=0,
        desired_size=0,
        max_size=5,
        capacity_type=CapacityType.SPOT,
        disk_size_gib=80,
        imds_hop_limit_two=True,
        taints=(Taint(key="batch", value="true", effect=TaintEffect.NO_EXECUTE),),
    ),
)
KARPENTER_PROPS = dataclasses.replace(
    PROPS,
    addons=AddonsConfig(cluster_autoscaler=False, karpenter=True),
    service_account_role_arns={
        **{k: v for k, v in PROPS.service_account_role_arns.items() if k != "cluster_autoscaler"},
        "karpenter": "arn:aws:iam::123456789012:role/eks-platform-prod-karpenter",
    },
    node_groups=GROUPS,
    karpenter=NODES,
)


@pytest.fixture(scope="module")
def doc() -> Synth:
    return synth(lambda stack: PlatformAddons(stack, "addons", props=KARPENTER_PROPS))


def release(doc: Synth, name: str) -> dict[str, Any]:
    (found,) = [body for body in resources(doc, "helm_release").values() if body["name"] == name]
    return dict(found)


def values(doc: Synth, name: str) -> dict[str, Any]:
    return dict(json.loads(release(doc, name)["values"][0]))


def manifests(doc: Synth, kind: str) -> dict[str, dict[str, Any]]:
    return {m["metadata"]["name"]: m for m in values(doc, NODE_POOLS_RELEASE)["manifests"] if m["kind"] == kind}


def test_chart_is_the_pinned_oci_reference(doc: Synth) -> None:
    body = release(doc, "karpenter")
    assert (body["chart"], body.get("repository"), body["version"]) == (
        "oci://public.ecr.aws/karpenter/karpenter",
        None,
        "1.14.1",
    )


def test_settings_name_the_cluster_and_the_queue(doc: Synth) -> None:
    assert values(doc, "karpenter")["settings"] == {
        "clusterName": "eks-platform-prod",
        "interruptionQueue": NODES.queue_name,
    }


def test_two_replicas(doc: Synth) -> None:
    assert values(doc, "karpenter")["replicas"] == 2


def test_controller_runs_on_the_system_group(doc: Synth) -> None:
    rendered = values(doc, "karpenter")
    assert (rendered["nodeSelector"], rendered["tolerations"][0]["key"]) == (
        {"node-role": "system"},
        "CriticalAddonsOnly",
    )


def test_region_is_given_because_pods_cannot_reach_imds(doc: Synth) -> None:
    assert values(doc, "karpenter")["controller"]["env"] == [{"name": "AWS_REGION", "value": "us-east-1"}]


def test_service_account_carries_the_role(doc: Synth) -> None:
    account = values(doc, "karpenter")["serviceAccount"]
    assert account["annotations"]["eks.amazonaws.com/role-arn"].endswith(":role/eks-platform-prod-karpenter")


def test_cluster_autoscaler_is_not_installed(doc: Synth) -> None:
    assert "cluster-autoscaler" not in {b["name"] for b in resources(doc, "helm_release").values()}


def test_one_node_pool_per_non_system_group(doc: Synth) -> None:
    assert sorted(manifests(doc, "NodePool")) == ["application", "batch"]


def test_node_pools_are_applied_after_the_controller(doc: Synth) -> None:
    (key,) = [k for k, b in resources(doc, "helm_release").items() if b["name"] == "karpenter"]
    assert release(doc, NODE_POOLS_RELEASE)["depends_on"] == [f"helm_release.{key}"]


def test_node_pool_instance_types_and_capacity(doc: Synth) -> None:
    requirements = manifests(doc, "NodePool")["batch"]["spec"]["template"]["spec"]["requirements"]
    assert requirements == [
        {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["c5.2xlarge", "c5.xlarge"]},
        {"key": "karpenter.sh/capacity-type", "operator": "In", "values": ["spot"]},
    ]


def test_node_pool_labels(doc: Synth) -> None:
    template = manifests(doc, "NodePool")["application"]["spec"]["template"]
    assert template["metadata"]["labels"] == {"node-role": "application"}


def test_node_pool_taints_in_kubernetes_spelling(doc: Synth) -> None:
    taints = manifests(doc, "NodePool")["batch"]["spec"]["template"]["spec"]["taints"]
    assert taints == [{"key": "batch", "value": "true", "effect": "NoExecute"}]


def test_node_pool_cpu_limit_is_max_size_times_largest_type(doc: Synth) -> None:
    # batch: 5 nodes of c5.2xlarge (8 vCPUs); application: 10 x m5.xlarge (4 vCPUs).
    pools = manifests(doc, "NodePool")
    assert (pools["batch"]["spec"]["limits"], pools["application"]["spec"]["limits"]) == ({"cpu": "40"}, {"cpu": "40"})


def test_node_pool_uses_its_own_node_class(doc: Synth) -> None:
    ref = manifests(doc, "NodePool")["batch"]["spec"]["template"]["spec"]["nodeClassRef"]
    assert ref == {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": "batch"}


def test_node_class_discovers_subnets_and_security_groups_by_tag(doc: Synth) -> None:
    spec = manifests(doc, "EC2NodeClass")["application"]["spec"]
    expected = [{"tags": {DISCOVERY_TAG: "eks-platform-prod"}}]
    assert (spec["subnetSelectorTerms"], spec["securityGroupSelectorTerms"]) == (expected, expected)


def test_node_class_uses_the_stacks_instance_profile(doc: Synth) -> None:
    spec = manifests(doc, "EC2NodeClass")["application"]["spec"]
    assert (spec["instanceProfile"], "role" in spec) == (NODES.instance_profile_name, False)


def test_node_class_image(doc: Synth) -> None:
    assert manifests(doc, "EC2NodeClass")["application"]["spec"]["amiSelectorTerms"] == [{"alias": KARPENTER_AMI_ALIAS}]


def test_node_class_disk_is_the_groups_encrypted_gp3(doc: Synth) -> None:
    (device,) = manifests(doc, "EC2NodeClass")["batch"]["spec"]["blockDeviceMappings"]
    assert device["ebs"] == {"volumeSize": "80Gi", "volumeType": "gp3", "encrypted": True, "deleteOnTermination": True}


def test_node_class_imds_v2_hop_limit_one_by_default(doc: Synth) -> None:
    options = manifests(doc, "EC2NodeClass")["application"]["spec"]["metadataOptions"]
    assert (options["httpTokens"], options["httpPutResponseHopLimit"]) == ("required", 1)


def test_node_class_hop_limit_two_when_the_group_asks(doc: Synth) -> None:
    assert manifests(doc, "EC2NodeClass")["batch"]["spec"]["metadataOptions"]["httpPutResponseHopLimit"] == 2


def test_karpenter_without_its_queue_is_refused() -> None:
    props = dataclasses.replace(KARPENTER_PROPS, karpenter=None)
    with pytest.raises(ConfigError, match=r"`props\.karpenter`: is required when karpenter is on"):
        synth(lambda stack: PlatformAddons(stack, "addons", props=props))


# -- permissions -------------------------------------------------------------------------------
class _Context:
    partition = "aws"
    account_id = "123456789012"
    region = "us-east-1"
    dns_suffix = "amazonaws.com"


def _statements() -> dict[str, dict[str, Any]]:
    permissions = presets.karpenter(
        _Context(),
        cluster_name="eks-platform-prod",
        node_role_arn=NODES.node_role_arn,
        instance_profile_arn=NODES.instance_profile_arn,
        queue_arn=NODES.queue_arn,
    )
    return {s["Sid"]: dict(s) for s in permissions.statements}


def test_writes_require_the_clusters_owned_tag() -> None:
    for sid in ("LaunchFromOwnTemplates", "LabelOwnInstances", "DeleteOwnedResources"):
        assert (
            _statements()[sid]["Condition"]["StringEquals"]["aws:ResourceTag/kubernetes.io/cluster/eks-platform-prod"]
            == "owned"
        ), sid


def test_launches_only_into_the_discovered_network() -> None:
    statement = _statements()["LaunchIntoDiscoveredNetwork"]
    assert statement["Condition"] == {"StringEquals": {"aws:ResourceTag/karpenter.sh/discovery": "eks-platform-prod"}}


def test_passes_only_the_node_role_to_ec2() -> None:
    statement = _statements()["PassNodeRoleToEc2"]
    assert (statement["Resource"], statement["Condition"]) == (
        NODES.node_role_arn,
        {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
    )


def test_no_iam_write_action() -> None:
    actions = [
        a for s in _statements().values() for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    ]
    assert [a for a in actions if a.startswith("iam:") and a not in ("iam:PassRole", "iam:GetInstanceProfile")] == []


def test_queue_access_is_receive_and_delete_on_its_queue() -> None:
    statement = _statements()["ConsumeInterruptionQueue"]
    assert (statement["Resource"], statement["Action"]) == (
        NODES.queue_arn,
        ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
    )
