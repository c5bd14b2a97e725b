"""IP capacity check: do the node groups, at their maximum size, fit into the private subnets?

With the VPC CNI every pod takes a VPC IP from its node's subnet, so a node-group matrix that
scales out can exhaust a subnet long before the VPC looks "full". The check runs at synth time:

* per instance type, the IPs a node holds when it runs its maximum number of pods, from the
  ENI limits in :data:`INSTANCE_NETWORK_LIMITS` (or the node group's ``network_limits``);
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
from constructs_lib.cluster.instance_types import InstanceNetworkLimits
from constructs_lib.errors import ConfigError
from constructs_lib.network.cidr import Tier, plan_subnets
from constructs_lib.network.config import BastionMode, NetworkConfig
from constructs_lib.validation import memo

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

class IpCapacityWarning(UserWarning):
    """The node groups at max size would use most of the private subnets' IPs."""


def _limits(max_enis: int, ipv4_per_eni: int, vcpus: int) -> InstanceNetworkLimits:
    return InstanceNetworkLimits(max_enis=max_enis, ipv4_per_eni=ipv4_per_eni, vcpus=vcpus)


#: Network limits per instance type: ``_limits(max ENIs, IPv4 addresses per ENI, vCPUs)``.
#:
#: Source, reviewed 2026-12-02: AWS's published EC2 networking limits ("Maximum IP addresses per
#: network interface" in the EC2 User Guide, i.e. ``DescribeInstanceTypes``' NetworkInfo for the
#: default network card, the one the VPC CNI uses) as collected in aws/amazon-vpc-cni-k8s
#: ``pkg/vpc/vpc_ip_resource_limit.go`` (generated 2026-08-11); every row reproduces that
#: repository's ``misc/eni-max-pods.txt`` (``max_enis x (ipv4_per_eni - 1) + 2``). vCPUs follow
#: the size (medium 1, large 2, N·xlarge and metal-N·xl 4N; t3/t3a/t4g up to large 2; plain metal
#: as the EC2 page lists it); they only decide the prefix-delegation cap (below 30 or not).
#:
#: Families: general purpose t3/t3a/t4g, m5, m6i/m6a/m6g(d), m7i/m7a/m7g(d), m8g; compute c5,
#: c6i/c6a/c6g/c6gn, c7i/c7a/c7g(d)/c7gn, c8g; memory r5, r6i/r6a/r6g(d), r7i/r7a/r7g(d), r8g;
#: NVIDIA GPU g4dn, g5, g6, g6e, p4d, p5. A type missing here is refused unless its node group sets
#: ``network_limits`` (``NodeGroupSpec``); to add a row, copy the three numbers from
#: ``aws ec2 describe-instance-types --instance-types <type>``.
INSTANCE_NETWORK_LIMITS: Mapping[str, InstanceNetworkLimits] = MappingProxyType(
    {
        "t3.nano": _limits(2, 2, 2),
        "t3.micro": _limits(2, 2, 2),
        "t3.small": _limits(3, 4, 2),
        "t3.medium": _limits(3, 6, 2),
        "t3.large": _limits(3, 12, 2),
        "t3.xlarge": _limits(4, 15, 4),
        "t3.2xlarge": _limits(4, 15, 8),
        "t3a.nano": _limits(2, 2, 2),
        "t3a.micro": _limits(2, 2, 2),
        "t3a.small": _limits(2, 4, 2),
        "t3a.medium": _limits(3, 6, 2),
        "t3a.large": _limits(3, 12, 2),
        "t3a.xlarge": _limits(4, 15, 4),
        "t3a.2xlarge": _limits(4, 15, 8),
        "t4g.nano": _limits(2, 2, 2),
        "t4g.micro": _limits(2, 2, 2),
        "t4g.small": _limits(3, 4, 2),
        "t4g.medium": _limits(3, 6, 2),
        "t4g.large": _limits(3, 12, 2),
        "t4g.xlarge": _limits(4, 15, 4),
        "t4g.2xlarge": _limits(4, 15, 8),
        "m5.large": _limits(3, 10, 2),
        "m5.xlarge": _limits(4, 15, 4),
        "m5.2xlarge": _limits(4, 15, 8),
        "m5.4xlarge": _limits(8, 30, 16),
        "m5.8xlarge": _limits(8, 30, 32),
        "m5.12xlarge": _limits(8, 30, 48),
        "m5.16xlarge": _limits(15, 50, 64),
        "m5.24xlarge": _limits(15, 50, 96),
        "m5.metal": _limits(15, 50, 96),
        "m6i.large": _limits(3, 10, 2),
        "m6i.xlarge": _limits(4, 15, 4),
        "m6i.2xlarge": _limits(4, 15, 8),
        "m6i.4xlarge": _limits(8, 30, 16),
        "m6i.8xlarge": _limits(8, 30, 32),
        "m6i.12xlarge": _limits(8, 30, 48),
        "m6i.16xlarge": _limits(15, 50, 64),
        "m6i.24xlarge": _limits(15, 50, 96),
        "m6i.32xlarge": _limits(15, 50, 128),
        "m6i.metal": _limits(15, 50, 128),
        "m6a.large": _limits(3, 10, 2),
        "m6a.xlarge": _limits(4, 15, 4),
        "m6a.2xlarge": _limits(4, 15, 8),
        "m6a.4xlarge": _limits(8, 30, 16),
        "m6a.8xlarge": _limits(8, 30, 32),
        "m6a.12xlarge": _limits(8, 30, 48),
        "m6a.16xlarge": _limits(15, 50, 64),
        "m6a.24xlarge": _limits(15, 50, 96),
        "m6a.32xlarge": _limits(15, 50, 128),
        "m6a.48xlarge": _limits(15, 50, 192),
        "m6a.metal": _limits(15, 50, 192),
        "m6g.medium": _limits(2, 4, 1),
        "m6g.large": _limits(3, 10, 2),
        "m6g.xlarge": _limits(4, 15, 4),
        "m6g.2xlarge": _limits(4, 15, 8),
        "m6g.4xlarge": _limits(8, 30, 16),
        "m6g.8xlarge": _limits(8, 30, 32),
        "m6g.12xlarge": _limits(8, 30, 48),
        "m6g.16xlarge": _limits(15, 50, 64),
        "m6g.metal": _limits(15, 50, 64),
        "m6gd.medium": _limits(2, 4, 1),
        "m6gd.large": _limits(3, 10, 2),
        "m6gd.xlarge": _limits(4, 15, 4),
        "m6gd.2xlarge": _limits(4, 15, 8),
        "m6gd.4xlarge": _limits(8, 30, 16),
        "m6gd.8xlarge": _limits(8, 30, 32),
        "m6gd.12xlarge": _limits(8, 30, 48),
        "m6gd.16xlarge": _limits(15, 50, 64),
        "m6gd.metal": _limits(15, 50, 64),
        "m7i.large": _limits(3, 10, 2),
        "m7i.xlarge": _limits(4, 15, 4),
        "m7i.2xlarge": _limits(4, 15, 8),
        "m7i.4xlarge": _limits(8, 30, 16),
        "m7i.8xlarge": _limits(8, 30, 32),
        "m7i.12xlarge": _limits(8, 30, 48),
        "m7i.16xlarge": _limits(15, 50, 64),
        "m7i.24xlarge": _limits(15, 50, 96),
        "m7i.48xlarge": _limits(15, 50, 192),
        "m7i.metal-24xl": _limits(15, 50, 96),
        "m7i.metal-48xl": _limits(15, 50, 192),
        "m7a.medium": _limits(2, 4, 1),
        "m7a.large": _limits(3, 10, 2),
        "m7a.xlarge": _limits(4, 15, 4),
        "m7a.2xlarge": _limits(4, 15, 8),
        "m7a.4xlarge": _limits(8, 30, 16),
        "m7a.8xlarge": _limits(8, 30, 32),
        "m7a.12xlarge": _limits(8, 30, 48),
        "m7a.16xlarge": _limits(15, 50, 64),
        "m7a.24xlarge": _limits(15, 50, 96),
        "m7a.32xlarge": _limits(15, 50, 128),
        "m7a.48xlarge": _limits(15, 50, 192),
        "m7a.metal-48xl": _limits(15, 50, 192),
        "m7g.medium": _limits(2, 4, 1),
        "m7g.large": _limits(3, 10, 2),
        "m7g.xlarge": _limits(4, 15, 4),
        "m7g.2xlarge": _limits(4, 15, 8),
        "m7g.4xlarge": _limits(8, 30, 16),
        "m7g.8xlarge": _limits(8, 30, 32),
        "m7g.12xlarge": _limits(8, 30, 48),
        "m7g.16xlarge": _limits(15, 50, 64),
        "m7g.metal": _limits(15, 50, 64),
        "m7gd.medium": _limits(2, 4, 1),
        "m7gd.large": _limits(3, 10, 2),
        "m7gd.xlarge": _limits(4, 15, 4),
        "m7gd.2xlarge": _limits(4, 15, 8),
        "m7gd.4xlarge": _limits(8, 30, 16),
        "m7gd.8xlarge": _limits(8, 30, 32),
        "m7gd.12xlarge": _limits(8, 30, 48),
        "m7gd.16xlarge": _limits(15, 50, 64),
        "m7gd.metal": _limits(15, 50, 64),
        "m8g.medium": _limits(2, 4, 1),
        "m8g.large": _limits(3, 10, 2),
        "m8g.xlarge": _limits(4, 15, 4),
        "m8g.2xlarge": _limits(4, 15, 8),
        "m8g.4xlarge": _limits(8, 30, 16),
        "m8g.8xlarge": _limits(8, 30, 32),
        "m8g.12xlarge": _limits(8, 30, 48),
        "m8g.16xlarge": _limits(15, 50, 64),
        "m8g.24xlarge": _limits(15, 50, 96),
        "m8g.48xlarge": _limits(15, 50, 192),
        "m8g.metal-24xl": _limits(15, 50, 96),
        "m8g.metal-48xl": _limits(15, 50, 192),
        "c5.large": _limits(3, 10, 2),
        "c5.xlarge": _limits(4, 15, 4),
        "c5.2xlarge": _limits(4, 15, 8),
        "c5.4xlarge": _limits(8, 30, 16),
        "c5.9xlarge": _limits(8, 30, 36),
        "c5.12xlarge": _limits(8, 30, 48),
        "c5.18xlarge": _limits(15, 50, 72),
        "c5.24xlarge": _limits(15, 50, 96),
        "c5.metal": _limits(15, 50, 96),
        "c6i.large": _limits(3, 10, 2),
        "c6i.xlarge": _limits(4, 15, 4),
        "c6i.2xlarge": _limits(4, 15, 8),
        "c6i.4xlarge": _limits(8, 30, 16),
        "c6i.8xlarge": _limits(8, 30, 32),
        "c6i.12xlarge": _limits(8, 30, 48),
        "c6i.16xlarge": _limits(15, 50, 64),
        "c6i.24xlarge": _limits(15, 50, 96),
        "c6i.32xlarge": _limits(15, 50, 128),
        "c6i.metal": _limits(15, 50, 128),
        "c6a.large": _limits(3, 10, 2),
        "c6a.xlarge": _limits(4, 15, 4),
        "c6a.2xlarge": _limits(4, 15, 8),
        "c6a.4xlarge": _limits(8, 30, 16),
        "c6a.8xlarge": _limits(8, 30, 32),
        "c6a.12xlarge": _limits(8, 30, 48),
        "c6a.16xlarge": _limits(15, 50, 64),
        "c6a.24xlarge": _limits(15, 50, 96),
        "c6a.32xlarge": _limits(15, 50, 128),
        "c6a.48xlarge": _limits(15, 50, 192),
        "c6a.metal": _limits(15, 50, 192),
        "c6g.medium": _limits(2, 4, 1),
        "c6g.large": _limits(3, 10, 2),
        "c6g.xlarge": _limits(4, 15, 4),
        "c6g.2xlarge": _limits(4, 15, 8),
        "c6g.4xlarge": _limits(8, 30, 16),
        "c6g.8xlarge": _limits(8, 30, 32),
        "c6g.12xlarge": _limits(8, 30, 48),
        "c6g.16xlarge": _limits(15, 50, 64),
        "c6g.metal": _limits(15, 50, 64),
        "c6gn.medium": _limits(2, 4, 1),
        "c6gn.large": _limits(3, 10, 2),
        "c6gn.xlarge": _limits(4, 15, 4),
        "c6gn.2xlarge": _limits(4, 15, 8),
        "c6gn.4xlarge": _limits(8, 30, 16),
        "c6gn.8xlarge": _limits(8, 30, 32),
        "c6gn.12xlarge": _limits(8, 30, 48),
        "c6gn.16xlarge": _limits(15, 50, 64),
        "c7i.large": _limits(3, 10, 2),
        "c7i.xlarge": _limits(4, 15, 4),
        "c7i.2xlarge": _limits(4, 15, 8),
        "c7i.4xlarge": _limits(8, 30, 16),
        "c7i.8xlarge": _limits(8, 30, 32),
        "c7i.12xlarge": _limits(8, 30, 48),
        "c7i.16xlarge": _limits(15, 50, 64),
        "c7i.24xlarge": _limits(15, 50, 96),
        "c7i.32xlarge": _limits(15, 50, 128),
        "c7i.48xlarge": _limits(15, 50, 192),
        "c7i.metal-24xl": _limits(15, 50, 96),
        "c7i.metal-48xl": _limits(15, 50, 192),
        "c7a.medium": _limits(2, 4, 1),
        "c7a.large": _limits(3, 10, 2),
        "c7a.xlarge": _limits(4, 15, 4),
        "c7a.2xlarge": _limits(4, 15, 8),
        "c7a.4xlarge": _limits(8, 30, 16),
        "c7a.8xlarge": _limits(8, 30, 32),
        "c7a.12xlarge": _limits(8, 30, 48),
        "c7a.16xlarge": _limits(15, 50, 64),
        "c7a.24xlarge": _limits(15, 50, 96),
        "c7a.32xlarge": _limits(15, 50, 128),
        "c7a.48xlarge": _limits(15, 50, 192),
        "c7a.metal-48xl": _limits(15, 50, 192),
        "c7g.medium": _limits(2, 4, 1),
        "c7g.large": _limits(3, 10, 2),
        "c7g.xlarge": _limits(4, 15, 4),
        "c7g.2xlarge": _limits(4, 15, 8),
        "c7g.4xlarge": _limits(8, 30, 16),
        "c7g.8xlarge": _limits(8, 30, 32),
        "c7g.12xlarge": _limits(8, 30, 48),
        "c7g.16xlarge": _limits(15, 50, 64),
        "c7g.metal": _limits(15, 50, 64),
        "c7gd.medium": _limits(2, 4, 1),
        "c7gd.large": _limits(3, 10, 2),
        "c7gd.xlarge": _limits(4, 15, 4),
        "c7gd.2xlarge": _limits(4, 15, 8),
        "c7gd.4xlarge": _limits(8, 30, 16),
        "c7gd.8xlarge": _limits(8, 30, 32),
        "c7gd.12xlarge": _limits(8, 30, 48),
        "c7gd.16xlarge": _limits(15, 50, 64),
        "c7gd.metal": _limits(15, 50, 64),
        "c7gn.medium": _limits(2, 4, 1),
        "c7gn.large": _limits(3, 10, 2),
        "c7gn.xlarge": _limits(4, 15, 4),
        "c7gn.2xlarge": _limits(4, 15, 8),
        "c7gn.4xlarge": _limits(8, 30, 16),
        "c7gn.8xlarge": _limits(8, 30, 32),
        "c7gn.12xlarge": _limits(8, 30, 48),
        "c7gn.16xlarge": _limits(15, 50, 64),
        "c7gn.metal": _limits(15, 50, 64),
        "c8g.medium": _limits(2, 4, 1),
        "c8g.large": _limits(3, 10, 2),
        "c8g.xlarge": _limits(4, 15, 4),
        "c8g.2xlarge": _limits(4, 15, 8),
        "c8g.4xlarge": _limits(8, 30, 16),
        "c8g.8xlarge": _limits(8, 30, 32),
        "c8g.12xlarge": _limits(8, 30, 48),
        "c8g.16xlarge": _limits(15, 50, 64),
        "c8g.24xlarge": _limits(15, 50, 96),
        "c8g.48xlarge": _limits(15, 50, 192),
        "c8g.metal-24xl": _limits(15, 50, 96),
        "c8g.metal-48xl": _limits(15, 50, 192),
        "r5.large": _limits(3, 10, 2),
        "r5.xlarge": _limits(4, 15, 4),
        "r5.2xlarge": _limits(4, 15, 8),
        "r5.4xlarge": _limits(8, 30, 16),
        "r5.8xlarge": _limits(8, 30, 32),
        "r5.12xlarge": _limits(8, 30, 48),
        "r5.16xlarge": _limits(15, 50, 64),
        "r5.24xlarge": _limits(15, 50, 96),
        "r5.metal": _limits(15, 50, 96),
        "r6i.large": _limits(3, 10, 2),
        "r6i.xlarge": _limits(4, 15, 4),
        "r6i.2xlarge": _limits(4, 15, 8),
        "r6i.4xlarge": _limits(8, 30, 16),
        "r6i.8xlarge": _limits(8, 30, 32),
        "r6i.12xlarge": _limits(8, 30, 48),
        "r6i.16xlarge": _limits(15, 50, 64),
        "r6i.24xlarge": _limits(15, 50, 96),
        "r6i.32xlarge": _limits(15, 50, 128),
        "r6i.metal": _limits(15, 50, 128),
        "r6a.large": _limits(3, 10, 2),
        "r6a.xlarge": _limits(4, 15, 4),
        "r6a.2xlarge": _limits(4, 15, 8),
        "r6a.4xlarge": _limits(8, 30, 16),
        "r6a.8xlarge": _limits(8, 30, 32),
        "r6a.12xlarge": _limits(8, 30, 48),
        "r6a.16xlarge": _limits(15, 50, 64),
        "r6a.24xlarge": _limits(15, 50, 96),
        "r6a.32xlarge": _limits(15, 50, 128),
        "r6a.48xlarge": _limits(15, 50, 192),
        "r6a.metal": _limits(15, 50, 192),
        "r6g.medium": _limits(2, 4, 1),
        "r6g.large": _limits(3, 10, 2),
        "r6g.xlarge": _limits(4, 15, 4),
        "r6g.2xlarge": _limits(4, 15, 8),
        "r6g.4xlarge": _limits(8, 30, 16),
        "r6g.8xlarge": _limits(8, 30, 32),
        "r6g.12xlarge": _limits(8, 30, 48),
        "r6g.16xlarge": _limits(15, 50, 64),
        "r6g.metal": _limits(15, 50, 64),
        "r6gd.medium": _limits(2, 4, 1),
        "r6gd.large": _limits(3, 10, 2),
        "r6gd.xlarge": _limits(4, 15, 4),
        "r6gd.2xlarge": _limits(4, 15, 8),
        "r6gd.4xlarge": _limits(8, 30, 16),
        "r6gd.8xlarge": _limits(8, 30, 32),
        "r6gd.12xlarge": _limits(8, 30, 48),
        "r6gd.16xlarge": _limits(15, 50, 64),
        "r6gd.metal": _limits(15, 50, 64),
        "r7i.large": _limits(3, 10, 2),
        "r7i.xlarge": _limits(4, 15, 4),
        "r7i.2xlarge": _limits(4, 15, 8),
        "r7i.4xlarge": _limits(8, 30, 16),
        "r7i.8xlarge": _limits(8, 30, 32),
        "r7i.12xlarge": _limits(8, 30, 48),
        "r7i.16xlarge": _limits(15, 50, 64),
        "r7i.24xlarge": _limits(15, 50, 96),
        "r7i.48xlarge": _limits(15, 50, 192),
        "r7i.metal-24xl": _limits(15, 50, 96),
        "r7i.metal-48xl": _limits(15, 50, 192),
        "r7a.medium": _limits(2, 4, 1),
        "r7a.large": _limits(3, 10, 2),
        "r7a.xlarge": _limits(4, 15, 4),
        "r7a.2xlarge": _limits(4, 15, 8),
        "r7a.4xlarge": _limits(8, 30, 16),
        "r7a.8xlarge": _limits(8, 30, 32),
        "r7a.12xlarge": _limits(8, 30, 48),
        "r7a.16xlarge": _limits(15, 50, 64),
        "r7a.24xlarge": _limits(15, 50, 96),
        "r7a.32xlarge": _limits(15, 50, 128),
        "r7a.48xlarge": _limits(15, 50, 192),
        "r7a.metal-48xl": _limits(15, 50, 192),
        "r7g.medium": _limits(2, 4, 1),
        "r7g.large": _limits(3, 10, 2),
        "r7g.xlarge": _limits(4, 15, 4),
        "r7g.2xlarge": _limits(4, 15, 8),
        "r7g.4xlarge": _limits(8, 30, 16),
        "r7g.8xlarge": _limits(8, 30, 32),
        "r7g.12xlarge": _limits(8, 30, 48),
        "r7g.16xlarge": _limits(15, 50, 64),
        "r7g.metal": _limits(15, 50, 64),
        "r7gd.medium": _limits(2, 4, 1),
        "r7gd.large": _limits(3, 10, 2),
        "r7gd.xlarge": _limits(4, 15, 4),
        "r7gd.2xlarge": _limits(4, 15, 8),
        "r7gd.4xlarge": _limits(8, 30, 16),
        "r7gd.8xlarge": _limits(8, 30, 32),
        "r7gd.12xlarge": _limits(8, 30, 48),
        "r7gd.16xlarge": _limits(15, 50, 64),
        "r7gd.metal": _limits(15, 50, 64),
        "r8g.medium": _limits(2, 4, 1),
        "r8g.large": _limits(3, 10, 2),
        "r8g.xlarge": _limits(4, 15, 4),
        "r8g.2xlarge": _limits(4, 15, 8),
        "r8g.4xlarge": _limits(8, 30, 16),
        "r8g.8xlarge": _limits(8, 30, 32),
        "r8g.12xlarge": _limits(8, 30, 48),
        "r8g.16xlarge": _limits(15, 50, 64),
        "r8g.24xlarge": _limits(15, 50, 96),
        "r8g.48xlarge": _limits(15, 50, 192),
        "r8g.metal-24xl": _limits(15, 50, 96),
        "r8g.metal-48xl": _limits(15, 50, 192),
        "g4dn.xlarge": _limits(3, 10, 4),
        "g4dn.2xlarge": _limits(3, 10, 8),
        "g4dn.4xlarge": _limits(3, 10, 16),
        "g4dn.8xlarge": _limits(4, 15, 32),
        "g4dn.12xlarge": _limits(8, 30, 48),
        "g4dn.16xlarge": _limits(4, 15, 64),
        "g4dn.metal": _limits(15, 50, 96),
        "g5.xlarge": _limits(4, 15, 4),
        "g5.2xlarge": _limits(4, 15, 8),
        "g5.4xlarge": _limits(8, 30, 16),
        "g5.8xlarge": _limits(8, 30, 32),
        "g5.12xlarge": _limits(15, 50, 48),
        "g5.16xlarge": _limits(8, 30, 64),
        "g5.24xlarge": _limits(15, 50, 96),
        "g5.48xlarge": _limits(7, 50, 192),
        "g6.xlarge": _limits(4, 15, 4),
        "g6.2xlarge": _limits(4, 15, 8),
        "g6.4xlarge": _limits(8, 30, 16),
        "g6.8xlarge": _limits(8, 30, 32),
        "g6.12xlarge": _limits(8, 30, 48),
        "g6.16xlarge": _limits(15, 50, 64),
        "g6.24xlarge": _limits(15, 50, 96),
        "g6.48xlarge": _limits(15, 50, 192),
        "g6e.xlarge": _limits(4, 15, 4),
        "g6e.2xlarge": _limits(4, 15, 8),
        "g6e.4xlarge": _limits(8, 30, 16),
        "g6e.8xlarge": _limits(8, 30, 32),
        "g6e.12xlarge": _limits(10, 30, 48),
        "g6e.16xlarge": _limits(15, 50, 64),
        "g6e.24xlarge": _limits(10, 50, 96),
        "g6e.48xlarge": _limits(10, 50, 192),
        "p4d.24xlarge": _limits(15, 50, 96),
        "p5.4xlarge": _limits(4, 30, 16),
        "p5.48xlarge": _limits(2, 50, 192),
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
) -> CapacityReport:
    """Compare the node groups at max size with the private subnets' free IPs.

    ``path`` is the network config's path (``prod.network``), ``node_groups_path`` the node groups'
    (``prod.node_groups``). Raises ConfigError for an unknown instance type or a matrix that does not
    fit; above :data:`WARN_UTILIZATION` the report carries a warning, also issued as an
    :class:`IpCapacityWarning`.

    Computed once per network config, region and node-group matrix: the report is kept with the
    (frozen) config (:func:`~constructs_lib.validation.memo`), so validation and the ``Network``
    construct share it and the warning is issued once, by whichever asks first.
    """
    cache: list[tuple[str, tuple[NodeGroupSpec, ...], CapacityReport]] = memo(config).setdefault(
        "capacity_reports", []
    )
    groups = tuple(node_groups)
    for cached_region, cached_groups, report in cache:
        if cached_region == region and cached_groups == groups:
            return report
    report = _capacity(config, groups, path=path, region=region, node_groups_path=node_groups_path)
    if report.warning is not None:
        warnings.warn(report.warning, IpCapacityWarning, stacklevel=2)
    cache.append((region, groups, report))
    return report


def _capacity(
    config: NetworkConfig, node_groups: Sequence[NodeGroupSpec], *, path: str, region: str, node_groups_path: str
) -> CapacityReport:
    """The capacity report of :func:`check_ip_capacity`, computed (raises ConfigError)."""
    addressing = config.pod_addressing
    max_pods = 0
    required = 0
    for group_index, group in enumerate(node_groups):
        at = f"{node_groups_path}[{group_index}]"
        limits = [
            _lookup(at, type_index, instance_type, group.network_limits)
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
    return CapacityReport(max_pods=max_pods, required_ips=required, available_ips=available, warning=warning)


def _lookup(
    group: str, index: int, instance_type: str, override: InstanceNetworkLimits | None
) -> InstanceNetworkLimits:
    """The group's ``network_limits`` when set, else the table's row for ``instance_type``.

    ``group`` is the node group's path, ``index`` the type's position in its ``instance_types``.
    """
    if override is not None:
        return override
    limits = INSTANCE_NETWORK_LIMITS.get(instance_type)
    if limits is None:
        raise ConfigError(
            f"{group}.instance_types[{index}]",
            "has no entry in the network tier's ENI/IP table, so its pod IPs cannot be counted",
            instance_type,
            f"set `{group}.network_limits` to InstanceNetworkLimits(max_enis=..., ipv4_per_eni=..., vcpus=...) "
            f"with the values of `aws ec2 describe-instance-types --instance-types {instance_type}`, or use a "
            "type of INSTANCE_NETWORK_LIMITS (constructs_lib/network/capacity.py), e.g. 'm7i.large' or 'm7g.large'",
        )
    return limits
