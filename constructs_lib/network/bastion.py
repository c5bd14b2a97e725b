"""The bastion: one small Amazon Linux 2023 instance to reach private endpoints (EKS API, databases).

* Reached through SSM Session Manager (``BastionMode.SSM``): it sits in a private subnet and its
  security group has no inbound rule at all; sessions are authorised by IAM and logged by SSM.
* ``BastionMode.SSM_AND_SSH`` puts it in a public subnet with a public IP and opens 22 to the listed
  CIDRs only (0.0.0.0/0 is rejected).
* Self-healing: an auto scaling group of exactly one, from a launch template, replaces the instance
  when it fails its EC2 health check or its AZ goes down; an instance refresh rolls it when the
  template changes (for example to a newer AMI).
* Hardened: IMDSv2 required with a hop limit of 1 (containers cannot reach the role), encrypted gp3
  root volume, and an instance role holding only ``AmazonSSMManagedInstanceCore``.
* The AMI is the latest AL2023 from the public SSM parameter, read at plan time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import Token
from cdktf_cdktf_provider_aws.autoscaling_group import (
    AutoscalingGroup,
    AutoscalingGroupInstanceRefresh,
    AutoscalingGroupInstanceRefreshPreferences,
    AutoscalingGroupLaunchTemplate,
    AutoscalingGroupTag,
)
from cdktf_cdktf_provider_aws.data_aws_ssm_parameter import DataAwsSsmParameter
from cdktf_cdktf_provider_aws.iam_instance_profile import IamInstanceProfile
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.launch_template import (
    LaunchTemplate,
    LaunchTemplateBlockDeviceMappings,
    LaunchTemplateBlockDeviceMappingsEbs,
    LaunchTemplateIamInstanceProfile,
    LaunchTemplateMetadataOptions,
    LaunchTemplateNetworkInterfaces,
    LaunchTemplateTagSpecifications,
)
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from constructs_lib.errors import ConfigError
from constructs_lib.iam import policy_document, statement
from constructs_lib.network.config import BastionMode, validate_bastion_access
from constructs_lib.security.context import AwsContext
from constructs_lib.stack import NAME_PREFIX, from_environment
from constructs_lib.validation import require, require_name_prefix

__all__ = ["AL2023_AMI_PARAMETER", "ROOT_VOLUME_GIB", "Bastion", "BastionProps"]

#: Public SSM parameter AWS keeps pointing at the newest Amazon Linux 2023 AMI (x86_64).
AL2023_AMI_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"

#: Root volume size: the AL2023 AMI's snapshot is 8 GiB; 10 leaves room for kubectl, helm and logs.
ROOT_VOLUME_GIB = 10


@dataclass(frozen=True, kw_only=True)
class BastionProps:
    """The bastion's placement and access."""

    vpc_id: str
    #: Subnets the auto scaling group may use: private for SSM, public for SSM_AND_SSH.
    subnet_ids: Sequence[str]
    #: Environment prefix of every name, e.g. ``eks-platform-dev``.
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: Default SSM: no inbound port.
    mode: BastionMode = BastionMode.SSM
    #: Default t3.micro (~8 USD/month): the bastion only runs CLI tools.
    instance_type: str = "t3.micro"
    #: CIDRs allowed on port 22 (SSM_AND_SSH only); 0.0.0.0/0 is rejected.
    ssh_cidrs: tuple[str, ...] = ()
    #: Existing EC2 key pair (SSM_AND_SSH only).
    ssh_key_name: str | None = None
    #: When given, the control plane accepts HTTPS (kubectl) from the bastion. Default: none.
    control_plane_security_group_id: str | None = None


