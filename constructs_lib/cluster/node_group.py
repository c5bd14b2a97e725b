"""One row of the node-group matrix: an EKS managed node group with its own launch template."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from cdktf import ITerraformDependable, TerraformResourceLifecycle, Token
from cdktf_cdktf_provider_aws.eks_node_group import (
    EksNodeGroup,
    EksNodeGroupLaunchTemplate,
    EksNodeGroupScalingConfig,
    EksNodeGroupTaint,
    EksNodeGroupTimeouts,
    EksNodeGroupUpdateConfig,
)
from cdktf_cdktf_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateMetadataOptions,
    LaunchTemplateTagSpecifications,
)
from constructs import Construct

from constructs_lib.cluster.config import NodeGroupSpec, require_node_group_name_fits
from constructs_lib.cluster.instance_types import AmiType, resolve_ami_type
from constructs_lib.stack import CLUSTER_NAME, INSTANCE_TAGS, from_environment
from constructs_lib.validation import require, require_dns_label

__all__ = [
    "ManagedNodeGroup",
    "ManagedNodeGroupProps",
    "autoscaler_discovery_tags",
]

#: Root device of the AL2023 EKS AMIs.
ROOT_DEVICE_NAME = "/dev/xvda"
#: The cluster autoscaler owns the group's current size once the group exists, so terraform must not
#: reset it to ``desired_size`` on every apply (that would undo every scale-out and scale-in).
IGNORED_CHANGES = ("scaling_config[0].desired_size",)
#: Launch-template resources whose tags are set explicitly: the provider's default_tags do not reach
#: instances, volumes and network interfaces that EC2 Auto Scaling launches.
TAGGED_RESOURCE_TYPES = ("instance", "volume", "network-interface")


def autoscaler_discovery_tags(cluster_name: str) -> dict[str, str]:
    """The tags the cluster autoscaler's auto-discovery looks for (``--node-group-auto-discovery``)."""
    return {
        "k8s.io/cluster-autoscaler/enabled": "true",
        f"k8s.io/cluster-autoscaler/{cluster_name}": "owned",
    }


@dataclass(frozen=True, kw_only=True)
class ManagedNodeGroupProps:
    """Inputs of one node group; the cluster construct fills them from its own attributes."""

    #: The row of the matrix this group implements.
    spec: NodeGroupSpec
    #: Kubernetes version of the nodes; the cluster's, so an upgrade of the cluster rolls the nodes.
    kubernetes_version: str
    #: Instance role of the nodes.
    node_role_arn: str
    #: Private subnets the nodes are spread across (one per AZ).
    subnet_ids: Sequence[str]
    #: Security groups of the nodes (the network tier's node security group).
    security_group_ids: Sequence[str]
    #: The cluster's name as a plain string (it is part of tag keys and of the group's AWS name).
    #: Default None: the stack's environment's cluster name (``config.prefix``, the name ``EksCluster``
    #: gives its cluster there); outside an ``EnvironmentStack`` a ConfigError.
    cluster_name: str | None = None
    #: Tags written on the instances, root volumes and ENIs besides ``Name``, which the provider's
    #: default_tags cannot reach on what EC2 Auto Scaling launches. Default None: the stack's
    #: environment's provider default tags (``EnvironmentStack.default_tags``); outside an
    #: ``EnvironmentStack`` none. ``{}`` turns them off in an environment too.
    tags: Mapping[str, str] | None = None
    #: Resources that must exist before the group (node role policies, vpc-cni). Default: none.
    depends_on: Sequence[ITerraformDependable] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "subnet_ids", tuple(self.subnet_ids))
        object.__setattr__(self, "security_group_ids", tuple(self.security_group_ids))
        if self.tags is not None:
            object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))
        object.__setattr__(self, "depends_on", tuple(self.depends_on))


