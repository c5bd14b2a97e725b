"""Instance types: architecture and GPU from the family, the node group's AMI type, the limits override."""

from __future__ import annotations

import dataclasses

import pytest

from constructs_lib.cluster.config import NodeGroupSpec
from constructs_lib.cluster.instance_types import (
    AmiType,
    Architecture,
    InstanceNetworkLimits,
    architecture,
    has_nvidia_gpu,
    resolve_ami_type,
    supports_pod_enis,
)
from constructs_lib.config import from_dict
from constructs_lib.errors import ConfigError

X86 = AmiType.AL2023_X86_64_STANDARD
ARM = AmiType.AL2023_ARM_64_STANDARD
NVIDIA = AmiType.AL2023_X86_64_NVIDIA
PATH = "dev.node_groups[0]"


def group(*instance_types: str, **changes: object) -> NodeGroupSpec:
    return dataclasses.replace(NodeGroupSpec(name="apps", instance_types=instance_types, min_size=1, desired_size=1, max_size=3), **changes)


@pytest.mark.parametrize(
    "instance_type",
    ["m7g.large", "c7g.xlarge", "r8g.2xlarge", "t4g.medium", "m6gd.large", "c6gn.large", "im4gn.large", "a1.large"],
)
def test_graviton_families_are_arm(instance_type: str) -> None:
    assert architecture(instance_type) is Architecture.ARM_64


@pytest.mark.parametrize(
    "instance_type", ["m5.large", "m7i.large", "m6a.large", "t3.large", "g4dn.xlarge", "g5.xlarge"]
)
def test_other_families_are_x86(instance_type: str) -> None:
    assert architecture(instance_type) is Architecture.X86_64


@pytest.mark.parametrize(
    "instance_type", ["g4dn.xlarge", "g5.xlarge", "g6.xlarge", "g6e.xlarge", "p4d.24xlarge", "p5.48xlarge"]
)
def test_nvidia_gpu_families(instance_type: str) -> None:
    assert has_nvidia_gpu(instance_type)


@pytest.mark.parametrize("instance_type", ["m7g.large", "m5.large", "inf2.xlarge", "g4ad.xlarge"])
def test_families_without_nvidia_gpus(instance_type: str) -> None:
    assert not has_nvidia_gpu(instance_type)


@pytest.mark.parametrize(
    ("instance_types", "expected"),
    [
        (("m5.large", "m5a.large"), X86),
        (("m7g.large", "c7g.large"), ARM),
        (("t4g.large",), ARM),
        (("g5.xlarge", "g6.xlarge"), NVIDIA),
        (("p5.48xlarge",), NVIDIA),
        (("g5g.xlarge",), AmiType.AL2023_ARM_64_NVIDIA),
    ],
)
def test_ami_type_follows_the_instances(instance_types: tuple[str, ...], expected: AmiType) -> None:
    assert resolve_ami_type(PATH, instance_types) is expected


def test_explicit_ami_type_wins() -> None:
    assert resolve_ami_type(PATH, ("g5.xlarge",), X86) is X86  # a GPU operator brings the driver


def test_ami_type_defaults_to_derived() -> None:
    assert group("m5.large").ami_type is None


def test_network_limits_default_to_the_table() -> None:
    assert group("m5.large").network_limits is None


def test_read_from_plain_data() -> None:
    spec = from_dict(
        NodeGroupSpec,
        {
            "name": "arm",
            "instance_types": ["x8y.large"],
            "min_size": 1,
            "desired_size": 1,
            "max_size": 2,
            "ami_type": "al2023_arm_64_standard",
            "network_limits": {"max_enis": 3, "ipv4_per_eni": 10, "vcpus": 2},
        },
        "dev.node_groups[0]",
    )
    assert (spec.ami_type, spec.network_limits) == (ARM, InstanceNetworkLimits(max_enis=3, ipv4_per_eni=10, vcpus=2))


def test_valid_overrides_pass() -> None:
    group("g5.xlarge", ami_type=NVIDIA, network_limits=InstanceNetworkLimits(max_enis=4, ipv4_per_eni=15, vcpus=4)).validate(PATH)


# -- errors -----------------------------------------------------------------------------------