class Bastion(Construct):
    """An SSM-managed bastion in an auto scaling group of one.

    Attributes: ``security_group_id``, ``role_name``, ``role_arn``, ``autoscaling_group_name``,
    ``launch_template_id``.
    """

    def __init__(self, scope: Construct, id: str, *, props: BastionProps) -> None:
        name_prefix = from_environment(scope, "bastion.name_prefix", props.name_prefix, NAME_PREFIX)
        super().__init__(scope, id)
        _validate(props, name_prefix)
        name = f"{name_prefix}-bastion"
        ssh = props.mode is BastionMode.SSM_AND_SSH

        group = SecurityGroup(
            self,
            "security-group",
            name=name,
            description="Bastion: SSM sessions" + (" and SSH from listed CIDRs" if ssh else ", no inbound"),
            vpc_id=props.vpc_id,
            tags={"Name": name},
        )
        self.security_group_id: str = group.id
        VpcSecurityGroupEgressRule(
            self,
            "https-out",
            security_group_id=group.id,
            description="HTTPS to SSM, the EKS API and package mirrors",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4="0.0.0.0/0",
        )
        for cidr in sorted(props.ssh_cidrs):
            VpcSecurityGroupIngressRule(
                self,
                f"ssh-from-{cidr.replace('/', '_')}",
                security_group_id=group.id,
                description=f"SSH from the allowed range {cidr}",
                ip_protocol="tcp",
                from_port=22,
                to_port=22,
                cidr_ipv4=cidr,
            )
        if props.control_plane_security_group_id is not None:
            VpcSecurityGroupIngressRule(
                self,
                "control-plane-from-bastion",
                security_group_id=props.control_plane_security_group_id,
                description="Kubernetes API (HTTPS) from the bastion",
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                referenced_security_group_id=group.id,
            )

        role = IamRole(
            self,
            "role",
            name=name,
            description="Bastion instance role: Session Manager only",
            assume_role_policy=policy_document(
                statement("Ec2AssumesRole", ["sts:AssumeRole"], principals={"Service": "ec2.amazonaws.com"})
            ),
        )
        IamRolePolicyAttachment(
            self,
            "ssm-core",
            role=role.name,
            policy_arn=f"arn:{AwsContext.of(self).partition}:iam::aws:policy/AmazonSSMManagedInstanceCore",
        )
        profile = IamInstanceProfile(self, "instance-profile", name=name, role=role.name)
        self.role_name: str = role.name
        self.role_arn: str = role.arn

        ami = DataAwsSsmParameter(self, "ami", name=AL2023_AMI_PARAMETER)
        template = LaunchTemplate(
            self,
            "launch-template",
            name=name,
            description="Bastion: AL2023, IMDSv2 only, encrypted root volume",
            image_id=ami.insecure_value,
            instance_type=props.instance_type,
            key_name=props.ssh_key_name,
            ebs_optimized="true",
            update_default_version=True,
            iam_instance_profile=LaunchTemplateIamInstanceProfile(arn=profile.arn),
            metadata_options=LaunchTemplateMetadataOptions(
                http_endpoint="enabled",
                http_tokens="required",
                http_put_response_hop_limit=1,
            ),
            block_device_mappings=[
                LaunchTemplateBlockDeviceMappings(
                    device_name="/dev/xvda",
                    ebs=LaunchTemplateBlockDeviceMappingsEbs(
                        volume_size=ROOT_VOLUME_GIB,
                        volume_type="gp3",
                        encrypted="true",
                        delete_on_termination="true",
                    ),
                )
            ],
            network_interfaces=[
                LaunchTemplateNetworkInterfaces(
                    device_index=0,
                    associate_public_ip_address="true" if ssh else "false",
                    security_groups=[group.id],
                    delete_on_termination="true",
                )
            ],
            tag_specifications=[
                LaunchTemplateTagSpecifications(resource_type=kind, tags={"Name": name})
                for kind in ("instance", "volume")
            ],
        )
        self.launch_template_id: str = template.id
        asg = AutoscalingGroup(
            self,
            "autoscaling-group",
            name=name,
            min_size=1,
            max_size=1,
            desired_capacity=1,
            vpc_zone_identifier=list(props.subnet_ids),
            health_check_type="EC2",
            launch_template=AutoscalingGroupLaunchTemplate(
                id=template.id, version=Token.as_string(template.latest_version)
            ),
            instance_refresh=AutoscalingGroupInstanceRefresh(
                strategy="Rolling",
                preferences=AutoscalingGroupInstanceRefreshPreferences(min_healthy_percentage=0),
            ),
            tag=[AutoscalingGroupTag(key="Name", value=name, propagate_at_launch=True)],
        )
        self.autoscaling_group_name: str = asg.name


def _validate(props: BastionProps, name_prefix: str) -> None:
    require_name_prefix("bastion.name_prefix", name_prefix)
    if props.mode is BastionMode.NONE:
        raise ConfigError(
            "bastion.mode",
            "must be SSM or SSM_AND_SSH: a Bastion construct always creates an instance",
            props.mode.value,
            "do not create the Bastion construct when no bastion is wanted",
        )
    validate_bastion_access(
        "bastion",
        mode=props.mode,
        instance_type=props.instance_type,
        ssh_cidrs=tuple(props.ssh_cidrs),
        ssh_key_name=props.ssh_key_name,
        prefix="",
    )
    require(
        len(props.subnet_ids) > 0,
        "bastion.subnet_ids",
        "must list at least one subnet",
        list(props.subnet_ids),
        "pass the private subnet ids (or public ones for SSM_AND_SSH)",
    )
