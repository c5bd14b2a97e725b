"""The subnet plan: default layout, explicit CIDRs and every error."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from constructs_lib.errors import ConfigError
from constructs_lib.network.cidr import AWS_RESERVED_IPS_PER_SUBNET, CidrPlan, Tier, plan_subnets
from constructs_lib.network.config import NetworkConfig

ZONES2 = ("us-east-1a", "us-east-1b")
ZONES3 = (*ZONES2, "us-east-1c")
BASE = NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=ZONES3)


def plan(*, region: str = "us-east-1", **changes: Any) -> CidrPlan:
    return plan_subnets(dataclasses.replace(BASE, **changes), "prod.network", region=region)


def test_private_subnets_are_19s() -> None:
    assert plan().cidrs(Tier.PRIVATE) == {
        "us-east-1a": "10.10.0.0/19",
        "us-east-1b": "10.10.32.0/19",
        "us-east-1c": "10.10.64.0/19",
    }


def test_public_subnets_are_24s_in_block_six() -> None:
    assert list(plan().cidrs(Tier.PUBLIC).values()) == ["10.10.192.0/24", "10.10.193.0/24", "10.10.194.0/24"]


def test_database_subnets_are_24s_in_block_seven() -> None:
    assert list(plan().cidrs(Tier.DATABASE).values()) == ["10.10.224.0/24", "10.10.225.0/24", "10.10.226.0/24"]


def test_adding_a_zone_keeps_existing_subnets() -> None:
    two = plan(availability_zones=ZONES2)
    three = plan()
    assert all(three.cidrs(t)[z] == two.cidrs(t)[z] for t in Tier for z in ZONES2)


def test_small_vpc_edge_subnets_are_26s() -> None:
    small = plan(vpc_cidr="10.10.0.0/20")
    assert (small.cidrs(Tier.PRIVATE)["us-east-1a"], small.cidrs(Tier.PUBLIC)["us-east-1a"]) == (
        "10.10.0.0/23",
        "10.10.12.0/26",
    )


def test_six_zones_fit() -> None:
    six = plan(availability_zones=tuple(f"us-east-1{c}" for c in "abcdef"))
    assert six.cidrs(Tier.PRIVATE)["us-east-1f"] == "10.10.160.0/19"


def test_default_plan_has_no_overlap() -> None:
    nets = [n for t in Tier for n in plan().subnets[t]]
    assert not any(a.overlaps(b) for i, a in enumerate(nets) for b in nets[i + 1 :])


def test_usable_ips_subtract_aws_reserved() -> None:
    assert plan().usable_ips_per_zone(Tier.PRIVATE) == 8192 - AWS_RESERVED_IPS_PER_SUBNET


def test_explicit_cidrs_replace_the_tier() -> None:
    given = ("10.10.240.0/24", "10.10.241.0/24", "10.10.242.0/24")
    assert tuple(plan(database_subnet_cidrs=given).cidrs(Tier.DATABASE).values()) == given


def test_more_zones_than_region_offers() -> None:
    with pytest.raises(ConfigError, match="lists 3 zones but region us-west-1 offers 2"):
        plan(region="us-west-1", availability_zones=("us-west-1a", "us-west-1b", "us-west-1c"))


def test_unknown_region_is_not_counted() -> None:
    assert len(plan(region="xx-test-1", availability_zones=ZONES3).zones) == 3


def test_more_cidrs_than_zone_names() -> None:
    with pytest.raises(ConfigError, match="lists 4 subnets but only 3 availability zones are named"):
        plan(public_subnet_cidrs=("10.10.192.0/24", "10.10.193.0/24", "10.10.194.0/24", "10.10.195.0/24"))


def test_fewer_cidrs_than_zones() -> None:
    with pytest.raises(ConfigError, match=r"public_subnet_cidrs.*one CIDR per availability zone \(3\)"):
        plan(public_subnet_cidrs=("10.10.192.0/24",))


def test_explicit_cidr_parse_error() -> None:
    with pytest.raises(ConfigError, match=r"private_subnet_cidrs\[0\].*host bits zero"):
        plan(private_subnet_cidrs=("10.10.0.1/19", "10.10.32.0/19", "10.10.64.0/19"))


def test_explicit_cidr_outside_vpc() -> None:
    with pytest.raises(ConfigError, match=r"private_subnet_cidrs\[2\].*inside the VPC 10\.10\.0\.0/16"):
        plan(private_subnet_cidrs=("10.10.0.0/19", "10.10.32.0/19", "10.11.64.0/19"))


@pytest.mark.parametrize(
    ("field", "cidr", "needed"),
    [
        ("public_subnet_cidrs", "10.10.192.0/28", 27),
        ("private_subnet_cidrs", "10.10.0.0/25", 24),
        ("database_subnet_cidrs", "10.10.224.0/29", 28),
    ],
)
def test_prefix_too_small_for_tier(field: str, cidr: str, needed: int) -> None:
    others = ("10.10.250.0/24", "10.10.251.0/24")
    with pytest.raises(ConfigError, match=rf"too small for the .* tier: it needs at least a /{needed}"):
        changes: dict[str, Any] = {field: (cidr, *others)}
        plan(**changes)


def test_overlap_between_explicit_subnets() -> None:
    with pytest.raises(ConfigError, match=r"public_subnet_cidrs\[1\] \(10\.10\.192\.0/24\) overlaps"):
        plan(public_subnet_cidrs=("10.10.192.0/23", "10.10.192.0/24", "10.10.200.0/24"))


def test_overlap_with_planned_tier_is_named() -> None:
    # seed 004's private 10.10.30.0/24 style clash: an explicit subnet inside a planned private /19
    with pytest.raises(ConfigError, match=r"overlaps private_subnet_cidrs\[0\] \(planned\)"):
        plan(database_subnet_cidrs=("10.10.30.0/24", "10.10.31.0/24", "10.10.225.0/24"))