def test_mixed_architectures_are_refused() -> None:
    with pytest.raises(
        ConfigError,
        match=r"`dev\.node_groups\[0\]\.instance_types`: mixes instance types that need different AMIs "
        r"\(AL2023_ARM_64_STANDARD, AL2023_x86_64_STANDARD\).*split them into one node group",
    ):
        group("m5.large", "m7g.large").validate(PATH)


def test_gpu_and_plain_types_need_an_explicit_ami() -> None:
    with pytest.raises(ConfigError, match=r"instance_types`: mixes .*AL2023_x86_64_NVIDIA"):
        group("m5.xlarge", "g5.xlarge").validate(PATH)


def test_explicit_standard_ami_may_cover_gpu_and_plain_types() -> None:
    group("m5.xlarge", "g5.xlarge", ami_type=X86).validate(PATH)


def test_explicit_arm_ami_on_x86_is_refused() -> None:
    with pytest.raises(
        ConfigError,
        match=r"`dev\.node_groups\[0\]\.ami_type`: does not run on m5\.large \(x86_64, which takes "
        r"AL2023_x86_64_STANDARD\).*AL2023_ARM_64_STANDARD.*leave ami_type unset",
    ):
        group("m5.large", ami_type=ARM).validate(PATH)


def test_explicit_nvidia_ami_on_a_cpu_instance_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"ami_type`: does not run on m5\.large"):
        group("g5.xlarge", "m5.large", ami_type=NVIDIA).validate(PATH)


def test_explicit_x86_ami_on_graviton_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"does not run on m7g\.large \(arm64, which takes AL2023_ARM_64_STANDARD\)"):
        group("m7g.large", ami_type=X86).validate(PATH)


def test_ami_type_must_be_the_enum() -> None:
    with pytest.raises(
        ConfigError, match=r"ami_type`: must be one of AL2023_X86_64_STANDARD, .*'AL2023_x86_64_STANDARD'"
    ):
        group("m5.large", ami_type="AL2023_x86_64_STANDARD").validate(PATH)


def test_ami_type_from_plain_data_must_be_known() -> None:
    data = {"name": "a", "instance_types": ["m5.large"], "min_size": 1, "desired_size": 1, "max_size": 1}
    with pytest.raises(ConfigError, match=r"ami_type`: must be one of .*'BOTTLEROCKET_x86_64'"):
        from_dict(NodeGroupSpec, {**data, "ami_type": "BOTTLEROCKET_x86_64"}, PATH)


@pytest.mark.parametrize(
    ("limits", "field", "value"),
    [
        (InstanceNetworkLimits(max_enis=0, ipv4_per_eni=10, vcpus=2), "max_enis", 0),
        (InstanceNetworkLimits(max_enis=3, ipv4_per_eni=1, vcpus=2), "ipv4_per_eni", 1),
        (InstanceNetworkLimits(max_enis=3, ipv4_per_eni=10, vcpus=0), "vcpus", 0),
    ],
)
def test_network_limits_must_be_plausible(limits: InstanceNetworkLimits, field: str, value: int) -> None:
    with pytest.raises(
        ConfigError,
        match=rf"`dev\.node_groups\[0\]\.network_limits\.{field}`: must be a whole number from .*{value}.*describe-instance-types",
    ):
        group("m5.large", network_limits=limits).validate(PATH)


def test_network_limits_must_be_the_dataclass() -> None:
    with pytest.raises(ConfigError, match=r"network_limits`: must be an InstanceNetworkLimits \(got"):
        group("m5.large", network_limits={"max_enis": 3}).validate(PATH)


@pytest.mark.parametrize(
    ("instance_type", "supported"),
    [
        ("m5.large", True),
        ("m7g.large", True),
        ("c6i.2xlarge", True),
        ("trn1.2xlarge", True),
        ("i4i.xlarge", True),
        ("t3.large", False),
        ("t3a.large", False),
        ("t4g.medium", False),
        ("m4.large", False),
        ("i4i.large", False),
    ],
)
def test_security_groups_for_pods_need_a_trunk_capable_type(instance_type: str, supported: bool) -> None:
    assert supports_pod_enis(instance_type) is supported
