"""karpenter: launches right-sized nodes for pending pods, in place of cluster-autoscaler.

The managed SYSTEM node group hosts the controller (and coredns and the other critical add-ons);
every other node group of the matrix becomes a NodePool with an EC2NodeClass of its own, applied
after the controller's release (its CRDs exist then).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from constructs_lib.cluster.config import CapacityType, NodeGroupSpec, NodeRole
from constructs_lib.cluster.karpenter import DISCOVERY_TAG, KarpenterNodes
from constructs_lib.identity import presets
from constructs_lib.identity.irsa import Permissions
from constructs_lib.network.capacity import INSTANCE_NETWORK_LIMITS
from constructs_lib.platform.addon import (
    Addon,
    AddonContext,
    ChartFacts,
    CustomResources,
    PermissionsContext,
)
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource
from constructs_lib.validation import require

__all__ = ["KARPENTER_AMI_ALIAS", "NODE_POOLS_RELEASE", "KarpenterAddon", "node_class", "node_pool"]

#: The release (and construct id) of the EC2NodeClasses and NodePools.
NODE_POOLS_RELEASE = "karpenter-node-pools"

#: Amazon Linux 2023, the EKS-optimized image for the node's architecture (and NVIDIA variant),
#: newest release: Karpenter replaces nodes as new images come out (drift), so security fixes reach
#: them without a config change. Pin ``al2023@v<date>`` in a fork that needs frozen images.
KARPENTER_AMI_ALIAS = "al2023@latest"

#: The root device of Amazon Linux 2023 images.
_ROOT_DEVICE = "/dev/xvda"

_CAPACITY_TYPES = {CapacityType.ON_DEMAND: "on-demand", CapacityType.SPOT: "spot"}


def _vcpus(spec: NodeGroupSpec) -> int:
    """vCPUs of the group's largest instance type (its ``network_limits`` override, else the table)."""
    if spec.network_limits is not None:
        return spec.network_limits.vcpus
    return max(INSTANCE_NETWORK_LIMITS[t].vcpus for t in spec.instance_types)


def node_class(spec: NodeGroupSpec, *, cluster_name: str, instance_profile: str) -> dict[str, Any]:
    """The EC2NodeClass of one node group: its disk, IMDS and the discovered network."""
    discovered = [{"tags": {DISCOVERY_TAG: cluster_name}}]
    return {
        "apiVersion": "karpenter.k8s.aws/v1",
        "kind": "EC2NodeClass",
        "metadata": {"name": spec.name},
        "spec": {
            "amiSelectorTerms": [{"alias": KARPENTER_AMI_ALIAS}],
            # The stack's instance profile: the controller needs no IAM write permission.
            "instanceProfile": instance_profile,
            "subnetSelectorTerms": discovered,
            "securityGroupSelectorTerms": discovered,
            # IMDSv2 only; hop limit 1 keeps pods away from the node role unless the group asks.
            "metadataOptions": {
                "httpEndpoint": "enabled",
                "httpTokens": "required",
                "httpPutResponseHopLimit": 2 if spec.imds_hop_limit_two else 1,
            },
            "blockDeviceMappings": [
                {
                    "deviceName": _ROOT_DEVICE,
                    "ebs": {
                        "volumeSize": f"{spec.disk_size_gib}Gi",
                        "volumeType": "gp3",
                        "encrypted": True,
                        "deleteOnTermination": True,
                    },
                }
            ],
        },
    }


def node_pool(spec: NodeGroupSpec) -> dict[str, Any]:
    """The NodePool of one node group: its instance types, capacity type, labels and taints; a CPU
    limit of ``max_size`` nodes of its largest type, so Karpenter never outgrows the group's budget."""
    template: dict[str, Any] = {
        "nodeClassRef": {"group": "karpenter.k8s.aws", "kind": "EC2NodeClass", "name": spec.name},
        "requirements": [
            {"key": "node.kubernetes.io/instance-type", "operator": "In", "values": list(spec.instance_types)},
            {"key": "karpenter.sh/capacity-type", "operator": "In", "values": [_CAPACITY_TYPES[spec.capacity_type]]},
        ],
    }
    if spec.taints:
        template["taints"] = [
            {"key": t.key, "value": t.value, "effect": t.kubernetes_effect}
            if t.value
            else {"key": t.key, "effect": t.kubernetes_effect}
            for t in spec.taints
        ]
    return {
        "apiVersion": "karpenter.sh/v1",
        "kind": "NodePool",
        "metadata": {"name": spec.name},
        "spec": {
            "template": {"metadata": {"labels": dict(spec.labels)}, "spec": template},
            "limits": {"cpu": str(spec.max_size * _vcpus(spec))},
            # Cost: empty and underused nodes are consolidated after a minute of quiet.
            "disruption": {"consolidationPolicy": "WhenEmptyOrUnderutilized", "consolidateAfter": "1m"},
        },
    }


