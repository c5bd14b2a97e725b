"""Property-based tests: the node-group size rules and the CIDR rules accept exactly what they say,
and no input, however odd, raises anything but ConfigError."""

from __future__ import annotations

import copy
import dataclasses
import ipaddress
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from constructs_lib.cluster.config import NodeGroupSpec
from constructs_lib.config import EnvironmentConfig, from_dict
from constructs_lib.errors import ConfigError
from constructs_lib.network.config import NetworkConfig
from constructs_lib.stage import Stage
from constructs_lib.validation import require_cidr
from tests.fixtures import DEV
from tests.quality.plain import to_plain

FAST = settings(max_examples=150, deadline=None)
_ZONES = ("us-east-1a", "us-east-1b")
_RFC1918 = tuple(ipaddress.IPv4Network(c) for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def _group(min_size: Any, desired_size: Any, max_size: Any) -> NodeGroupSpec:
    return NodeGroupSpec(name="workers", instance_types=("m5.large",), min_size=min_size, desired_size=desired_size, max_size=max_size)


def _accepted(check: Any) -> bool:
    try:
        check()
    except ConfigError:
        return False
    return True


sizes = st.integers(min_value=-5, max_value=1010)


@FAST
@given(sizes, sizes, sizes)
def test_node_group_sizes_valid_iff_ordered_and_in_bounds(min_size: int, desired_size: int, max_size: int) -> None:
    expected = (
        0 <= min_size <= 1000
        and 1 <= max_size <= 1000
        and 0 <= desired_size <= 1000
        and min_size <= desired_size <= max_size
    )
    assert _accepted(lambda: _group(min_size, desired_size, max_size).validate("g")) == expected


anything = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8), st.lists(st.integers()))


@FAST
@given(anything, anything, anything)
def test_node_group_sizes_of_any_type_raise_only_config_error(min_size: Any, desired_size: Any, max_size: Any) -> None:
    _accepted(lambda: _group(min_size, desired_size, max_size).validate("g"))


def _rule_accepts_vpc_cidr(address: int, prefix: int) -> bool:
    """The VPC CIDR rule, written independently: network address, RFC 1918, /16 to /20."""
    network = ipaddress.IPv4Network((address, prefix), strict=False)
    return (
        int(network.network_address) == address and any(network.subnet_of(r) for r in _RFC1918) and 16 <= prefix <= 20
    )


addresses = st.one_of(
    st.integers(min_value=0, max_value=2**32 - 1),
    st.sampled_from(_RFC1918).flatmap(lambda r: st.integers(int(r.network_address), int(r.broadcast_address))),
)


@FAST
@given(addresses, st.integers(min_value=0, max_value=32))
def test_vpc_cidr_valid_iff_rule_says_so(address: int, prefix: int) -> None:
    cidr = f"{ipaddress.IPv4Address(address)}/{prefix}"
    accepted = _accepted(lambda: NetworkConfig(vpc_cidr=cidr, availability_zones=_ZONES).validate("n", region="us-east-1", stage=Stage.DEV))
    assert accepted == _rule_accepts_vpc_cidr(address, prefix)


@FAST
@given(st.one_of(st.text(max_size=24), st.integers(), st.none(), st.from_regex(r"\A\d{1,3}(\.\d{1,3}){3}/\d{1,2}\Z")))
def test_vpc_cidr_of_any_text_raises_only_config_error(value: Any) -> None:
    _accepted(lambda: NetworkConfig(vpc_cidr=value, availability_zones=_ZONES).validate("n", region="us-east-1", stage=Stage.DEV))


@FAST
@given(addresses, st.integers(min_value=0, max_value=32), st.booleans())
def test_allowed_cidr_valid_iff_network_address_and_not_anywhere_when_refused(
    address: int, prefix: int, allow_any: bool
) -> None:
    cidr = f"{ipaddress.IPv4Address(address)}/{prefix}"
    network = ipaddress.IPv4Network((address, prefix), strict=False)
    expected = int(network.network_address) == address and (allow_any or prefix > 0)
    assert _accepted(lambda: require_cidr("c", cidr, allow_any=allow_any)) == expected


