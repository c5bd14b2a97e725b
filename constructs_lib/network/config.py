"""Typed configuration of the network tier (the VPC, its subnets, NAT, endpoints and the bastion)."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from constructs_lib.stage import Stage
from constructs_lib.validation import (
    default_log_retention_days,
    frozen_tuple,
    is_rfc1918,
    parse_network,
    require,
    require_cidr,
    require_log_retention,
    require_range,
    require_shape,
    require_unique,
    require_zone,
    validated_once,
)

__all__ = [
    "DEFAULT_INTERFACE_ENDPOINTS",
    "DEFAULT_NODE_TARGET_PORTS",
    "PRIVATE_CLUSTER_ENDPOINTS",
    "BastionMode",
    "NatMode",
    "NetworkConfig",
    "PodAddressing",
    "flow_log_retention_days",
    "require_node_ports",
    "validate_bastion_access",
]

#: Interface endpoints every VPC gets: image pulls (``ecr.api``, ``ecr.dkr``; the layers come through
#: the S3 gateway endpoint), IRSA / pod identity token exchange (``sts``) and log shipping (``logs``)
#: stay on the AWS network instead of crossing a NAT gateway (seed 000's data-transfer savings).
DEFAULT_INTERFACE_ENDPOINTS: tuple[str, ...] = ("ecr.api", "ecr.dkr", "logs", "sts")

#: Interface endpoints Session Manager needs when there is no NAT gateway.
SSM_ENDPOINTS: tuple[str, ...] = ("ec2messages", "ssm", "ssmmessages")

#: Interface endpoints an EKS cluster needs on top of the defaults when there is no NAT gateway (AWS's
#: private-cluster requirements): nodes register through ``ec2`` and ``eks``, pod identity uses
#: ``eks-auth``, the load balancer controller ``elasticloadbalancing`` and the cluster autoscaler
#: ``autoscaling``. Images must then come from ECR too (the pull-through cache covers public ones).
PRIVATE_CLUSTER_ENDPOINTS: tuple[str, ...] = ("autoscaling", "ec2", "eks", "eks-auth", "elasticloadbalancing")

#: Ports the ALB may open on nodes (seed 002: 1025-65535, where NodePorts and pod ports live).
DEFAULT_NODE_TARGET_PORTS: tuple[int, int] = (1025, 65535)

_SERVICE = re.compile(r"^[a-z0-9]+([.-][a-z0-9]+)*\Z", re.ASCII)
_KEY_NAME = re.compile(r"^[\w.\-@+=, ]{1,255}\Z", re.ASCII)
_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+\Z", re.ASCII)


class NatMode(enum.Enum):
    """How private subnets reach the internet.

    ``NONE``: no NAT gateway (private subnets reach AWS only through VPC endpoints).
    ``SINGLE``: one NAT gateway in the first AZ (cheapest; an AZ outage cuts egress everywhere).
    ``PER_AZ``: one NAT gateway per AZ, each private route table uses its own AZ's gateway.
    """

    NONE = "NONE"
    SINGLE = "SINGLE"
    PER_AZ = "PER_AZ"


class BastionMode(enum.Enum):
    """How administrators reach the VPC.

    ``SSM``: an instance in a private subnet reached through Session Manager; no inbound rule at all.
    ``SSM_AND_SSH``: the same instance in a public subnet with a public IP, SSH allowed only from
    ``bastion_ssh_cidrs`` and logged in with ``bastion_ssh_key_name`` (Session Manager still works).
    ``NONE``: no bastion (for example when a VPN or CI runners inside the VPC reach the cluster).
    """

    SSM = "SSM"
    SSM_AND_SSH = "SSM_AND_SSH"
    NONE = "NONE"


class PodAddressing(enum.Enum):
    """How the VPC CNI gives pods their IPs; decides how many private IPs a node consumes.

    ``SECONDARY_IPS``: one secondary IP per pod (the VPC CNI's own default).
    ``PREFIX_DELEGATION``: each ENI slot holds a /28 prefix (16 IPs): many more pods per node, but
    IPs are taken 16 at a time. Must match ``ENABLE_PREFIX_DELEGATION`` of the vpc-cni add-on.
    """

    SECONDARY_IPS = "SECONDARY_IPS"
    PREFIX_DELEGATION = "PREFIX_DELEGATION"


@dataclass(frozen=True, kw_only=True)
class NetworkConfig:
    """The VPC of one environment.

    Defaults are per environment in ``stacks/environments.py``; the library itself has none for the
    CIDR or the AZs, because a silent default there would make two environments overlap.
    """

    #: The VPC's IPv4 range: an RFC 1918 network from /16 to /20.
    vpc_cidr: str
    #: AZ names in the environment's region, e.g. ``("us-east-1a", "us-east-1b")``.
    availability_zones: tuple[str, ...]
    #: NAT strategy. Default SINGLE: one gateway (~32 USD/month plus data) is enough outside prod.
    nat_mode: NatMode = NatMode.SINGLE
    #: Public subnets, one per AZ in the order of ``availability_zones``. Default: planned (see
    #: :mod:`constructs_lib.network.cidr`): /24 per AZ out of a /16, at least /27 (ALBs need 8 free IPs).
    public_subnet_cidrs: tuple[str, ...] = ()
    #: Private (node and pod) subnets, one per AZ. Default: planned, /19 per AZ out of a /16, so that
    #: every pod gets a VPC IP; at least /24.
    private_subnet_cidrs: tuple[str, ...] = ()
    #: Database subnets, one per AZ. Default: planned, /24 per AZ out of a /16; at least /28.
    database_subnet_cidrs: tuple[str, ...] = ()
    #: VPC CNI pod addressing, used by the IP capacity check. Default PREFIX_DELEGATION: what the
    #: cluster tier configures on the vpc-cni add-on (``ENABLE_PREFIX_DELEGATION=true``,
    #: ``WARM_PREFIX_TARGET=1``, seed 004); keep the two in step.
    pod_addressing: PodAddressing = PodAddressing.PREFIX_DELEGATION
    #: Interface endpoints on top of :data:`DEFAULT_INTERFACE_ENDPOINTS`, as service suffixes
    #: (``"secretsmanager"``, ``"ssm"``). Default none: each costs ~7 USD/month per AZ.
    extra_interface_endpoints: tuple[str, ...] = ()
    #: Flow-log retention in days. Default: 365 in prod, 30 elsewhere (see
    #: :func:`flow_log_retention_days`); prod accepts no less than 365.
    flow_log_retention_days: int | None = None
    #: Ports the ALB may reach on the nodes, as (from, to). Default 1025-65535 (seed 002); narrow it to
    #: the applications' ports (every application with an ingress must listen inside it).
    node_target_ports: tuple[int, int] = DEFAULT_NODE_TARGET_PORTS
    #: TCP ports nodes may open to the internet (through NAT). Default 443 only: registries, AWS
    #: APIs and package mirrors; traffic inside the VPC is always allowed.
    node_internet_egress_ports: tuple[int, ...] = (443,)
    #: Bastion access. Default SSM: no inbound port, every session logged by Session Manager.
    bastion_mode: BastionMode = BastionMode.SSM
    #: Bastion instance type. Default t3.micro (~8 USD/month): it only runs kubectl and psql.
    bastion_instance_type: str = "t3.micro"
    #: CIDRs allowed to SSH to the bastion (SSM_AND_SSH only); 0.0.0.0/0 is rejected.
    bastion_ssh_cidrs: tuple[str, ...] = ()
    #: Existing EC2 key pair for SSH (SSM_AND_SSH only).
    bastion_ssh_key_name: str | None = None

    def __post_init__(self) -> None:
        for name in (
            "availability_zones",
            "public_subnet_cidrs",
            "private_subnet_cidrs",
            "database_subnet_cidrs",
            "extra_interface_endpoints",
            "node_target_ports",
            "node_internet_egress_ports",
            "bastion_ssh_cidrs",
        ):
            object.__setattr__(self, name, frozen_tuple(getattr(self, name)))

    @property
    def interface_endpoints(self) -> tuple[str, ...]:
        """Every interface endpoint service, defaults first, then the extra ones sorted."""
        return DEFAULT_INTERFACE_ENDPOINTS + tuple(sorted(self.extra_interface_endpoints))

    @validated_once
    def validate(self, path: str, *, region: str, stage: Stage) -> None:
        """Check the rules that need no other tier, including the CIDR plan; raises ConfigError."""
        from constructs_lib.network.cidr import plan_subnets  # cidr.py reads this module's types

        require_shape(path, self, NetworkConfig)
        network = parse_network(f"{path}.vpc_cidr", self.vpc_cidr)
        require(
            is_rfc1918(network),
            f"{path}.vpc_cidr",
            "must lie inside an RFC 1918 private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
            self.vpc_cidr,
            "use a private range such as '10.40.0.0/16'",
        )
        require(
            16 <= network.prefixlen <= 20,
            f"{path}.vpc_cidr",
            "must have a prefix from /16 to /20 (AWS allows /16 at most; smaller than /20 leaves no room "
            "for three tiers and pod IPs)",
            self.vpc_cidr,
            "use a /16 such as '10.40.0.0/16'",
        )
        require(
            isinstance(self.nat_mode, NatMode),
            f"{path}.nat_mode",
            "must be one of NONE, SINGLE, PER_AZ",
            self.nat_mode,
            "use NatMode.SINGLE outside prod and NatMode.PER_AZ in prod",
        )
        zones = self.availability_zones
        require(
            2 <= len(zones) <= 6,
            f"{path}.availability_zones",
            "must list from 2 to 6 availability zones (EKS needs subnets in at least two)",
            list(zones),
            f"list two or three zones of {region}, e.g. ['{region}a', '{region}b']",
        )
        require_unique(f"{path}.availability_zones", zones, "availability zone")
        for index, zone in enumerate(zones):
            require_zone(f"{path}.availability_zones[{index}]", zone, region=region)
        plan_subnets(self, path, region=region)
        self._validate_addressing(path)
        self._validate_endpoints(path)
        self._validate_flow_logs(path, stage=stage)
        self._validate_node_ports(path)
        self._validate_bastion(path)

    def _validate_addressing(self, path: str) -> None:
        require(
            isinstance(self.pod_addressing, PodAddressing),
            f"{path}.pod_addressing",
            "must be SECONDARY_IPS or PREFIX_DELEGATION",
            self.pod_addressing,
            "use PodAddressing.PREFIX_DELEGATION (what the cluster tier configures on the vpc-cni add-on)",
        )

    def _validate_endpoints(self, path: str) -> None:
        for index, service in enumerate(self.extra_interface_endpoints):
            require(
                isinstance(service, str) and _SERVICE.match(service) is not None and not service.startswith("com."),
                f"{path}.extra_interface_endpoints[{index}]",
                "must be an AWS service suffix of lowercase letters, digits, '.' and '-'",
                service,
                "write the part after 'com.amazonaws.<region>.', e.g. 'secretsmanager'",
            )
            require(
                service not in DEFAULT_INTERFACE_ENDPOINTS,
                f"{path}.extra_interface_endpoints[{index}]",
                f"is already one of the default interface endpoints {list(DEFAULT_INTERFACE_ENDPOINTS)}",
                service,
                "remove it from extra_interface_endpoints",
            )
            require(
                service != "s3",
                f"{path}.extra_interface_endpoints[{index}]",
                "s3 is always reached through the free gateway endpoint",
                service,
                "remove 's3' from extra_interface_endpoints",
            )
        require_unique(f"{path}.extra_interface_endpoints", self.extra_interface_endpoints, "endpoint service")
        if self.nat_mode is NatMode.NONE:
            missing = [s for s in PRIVATE_CLUSTER_ENDPOINTS if s not in self.extra_interface_endpoints]
            require(
                not missing,
                f"{path}.extra_interface_endpoints",
                f"must include the endpoints EKS nodes and add-ons need when nat_mode is NONE (missing {missing})",
                list(self.extra_interface_endpoints),
                f"add {list(PRIVATE_CLUSTER_ENDPOINTS)} or choose NatMode.SINGLE",
            )
        if self.nat_mode is NatMode.NONE and self.bastion_mode is not BastionMode.NONE:
            missing = [s for s in SSM_ENDPOINTS if s not in self.extra_interface_endpoints]
            require(
                not missing,
                f"{path}.extra_interface_endpoints",
                "must include the Session Manager endpoints when nat_mode is NONE and a bastion is on "
                f"(missing {missing})",
                list(self.extra_interface_endpoints),
                f"add {list(SSM_ENDPOINTS)}, choose a NAT mode, or set bastion_mode to NONE",
            )

    def _validate_flow_logs(self, path: str, *, stage: Stage) -> None:
        days = self.flow_log_retention_days
        if days is not None:
            require_log_retention(f"{path}.flow_log_retention_days", days, stage=stage)

    def _validate_node_ports(self, path: str) -> None:
        require_node_ports(
            path, target_ports=self.node_target_ports, internet_egress_ports=self.node_internet_egress_ports
        )

    def _validate_bastion(self, path: str) -> None:
        validate_bastion_access(
            path,
            mode=self.bastion_mode,
            instance_type=self.bastion_instance_type,
            ssh_cidrs=self.bastion_ssh_cidrs,
            ssh_key_name=self.bastion_ssh_key_name,
        )


def require_node_ports(path: str, *, target_ports: tuple[int, int], internet_egress_ports: tuple[int, ...]) -> None:
    """The node-port rules' one home (``NetworkConfig`` and ``SecurityGroupsProps``): ``target_ports``
    (what the ALB may reach on the nodes) is a (from, to) pair of ports with from <= to, and
    ``internet_egress_ports`` are unique ports. ``path`` is the fields' parent."""
    ports = target_ports
    require(
        isinstance(ports, tuple)
        and len(ports) == 2
        and all(isinstance(p, int) and not isinstance(p, bool) and 1 <= p <= 65535 for p in ports)
        and ports[0] <= ports[1],
        f"{path}.node_target_ports",
        "must be a (from, to) pair of ports from 1 to 65535 with from <= to",
        ports,
        f"use {DEFAULT_NODE_TARGET_PORTS}",
    )
    for index, port in enumerate(internet_egress_ports):
        require_range(f"{path}.node_internet_egress_ports[{index}]", port, 1, 65535)
    require_unique(f"{path}.node_internet_egress_ports", internet_egress_ports, "port")


def validate_bastion_access(
    path: str,
    *,
    mode: BastionMode,
    instance_type: str,
    ssh_cidrs: tuple[str, ...],
    ssh_key_name: str | None,
    prefix: str = "bastion_",
) -> None:
    """The bastion's access rules, shared by :class:`NetworkConfig` and the ``Bastion`` construct.

    ``prefix`` is how the fields are named under ``path`` (``bastion_`` in NetworkConfig, empty in
    the construct's props).
    """
    require(
        isinstance(mode, BastionMode),
        f"{path}.{prefix}mode",
        "must be one of SSM, SSM_AND_SSH, NONE",
        mode,
        "use BastionMode.SSM",
    )
    require(
        isinstance(instance_type, str) and _INSTANCE_TYPE.match(instance_type) is not None,
        f"{path}.{prefix}instance_type",
        "must be an EC2 instance type of the form family.size",
        instance_type,
        "use a small type such as 't3.micro'",
    )
    ssh = mode is BastionMode.SSM_AND_SSH
    for index, cidr in enumerate(ssh_cidrs):
        require_cidr(f"{path}.{prefix}ssh_cidrs[{index}]", cidr, allow_any=False)
    require_unique(f"{path}.{prefix}ssh_cidrs", ssh_cidrs, "CIDR")
    require(
        ssh or not ssh_cidrs,
        f"{path}.{prefix}ssh_cidrs",
        "only applies when the bastion mode is SSM_AND_SSH",
        list(ssh_cidrs),
        "set bastion_mode=BastionMode.SSM_AND_SSH or remove bastion_ssh_cidrs",
    )
    require(
        not ssh or len(ssh_cidrs) > 0,
        f"{path}.{prefix}ssh_cidrs",
        "must list the CIDRs allowed to SSH when the bastion mode is SSM_AND_SSH",
        [],
        "list your office or VPN egress CIDRs, e.g. '203.0.113.0/24', or use BastionMode.SSM",
    )
    key = ssh_key_name
    require(
        ssh or key is None,
        f"{path}.{prefix}ssh_key_name",
        "only applies when the bastion mode is SSM_AND_SSH",
        key,
        "remove bastion_ssh_key_name or set bastion_mode=BastionMode.SSM_AND_SSH",
    )
    require(
        not ssh or (isinstance(key, str) and _KEY_NAME.match(key) is not None),
        f"{path}.{prefix}ssh_key_name",
        "must name an existing EC2 key pair when the bastion mode is SSM_AND_SSH",
        key,
        "create a key pair in the region and give its name, e.g. 'platform-admins'",
    )


def flow_log_retention_days(config: NetworkConfig, *, stage: Stage) -> int:
    """The configured flow-log retention, or the stage's default (365 prod, 30 elsewhere)."""
    if config.flow_log_retention_days is not None:
        return config.flow_log_retention_days
    return default_log_retention_days(stage)
