"""Shared inputs of the EKS-tier tests: literal network ids and a cluster builder."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf import TerraformStack

from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec, NodeRole
from constructs_lib.cluster.eks_cluster import EksCluster, EksClusterProps
from constructs_lib.network.config import PodAddressing
from constructs_lib.protections import Protections, Stage
from constructs_lib.security import AwsContext

SUBNETS = ("subnet-aaaa", "subnet-bbbb", "subnet-cccc")
CONTROL_PLANE_SG = "sg-0000000000000000f"
NODE_SG = "sg-0000000000000000e"
ADMIN_ROLE = "arn:aws:iam::123456789012:role/platform-admin"
EBS_CSI_ROLE = "arn:aws:iam::123456789012:role/eks-platform-prod-ebs-csi"

SYSTEM = NodeGroupSpec(name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=4, role=NodeRole.SYSTEM)
APPLICATION = NodeGroupSpec(name="application", instance_types=("m5.xlarge",), min_size=5, desired_size=5, max_size=50, labels={"node-role": "application"})
GROUPS = (SYSTEM, APPLICATION)


def props(
    *,
    name_prefix: str = "eks-platform-prod",
    config: ClusterConfig | None = None,
    node_groups: Sequence[NodeGroupSpec] = GROUPS,
    subnets: Sequence[str] = SUBNETS,
    control_plane_sg: str = CONTROL_PLANE_SG,
    node_sg: str = NODE_SG,
    stage: Stage = Stage.PROD,
    protections: Protections | None = None,
    pod_addressing: PodAddressing = PodAddressing.PREFIX_DELEGATION,
) -> EksClusterProps:
    return EksClusterProps(
        name_prefix=name_prefix,
        config=config or ClusterConfig(),
        node_groups=node_groups,
        private_subnet_ids=subnets,
        control_plane_security_group_id=control_plane_sg,
        node_security_group_id=node_sg,
        stage=stage,
        protections=protections if protections is not None else Protections.for_stage(stage),
        instance_tags={"environment": "prod", "project": "eks-platform"},
        pod_addressing=pod_addressing,
    )


def cluster(stack: TerraformStack, **changes: object) -> EksCluster:
    """An EksCluster in ``stack`` built from :func:`props` with ``changes``."""
    AwsContext(stack, region="us-east-1")
    return EksCluster(stack, "eks", props=props(**changes))  # type: ignore[arg-type]
