"""The security groups of seed 002: load balancer, worker nodes and EKS control plane.

Every rule is its own ``aws_vpc_security_group_ingress_rule`` / ``egress_rule`` resource with a
description, so a rule can be added or removed without rewriting the group, and other tiers (the
bastion, the cluster) add theirs through the group ids.

* **ALB**: 80 and 443 from the internet (the only 0.0.0.0/0 ingress in the library); egress only
  to the nodes, on the target ports.
* **Nodes**: everything from each other (pod-to-pod, node-to-node); the target ports from the ALB;
  the control-plane ports (``control_plane_to_node_ports``, default :data:`CONTROL_PLANE_TO_NODE_PORTS`)
  from the control plane. Egress: anything inside the VPC
  (pods, databases, endpoints, DNS) and the configured TCP ports to the internet through NAT.
* **Control plane** (attached to the EKS cluster as an additional group): 443 from the nodes;
  egress to the nodes on the same control-plane ports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from constructs_lib.network.config import DEFAULT_NODE_TARGET_PORTS, require_node_ports
from constructs_lib.stack import NAME_PREFIX, from_environment
from constructs_lib.validation import (
    parse_network,
    require,
    require_name_prefix,
    require_range,
    require_unique,
)

__all__ = ["CONTROL_PLANE_TO_NODE_PORTS", "SecurityGroupRuleOptions", "SecurityGroups", "SecurityGroupsProps"]

#: Ports the control plane opens on nodes when the props do not say: 443 and 9443 (admission webhooks
#: such as the AWS Load Balancer Controller's), 4443 (metrics-server before chart 3.x), 10250 (kubelet:
#: logs, exec, metrics). A platform passes the ports of its enabled add-ons instead
#: (``constructs_lib.platform.catalog.control_plane_ports``).
CONTROL_PLANE_TO_NODE_PORTS: tuple[int, ...] = (443, 4443, 9443, 10250)
#: The kubelet's port: the control plane needs it for logs, exec and metrics whatever runs on the nodes.
_KUBELET_PORT = 10250

_ANYWHERE = "0.0.0.0/0"


@dataclass(frozen=True, kw_only=True)
class SecurityGroupsProps:
    """Where the groups live and which ports they open."""

    vpc_id: str
    #: The VPC's CIDR: nodes may reach anything inside it.
    vpc_cidr: str
    #: Environment prefix of every group name, e.g. ``eks-platform-dev``.
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: Ports the ALB may reach on the nodes, (from, to). Default 1025-65535 (seed 002).
    node_target_ports: tuple[int, int] = DEFAULT_NODE_TARGET_PORTS
    #: TCP ports nodes may open to the internet. Default 443 only (registries, AWS APIs).
    node_internet_egress_ports: tuple[int, ...] = (443,)
    #: TCP ports the control plane may reach on the nodes (kubelet, admission webhooks, aggregated
    #: APIs), each opened alone: no range. Default :data:`CONTROL_PLANE_TO_NODE_PORTS`; must include
    #: the kubelet's 10250.
    control_plane_to_node_ports: tuple[int, ...] = CONTROL_PLANE_TO_NODE_PORTS
    #: Extra tags of the node group (e.g. Karpenter's discovery tag). Default none.
    node_tags: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "control_plane_to_node_ports", tuple(self.control_plane_to_node_ports))
        object.__setattr__(self, "node_tags", MappingProxyType(dict(self.node_tags)))


@dataclass(frozen=True, kw_only=True)
class SecurityGroupRuleOptions:
    """One rule of :meth:`SecurityGroups.add_ingress` or :meth:`SecurityGroups.add_egress`."""

    #: Why the rule exists (every rule has one; it shows in the console and in reviews).
    description: str
    #: TCP port, or the first of a range. Default None: every protocol (ingress: from a group only).
    port: int | None = None
    #: Last port of a TCP range. Default None: ``port`` alone.
    to_port: int | None = None
    #: The peer as a CIDR. Supply this or ``security_group_id``.
    cidr: str | None = None
    #: The peer as a security group.
    security_group_id: str | None = None


class SecurityGroups(Construct):
    """The ALB, node and control-plane security groups and their rules.

    Attributes: ``alb_security_group_id``, ``node_security_group_id``,
    ``control_plane_security_group_id``.
    """

    def __init__(self, scope: Construct, id: str, *, props: SecurityGroupsProps) -> None:
        #: The resolved name prefix (the props' or the environment's).
        self.name_prefix: str = from_environment(scope, "security_groups.name_prefix", props.name_prefix, NAME_PREFIX)
        super().__init__(scope, id)
        _validate(props, self.name_prefix)
        self.props = props
        low, high = props.node_target_ports

        self.alb = self._group("alb", "Application load balancers: HTTP and HTTPS from the internet")
        self.nodes = self._group("nodes", "EKS worker nodes and their pods", props.node_tags)
        self.control_plane = self._group("control-plane", "EKS control plane (additional cluster security group)")
        self.alb_security_group_id: str = self.alb.id
        self.node_security_group_id: str = self.nodes.id
        self.control_plane_security_group_id: str = self.control_plane.id

        for port, name in ((80, "http"), (443, "https")):
            self.add_ingress(
                f"alb-{name}-from-internet",
                self.alb_security_group_id,
                options=SecurityGroupRuleOptions(
                    description=f"{name.upper()} from the internet to the load balancer",
                    port=port,
                    cidr=_ANYWHERE,
                ),
            )
        self.add_egress(
            "alb-to-nodes",
            self.alb_security_group_id,
            options=SecurityGroupRuleOptions(
                description="Load balancer to its targets on the nodes",
                port=low,
                to_port=high,
                security_group_id=self.node_security_group_id,
            ),
        )

        self.add_ingress(
            "nodes-from-nodes",
            self.node_security_group_id,
            options=SecurityGroupRuleOptions(
                description="Node-to-node and pod-to-pod traffic, all protocols",
                security_group_id=self.node_security_group_id,
            ),
        )
        self.add_ingress(
            "nodes-from-alb",
            self.node_security_group_id,
            options=SecurityGroupRuleOptions(
                description="Load balancer to targets on the nodes",
                port=low,
                to_port=high,
                security_group_id=self.alb_security_group_id,
            ),
        )
        for port in props.control_plane_to_node_ports:
            self.add_ingress(
                f"nodes-from-control-plane-{port}",
                self.node_security_group_id,
                options=SecurityGroupRuleOptions(
                    description=f"Control plane to kubelet and webhooks on TCP {port}",
                    port=port,
                    security_group_id=self.control_plane_security_group_id,
                ),
            )
            self.add_egress(
                f"control-plane-to-nodes-{port}",
                self.control_plane_security_group_id,
                options=SecurityGroupRuleOptions(
                    description=f"Control plane to kubelet and webhooks on TCP {port}",
                    port=port,
                    security_group_id=self.node_security_group_id,
                ),
            )
        self.add_egress(
            "nodes-to-vpc",
            self.node_security_group_id,
            options=SecurityGroupRuleOptions(
                description="Nodes and pods to anything inside the VPC (pods, databases, endpoints, DNS)",
                cidr=props.vpc_cidr,
            ),
        )
        for port in props.node_internet_egress_ports:
            self.add_egress(
                f"nodes-to-internet-{port}",
                self.node_security_group_id,
                options=SecurityGroupRuleOptions(
                    description=f"Nodes and pods to the internet on TCP {port} through NAT",
                    port=port,
                    cidr=_ANYWHERE,
                ),
            )
        self.add_ingress(
            "control-plane-from-nodes",
            self.control_plane_security_group_id,
            options=SecurityGroupRuleOptions(
                description="Kubernetes API (HTTPS) from the nodes",
                port=443,
                security_group_id=self.node_security_group_id,
            ),
        )

    def add_ingress(
        self, id: str, target_security_group_id: str, *, options: SecurityGroupRuleOptions
    ) -> VpcSecurityGroupIngressRule:
        """Allow traffic into ``target_security_group_id`` from a CIDR or a group (``options``).

        ``port`` (and ``to_port`` for a range) open TCP; without ``port`` every protocol is open,
        which is only allowed from a security group. 0.0.0.0/0 is allowed only on the ALB's 80/443.
        """
        port, cidr = options.port, options.cidr
        require(
            cidr != _ANYWHERE or (target_security_group_id == self.alb_security_group_id and port in (80, 443)),
            f"security_groups.{id}",
            "only the load balancer's ports 80 and 443 may be opened to 0.0.0.0/0",
            cidr,
            "allow a narrower CIDR or a security group",
        )
        require(
            port is not None or cidr is None,
            f"security_groups.{id}",
            "all-protocol ingress must come from a security group, not a CIDR",
            cidr,
            "give the port to open",
        )
        return VpcSecurityGroupIngressRule(
            self,
            id,
            security_group_id=target_security_group_id,
            description=options.description,
            ip_protocol="tcp" if port is not None else "-1",
            from_port=port,
            to_port=options.to_port if options.to_port is not None else port,
            cidr_ipv4=cidr,
            referenced_security_group_id=options.security_group_id,
        )

    def add_egress(
        self, id: str, source_security_group_id: str, *, options: SecurityGroupRuleOptions
    ) -> VpcSecurityGroupEgressRule:
        """Allow traffic out of ``source_security_group_id`` to a CIDR or a group (``options``: TCP
        ``port`` or all)."""
        port = options.port
        return VpcSecurityGroupEgressRule(
            self,
            id,
            security_group_id=source_security_group_id,
            description=options.description,
            ip_protocol="tcp" if port is not None else "-1",
            from_port=port,
            to_port=options.to_port if options.to_port is not None else port,
            cidr_ipv4=options.cidr,
            referenced_security_group_id=options.security_group_id,
        )

    def _group(self, name: str, description: str, tags: Mapping[str, str] | None = None) -> SecurityGroup:
        full_name = f"{self.name_prefix}-{name}"
        return SecurityGroup(
            self,
            name,
            name=full_name,
            description=description,
            vpc_id=self.props.vpc_id,
            tags={**(tags or {}), "Name": full_name},
        )


def _validate(props: SecurityGroupsProps, name_prefix: str) -> None:
    require_name_prefix("security_groups.name_prefix", name_prefix)
    parse_network("security_groups.vpc_cidr", props.vpc_cidr)
    require_node_ports(
        "security_groups",
        target_ports=props.node_target_ports,
        internet_egress_ports=props.node_internet_egress_ports,
    )
    for index, port in enumerate(props.control_plane_to_node_ports):
        require_range(f"security_groups.control_plane_to_node_ports[{index}]", port, 1, 65535)
    require_unique("security_groups.control_plane_to_node_ports", props.control_plane_to_node_ports, "port")
    require(
        _KUBELET_PORT in props.control_plane_to_node_ports,
        "security_groups.control_plane_to_node_ports",
        f"must include the kubelet's port {_KUBELET_PORT} (logs, exec and metrics go through it)",
        props.control_plane_to_node_ports,
        f"add {_KUBELET_PORT}",
    )
