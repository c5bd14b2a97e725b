"""IP capacity check: do the node groups, at their maximum size, fit into the private subnets?

With the VPC CNI every pod takes a VPC IP from its node's subnet, so a node-group matrix that
scales out can exhaust a subnet long before the VPC looks "full". The check runs at synth time:

* per instance type, the IPs a node holds when it runs its maximum number of pods, from the
  ENI limits in :data:`INSTANCE_NETWORK_LIMITS`;
* per node group, ``max_size`` x the largest of its instance types (SPOT groups may get any of them);
* against the usable IPs of the private subnets (AWS keeps 5 per subnet), minus the IPs other
  things take there (interface-endpoint ENIs, EKS control-plane ENIs, the SSM bastion).

It raises :class:`ConfigError` with the numbers when the matrix cannot fit and warns
(:class:`IpCapacityWarning`, also in the returned report) above :data:`WARN_UTILIZATION`.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from constructs_lib.cluster.config import NodeGroupSpec
from constructs_lib.errors import ConfigError
from constructs_lib.network.cidr import Tier, plan_subnets
from constructs_lib.network.config import BastionMode, NetworkConfig, PodAddressing

__all__ = [
    "EKS_CONTROL_PLANE_ENIS",
    "INSTANCE_NETWORK_LIMITS",
    "WARN_UTILIZATION",
    "CapacityReport",
    "InstanceNetworkLimits",
    "IpCapacityWarning",
    "check_ip_capacity",
]

#: Warn when the node groups at max size would use more than this share of the free private IPs.
WARN_UTILIZATION = 0.8

#: EKS places 2 to 4 cross-account ENIs for the control plane in the cluster's subnets.
EKS_CONTROL_PLANE_ENIS = 4

#: IPs per /28 prefix under prefix delegation.
_PREFIX_SIZE = 16

#: The VPC CNI's default ``WARM_PREFIX_TARGET``: one spare prefix per node.
_WARM_PREFIXES = 1

#: Pods running in the host network (aws-node, kube-proxy) need no IP of their own.
_HOST_NETWORK_PODS = 2


class IpCapacityWarning(UserWarning):
    """The node groups at max size would use most of the private subnets' IPs."""


@dataclass(frozen=True)
class InstanceNetworkLimits:
    """ENI limits of an instance type, as the EC2 documentation lists them."""

    #: Maximum network interfaces.
    enis: int
    #: IPv4 addresses per interface (the primary one included).
    ips_per_eni: int
    #: vCPUs: decide the max-pods cap (110 below 30 vCPUs, 250 above) under prefix delegation.
    vcpus: int

    def max_pods(self, addressing: PodAddressing) -> int:
        """Pods a node of this type can run (the ``max-pods`` the EKS AMI computes)."""
        if addressing is PodAddressing.PREFIX_DELEGATION:
            cap = 110 if self.vcpus < 30 else 250
            return min(cap, self.enis * (self.ips_per_eni - 1) * _PREFIX_SIZE + _HOST_NETWORK_PODS)
        return self.enis * (self.ips_per_eni - 1) + _HOST_NETWORK_PODS

    def ips_per_node(self, addressing: PodAddressing) -> int:
        """Subnet IPs a node holds when it runs :meth:`max_pods` pods.

        Secondary IPs: the CNI attaches whole ENIs with all their IPs, so a full node holds
        ``enis x ips_per_eni``. Prefix delegation: one /28 per 16 pods plus one warm prefix, and
        the primary IP of each ENI that carries them.
        """
        if addressing is PodAddressing.PREFIX_DELEGATION:
            pod_ips = self.max_pods(addressing) - _HOST_NETWORK_PODS
            prefixes = math.ceil(pod_ips / _PREFIX_SIZE) + _WARM_PREFIXES
            enis = min(self.enis, math.ceil(prefixes / (self.ips_per_eni - 1)))
            return prefixes * _PREFIX_SIZE + enis
        return self.enis * self.ips_per_eni


def _limits(enis: int, ips_per_eni: int, vcpus: int) -> InstanceNetworkLimits:
    return InstanceNetworkLimits(enis=enis, ips_per_eni=ips_per_eni, vcpus=vcpus)