class KarpenterAddon(Addon):
    name = "karpenter"
    release_name = "karpenter"
    # 1.14.1 (controller 1.14.1), verified 2026-12-02 at the release commit 1d927085 of
    # aws/karpenter-provider-aws (the v1.14.1 tag predates the chart's version bump). No webhook since 1.0.
    source = ChartSource("oci://public.ecr.aws/karpenter/karpenter", None, "1.14.1")
    namespace = ADDON_NAMESPACES["karpenter"]
    service_account = "karpenter"
    critical = True
    role_name = "karpenter"
    provides_nodes = True
    facts = ChartFacts(
        version="1.14.1",
        repository="aws/karpenter-provider-aws",
        ref="1d927085dd81a9df9301e613f371dac5b4d16bfe",
        chart_path="charts/karpenter",
        value_paths=frozenset(
            {
                "settings.clusterName",
                "settings.interruptionQueue",
                "serviceAccount.create",
                "serviceAccount.name",
                "serviceAccount.annotations",
                "replicas",
                "controller.env",
                "tolerations",
                "nodeSelector",
                "priorityClassName",
            }
        ),
        notes=(
            "Chart and controller 1.14.1; the chart's CRDs (EC2NodeClass, NodePool, NodeClaim, NodeOverlay) "
            "install with the release, so NodePools go in a later release.",
            "The default affinity keeps the controller off nodes it launched (karpenter.sh/nodepool must not "
            "exist) and spreads replicas over hosts and zones; the default toleration is CriticalAddonsOnly.",
            "The container runs as non-root, read-only root filesystem, all capabilities dropped, "
            "RuntimeDefault seccomp: the restricted profile admits it.",
            "The region comes from IMDS unless AWS_REGION is set (controller.env); pods cannot reach IMDS here.",
            "EC2NodeClass takes exactly one of role or instanceProfile; al2023@<version> aliases pick the image.",
        ),
    )

    def permissions(self, context: PermissionsContext) -> Permissions:
        nodes = _require_nodes(context.karpenter, "permissions.karpenter")
        return presets.karpenter(
            context.aws,
            cluster_name=context.cluster_name,
            node_role_arn=nodes.node_role_arn,
            instance_profile_arn=nodes.instance_profile_arn,
            queue_arn=nodes.queue_arn,
        )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        nodes = _require_nodes(context.karpenter, "context.karpenter")
        return {
            "settings": {"clusterName": context.cluster_name, "interruptionQueue": nodes.queue_name},
            "serviceAccount": self.service_account_values(context),
            # Two replicas (leader election): a node drain never leaves pending pods without a provisioner.
            "replicas": 2,
            "controller": {"env": [{"name": "AWS_REGION", "value": context.region}]},
            **self.critical_scheduling(),
        }

    def custom_resources(self, context: AddonContext) -> Sequence[CustomResources]:
        nodes = _require_nodes(context.karpenter, "context.karpenter")
        groups = [g for g in context.node_groups if g.role is not NodeRole.SYSTEM]
        manifests: list[Mapping[str, Any]] = []
        for group in groups:
            manifests.append(
                node_class(group, cluster_name=context.cluster_name, instance_profile=nodes.instance_profile_name)
            )
            manifests.append(node_pool(group))
        return (CustomResources(NODE_POOLS_RELEASE, tuple(manifests)),) if manifests else ()


def _require_nodes(nodes: KarpenterNodes | None, path: str) -> KarpenterNodes:
    require(
        nodes is not None,
        path,
        "is required when karpenter is on (its interruption queue and instance profile)",
        None,
        "create a KarpenterInterruption and pass its nodes",
    )
    assert nodes is not None
    return nodes