valid_vpcs = st.tuples(st.sampled_from(_RFC1918), st.integers(16, 20), st.integers(0, 2**16)).map(
    lambda t: list(t[0].subnets(new_prefix=max(t[1], t[0].prefixlen)))[
        t[2] % 2 ** (max(t[1], t[0].prefixlen) - t[0].prefixlen)
    ]
)


def _plan(config: NetworkConfig) -> list[ipaddress.IPv4Network]:
    from constructs_lib.network.cidr import Tier, plan_subnets

    plan = plan_subnets(config, "n", region="us-east-1")
    return [network for tier in Tier for network in plan.subnets[tier]]


@FAST
@given(valid_vpcs, st.integers(min_value=2, max_value=6))
def test_planned_subnets_fit_and_never_overlap(vpc: ipaddress.IPv4Network, zone_count: int) -> None:
    config = NetworkConfig(vpc_cidr=str(vpc), availability_zones=tuple(f"us-east-1{z}" for z in "abcdef"[:zone_count]))
    config.validate("n", region="us-east-1", stage=Stage.DEV)
    subnets = _plan(config)
    assert len(subnets) == 3 * zone_count
    assert all(s.subnet_of(vpc) for s in subnets)
    assert not any(a.overlaps(b) for i, a in enumerate(subnets) for b in subnets[i + 1 :])


_VPC = ipaddress.IPv4Network("10.10.0.0/16")


def _edge_subnets(config: NetworkConfig) -> list[ipaddress.IPv4Network]:
    """The public and database subnets the default layout plans."""
    from constructs_lib.network.cidr import Tier, plan_subnets

    plan = plan_subnets(config, "n", region="us-east-1")
    return [*plan.subnets[Tier.PUBLIC], *plan.subnets[Tier.DATABASE]]


aligned_subnets = st.tuples(st.integers(16, 26), st.integers(0, 2**10)).map(
    lambda t: list(_VPC.subnets(new_prefix=t[0]))[t[1] % 2 ** (t[0] - 16)]
)


@FAST
@given(st.lists(aligned_subnets, min_size=2, max_size=2))
def test_explicit_private_subnets_accepted_iff_sized_and_disjoint(picks: list[ipaddress.IPv4Network]) -> None:
    config = NetworkConfig(vpc_cidr=str(_VPC), availability_zones=("us-east-1a", "us-east-1b"), private_subnet_cidrs=tuple(map(str, picks)))
    accepted = _accepted(lambda: config.validate("n", region="us-east-1", stage=Stage.DEV))
    planned_others = _edge_subnets(NetworkConfig(vpc_cidr=str(_VPC), availability_zones=("us-east-1a", "us-east-1b")))
    expected = (
        all(p.prefixlen <= 24 for p in picks)
        and not picks[0].overlaps(picks[1])
        and not any(p.overlaps(o) for p in picks for o in planned_others)
    )
    assert accepted == expected


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _file_fields(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every value in plain config data (keys and list indexes)."""
    found = [path] if path else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _file_fields(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _file_fields(value, (*path, index))
    return found


_PLAIN_DEV = to_plain(DEV)
_FIELDS = _file_fields(_PLAIN_DEV)


@FAST
@given(st.sampled_from(_FIELDS), json_values)
def test_any_value_anywhere_in_a_file_raises_only_config_error(where: tuple[Any, ...], value: Any) -> None:
    data = copy.deepcopy(_PLAIN_DEV)
    target = data
    for step in where[:-1]:
        target = target[step]
    target[where[-1]] = value
    _accepted(lambda: from_dict(EnvironmentConfig, data, "environments[0]").validate())


@FAST
@given(st.sampled_from([f.name for f in dataclasses.fields(NetworkConfig)]), json_values)
def test_any_value_in_any_network_field_through_the_api_raises_only_config_error(name: str, value: Any) -> None:
    _accepted(lambda: dataclasses.replace(DEV, network=dataclasses.replace(DEV.network, **{name: value})).validate())
