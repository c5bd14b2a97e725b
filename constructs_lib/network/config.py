"""Typed configuration of the network tier (the VPC, its subnets, NAT and the bastion)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from constructs_lib.validation import parse_network, require, require_unique

__all__ = ["NatMode", "NetworkConfig"]


class NatMode(enum.Enum):
    """How private subnets reach the internet.

    ``NONE``: no NAT gateway (private subnets reach AWS only through VPC endpoints).
    ``SINGLE``: one NAT gateway in the first AZ (cheapest; an AZ outage cuts egress everywhere).
    ``PER_AZ``: one NAT gateway per AZ, each private route table uses its own AZ's gateway.
    """

    NONE = "NONE"
    SINGLE = "SINGLE"
    PER_AZ = "PER_AZ"


@dataclass(frozen=True)
class NetworkConfig:
    """The VPC of one environment.

    Defaults are per environment in ``stacks/environments.py``; the library itself has none for the
    CIDR or the AZs, because a silent default there would make two environments overlap.
    """

    #: The VPC's IPv4 range: an RFC 1918 network from /16 to /20.
    vpc_cidr: str
    #: AZ names in the environment's region, e.g. ``("us-east-1a", "us-east-1b")``.
    availability_zones: tuple[str, ...]
    #: NAT strategy. Default SINGLE: one gateway (~32 USD/month plus data) is enough outside prod.
    nat_mode: NatMode = NatMode.SINGLE

    def validate(self, path: str, *, region: str) -> None:
        """Check the rules that need no other tier; raises ConfigError."""
        network = parse_network(f"{path}.vpc_cidr", self.vpc_cidr)
        require(
            network.is_private and any(network.subnet_of(r) for r in _RFC1918),
            f"{path}.vpc_cidr",
            "must lie inside an RFC 1918 private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
            self.vpc_cidr,
            "use a private range such as '10.40.0.0/16'",
        )
        require(
            16 <= network.prefixlen <= 20,
            f"{path}.vpc_cidr",
            "must have a prefix from /16 to /20 (AWS allows /16 at most; smaller than /20 leaves no room "
            "for three tiers and pod IPs)",
            self.vpc_cidr,
            "use a /16 such as '10.40.0.0/16'",
        )
        require(
            isinstance(self.nat_mode, NatMode),
            f"{path}.nat_mode",
            "must be one of NONE, SINGLE, PER_AZ",
            self.nat_mode,
            "use NatMode.SINGLE outside prod and NatMode.PER_AZ in prod",
        )
        zones = self.availability_zones
        require(
            2 <= len(zones) <= 6,
            f"{path}.availability_zones",
            "must list from 2 to 6 availability zones (EKS needs subnets in at least two)",
            list(zones),
            f"list two or three zones of {region}, e.g. ['{region}a', '{region}b']",
        )
        require_unique(f"{path}.availability_zones", zones, "availability zone")
        for index, zone in enumerate(zones):
            require(
                isinstance(zone, str) and zone.startswith(region) and len(zone) == len(region) + 1 and zone[-1].isalpha(),
                f"{path}.availability_zones[{index}]",
                f"must be an availability zone of the environment's region {region}",
                zone,
                f"use a zone name such as '{region}a'",
            )


_RFC1918 = tuple(
    parse_network("rfc1918", cidr) for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)
