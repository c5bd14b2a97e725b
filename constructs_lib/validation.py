"""Small, shared validation rules. Each raises :class:`ConfigError` naming path, rule, value, fix."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from typing import Any

from constructs_lib.errors import ConfigError

__all__ = [
    "DEFAULT_LOG_RETENTION_DAYS",
    "DNS_LABEL",
    "LOG_RETENTION_DAYS",
    "PRODUCTION_LOG_RETENTION_DAYS",
    "default_log_retention_days",
    "is_reference",
    "parse_network",
    "require",
    "require_account_id",
    "require_cidr",
    "require_dns_label",
    "require_iam_arn",
    "require_log_retention",
    "require_range",
    "require_region",
    "require_tags",
    "require_unique",
]

#: RFC 1123 label, as Kubernetes uses for namespaces and service-account names (at most 63 chars).
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
_ACCOUNT = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::\d{12}:(role|user|assumed-role|root)(/[\w+=,.@/-]+)?$")
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}$")

#: Retention periods CloudWatch Logs accepts, in days.
LOG_RETENTION_DAYS: tuple[int, ...] = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip
#: Log retention in prod (flow logs, control-plane logs): one year of evidence for audits and incident
#: reviews (checkov CKV_AWS_338 asks for at least 365).
PRODUCTION_LOG_RETENTION_DAYS = 365
#: Log retention elsewhere: 30 days, enough to debug, a twelfth of the storage cost.
DEFAULT_LOG_RETENTION_DAYS = 30


def is_reference(value: Any) -> bool:
    """``value`` is a terraform reference, known only at plan time: a cdktf token (``${TfToken[...]}``)
    or a ``${...}`` expression. Pure Python, so config validation needs no jsii."""
    return isinstance(value, str) and "${" in value


def require(condition: bool, path: str, rule: str, value: Any, fix: str) -> None:
    """Raise :class:`ConfigError` unless ``condition`` holds."""
    if not condition:
        raise ConfigError(path, rule, value, fix)


def require_dns_label(path: str, value: Any, *, max_length: int = 63) -> str:
    """``value`` is a lowercase RFC 1123 label of at most ``max_length`` characters."""
    require(
        isinstance(value, str) and len(value) <= max_length and DNS_LABEL.match(value) is not None,
        path,
        f"must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a "
        f"letter or digit, at most {max_length} characters",
        value,
        "use a name such as 'api' or 'payments-worker'",
    )
    return str(value)


def require_region(path: str, value: Any) -> str:
    """``value`` looks like an AWS region code."""
    require(
        isinstance(value, str) and _REGION.match(value) is not None,
        path,
        "must be an AWS region code",
        value,
        "use a region such as 'us-east-1' or 'eu-west-1'",
    )
    return str(value)


def require_account_id(path: str, value: Any) -> str:
    """``value`` is a 12-digit AWS account id (as a string, leading zeros kept)."""
    require(
        isinstance(value, str) and _ACCOUNT.match(value) is not None,
        path,
        "must be a 12-digit AWS account id given as a string",
        value,
        "quote the id, e.g. '012345678901'",
    )
    return str(value)


def require_iam_arn(path: str, value: Any) -> str:
    """``value`` is an IAM role, user or account-root ARN."""
    require(
        isinstance(value, str) and _IAM_ARN.match(value) is not None,
        path,
        "must be an IAM role or user ARN",
        value,
        "use an ARN such as 'arn:aws:iam::123456789012:role/platform-admin'",
    )
    return str(value)


def default_log_retention_days(production: bool) -> int:
    """Retention of a log group whose config leaves it open: 365 days in prod, 30 elsewhere."""
    return PRODUCTION_LOG_RETENTION_DAYS if production else DEFAULT_LOG_RETENTION_DAYS


def require_log_retention(path: str, days: Any, *, production: bool) -> int:
    """``days`` is a CloudWatch Logs retention period, and at least a year in prod."""
    require(
        isinstance(days, int) and not isinstance(days, bool) and days in LOG_RETENTION_DAYS,
        path,
        "must be a retention period CloudWatch Logs accepts",
        days,
        f"use one of {', '.join(str(d) for d in LOG_RETENTION_DAYS)}",
    )
    require(
        not production or days >= PRODUCTION_LOG_RETENTION_DAYS,
        path,
        f"must be at least {PRODUCTION_LOG_RETENTION_DAYS} days in prod (audit trail)",
        days,
        f"use {PRODUCTION_LOG_RETENTION_DAYS} or more, or leave it unset for the default",
    )
    return int(days)


def require_range(path: str, value: Any, low: int, high: int, *, fix: str | None = None) -> int:
    """``value`` is an int in ``[low, high]``."""
    require(
        isinstance(value, int) and not isinstance(value, bool) and low <= value <= high,
        path,
        f"must be a whole number from {low} to {high}",
        value,
        fix or f"choose a value from {low} to {high}",
    )
    return int(value)


def parse_network(path: str, value: Any) -> ipaddress.IPv4Network:
    """``value`` is an IPv4 CIDR whose host bits are zero."""
    try:
        return ipaddress.IPv4Network(value, strict=True)
    except (ValueError, TypeError):
        raise ConfigError(
            path,
            "must be an IPv4 CIDR with its host bits zero",
            value,
            "write the network address, e.g. '10.40.0.0/16' (not '10.40.1.0/16')",
        ) from None


def require_cidr(path: str, value: Any, *, allow_any: bool = True) -> ipaddress.IPv4Network:
    """``value`` is an IPv4 CIDR; with ``allow_any=False`` 0.0.0.0/0 is refused."""
    network = parse_network(path, value)
    require(
        allow_any or network.prefixlen > 0,
        path,
        "must not be 0.0.0.0/0 here: it opens access to the whole internet",
        value,
        "list the office, VPN or CI egress ranges that need access, e.g. '203.0.113.0/24'",
    )
    return network


def require_unique(path: str, values: Iterable[Any], what: str) -> None:
    """No value appears twice."""
    seen: set[Any] = set()
    for value in values:
        require(value not in seen, path, f"{what} must be unique", value, f"remove or rename the duplicate {what}")
        seen.add(value)


def require_tags(path: str, tags: Mapping[str, str]) -> None:
    """Tag keys and values fit AWS limits and avoid the reserved ``aws:`` prefix."""
    for key, value in tags.items():
        require(
            isinstance(key, str) and _TAG_KEY.match(key) is not None and not key.lower().startswith("aws:"),
            f"{path}.{key}",
            "tag keys must be 1-128 characters of letters, digits, spaces and _.:/=+-@, not starting with 'aws:'",
            key,
            "rename the tag key",
        )
        require(
            isinstance(value, str) and len(value) <= 256,
            f"{path}.{key}",
            "tag values must be strings of at most 256 characters",
            value,
            "shorten the value or quote it as a string",
        )


#: RFC 1918's private IPv4 ranges.
RFC1918_NETWORKS: tuple[ipaddress.IPv4Network, ...] = tuple(
    ipaddress.IPv4Network(cidr) for cidr in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
)


def is_rfc1918(network: ipaddress.IPv4Network) -> bool:
    """True when ``network`` lies inside one of the RFC 1918 private ranges."""
    return any(network.subnet_of(private) for private in RFC1918_NETWORKS)
