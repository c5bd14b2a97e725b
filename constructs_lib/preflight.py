"""Deploy preflight: what must change in a valid configuration before it is deployed for real.

Validation (:meth:`EnvironmentConfig.validate`) accepts the reference environments: they are
complete and consistent, so they synthesize and are tested. They also hold example values that must
never reach an AWS account: AWS's documentation account ``123456789012``, the documentation networks
of RFC 5737, ``example.com`` hosts, the example state bucket. :func:`preflight` lists every such value
and every setting a deploy needs that is missing (account, remote state, admins, the runner's way to
the API), one :class:`~constructs_lib.errors.ConfigError` per problem, in the usual shape (field path,
rule, value, fix). ``python main.py --preflight prod`` prints them one per line and exits 2, and
``make deploy``/``make diff`` run it before terraform starts.
"""

from __future__ import annotations

import dataclasses
import enum
import ipaddress
import re
from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.config import EnvironmentConfig
from constructs_lib.errors import ConfigError

__all__ = ["DOCUMENTATION_ACCOUNT_ID", "DOCUMENTATION_NETWORKS", "EXAMPLE_DOMAINS", "preflight"]

#: The account id AWS uses in its documentation (and the reference environments use as a placeholder).
DOCUMENTATION_ACCOUNT_ID = "123456789012"
#: RFC 5737's documentation networks (TEST-NET-1/2/3): never a real runner or office address.
DOCUMENTATION_NETWORKS = tuple(
    ipaddress.ip_network(cidr) for cidr in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
)
#: An all-zero security group id: a placeholder, never a real group.
_PLACEHOLDER_SECURITY_GROUP = re.compile(r"^sg-0+$")
#: A hosted zone id of zeros after the ``Z``: the reference environments' placeholder, never a real zone.
_PLACEHOLDER_HOSTED_ZONE = re.compile(r"^Z0{7}")
#: RFC 2606's example domains.
EXAMPLE_DOMAINS = ("example.com", "example.net", "example.org")


def preflight(config: EnvironmentConfig) -> list[ConfigError]:
    """Every example value and missing deploy setting of ``config`` (empty when it is ready to deploy)."""
    path = config.name
    problems = [_example(at, value) for at, value in _strings(config, path)]
    found = [problem for problem in problems if problem is not None]
    if config.account_id is None:
        found.append(
            ConfigError(
                f"{path}.account_id",
                "must be set before a deploy: without it terraform deploys into whichever account the "
                "credentials reach",
                None,
                "set account_id to the environment's AWS account",
            )
        )
    if config.state is None:
        found.append(
            ConfigError(
                f"{path}.state",
                "must name an S3 state bucket before a deploy: local state lives on one machine, unlocked",
                None,
                "create a bucket with `make state-bucket BUCKET=<name>` and set state=StateBackend(bucket=...)",
            )
        )
    if not config.cluster.admin_principal_arns:
        found.append(
            ConfigError(
                f"{path}.cluster.admin_principal_arns",
                "must name at least one admin besides the deployer before a deploy (break-glass access)",
                [],
                "add the role your platform team assumes, e.g. 'arn:aws:iam::<account>:role/platform-admin'",
            )
        )
    if not config.cluster.declares_deploy_access:
        found.append(
            ConfigError(
                f"{path}.cluster",
                "must declare how the deploy runner reaches the API server",
                None,
                "set public_access_cidrs, private_access_cidrs or private_access_security_group_ids",
            )
        )
    return found


def _example(path: str, value: str) -> ConfigError | None:
    """A ConfigError when ``value`` is an example value, else None."""
    if DOCUMENTATION_ACCOUNT_ID in value:
        return ConfigError(
            path,
            f"is an example value: {DOCUMENTATION_ACCOUNT_ID} is AWS's documentation account",
            value,
            "use your own account's value",
        )
    host = value.lower().rstrip(".")
    if any(host == domain or host.endswith(f".{domain}") for domain in EXAMPLE_DOMAINS):
        return ConfigError(path, "is an example host (RFC 2606 domain)", value, "use your own domain")
    if "example" in value and path.endswith(".bucket"):
        return ConfigError(path, "is the example state bucket", value, "name your state bucket")
    if _PLACEHOLDER_HOSTED_ZONE.match(value):
        return ConfigError(path, "is a placeholder hosted zone id (zeros)", value, "use your Route 53 zone's id")
    if _PLACEHOLDER_SECURITY_GROUP.match(value):
        return ConfigError(path, "is a placeholder security group id (all zeros)", value, "use your runner's group")
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
    if any(network.version == doc.version and network.subnet_of(doc) for doc in DOCUMENTATION_NETWORKS):  # type: ignore[arg-type]
        return ConfigError(
            path,
            "is an example address (an RFC 5737 documentation network)",
            value,
            "use your runner's or office's real egress CIDR",
        )
    return None


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string in a config tree, with its field path (``prod.applications[0].ingress.host``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, enum.Enum):
        return
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _strings(getattr(value, field.name), f"{path}.{field.name}")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}")
    elif isinstance(value, (tuple, list)):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]")
