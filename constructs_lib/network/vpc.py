"""The ``Network`` construct: a three-tier VPC across N availability zones.

Per AZ (ids derived from the AZ name, never from list positions):

* a **public** subnet (``kubernetes.io/role/elb=1``) routed to the internet gateway; NAT gateways
  with tagged Elastic IPs live here;
* a **private** subnet (``kubernetes.io/role/internal-elb=1``) for nodes and pods, with its own
  route table whose default route goes to the NAT gateway of its own AZ (``PER_AZ``), the single
  NAT gateway (``SINGLE``) or nowhere (``NONE``);
* a **database** subnet on a shared route table with no internet route, grouped in an
  ``aws_db_subnet_group``.

Also: the default security group adopted with every rule removed, VPC flow logs to a KMS-encrypted
CloudWatch log group (retention per environment) through a least-privilege role, the VPC endpoints,
the seed 002 security groups and the bastion.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.db_subnet_group import DbSubnetGroup
from cdktf_cdktf_provider_aws.default_security_group import DefaultSecurityGroup
from cdktf_cdktf_provider_aws.eip import Eip
from cdktf_cdktf_provider_aws.flow_log import FlowLog
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.internet_gateway import InternetGateway
from cdktf_cdktf_provider_aws.nat_gateway import NatGateway
from cdktf_cdktf_provider_aws.route import Route
from cdktf_cdktf_provider_aws.route_table import RouteTable
from cdktf_cdktf_provider_aws.route_table_association import RouteTableAssociation
from cdktf_cdktf_provider_aws.subnet import Subnet
from cdktf_cdktf_provider_aws.vpc import Vpc
from constructs import Construct

from constructs_lib.cluster.config import NodeGroupSpec
from constructs_lib.iam import policy_document, statement
from constructs_lib.network.bastion import Bastion, BastionProps
from constructs_lib.network.capacity import CapacityReport, check_ip_capacity
from constructs_lib.network.cidr import CidrPlan, Tier, plan_subnets
from constructs_lib.network.config import BastionMode, NatMode, NetworkConfig, flow_log_retention_days
from constructs_lib.network.endpoints import VpcEndpoints, VpcEndpointsProps
from constructs_lib.network.security_groups import CONTROL_PLANE_TO_NODE_PORTS, SecurityGroups, SecurityGroupsProps
from constructs_lib.protections import Protections, Stage, require_protections, require_stage_member
from constructs_lib.security.context import AwsContext
from constructs_lib.security.kms import KmsKey, KmsKeyProps
from constructs_lib.stack import NAME_PREFIX, NODE_GROUPS, PROTECTIONS, REGION, STAGE, from_environment
from constructs_lib.validation import require_name_prefix

__all__ = ["ELB_ROLE_TAG", "INTERNAL_ELB_ROLE_TAG", "Network", "NetworkProps"]

#: Tag the AWS Load Balancer Controller looks for on public subnets (internet-facing load balancers).
ELB_ROLE_TAG = "kubernetes.io/role/elb"
#: Tag it looks for on private subnets (internal load balancers).
INTERNAL_ELB_ROLE_TAG = "kubernetes.io/role/internal-elb"

_ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True, kw_only=True)
class NetworkProps:
    """Everything the network of one environment needs (keyword-only)."""

    config: NetworkConfig
    #: Environment prefix of every AWS name, e.g. ``eks-platform-dev``. Default None: the stack's
    #: environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: AWS region code: the availability zones and endpoint service names. Default None: the stack's
    #: environment's (``config.region``); outside an ``EnvironmentStack`` a ConfigError.
    region: str | None = None
    #: The environment's stage: the network config's policy (flow logs kept 365 days by default in
    #: prod and never less there, 30 days by default elsewhere). Default None: the stack's
    #: environment's (``config.stage``); outside an ``EnvironmentStack`` a ConfigError.
    stage: Stage | None = None
    #: ``prevent_destroy`` on the flow-log key, the flow-log group and the DB subnet group, and the
    #: key's deletion window. Default None: the stack's environment's (``config.resolved_protections``);
    #: outside an ``EnvironmentStack`` a ConfigError, so a prod network wired by hand never gets dev
    #: protections by omission.
    protections: Protections | None = None
    #: The node-group matrix for the IP capacity check. Default None: the stack's environment's
    #: (``config.node_groups``: its pods must fit the private subnets); outside an
    #: ``EnvironmentStack`` none, so no check. ``()`` turns the check off in an environment too.
    node_groups: tuple[NodeGroupSpec, ...] | None = None
    #: Path of ``config`` in error messages, e.g. ``prod.network``.
    path: str = "network"
    #: Path of ``node_groups`` in error messages, e.g. ``prod.node_groups``.
    node_groups_path: str = "node_groups"
    #: TCP ports the control plane may reach on the nodes. Default
    #: :data:`~constructs_lib.network.security_groups.CONTROL_PLANE_TO_NODE_PORTS`; the reference stack
    #: passes the enabled add-ons' ports (``constructs_lib.platform.catalog.control_plane_ports``).
    control_plane_to_node_ports: tuple[int, ...] = CONTROL_PLANE_TO_NODE_PORTS
    #: Tags on the private subnets and the node security group, by which a node provisioner finds
    #: where to launch nodes (the stack passes ``karpenter.sh/discovery=<cluster>`` with Karpenter).
    #: Default none.
    node_discovery_tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "node_discovery_tags", MappingProxyType(dict(self.node_discovery_tags)))


class Network(Construct):
    """A three-tier VPC with NAT, endpoints, flow logs, security groups and a bastion.

    Typed attributes for the other tiers:

    * ``vpc_id``, ``vpc_cidr``, ``availability_zones``, ``plan`` (the :class:`CidrPlan`)
    * ``public_subnet_ids``, ``private_subnet_ids``, ``database_subnet_ids`` (lists in AZ order) and
      the same ``..._by_az`` (AZ name -> id)
    * ``public_route_table_id``, ``private_route_table_ids`` (+ ``_by_az``), ``database_route_table_id``
    * ``nat_gateway_ids_by_az``, ``db_subnet_group_name``
    * ``alb_security_group_id``, ``node_security_group_id``, ``control_plane_security_group_id``,
      ``endpoint_security_group_id``
    * ``bastion_security_group_id``, ``bastion_role_arn``, ``bastion_autoscaling_group_name`` (None
      without a bastion)
    * ``flow_log_group_name``, ``flow_log_retention_days``, ``capacity`` (the
      :class:`CapacityReport`, None without node groups)
    """

    def __init__(self, scope: Construct, id: str, *, props: NetworkProps) -> None:
        # What the props leave to the environment, resolved once (before any resource exists).
        name_prefix = from_environment(scope, "network.name_prefix", props.name_prefix, NAME_PREFIX)
        region = from_environment(scope, "network.region", props.region, REGION)
        stage = from_environment(scope, "network.stage", props.stage, STAGE)
        protections = from_environment(scope, "network.protections", props.protections, PROTECTIONS)
        node_groups = from_environment(scope, "network.node_groups", props.node_groups, NODE_GROUPS, outside=())
        super().__init__(scope, id)
        config = props.config
        # Validate everything before the first resource exists.
        require_name_prefix("network.name_prefix", name_prefix)
        require_stage_member("network.stage", stage)
        require_protections("network.protections", protections)
        config.validate(props.path, region=region, stage=stage)
        self.plan: CidrPlan = plan_subnets(config, props.path, region=region)
        self.capacity: CapacityReport | None = (
            check_ip_capacity(
                config,
                node_groups,
                path=props.path,
                region=region,
                node_groups_path=props.node_groups_path,
            )
            if node_groups
            else None
        )
        self.flow_log_retention_days: int = flow_log_retention_days(config, stage=stage)
        self._prefix = name_prefix
        zones = self.plan.zones
        self.availability_zones: tuple[str, ...] = zones
        self.vpc_cidr: str = str(self.plan.vpc)

        vpc = Vpc(
            self,
            "vpc",
            cidr_block=self.vpc_cidr,
            enable_dns_support=True,
            enable_dns_hostnames=True,
            tags=self._name("vpc"),
        )
        self.vpc_id: str = vpc.id
        # Adopt the default group and strip its rules: nothing can silently use it.
        DefaultSecurityGroup(self, "default-security-group", vpc_id=vpc.id, tags=self._name("default-do-not-use"))
        igw = InternetGateway(self, "internet-gateway", vpc_id=vpc.id, tags=self._name("igw"))

        self.public_subnet_ids_by_az = self._subnets(Tier.PUBLIC, {ELB_ROLE_TAG: "1"})
        self.private_subnet_ids_by_az = self._subnets(
            Tier.PRIVATE, {INTERNAL_ELB_ROLE_TAG: "1", **props.node_discovery_tags}
        )
        self.database_subnet_ids_by_az = self._subnets(Tier.DATABASE, {})
        self.public_subnet_ids: list[str] = list(self.public_subnet_ids_by_az.values())
        self.private_subnet_ids: list[str] = list(self.private_subnet_ids_by_az.values())
        self.database_subnet_ids: list[str] = list(self.database_subnet_ids_by_az.values())

        public_table = RouteTable(self, "public-route-table", vpc_id=vpc.id, tags=self._name("public"))
        Route(
            self, "public-default", route_table_id=public_table.id, destination_cidr_block=_ANYWHERE, gateway_id=igw.id
        )
        for zone, subnet_id in self.public_subnet_ids_by_az.items():
            RouteTableAssociation(
                self, f"public-{zone}-association", subnet_id=subnet_id, route_table_id=public_table.id
            )
        self.public_route_table_id: str = public_table.id

        nat_zones = {NatMode.NONE: (), NatMode.SINGLE: zones[:1], NatMode.PER_AZ: zones}[config.nat_mode]
        self.nat_gateway_ids_by_az: dict[str, str] = {}
        for zone in nat_zones:
            eip = Eip(self, f"nat-{zone}-eip", domain="vpc", tags=self._name(f"nat-{zone}"))
            nat = NatGateway(
                self,
                f"nat-{zone}",
                allocation_id=eip.id,
                subnet_id=self.public_subnet_ids_by_az[zone],
                tags=self._name(f"nat-{zone}"),
                depends_on=[igw],
            )
            self.nat_gateway_ids_by_az[zone] = nat.id

        self.private_route_table_ids_by_az: dict[str, str] = {}
        for zone, subnet_id in self.private_subnet_ids_by_az.items():
            table = RouteTable(self, f"private-{zone}-route-table", vpc_id=vpc.id, tags=self._name(f"private-{zone}"))
            nat_id = self.nat_gateway_ids_by_az.get(zone) or next(iter(self.nat_gateway_ids_by_az.values()), None)
            if nat_id is not None:
                Route(
                    self,
                    f"private-{zone}-default",
                    route_table_id=table.id,
                    destination_cidr_block=_ANYWHERE,
                    nat_gateway_id=nat_id,
                )
            RouteTableAssociation(self, f"private-{zone}-association", subnet_id=subnet_id, route_table_id=table.id)
            self.private_route_table_ids_by_az[zone] = table.id
        self.private_route_table_ids: list[str] = list(self.private_route_table_ids_by_az.values())

        database_table = RouteTable(self, "database-route-table", vpc_id=vpc.id, tags=self._name("database"))
        for zone, subnet_id in self.database_subnet_ids_by_az.items():
            RouteTableAssociation(
                self, f"database-{zone}-association", subnet_id=subnet_id, route_table_id=database_table.id
            )
        self.database_route_table_id: str = database_table.id
        subnet_group = DbSubnetGroup(
            self,
            "db-subnet-group",
            name=f"{self._prefix}-database",
            description="Isolated database subnets, one per AZ",
            subnet_ids=self.database_subnet_ids,
            tags=self._name("database"),
            # Databases depend on it; with prevent_destroy a destroy is a deliberate two-step change.
            lifecycle=protections.lifecycle(),
        )
        self.db_subnet_group_name: str = subnet_group.name

        self._flow_logs(props, vpc.id, protections)

        groups = SecurityGroups(
            self,
            "security-groups",
            props=SecurityGroupsProps(
                name_prefix=self._prefix,
                vpc_id=vpc.id,
                vpc_cidr=self.vpc_cidr,
                node_target_ports=config.node_target_ports,
                node_internet_egress_ports=config.node_internet_egress_ports,
                control_plane_to_node_ports=props.control_plane_to_node_ports,
                node_tags=props.node_discovery_tags,
            ),
        )
        self.security_groups = groups
        self.alb_security_group_id: str = groups.alb_security_group_id
        self.node_security_group_id: str = groups.node_security_group_id
        self.control_plane_security_group_id: str = groups.control_plane_security_group_id

        endpoints = VpcEndpoints(
            self,
            "endpoints",
            props=VpcEndpointsProps(
                name_prefix=self._prefix,
                region=region,
                vpc_id=vpc.id,
                vpc_cidr=self.vpc_cidr,
                subnet_ids=self.private_subnet_ids,
                gateway_route_table_ids=[*self.private_route_table_ids, self.database_route_table_id],
                interface_services=config.interface_endpoints,
            ),
        )
        self.endpoints = endpoints
        self.endpoint_security_group_id: str = endpoints.security_group_id

        self.bastion: Bastion | None = None
        self.bastion_security_group_id: str | None = None
        self.bastion_role_arn: str | None = None
        self.bastion_autoscaling_group_name: str | None = None
        if config.bastion_mode is not BastionMode.NONE:
            ssh = config.bastion_mode is BastionMode.SSM_AND_SSH
            self.bastion = Bastion(
                self,
                "bastion",
                props=BastionProps(
                    name_prefix=self._prefix,
                    vpc_id=vpc.id,
                    subnet_ids=self.public_subnet_ids if ssh else self.private_subnet_ids,
                    mode=config.bastion_mode,
                    instance_type=config.bastion_instance_type,
                    ssh_cidrs=config.bastion_ssh_cidrs,
                    ssh_key_name=config.bastion_ssh_key_name,
                    control_plane_security_group_id=self.control_plane_security_group_id,
                ),
            )
            self.bastion_security_group_id = self.bastion.security_group_id
            self.bastion_role_arn = self.bastion.role_arn
            self.bastion_autoscaling_group_name = self.bastion.autoscaling_group_name

    def _name(self, suffix: str) -> dict[str, str]:
        return {"Name": f"{self._prefix}-{suffix}"}

    def _subnets(self, tier: Tier, extra_tags: dict[str, str]) -> dict[str, str]:
        ids: dict[str, str] = {}
        for zone, cidr in self.plan.cidrs(tier).items():
            subnet = Subnet(
                self,
                f"{tier.value}-{zone}",
                vpc_id=self.vpc_id,
                cidr_block=cidr,
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={**self._name(f"{tier.value}-{zone}"), "tier": tier.value, **extra_tags},
            )
            ids[zone] = subnet.id
        return ids

    def _flow_logs(self, props: NetworkProps, vpc_id: str, protections: Protections) -> None:
        context = AwsContext.of(self)
        log_group_name = f"/aws/vpc-flow-logs/{self._prefix}"
        key = KmsKey(
            self,
            "flow-logs-key",
            props=KmsKeyProps(
                alias=f"{self._prefix}-vpc-flow-logs",
                description=f"Encrypts the VPC flow logs of {self._prefix}",
                protections=protections,
                log_group_name_prefixes=[log_group_name],
            ),
        )
        log_group = CloudwatchLogGroup(
            self,
            "flow-logs",
            name=log_group_name,
            retention_in_days=self.flow_log_retention_days,
            kms_key_id=key.key_arn,
            lifecycle=protections.lifecycle(),
        )
        self.flow_log_group_name: str = log_group.name
        self.flow_log_key_arn: str = key.key_arn
        role = IamRole(
            self,
            "flow-logs-role",
            name=f"{self._prefix}-vpc-flow-logs",
            description="Lets VPC Flow Logs write to its own log group",
            assume_role_policy=policy_document(
                statement(
                    "VpcFlowLogsAssumesRole",
                    ["sts:AssumeRole"],
                    principals={"Service": "vpc-flow-logs.amazonaws.com"},
                    conditions={
                        "StringEquals": {"aws:SourceAccount": context.account_id},
                        "ArnLike": {"aws:SourceArn": context.arn("ec2", "vpc-flow-log/*")},
                    },
                )
            ),
        )
        IamRolePolicy(
            self,
            "flow-logs-policy",
            name="write-flow-logs",
            role=role.id,
            policy=policy_document(
                statement(
                    "WriteOwnLogGroup",
                    ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                    [log_group.arn, f"{log_group.arn}:log-stream:*"],
                )
            ),
        )
        FlowLog(
            self,
            "flow-log",
            vpc_id=vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=log_group.arn,
            iam_role_arn=role.arn,
            tags=self._name("flow-log"),
        )
