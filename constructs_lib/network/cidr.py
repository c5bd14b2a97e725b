"""The subnet plan of a VPC: three tiers (public, private, database) per availability zone.

The plan is computed here, in Python, with :mod:`ipaddress`, so the synthesized JSON holds literal
CIDRs that a reviewer can read, and every rule fails at synth time instead of at ``terraform apply``.

Default layout
--------------
The VPC is cut into eight equal blocks (a /16 gives eight /19s):

* blocks 0-5: one **private** subnet per AZ, in the order of ``availability_zones``. Private subnets
  carry the nodes *and* every pod's IP (VPC CNI), so they get the room: 8,187 usable IPs per AZ in
  a /16;
* block 6: the **public** subnets, /24 each (ALBs, NAT gateways, an SSH bastion);
* block 7: the **database** subnets, /24 each.

For a smaller VPC the edge subnets are 8 bits longer than the VPC prefix but never smaller than /26.
Positions depend only on an AZ's index, so appending a zone adds subnets without renumbering the
existing ones; *reordering* ``availability_zones`` would move them (and replace the subnets).

Explicit CIDRs per tier (``NetworkConfig.public_subnet_cidrs`` and siblings) replace the planned ones
of that tier; the whole plan is then checked for overlap, containment and minimum sizes.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

from constructs_lib.errors import ConfigError
from constructs_lib.validation import REGION_ZONES, memo, parse_network, require

if TYPE_CHECKING:
    from constructs_lib.network.config import NetworkConfig

__all__ = ["AWS_RESERVED_IPS_PER_SUBNET", "MAX_PREFIX", "REGION_AZ_COUNTS", "CidrPlan", "Tier", "plan_subnets"]

#: AWS keeps the first four and the last address of every subnet.
AWS_RESERVED_IPS_PER_SUBNET = 5


class Tier(enum.Enum):
    """The three subnet tiers of the VPC."""

    PUBLIC = "public"
    PRIVATE = "private"
    DATABASE = "database"


#: The longest prefix (smallest subnet) each tier accepts. Public /27: an ALB needs 8 free IPs per
#: subnet and NAT gateways and a bastion live there too. Private /24: nodes and pods share it (the
#: capacity check tells whether it is enough). Database /28: the smallest subnet AWS allows.
MAX_PREFIX: Mapping[Tier, int] = MappingProxyType({Tier.PUBLIC: 27, Tier.PRIVATE: 24, Tier.DATABASE: 28})

#: Availability zones per region, derived from the one zone table,
#: :data:`constructs_lib.validation.REGION_ZONES` (which also checks each zone's letter).
REGION_AZ_COUNTS: Mapping[str, int] = MappingProxyType({region: len(z) for region, z in REGION_ZONES.items()})

_TIER_FIELDS: Mapping[Tier, str] = MappingProxyType(
    {
        Tier.PUBLIC: "public_subnet_cidrs",
        Tier.PRIVATE: "private_subnet_cidrs",
        Tier.DATABASE: "database_subnet_cidrs",
    }
)

#: Block index of each tier's subnets in the default layout (see the module docstring).
_PUBLIC_BLOCK = 6
_DATABASE_BLOCK = 7


@dataclass(frozen=True)
class CidrPlan:
    """The planned subnets: for each tier, one network per AZ in the order of ``zones``."""

    vpc: ipaddress.IPv4Network
    zones: tuple[str, ...]
    subnets: Mapping[Tier, tuple[ipaddress.IPv4Network, ...]]

    def cidrs(self, tier: Tier) -> dict[str, str]:
        """AZ name -> CIDR of ``tier``, in AZ order."""
        return {zone: str(net) for zone, net in zip(self.zones, self.subnets[tier], strict=True)}

    def usable_ips_per_zone(self, tier: Tier) -> int:
        """Addresses instances can use in ``tier``'s smallest subnet (AWS keeps five per subnet)."""
        return min(net.num_addresses - AWS_RESERVED_IPS_PER_SUBNET for net in self.subnets[tier])


