"""What the node groups need to know about an EC2 instance type: architecture, GPU, network limits.

No provider import: :mod:`constructs_lib.cluster.config` uses it to validate node groups, and
:mod:`constructs_lib.network.capacity` holds the per-type table of :class:`InstanceNetworkLimits`.

Architecture and accelerator come from the instance family (the part before the dot), following
EC2's naming: the letters after the generation number are the family's attributes, and a ``g`` first
means AWS Graviton (``m7g``, ``c7gn``, ``r6gd``, ``t4g``, ``im4gn``); ``a1`` is the first Graviton
generation. NVIDIA GPU families are listed in :data:`NVIDIA_GPU_FAMILIES` (``g4dn`` and ``g5`` start
with a ``g`` but are x86 GPU instances; ``g5g`` is an Arm GPU instance).
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from constructs_lib.network.config import PodAddressing
from constructs_lib.validation import require

__all__ = [
    "NVIDIA_GPU_FAMILIES",
    "AmiType",
    "Architecture",
    "InstanceNetworkLimits",
    "architecture",
    "has_nvidia_gpu",
    "instance_family",
    "resolve_ami_type",
    "supports_pod_enis",
]

#: IPs per /28 prefix under prefix delegation.
_PREFIX_SIZE = 16

#: The VPC CNI's default ``WARM_PREFIX_TARGET``: one spare prefix per node.
_WARM_PREFIXES = 1

#: Pods running in the host network (aws-node, kube-proxy) need no IP of their own.
_HOST_NETWORK_PODS = 2


class Architecture(enum.Enum):
    """CPU architecture of an instance type."""

    X86_64 = "x86_64"
    ARM_64 = "arm64"


class AmiType(enum.Enum):
    """The EKS-optimized Amazon Linux 2023 AMIs a managed node group can run, as ``aws_eks_node_group.ami_type``.

    Only AL2023 variants: the node groups' launch template (root device ``/dev/xvda``, nodeadm
    bootstrap by EKS) is built for them.
    """

    AL2023_X86_64_STANDARD = "AL2023_x86_64_STANDARD"
    AL2023_ARM_64_STANDARD = "AL2023_ARM_64_STANDARD"
    AL2023_X86_64_NVIDIA = "AL2023_x86_64_NVIDIA"
    AL2023_ARM_64_NVIDIA = "AL2023_ARM_64_NVIDIA"

    @property
    def architecture(self) -> Architecture:
        """The architecture the AMI is built for."""
        return Architecture.ARM_64 if "_ARM_64_" in self.value else Architecture.X86_64

    @property
    def nvidia(self) -> bool:
        """Whether the AMI carries the NVIDIA driver and container toolkit."""
        return self.value.endswith("_NVIDIA")


#: Instance families with NVIDIA GPUs (EC2 accelerated computing); ``g5g`` is the Arm one. Others
#: with accelerators (``inf``/``trn`` Neuron, ``g4ad`` AMD) are not NVIDIA and get no NVIDIA AMI.
NVIDIA_GPU_FAMILIES: frozenset[str] = frozenset(
    {"g4dn", "g5", "g5g", "g6", "g6e", "g6f", "gr6", "p3", "p3dn", "p4d", "p4de", "p5", "p5e", "p5en"}
)

#: ``<class letters><generation><attribute letters>[-suffix]``: ``m7g``, ``c6gn``, ``m7i-flex``.
_FAMILY = re.compile(r"^[a-z]+(\d+)([a-z]*)")


def instance_family(instance_type: str) -> str:
    """``m7g.large`` -> ``m7g``."""
    return instance_type.split(".", 1)[0]


def architecture(instance_type: str) -> Architecture:
    """Graviton (Arm) when the family's attributes start with ``g`` or it is ``a1``; x86_64 otherwise."""
    family = instance_family(instance_type)
    match = _FAMILY.match(family)
    graviton = family == "a1" or (match is not None and match.group(2).startswith("g"))
    return Architecture.ARM_64 if graviton else Architecture.X86_64


def has_nvidia_gpu(instance_type: str) -> bool:
    """Whether the instance type's family is in :data:`NVIDIA_GPU_FAMILIES`."""
    return instance_family(instance_type) in NVIDIA_GPU_FAMILIES


#: Families none of whose (non-metal) sizes can carry a trunk network interface, so their pods cannot
#: get security groups of their own (EKS security groups for pods): every burstable ``t`` family and
#: the pre-Nitro generations. From the VPC resource controller's instance table (``limits.go``,
#: ``IsTrunkingCompatible``), reviewed 2026-12-02; every other family there supports it.
_NO_POD_ENI_FAMILIES: frozenset[str] = frozenset(
    {"c1", "c3", "c4", "d2", "f1", "h1", "i2", "i3", "m1", "m2", "m3", "m4", "p3", "r3", "r4", "u-6tb1", "x1", "x1e"}
)
#: Single sizes of otherwise capable families that cannot (same source).
_NO_POD_ENI_TYPES: frozenset[str] = frozenset({"i4i.large"})


def supports_pod_enis(instance_type: str) -> bool:
    """Whether nodes of ``instance_type`` can give pods their own security groups (a trunk ENI with
    branch ENIs): Nitro families only, never the burstable ``t`` families (t3, t3a, t4g, ...)."""
    family = instance_family(instance_type)
    return not (
        (family.startswith("t") and family[1:2].isdigit())
        or family in _NO_POD_ENI_FAMILIES
        or instance_type in _NO_POD_ENI_TYPES
    )


