"""Typed configuration of the EKS tier: the cluster and its node-group matrix."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from constructs_lib.validation import (
    require,
    require_cidr,
    require_dns_label,
    require_iam_arn,
    require_range,
    require_unique,
)

__all__ = [
    "DEFAULT_KUBERNETES_VERSION",
    "SUPPORTED_KUBERNETES_VERSIONS",
    "CapacityType",
    "ClusterConfig",
    "NodeGroupSpec",
    "Taint",
    "TaintEffect",
]

#: EKS support windows (release, end of standard support, end of extended support), as published
#: by AWS; reviewed 2026-11-25. Versions whose extended support has ended (1.31 and older; the
#: seeds' 1.28 ended in 2025) are rejected. The table is static on purpose: synthesis must not
#: depend on the date it runs.
SUPPORTED_KUBERNETES_VERSIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "1.32": ("2026-03-23", "2027-03-23"),
        "1.33": ("2026-07-29", "2027-07-29"),
        "1.34": ("2026-12-02", "2027-12-02"),
        "1.35": ("2027-03-27", "2028-03-27"),
    }
)

#: Default: 1.35, the newest version in standard support (until 2027-03-27) whose add-ons and
#: cluster-autoscaler image this library has been checked against. 1.32 to 1.34 are accepted but
#: are in, or weeks from, paid extended support.
DEFAULT_KUBERNETES_VERSION = "1.35"


class CapacityType(enum.Enum):
    """How a node group buys its EC2 capacity."""

    ON_DEMAND = "ON_DEMAND"
    SPOT = "SPOT"


class TaintEffect(enum.Enum):
    """Kubernetes taint effects, spelled as the EKS API expects them."""

    NO_SCHEDULE = "NO_SCHEDULE"
    NO_EXECUTE = "NO_EXECUTE"
    PREFER_NO_SCHEDULE = "PREFER_NO_SCHEDULE"


@dataclass(frozen=True)
class Taint:
    """A node taint applied by the node group."""

    key: str
    value: str
    effect: TaintEffect = TaintEffect.NO_SCHEDULE


@dataclass(frozen=True)
class NodeGroupSpec:
    """One row of the node-group matrix."""

    #: DNS-safe, unique within the cluster; part of the node group's AWS name.
    name: str
    #: Instance types, first one preferred; more than one only makes sense for SPOT.
    instance_types: tuple[str, ...]
    min_size: int
    desired_size: int
    max_size: int
    #: Default ON_DEMAND: SPOT is cheaper but is reclaimed with two minutes' notice.
    capacity_type: CapacityType = CapacityType.ON_DEMAND
    #: Root volume in GiB (gp3, encrypted). Default 50: images for a busy node exceed the AMI's 20.
    disk_size_gib: int = 50
    labels: Mapping[str, str] = field(default_factory=dict)
    taints: tuple[Taint, ...] = ()
    #: Nodes replaced at once during an update. Default 1: slow, never drops capacity by more.
    max_unavailable: int = 1
    #: IMDS hop limit 2 lets pods reach the node's instance role: only for groups that need it.
    imds_hop_limit_two: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))
        object.__setattr__(self, "instance_types", tuple(self.instance_types))
        object.__setattr__(self, "taints", tuple(self.taints))

    def validate(self, path: str) -> None:
        """Check this row on its own; raises ConfigError."""
        require_dns_label(f"{path}.name", self.name, max_length=32)
        require(
            len(self.instance_types) > 0,
            f"{path}.instance_types",
            "must list at least one EC2 instance type",
            list(self.instance_types),
            "list an instance type such as 'm5.large'",
        )
        for index, instance_type in enumerate(self.instance_types):
            require(
                isinstance(instance_type, str) and instance_type.count(".") == 1 and all(instance_type.split(".")),
                f"{path}.instance_types[{index}]",
                "must be an EC2 instance type of the form family.size",
                instance_type,
                "use a type such as 'm5.large'",
            )
        require_unique(f"{path}.instance_types", self.instance_types, "instance type")
        require_range(f"{path}.min_size", self.min_size, 0, 1000)
        require_range(f"{path}.max_size", self.max_size, 1, 1000)
        require_range(f"{path}.desired_size", self.desired_size, 0, 1000)
        require(
            self.min_size <= self.max_size,
            f"{path}.min_size",
            f"must not exceed max_size ({self.max_size})",
            self.min_size,
            "lower min_size or raise max_size",
        )
        require(
            self.min_size <= self.desired_size <= self.max_size,
            f"{path}.desired_size",
            f"must lie between min_size ({self.min_size}) and max_size ({self.max_size})",
            self.desired_size,
            "set desired_size within [min_size, max_size]",
        )
        require(
            isinstance(self.capacity_type, CapacityType),
            f"{path}.capacity_type",
            "must be ON_DEMAND or SPOT",
            self.capacity_type,
            "use CapacityType.ON_DEMAND or CapacityType.SPOT",
        )
        require_range(f"{path}.disk_size_gib", self.disk_size_gib, 20, 16384)
        require_range(f"{path}.max_unavailable", self.max_unavailable, 1, 100)
        for key, value in self.labels.items():
            require(
                isinstance(key, str) and 0 < len(key) <= 63 + 254 and isinstance(value, str) and len(value) <= 63,
                f"{path}.labels.{key}",
                "label keys must be non-empty and values at most 63 characters",
                value,
                "shorten the label",
            )
        for index, taint in enumerate(self.taints):
            require(
                isinstance(taint.effect, TaintEffect),
                f"{path}.taints[{index}].effect",
                "must be one of NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE",
                taint.effect,
                "use TaintEffect.NO_SCHEDULE",
            )
            require(
                isinstance(taint.key, str) and 0 < len(taint.key) <= 63,
                f"{path}.taints[{index}].key",
                "must be a non-empty key of at most 63 characters",
                taint.key,
                "use a key such as 'CriticalAddonsOnly'",
            )


@dataclass(frozen=True)
class ClusterConfig:
    """The EKS control plane of one environment."""

    #: Kubernetes minor version; see :data:`SUPPORTED_KUBERNETES_VERSIONS`.
    version: str = DEFAULT_KUBERNETES_VERSION
    #: Public API endpoint. Default off: reach the API from the VPC (bastion, VPN, CI runners).
    endpoint_public_access: bool = False
    #: CIDRs allowed on the public endpoint when it is on; 0.0.0.0/0 is rejected in prod.
    public_access_cidrs: tuple[str, ...] = ()
    #: IAM principals granted cluster-admin through EKS access entries.
    admin_principal_arns: tuple[str, ...] = ()
    #: Grant the identity that runs terraform cluster-admin at creation. Default off: admins are
    #: explicit access entries, so nobody keeps admin because they happened to create the cluster.
    bootstrap_creator_admin: bool = False

    def validate(self, path: str, *, production: bool) -> None:
        """Check the cluster's own rules; raises ConfigError."""
        supported = ", ".join(SUPPORTED_KUBERNETES_VERSIONS)
        require(
            self.version in SUPPORTED_KUBERNETES_VERSIONS,
            f"{path}.version",
            f"must be a Kubernetes version EKS still supports ({supported}); 1.31 and older are past "
            "the end of extended support",
            self.version,
            f"use {DEFAULT_KUBERNETES_VERSION!r}",
        )
        for index, cidr in enumerate(self.public_access_cidrs):
            require_cidr(f"{path}.public_access_cidrs[{index}]", cidr, allow_any=not production)
        require(
            self.endpoint_public_access or not self.public_access_cidrs,
            f"{path}.public_access_cidrs",
            "only applies when endpoint_public_access is on",
            list(self.public_access_cidrs),
            "set endpoint_public_access=True or remove public_access_cidrs",
        )
        require(
            not (self.endpoint_public_access and not self.public_access_cidrs),
            f"{path}.public_access_cidrs",
            "must list the CIDRs allowed on the public endpoint (an empty list would mean 0.0.0.0/0)",
            list(self.public_access_cidrs),
            "list your office/VPN/CI egress CIDRs, or turn endpoint_public_access off",
        )
        for index, arn in enumerate(self.admin_principal_arns):
            require_iam_arn(f"{path}.admin_principal_arns[{index}]", arn)
        require_unique(f"{path}.admin_principal_arns", self.admin_principal_arns, "admin principal")