def default_layout(vpc: ipaddress.IPv4Network, zone_count: int) -> dict[Tier, tuple[ipaddress.IPv4Network, ...]]:
    """The planned subnets of every tier for ``zone_count`` zones (at most six)."""
    blocks = list(vpc.subnets(prefixlen_diff=3))
    edge = min(vpc.prefixlen + 8, 26)
    return {
        Tier.PRIVATE: tuple(blocks[:zone_count]),
        Tier.PUBLIC: tuple(blocks[_PUBLIC_BLOCK].subnets(new_prefix=edge))[:zone_count],
        Tier.DATABASE: tuple(blocks[_DATABASE_BLOCK].subnets(new_prefix=edge))[:zone_count],
    }


def plan_subnets(config: NetworkConfig, path: str, *, region: str) -> CidrPlan:
    """Plan (or check the given) subnets of every tier; raises ConfigError on any conflict.

    Assumes ``vpc_cidr`` and ``availability_zones`` passed their own checks. The plan is computed
    once per (frozen) config and region and kept on the config: validation, the capacity check and
    the ``Network`` construct all read the same plan (``path`` only names fields in errors).
    """
    plans: dict[str, CidrPlan] = memo(config).setdefault("subnet_plans", {})
    if region not in plans:
        plans[region] = _plan_subnets(config, path, region=region)
    return plans[region]


def _plan_subnets(config: NetworkConfig, path: str, *, region: str) -> CidrPlan:
    """The plan of :func:`plan_subnets`, computed."""
    vpc = parse_network(f"{path}.vpc_cidr", config.vpc_cidr)
    zones = tuple(config.availability_zones)
    offered = REGION_AZ_COUNTS.get(region)
    require(
        offered is None or len(zones) <= offered,
        f"{path}.availability_zones",
        f"lists {len(zones)} zones but region {region} offers {offered}",
        list(zones),
        f"list at most {offered} zones of {region}",
    )
    planned = default_layout(vpc, len(zones))
    subnets: dict[Tier, tuple[ipaddress.IPv4Network, ...]] = {}
    planned_tiers: set[Tier] = set()
    for tier, field_name in _TIER_FIELDS.items():
        given = tuple(getattr(config, field_name))
        if not given:
            subnets[tier] = planned[tier]
            planned_tiers.add(tier)
            continue
        field_path = f"{path}.{field_name}"
        require(
            len(given) <= len(zones),
            field_path,
            f"lists {len(given)} subnets but only {len(zones)} availability zones are named",
            list(given),
            "give one CIDR per availability zone, or add the missing zones to availability_zones",
        )
        require(
            len(given) == len(zones),
            field_path,
            f"must list one CIDR per availability zone ({len(zones)}), in the same order",
            list(given),
            "add the missing CIDRs, or leave the list empty to use the planned subnets",
        )
        subnets[tier] = tuple(_check_subnet(f"{field_path}[{i}]", cidr, vpc, tier) for i, cidr in enumerate(given))
    _check_overlaps(path, subnets, planned_tiers)
    return CidrPlan(vpc=vpc, zones=zones, subnets=MappingProxyType(subnets))


def _check_subnet(path: str, cidr: str, vpc: ipaddress.IPv4Network, tier: Tier) -> ipaddress.IPv4Network:
    network = parse_network(path, cidr)
    require(
        network.subnet_of(vpc),
        path,
        f"must lie inside the VPC {vpc}",
        cidr,
        f"choose a range inside {vpc}",
    )
    largest = MAX_PREFIX[tier]
    require(
        network.prefixlen <= largest,
        path,
        f"is too small for the {tier.value} tier: it needs at least a /{largest}",
        cidr,
        f"use a /{largest} or larger (a shorter prefix)",
    )
    return network


def _check_overlaps(
    path: str, subnets: Mapping[Tier, tuple[ipaddress.IPv4Network, ...]], planned_tiers: set[Tier]
) -> None:
    seen: list[tuple[str, ipaddress.IPv4Network]] = []
    for tier, networks in subnets.items():
        for index, network in enumerate(networks):
            name = f"{_TIER_FIELDS[tier]}[{index}]" + (" (planned)" if tier in planned_tiers else "")
            for other_name, other in seen:
                if network.overlaps(other):
                    raise ConfigError(
                        f"{path}.{_TIER_FIELDS[tier]}",
                        f"subnet {name} ({network}) overlaps {other_name} ({other})",
                        str(network),
                        "choose non-overlapping CIDRs, or leave every tier empty to use the planned layout",
                    )
            seen.append((name, network))