def _ami_for(instance_type: str) -> AmiType:
    arm = architecture(instance_type) is Architecture.ARM_64
    if has_nvidia_gpu(instance_type):
        return AmiType.AL2023_ARM_64_NVIDIA if arm else AmiType.AL2023_X86_64_NVIDIA
    return AmiType.AL2023_ARM_64_STANDARD if arm else AmiType.AL2023_X86_64_STANDARD


def resolve_ami_type(path: str, instance_types: Sequence[str], ami_type: AmiType | None = None) -> AmiType:
    """The AMI type of a node group with ``instance_types``: ``ami_type`` if given, else derived.

    Derived: the one AMI every type calls for (ARM for Graviton, NVIDIA for NVIDIA GPU families).
    A given type must run on every instance type: the same architecture, and NVIDIA only on NVIDIA
    GPU instances (a STANDARD AMI on GPU instances is allowed, for clusters whose GPU operator installs
    the driver). ``path`` is the node group's path; raises ConfigError.
    """
    wanted = {instance_type: _ami_for(instance_type) for instance_type in instance_types}
    if ami_type is None:
        kinds = sorted({ami.value for ami in wanted.values()})
        require(
            len(kinds) <= 1,
            f"{path}.instance_types",
            f"mixes instance types that need different AMIs ({', '.join(kinds)}); a node group runs one AMI",
            list(instance_types),
            "split them into one node group per architecture and GPU kind, or set `ami_type` "
            "(a STANDARD AMI runs on GPU instances of the same architecture)",
        )
        return next(iter(wanted.values()), AmiType.AL2023_X86_64_STANDARD)
    require(
        isinstance(ami_type, AmiType),
        f"{path}.ami_type",
        f"must be one of {', '.join(a.value for a in AmiType)}",
        ami_type,
        "use an AmiType member such as AmiType.AL2023_ARM_64_STANDARD, or leave it unset to derive it",
    )
    for instance_type, needed in wanted.items():
        require(
            needed.architecture is ami_type.architecture and (needed.nvidia or not ami_type.nvidia),
            f"{path}.ami_type",
            f"does not run on {instance_type} ({needed.architecture.value}"
            f"{', NVIDIA GPU' if needed.nvidia else ''}, which takes {needed.value})",
            ami_type.value,
            "leave ami_type unset to derive it from the instance types, or choose instance types that match",
        )
    return ami_type


@dataclass(frozen=True, kw_only=True)
class InstanceNetworkLimits:
    """ENI limits of an instance type, as EC2 publishes them (``DescribeInstanceTypes``, the EC2 User Guide).

    A row of :data:`constructs_lib.network.capacity.INSTANCE_NETWORK_LIMITS`, or a node group's own
    ``NodeGroupSpec.network_limits`` for a type the table lacks.
    """

    #: Maximum network interfaces (of the default network card, the one the VPC CNI uses).
    max_enis: int
    #: IPv4 addresses per interface (the primary one included).
    ipv4_per_eni: int
    #: vCPUs: decide the max-pods cap (110 below 30 vCPUs, 250 above) under prefix delegation.
    vcpus: int

    def validate(self, path: str) -> None:
        """Check the numbers are plausible EC2 limits; raises ConfigError."""
        for name, value, low, high in (
            ("max_enis", self.max_enis, 1, 128),
            ("ipv4_per_eni", self.ipv4_per_eni, 2, 100),
            ("vcpus", self.vcpus, 1, 1024),
        ):
            require(
                isinstance(value, int) and not isinstance(value, bool) and low <= value <= high,
                f"{path}.{name}",
                f"must be a whole number from {low} to {high}",
                value,
                "copy the instance type's value from `aws ec2 describe-instance-types` (NetworkInfo, VCpuInfo)",
            )

    def max_pods(self, addressing: PodAddressing) -> int:
        """Pods a node of this type can run (the ``max-pods`` the EKS AMI computes)."""
        if addressing is PodAddressing.PREFIX_DELEGATION:
            cap = 110 if self.vcpus < 30 else 250
            return min(cap, self.max_enis * (self.ipv4_per_eni - 1) * _PREFIX_SIZE + _HOST_NETWORK_PODS)
        return self.max_enis * (self.ipv4_per_eni - 1) + _HOST_NETWORK_PODS

    def ips_per_node(self, addressing: PodAddressing) -> int:
        """Subnet IPs a node holds when it runs :meth:`max_pods` pods.

        Secondary IPs: the CNI attaches whole ENIs with all their IPs, so a full node holds
        ``max_enis x ipv4_per_eni``. Prefix delegation: one /28 per 16 pods plus one warm prefix,
        and the primary IP of each ENI that carries them.
        """
        if addressing is PodAddressing.PREFIX_DELEGATION:
            pod_ips = self.max_pods(addressing) - _HOST_NETWORK_PODS
            prefixes = math.ceil(pod_ips / _PREFIX_SIZE) + _WARM_PREFIXES
            enis = min(self.max_enis, math.ceil(prefixes / (self.ipv4_per_eni - 1)))
            return prefixes * _PREFIX_SIZE + enis
        return self.max_enis * self.ipv4_per_eni
