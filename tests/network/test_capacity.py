"""The IP capacity check: per-type limits, the matrices of the test environments, and every message."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import pytest

from constructs_lib.cluster.config import NodeGroupSpec
from constructs_lib.config import EnvironmentConfig, from_dict
from constructs_lib.errors import ConfigError
from constructs_lib.network.capacity import (
    INSTANCE_NETWORK_LIMITS,
    CapacityReport,
    InstanceNetworkLimits,
    IpCapacityWarning,
    check_ip_capacity,
)
from constructs_lib.network.config import BastionMode, NetworkConfig, PodAddressing
from tests.fixtures import DEV, PROD

REGION = "us-east-1"
SECONDARY = PodAddressing.SECONDARY_IPS
SMALL = NetworkConfig(vpc_cidr="10.10.0.0/20", availability_zones=("us-east-1a", "us-east-1b"), pod_addressing=SECONDARY)
PREFIX = PodAddressing.PREFIX_DELEGATION


def group(instance_type: str, max_size: int) -> NodeGroupSpec:
    return NodeGroupSpec(name="apps", instance_types=(instance_type,), min_size=1, desired_size=1, max_size=max_size)


def check(config: NetworkConfig, *groups: NodeGroupSpec) -> CapacityReport:
    # A fresh copy: the report (and its one warning) is kept on the config object it was computed for.
    fresh = dataclasses.replace(config)
    return check_ip_capacity(fresh, groups, path="dev.network", region=REGION, node_groups_path="dev.node_groups")


@pytest.mark.parametrize(
    ("instance_type", "pods"),
    [("t3.large", 35), ("t3a.large", 35), ("m5.large", 29), ("m5.xlarge", 58), ("c5.2xlarge", 58), ("r5.xlarge", 58)],
)
def test_max_pods_match_the_eks_ami(instance_type: str, pods: int) -> None:
    assert INSTANCE_NETWORK_LIMITS[instance_type].max_pods(SECONDARY) == pods


def test_secondary_ips_hold_every_eni_ip() -> None:
    assert INSTANCE_NETWORK_LIMITS["m5.xlarge"].ips_per_node(SECONDARY) == 60


def test_prefix_delegation_caps_small_instances_at_110() -> None:
    assert INSTANCE_NETWORK_LIMITS["m5.large"].max_pods(PREFIX) == 110


def test_prefix_delegation_caps_large_instances_at_250() -> None:
    assert INSTANCE_NETWORK_LIMITS["m5.8xlarge"].max_pods(PREFIX) == 250


def test_prefix_delegation_counts_whole_prefixes_plus_warm_one() -> None:
    # 108 pod IPs -> 7 prefixes + 1 warm = 8 x 16 IPs, plus the ENI's primary IP
    assert INSTANCE_NETWORK_LIMITS["m5.large"].ips_per_node(PREFIX) == 129


def test_prod_matrix_numbers() -> None:
    # 84 nodes at max size, each capped at 110 pods and holding 8 prefixes + 1 ENI IP = 129 IPs
    report = check(PROD.network, *PROD.node_groups)
    assert (report.max_pods, report.required_ips, report.available_ips) == (9240, 10836, 24544)


def test_prod_matrix_numbers_with_secondary_ips() -> None:
    report = check(dataclasses.replace(PROD.network, pod_addressing=SECONDARY), *PROD.node_groups)
    assert (report.max_pods, report.required_ips) == (4756, 4920)


def test_prod_matrix_has_no_warning() -> None:
    assert check(PROD.network, *PROD.node_groups).warning is None


def test_dev_matrix_uses_the_largest_type_of_a_group() -> None:
    # system 3 x t3.large (36 IPs) + application 4 x max(t3.large 36, t3a.large 36, m5.large 30)
    config = dataclasses.replace(DEV.network, pod_addressing=SECONDARY)
    assert check(config, *DEV.node_groups).required_ips == 7 * 36


def test_prefix_delegation_changes_the_count() -> None:
    config = dataclasses.replace(PROD.network, pod_addressing=PREFIX)
    assert check(config, group("m5.large", 10)).required_ips == 1290


def test_bastion_and_endpoints_are_subtracted() -> None:
    # 2 x (512 - 5) usable, minus 2 zones x 4 endpoints, 4 EKS ENIs and 1 SSM bastion
    assert check(SMALL, group("m5.large", 1)).available_ips == 1014 - 13


def test_no_bastion_frees_its_ip() -> None:
    config = dataclasses.replace(SMALL, bastion_mode=BastionMode.NONE)
    assert check(config, group("m5.large", 1)).available_ips == 1014 - 12


def test_extra_endpoints_take_one_ip_per_zone() -> None:
    config = dataclasses.replace(SMALL, extra_interface_endpoints=("secretsmanager",))
    assert check(config, group("m5.large", 1)).available_ips == 1014 - 15


def test_smallest_private_subnet_binds_every_zone() -> None:
    # Explicit /23 + /24: nodes spread evenly, so each zone counts as the /24 (251 usable), not 507 + 251.
    config = dataclasses.replace(
        SMALL,
        public_subnet_cidrs=("10.10.8.0/26", "10.10.8.64/26"),
        private_subnet_cidrs=("10.10.0.0/23", "10.10.2.0/24"),
        database_subnet_cidrs=("10.10.9.0/28", "10.10.9.16/28"),
    )
    assert check(config, group("m5.large", 1)).available_ips == 2 * 251 - 13


def test_utilization() -> None:
    assert check(SMALL, group("m5.xlarge", 10)).utilization == pytest.approx(600 / 1001)


def test_matrix_that_does_not_fit() -> None:
    with pytest.raises(
        ConfigError, match=r"dev\.network\.private_subnet_cidrs.*run up to 1160 pods and hold 1200 IPs.*1001 free IPs"
    ):
        check(SMALL, group("m5.xlarge", 20))


def test_close_to_full_warns() -> None:
    with pytest.warns(IpCapacityWarning, match=r"90% of the free private IPs"):
        check(SMALL, group("m5.xlarge", 15))


def test_the_same_matrix_is_checked_and_warned_about_once() -> None:
    groups, config = (group("m5.xlarge", 15),), dataclasses.replace(SMALL)
    with pytest.warns(IpCapacityWarning):
        first = check_ip_capacity(config, groups, path="dev.network", region=REGION)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = check_ip_capacity(config, groups, path="dev.network", region=REGION)
    assert again is first and "90% of the free private IPs" in (again.warning or "")


def test_a_subnet_plan_is_computed_once_per_region() -> None:
    from constructs_lib.network.cidr import plan_subnets

    assert plan_subnets(SMALL, "a", region=REGION) is plan_subnets(SMALL, "b", region=REGION)


_NEAR_FULL = {
    "name": "dev",
    "stage": "dev",
    "region": REGION,
    "network": {"vpc_cidr": "10.10.0.0/20", "availability_zones": ["us-east-1a", "us-east-1b"], "pod_addressing": "secondary_ips"},
    "cluster": {"endpoint_public_access": True, "public_access_cidrs": ["198.51.100.0/24"]},
    "node_groups": [{"name": "apps", "instance_types": ["m5.xlarge"], "min_size": 1, "desired_size": 1, "max_size": 15}],
}


def test_environment_near_full_warns_once_per_synthesis(tmp_path: Path) -> None:
    # Validation runs more than once (main.py, build_app); only the Network construct warns.
    from constructs_lib.platform_stack import build_app

    environment = from_dict(EnvironmentConfig, _NEAR_FULL, "environments[0]")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        environment.validate()
        build_app((environment,), outdir=str(tmp_path)).synth()
    capacity = [w for w in caught if issubclass(w.category, IpCapacityWarning)]
    assert [str(w.message).split(": ")[:2] for w in capacity] == [
        ["`dev.network.private_subnet_cidrs`", "90% of the free private IPs are needed at max size (warning above 80%)"]
    ]


def test_close_to_full_reports_the_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert check(SMALL, group("m5.xlarge", 15)).warning is not None


def test_below_threshold_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check(SMALL, group("m5.xlarge", 13))


def test_unknown_instance_type() -> None:
    with pytest.raises(
        ConfigError,
        match=r"`dev\.node_groups\[0\]\.instance_types\[0\]`: has no entry in the network tier's ENI/IP table.*"
        r"'x9\.large'.*set `dev\.node_groups\[0\]\.network_limits` to InstanceNetworkLimits\(max_enis=\.\.\., "
        r"ipv4_per_eni=\.\.\., vcpus=\.\.\.\).*describe-instance-types --instance-types x9\.large",
    ):
        check(SMALL, group("x9.large", 1))


def test_unknown_instance_type_with_an_override_is_counted() -> None:
    spec = dataclasses.replace(group("x9.large", 2), network_limits=InstanceNetworkLimits(max_enis=3, ipv4_per_eni=10, vcpus=2))
    assert check(SMALL, spec).required_ips == 2 * 30


def test_override_replaces_the_table_for_every_type_of_the_group() -> None:
    spec = NodeGroupSpec(name="apps", instance_types=("m5.xlarge", "x9.large"), min_size=1, desired_size=1, max_size=2, network_limits=InstanceNetworkLimits(max_enis=2, ipv4_per_eni=5, vcpus=2))
    assert (check(SMALL, spec).max_pods, check(SMALL, spec).required_ips) == (2 * 10, 2 * 10)


@pytest.mark.parametrize(
    ("instance_type", "pods"),
    [
        ("g5.xlarge", 58),
        ("m7g.large", 29),
        ("m8g.medium", 8),
        ("c7i.large", 29),
        ("r8g.4xlarge", 234),
        ("t4g.large", 35),
        ("p4d.24xlarge", 737),
        ("p5.48xlarge", 100),
        ("m6a.48xlarge", 737),
    ],
)
def test_current_generations_match_the_eks_ami(instance_type: str, pods: int) -> None:
    assert INSTANCE_NETWORK_LIMITS[instance_type].max_pods(SECONDARY) == pods


@pytest.mark.parametrize(
    "family",
    [
        "t3",
        "t3a",
        "t4g",
        "m5",
        "m6i",
        "m6a",
        "m6g",
        "m7i",
        "m7a",
        "m7g",
        "m8g",
        "c5",
        "c6i",
        "c6a",
        "c6g",
        "c7i",
        "c7a",
        "c7g",
        "c8g",
        "r5",
        "r6i",
        "r6a",
        "r6g",
        "r7i",
        "r7a",
        "r7g",
        "r8g",
        "g4dn",
        "g5",
        "g6",
        "g6e",
        "p4d",
        "p5",
    ],
)
def test_table_covers_the_current_families(family: str) -> None:
    assert any(t.startswith(f"{family}.") for t in INSTANCE_NETWORK_LIMITS)


def test_vcpus_follow_the_size() -> None:
    vcpus = {t: INSTANCE_NETWORK_LIMITS[t].vcpus for t in ("m7g.medium", "c7i.large", "r6i.32xlarge", "m7i.metal-48xl")}
    assert vcpus == {"m7g.medium": 1, "c7i.large": 2, "r6i.32xlarge": 128, "m7i.metal-48xl": 192}