class ManagedNodeGroup(Construct):
    """An ``aws_eks_node_group`` on AL2023 with a dedicated, hardened ``aws_launch_template``.

    The AMI type is the spec's ``ami_type`` or follows the instance types (x86_64 or ARM, NVIDIA on
    NVIDIA GPU families; :func:`~constructs_lib.cluster.instance_types.resolve_ami_type`).

    The launch template requires IMDSv2 with a hop limit of 1 (pods cannot reach the node's role
    credentials) unless the spec opts in to 2, gives the nodes an encrypted gp3 root volume of
    ``disk_size_gib`` (the account's default EBS key), and tags instances, volumes and ENIs. The
    group carries the cluster-autoscaler discovery tags, and its ``desired_size`` is ignored after
    creation (the autoscaler owns it).

    Attributes: ``node_group`` (the resource, for ``depends_on``), ``node_group_name`` (a reference),
    ``launch_template_id``, ``ami_type`` (the resolved :class:`AmiType`).
    """

    def __init__(self, scope: Construct, id: str, *, props: ManagedNodeGroupProps) -> None:
        cluster_name = from_environment(scope, "cluster_name", props.cluster_name, CLUSTER_NAME)
        tags = from_environment(scope, "tags", props.tags, INSTANCE_TAGS, outside={})
        super().__init__(scope, id)
        spec = props.spec
        path = f"node_groups[{spec.name!r}]"
        spec.validate(path)
        require_dns_label("cluster_name", cluster_name, max_length=100)
        name = require_node_group_name_fits(f"{path}.name", cluster_name, spec.name)
        require(
            len(props.subnet_ids) > 0,
            f"{path}.subnet_ids",
            "must list at least one private subnet",
            [],
            "pass the network tier's private subnet ids",
        )
        require(
            len(props.security_group_ids) > 0,
            f"{path}.security_group_ids",
            "must list the node security group",
            [],
            "pass the network tier's node security group id",
        )
        # Amazon Linux 2023, the EKS-optimized AMI that EKS keeps patched (AL2 ends with 1.32), in the
        # variant the instances need: x86_64 or ARM (Graviton), with NVIDIA drivers on NVIDIA GPUs.
        self.ami_type: AmiType = resolve_ami_type(path, spec.instance_types, spec.ami_type)
        instance_tags = {**tags, "Name": name}
        self.launch_template = LaunchTemplate(
            self,
            "launch-template",
            name=name,
            description=f"Nodes of EKS node group {name}",
            update_default_version=True,
            vpc_security_group_ids=list(props.security_group_ids),
            metadata_options=LaunchTemplateMetadataOptions(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=2 if spec.imds_hop_limit_two else 1,
                instance_metadata_tags="disabled",
            ),
            block_device_mappings=[
                LaunchTemplateBlockDeviceMappings(
                    device_name=ROOT_DEVICE_NAME,
                    ebs=LaunchTemplateBlockDeviceMappingsEbs(
                        volume_size=spec.disk_size_gib,
                        volume_type="gp3",
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            tag_specifications=[
                LaunchTemplateTagSpecifications(resource_type=resource_type, tags=instance_tags)
                for resource_type in TAGGED_RESOURCE_TYPES
            ],
        )
        count, percentage = spec.resolved_rollout()
        self.node_group = EksNodeGroup(
            self,
            "node-group",
            cluster_name=cluster_name,
            node_group_name=name,
            node_role_arn=props.node_role_arn,
            subnet_ids=list(props.subnet_ids),
            version=props.kubernetes_version,
            ami_type=self.ami_type.value,
            capacity_type=spec.capacity_type.value,
            instance_types=list(spec.instance_types),
            scaling_config=EksNodeGroupScalingConfig(
                min_size=spec.min_size, desired_size=spec.desired_size, max_size=spec.max_size
            ),
            update_config=EksNodeGroupUpdateConfig(max_unavailable=count, max_unavailable_percentage=percentage),
            # A rolling update of a large group takes longer than the provider's default hour.
            timeouts=EksNodeGroupTimeouts(update=f"{spec.update_timeout_minutes()}m"),
            labels=dict(sorted(spec.labels.items())) or None,
            taint=[EksNodeGroupTaint(key=t.key, value=t.value, effect=t.effect.value) for t in spec.taints] or None,
            launch_template=EksNodeGroupLaunchTemplate(
                id=self.launch_template.id, version=Token.as_string(self.launch_template.latest_version)
            ),
            tags={"Name": name, **autoscaler_discovery_tags(cluster_name)},
            lifecycle=TerraformResourceLifecycle(ignore_changes=list(IGNORED_CHANGES)),
            depends_on=list(props.depends_on) or None,
        )
        self.node_group_name: str = self.node_group.node_group_name
        self.launch_template_id: str = self.launch_template.id