#: Network limits per instance type, from the EC2 User Guide ("Maximum IP addresses per network
#: interface") and the EKS AMI's ``eni-max-pods.txt``; reviewed 2026-11-25. Covers the reference
#: environments' types (t3.large, t3a.large, m5.large, m5.xlarge, c5.2xlarge, r5.xlarge) and common
#: neighbours. To add a type, copy its "Maximum network interfaces", "IPv4 addresses per
#: interface" and vCPUs from that page into a new row.
INSTANCE_NETWORK_LIMITS: Mapping[str, InstanceNetworkLimits] = MappingProxyType(
    {
        "t3.micro": _limits(2, 2, 2),
        "t3.small": _limits(3, 4, 2),
        "t3.medium": _limits(3, 6, 2),
        "t3.large": _limits(3, 12, 2),
        "t3.xlarge": _limits(4, 15, 4),
        "t3.2xlarge": _limits(4, 15, 8),
        "t3a.medium": _limits(3, 6, 2),
        "t3a.large": _limits(3, 12, 2),
        "t3a.xlarge": _limits(4, 15, 4),
        "t3a.2xlarge": _limits(4, 15, 8),
        "m5.large": _limits(3, 10, 2),
        "m5.xlarge": _limits(4, 15, 4),
        "m5.2xlarge": _limits(4, 15, 8),
        "m5.4xlarge": _limits(8, 30, 16),
        "m5.8xlarge": _limits(8, 30, 32),
        "m6i.large": _limits(3, 10, 2),
        "m6i.xlarge": _limits(4, 15, 4),
        "m6i.2xlarge": _limits(4, 15, 8),
        "m7i.large": _limits(3, 10, 2),
        "m7i.xlarge": _limits(4, 15, 4),
        "c5.large": _limits(3, 10, 2),
        "c5.xlarge": _limits(4, 15, 4),
        "c5.2xlarge": _limits(4, 15, 8),
        "c5.4xlarge": _limits(8, 30, 16),
        "c6i.large": _limits(3, 10, 2),
        "c6i.xlarge": _limits(4, 15, 4),
        "c6i.2xlarge": _limits(4, 15, 8),
        "r5.large": _limits(3, 10, 2),
        "r5.xlarge": _limits(4, 15, 4),
        "r5.2xlarge": _limits(4, 15, 8),
        "r6i.large": _limits(3, 10, 2),
        "r6i.xlarge": _limits(4, 15, 4),
        "r6i.2xlarge": _limits(4, 15, 8),
    }
)


@dataclass(frozen=True)
class CapacityReport:
    """The numbers of one capacity check."""

    #: Pods the node groups can run at their maximum size.
    max_pods: int
    #: Private-subnet IPs the node groups hold at their maximum size.
    required_ips: int
    #: Usable private-subnet IPs left for nodes and pods.
    available_ips: int
    #: The warning text when utilization exceeds :data:`WARN_UTILIZATION`, else None.
    warning: str | None = None

    @property
    def utilization(self) -> float:
        """``required_ips / available_ips``."""
        return self.required_ips / self.available_ips if self.available_ips else math.inf


def check_ip_capacity(
    config: NetworkConfig,
    node_groups: Sequence[NodeGroupSpec],
    *,
    path: str,
    region: str,
    node_groups_path: str = "node_groups",
    warn: bool = True,
) -> CapacityReport:
    """Compare the node groups at max size with the private subnets' free IPs.

    ``path`` is the network config's path (``prod.network``), ``node_groups_path`` the node groups'
    (``prod.node_groups``). Raises ConfigError for an unknown instance type or a matrix that does not
    fit; above :data:`WARN_UTILIZATION` the report carries a warning, also issued as an
    :class:`IpCapacityWarning` unless ``warn`` is False.
    """
    addressing = config.pod_addressing
    max_pods = 0
    required = 0
    for group_index, group in enumerate(node_groups):
        limits = [
            _lookup(f"{node_groups_path}[{group_index}].instance_types[{type_index}]", instance_type)
            for type_index, instance_type in enumerate(group.instance_types)
        ]
        max_pods += group.max_size * max(limit.max_pods(addressing) for limit in limits)
        required += group.max_size * max(limit.ips_per_node(addressing) for limit in limits)

    plan = plan_subnets(config, path, region=region)
    zones = len(plan.zones)
    others = zones * len(config.interface_endpoints) + EKS_CONTROL_PLANE_ENIS
    if config.bastion_mode is BastionMode.SSM:
        others += 1
    # Managed node groups spread their nodes evenly over the zones, so the smallest private subnet
    # binds: with uneven explicit subnets, the larger ones' extra addresses cannot be counted on.
    usable = plan.usable_ips_per_zone(Tier.PRIVATE) * zones
    available = usable - others
    numbers = (
        f"the node groups at max size run up to {max_pods} pods and hold {required} IPs "
        f"({addressing.value}), the private subnets have {available} free IPs "
        f"({usable} usable, counting each of the {zones} zones as its smallest subnet, minus {others} for "
        "endpoints, EKS and the bastion)"
    )
    if required > available:
        raise ConfigError(
            f"{path}.private_subnet_cidrs",
            f"too small for the node groups: {numbers}",
            [str(n) for n in plan.subnets[Tier.PRIVATE]],
            "give larger private subnets (or a larger vpc_cidr), lower the node groups' max_size, "
            "or use instance types with fewer pods per node",
        )
    warning = None
    if required > WARN_UTILIZATION * available:
        warning = (
            f"`{path}.private_subnet_cidrs`: {required / available:.0%} of the free private IPs are needed "
            f"at max size (warning above {WARN_UTILIZATION:.0%}): {numbers}"
        )
        if warn:
            warnings.warn(warning, IpCapacityWarning, stacklevel=2)
    return CapacityReport(max_pods=max_pods, required_ips=required, available_ips=available, warning=warning)


def _lookup(path: str, instance_type: str) -> InstanceNetworkLimits:
    limits = INSTANCE_NETWORK_LIMITS.get(instance_type)
    if limits is None:
        raise ConfigError(
            path,
            "has no entry in the network tier's ENI/IP table, so its pod IPs cannot be counted",
            instance_type,
            f"use one of {sorted(INSTANCE_NETWORK_LIMITS)}, or add a row for {instance_type!r} to "
            "INSTANCE_NETWORK_LIMITS in constructs_lib/network/capacity.py with its maximum network "
            "interfaces, IPv4 addresses per interface and vCPUs from the EC2 User Guide",
        )
    return limits
