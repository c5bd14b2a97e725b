"""Small, shared validation rules. Each raises :class:`ConfigError` naming path, rule, value, fix."""

from __future__ import annotations

import dataclasses
import enum
import functools
import ipaddress
import re
import types
import typing
import weakref
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Concatenate, NamedTuple

from constructs_lib.errors import ConfigError
from constructs_lib.stage import Stage

__all__ = [
    "DEFAULT_LOG_RETENTION_DAYS",
    "DEFAULT_MAX_ITEMS",
    "DNS_LABEL",
    "HOSTED_ZONE_ID",
    "LOG_RETENTION_DAYS",
    "MAX_ITEMS",
    "MAX_NAME_PREFIX_LENGTH",
    "MAX_STRING_LENGTH",
    "PRODUCTION_LOG_RETENTION_DAYS",
    "REGION_ZONES",
    "SECURITY_GROUP_ID",
    "AcmCertificateArn",
    "default_log_retention_days",
    "enum_file_name",
    "field_hints",
    "frozen_mapping",
    "frozen_tuple",
    "is_reference",
    "max_items",
    "parse_acm_certificate_arn",
    "parse_network",
    "require",
    "require_account_id",
    "require_arn",
    "require_cidr",
    "require_dns_label",
    "require_hosted_zone_id",
    "require_iam_arn",
    "require_image_tag",
    "require_k8s_label",
    "require_log_retention",
    "require_name_prefix",
    "require_range",
    "require_region",
    "require_security_group_id",
    "require_shape",
    "require_tags",
    "require_unique",
    "require_zone",
    "validated_once",
]

#: RFC 1123 label, as Kubernetes uses for namespaces and service-account names (at most 63 chars).
#: Patterns are ASCII (``re.ASCII``: ``\d`` is 0-9, not every Unicode digit) and anchored with ``\Z``
#: (``$`` also matches before a trailing newline, so ``"dev\n"`` would pass).
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?\Z", re.ASCII)
_ACCOUNT = re.compile(r"^\d{12}\Z", re.ASCII)
#: A container image tag as registries accept it: 1-128 characters, letters, digits, ``_``, ``.``, ``-``,
#: not starting with ``.`` or ``-``.
_IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z", re.ASCII)
_IAM_ARN = re.compile(r"^arn:aws[a-z-]*:(iam|sts)::\d{12}:(role|user|assumed-role|root)(/[\w+=,.@/-]+)?\Z", re.ASCII)
#: AWS tag keys: Unicode letters, digits, spaces and ``_.:/=+-@`` (AWS allows Unicode here).
_TAG_KEY = re.compile(r"^[\w .:/=+\-@]{1,128}\Z")

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


#: A Route 53 hosted zone id as the APIs and ARNs use it: ``Z`` and up to 31 capitals and digits,
#: without the ``/hostedzone/`` prefix some consoles show.
HOSTED_ZONE_ID = re.compile(r"^Z[A-Z0-9]{1,31}\Z", re.ASCII)


def require_hosted_zone_id(path: str, value: Any) -> str:
    """``value`` is a bare Route 53 hosted zone id (:data:`HOSTED_ZONE_ID`)."""
    require(
        isinstance(value, str) and HOSTED_ZONE_ID.match(value) is not None,
        path,
        "must be a Route 53 hosted zone id (starts with 'Z', no '/hostedzone/' prefix)",
        value,
        "use the bare id, e.g. 'Z0123456789ABCDEFGHIJ'",
    )
    return str(value)


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


#: The availability-zone letters each commercial region offers to a new account (zone *names* map
#: to physical zones per account; these are the names AWS hands out), from the AWS Global
#: Infrastructure page and ``aws ec2 describe-availability-zones``; reviewed 2026-12-02. Static on
#: purpose: synthesis never calls AWS. Choices: us-west-1 is ``a`` and ``c`` (older accounts may
#: see ``b``, which is not offered to new ones: we accept the names a new account gets);
#: ap-northeast-1 is ``a``, ``c``, ``d`` and ca-central-1 is ``a``, ``b``, ``d`` (no ``b``/``c``
#: respectively). GovCloud, China and the ISO partitions are not commercial and not listed. The
#: region rule accepts exactly these regions; add a row (and its letters) for a new region.
REGION_ZONES: Mapping[str, str] = MappingProxyType(
    {
        "af-south-1": "abc",
        "ap-east-1": "abc",
        "ap-east-2": "abc",
        "ap-northeast-1": "acd",
        "ap-northeast-2": "abcd",
        "ap-northeast-3": "abc",
        "ap-south-1": "abc",
        "ap-south-2": "abc",
        "ap-southeast-1": "abc",
        "ap-southeast-2": "abc",
        "ap-southeast-3": "abc",
        "ap-southeast-4": "abc",
        "ap-southeast-5": "abc",
        "ap-southeast-7": "abc",
        "ca-central-1": "abd",
        "ca-west-1": "abc",
        "eu-central-1": "abc",
        "eu-central-2": "abc",
        "eu-north-1": "abc",
        "eu-south-1": "abc",
        "eu-south-2": "abc",
        "eu-west-1": "abc",
        "eu-west-2": "abc",
        "eu-west-3": "abc",
        "il-central-1": "abc",
        "me-central-1": "abc",
        "me-south-1": "abc",
        "mx-central-1": "abc",
        "sa-east-1": "abc",
        "us-east-1": "abcdef",
        "us-east-2": "abc",
        "us-west-1": "ac",
        "us-west-2": "abcd",
    }
)


def require_region(path: str, value: Any) -> str:
    """``value`` is a commercial AWS region this library knows the zones of (:data:`REGION_ZONES`)."""
    require(
        isinstance(value, str) and value in REGION_ZONES,
        path,
        "must be a commercial AWS region code listed in constructs_lib.validation.REGION_ZONES",
        value,
        "use a region such as 'us-east-1' or 'eu-west-1'; for a region missing from the table, add "
        "its row (region and zone letters) to REGION_ZONES",
    )
    return str(value)


def require_zone(path: str, zone: Any, *, region: str) -> str:
    """``zone`` is an availability-zone name of ``region`` (``<region><letter>``, a letter the region offers)."""
    letters = REGION_ZONES.get(region, "")
    require(
        isinstance(zone, str) and len(zone) == len(region) + 1 and zone.startswith(region) and zone[-1] in letters,
        path,
        f"must be an availability zone of the environment's region {region} "
        f"(zones {', '.join(region + letter for letter in letters)})",
        zone,
        f"use a zone name such as '{region}{letters[:1] or 'a'}'",
    )
    return str(zone)


def require_arn(path: str, value: Any, *, what: str, service: str, fix: str) -> str:
    """``value`` is the ARN of ``what`` (``arn:<partition>:<service>:...``, any partition) or a terraform
    reference to one (:func:`is_reference`, resolved at plan time): the one home of "ARN or reference".
    ``what`` names the resource with its article (``'a KMS key'``); ``fix`` says where to take it from."""
    require(
        isinstance(value, str) and (is_reference(value) or _arn_service(value) == service),
        path,
        f"must be {what} ARN (arn:<partition>:{service}:...) or a terraform reference to one",
        value,
        fix,
    )
    return str(value)


def _arn_service(value: str) -> str | None:
    """The service part of ``arn:<partition>:<service>:...``; None when ``value`` has no such part."""
    parts = value.split(":", 3)
    return parts[2] if len(parts) == 4 and parts[0] == "arn" and parts[1] else None


#: Longest environment name prefix (``<project>-<name>``, the start of every AWS name): keeps
#: ``<prefix>-eks-vpc-cni`` and the other role names within IAM's 64 characters, node group names
#: (``<prefix>-<group>``) within 63, and ``<prefix>-velero-<account id>`` within S3's 63. An
#: ``EnvironmentConfig``'s prefix is at most 33 (project 20, name 12).
MAX_NAME_PREFIX_LENGTH = 40


def require_name_prefix(path: str, value: Any) -> str:
    """``value`` is an environment name prefix: a DNS label of at most :data:`MAX_NAME_PREFIX_LENGTH`
    characters. The one home of the name-prefix limit, for every construct that names AWS resources."""
    return require_dns_label(path, value, max_length=MAX_NAME_PREFIX_LENGTH)


#: A VPC security group id: ``sg-`` and 8 (older) or 17 hex digits.
SECURITY_GROUP_ID = re.compile(r"^sg-([0-9a-f]{8}|[0-9a-f]{17})\Z", re.ASCII)


def require_security_group_id(path: str, value: Any, *, fix: str) -> str:
    """``value`` is a security group id (:data:`SECURITY_GROUP_ID`) or a terraform reference to one
    (:func:`is_reference`): the one home of that rule. ``fix`` says where to take the id from."""
    require(
        isinstance(value, str) and (SECURITY_GROUP_ID.match(value) is not None or is_reference(value)),
        path,
        "must be a security group id (sg- and 8 or 17 hex digits) or a terraform reference to one",
        value,
        fix,
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


def require_image_tag(path: str, value: Any, *, example: str) -> str:
    """A pinned image tag: a valid tag, and not ``latest`` (a moving tag makes rollouts unrepeatable).
    ``example`` is the tag the fix suggests, e.g. ``'v1.4.2'``."""
    require(
        isinstance(value, str) and _IMAGE_TAG.match(value) is not None and value != "latest",
        path,
        "must be a pinned image tag (not 'latest')",
        value,
        f"use a release tag such as '{example}'",
    )
    return str(value)


def default_log_retention_days(stage: Stage) -> int:
    """Retention of a log group whose config leaves it open: 365 days in prod, 30 elsewhere."""
    return PRODUCTION_LOG_RETENTION_DAYS if stage is Stage.PROD else DEFAULT_LOG_RETENTION_DAYS


def require_log_retention(path: str, days: Any, *, stage: Stage) -> int:
    """``days`` is a CloudWatch Logs retention period, and at least a year in prod."""
    require(
        isinstance(days, int) and not isinstance(days, bool) and days in LOG_RETENTION_DAYS,
        path,
        "must be a retention period CloudWatch Logs accepts",
        days,
        f"use one of {', '.join(str(d) for d in LOG_RETENTION_DAYS)}",
    )
    require(
        stage is not Stage.PROD or days >= PRODUCTION_LOG_RETENTION_DAYS,
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
            isinstance(key, str)
            and _TAG_KEY.match(key) is not None
            and key.strip() == key
            and not key.lower().startswith("aws:"),
            f"{path}.{key}",
            "tag keys must be 1-128 characters of letters, digits, spaces and _.:/=+-@, without leading or "
            "trailing spaces, not starting with 'aws:'",
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


#: Pattern of a Kubernetes label or taint *name* (the part after the optional prefix).
_K8S_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?\Z", re.ASCII)
#: A DNS subdomain (RFC 1123): the optional prefix of a label key.
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\Z", re.ASCII)
#: Prefixes Kubernetes reserves for its own components (and their subdomains).
_RESERVED_LABEL_DOMAINS = ("kubernetes.io", "k8s.io")
#: The reserved domains a node label may still use: the kubelet, which applies a managed node
#: group's labels at registration (``--node-labels``), accepts reserved keys only under
#: ``node.kubernetes.io`` and ``kubelet.kubernetes.io`` (and their subdomains); it refuses to start
#: with any other, e.g. ``node-role.kubernetes.io/...``. ``node-restriction.kubernetes.io/`` is
#: reserved for administrators precisely so nodes cannot set it. The well-known labels the kubelet
#: sets itself (``kubernetes.io/arch``, ``topology.kubernetes.io/zone``, ...) are refused too: a
#: node group must not override them. Taint keys get no exception: ``node.kubernetes.io/*`` taints
#: belong to the node lifecycle controller.
_NODE_LABEL_DOMAINS = ("node.kubernetes.io", "kubelet.kubernetes.io")
#: EKS limits a node group's label and taint keys (prefix included) and values to 63 characters.
_EKS_KEY_MAX = 63


def _in_domain(prefix: str, domain: str) -> bool:
    return prefix == domain or prefix.endswith("." + domain)


def require_k8s_label(path: str, key: Any, value: Any, *, taint: bool = False, value_path: str | None = None) -> None:
    """``key`` and ``value`` are a Kubernetes label (or, with ``taint``, a taint key and value).

    Key: an optional DNS-subdomain prefix of at most 253 characters and ``/``, then a name of at most
    63 characters ``[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?``; EKS caps the whole key at 63. Keys
    under ``kubernetes.io`` or ``k8s.io`` are refused but for the node-label domains above. Value:
    empty, or at most 63 characters of the name alphabet. ``path`` names the key (``...labels.<key>``),
    ``value_path`` the value when it differs (a taint's ``.value``).
    """
    what = "taint" if taint else "label"
    prefix, _, name = key.rpartition("/") if isinstance(key, str) else ("", "", "")
    require(
        isinstance(key, str)
        and 0 < len(key) <= _EKS_KEY_MAX
        and _K8S_NAME.match(name) is not None
        and ((not prefix and "/" not in key) or (len(prefix) <= 253 and _DNS_SUBDOMAIN.match(prefix) is not None)),
        path,
        f"{what} keys must be Kubernetes qualified names: an optional DNS-subdomain prefix and '/', then "
        "letters, digits, '-', '_' and '.', starting and ending with a letter or digit; at most 63 "
        "characters in all (EKS)",
        key,
        f"use a key such as 'node-role' or 'example.com/{'dedicated' if taint else 'team'}'",
    )
    reserved = any(_in_domain(prefix, d) for d in _RESERVED_LABEL_DOMAINS)
    allowed = not taint and any(_in_domain(prefix, d) for d in _NODE_LABEL_DOMAINS)
    require(
        not reserved or allowed,
        path,
        f"{what} keys under kubernetes.io and k8s.io are reserved for Kubernetes"
        + ("" if taint else " (a node group may use node.kubernetes.io/ and kubelet.kubernetes.io/ only)"),
        key,
        "use your own domain as the prefix, e.g. 'example.com/role'"
        + ("" if taint else ", or 'node.kubernetes.io/<name>'"),
    )
    require(
        isinstance(value, str) and (value == "" or (len(value) <= 63 and _K8S_NAME.match(value) is not None)),
        value_path or path,
        f"{what} values must be empty or at most 63 letters, digits, '-', '_' and '.', starting and "
        "ending with a letter or digit",
        value,
        "use a value such as 'system' or 'true'",
    )


class AcmCertificateArn(NamedTuple):
    """The parts of an ACM certificate ARN."""

    partition: str
    region: str
    account: str
    certificate_id: str


_ACM_ARN = re.compile(
    r"^arn:(aws[a-z-]*):acm:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12}):certificate/([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})\Z",
    re.ASCII,
)


def parse_acm_certificate_arn(path: str, value: Any) -> AcmCertificateArn:
    """``value`` is an ACM certificate ARN ``arn:aws:acm:<region>:<account>:certificate/<uuid>``."""
    match = _ACM_ARN.match(value) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(
            path,
            "must be an ACM certificate ARN",
            value,
            "use an ARN such as 'arn:aws:acm:us-east-1:123456789012:certificate/<uuid>'",
        )
    return AcmCertificateArn(*match.groups())


# --------------------------------------------------------------------------------------------
# The shape of a config value: types, collection sizes and strings, for every dataclass field
# --------------------------------------------------------------------------------------------


def frozen_tuple(value: Any) -> Any:
    """``value`` as a tuple when it is a list or tuple; anything else unchanged (``validate`` reports it).

    ``tuple("abc")`` would split a string into characters and ``tuple(None)`` would raise a
    TypeError in ``__post_init__``; left alone, the value reaches :func:`require_shape`, which names
    the field.
    """
    return tuple(value) if isinstance(value, list | tuple) else value


def frozen_mapping(value: Any) -> Any:
    """A read-only copy of ``value`` when it is a mapping; anything else unchanged (``validate`` reports it)."""
    return MappingProxyType(dict(value)) if isinstance(value, Mapping) else value


#: Upper bound of each collection field, as ``Class.field``, so no list grows without limit (and
#: validation and synthesis stay bounded). AWS and EKS limits where there is one, ours otherwise.
MAX_ITEMS: Mapping[str, int] = MappingProxyType(
    {
        # EKS's quota: 30 managed node groups per cluster.
        "EnvironmentConfig.node_groups": 30,
        # Ours: each repository is three resources (repository, policy, lifecycle); ECR's own
        # quota (100,000 per region) is far away, a plan that refreshes 3,000 resources is not.
        "EnvironmentConfig.repositories": 1000,
        # Ours: each application is a namespace with about fifteen Kubernetes objects and a rule
        # in the shared ALB (an ALB takes 100 rules; each application's ingress uses at most two).
        "EnvironmentConfig.applications": 50,
        # Ours: each stateful workload is a namespace, a StatefulSet and a volume per member; a data
        # store per application is already generous.
        "EnvironmentConfig.stateful_workloads": 20,
        # AWS: 50 tags per resource; the stack adds environment, project and managed-by, and at
        # most seven of its own (Name, tier, discovery and autoscaler tags) on some resources.
        "EnvironmentConfig.tags": 40,
        # Ours: a managed node group with more types than this gains no Spot diversity.
        "NodeGroupSpec.instance_types": 20,
        # EKS: at most 50 labels and 50 taints per managed node group.
        "NodeGroupSpec.labels": 50,
        "NodeGroupSpec.taints": 50,
        # The largest region has six zones; one subnet per zone.
        "NetworkConfig.availability_zones": 6,
        "NetworkConfig.public_subnet_cidrs": 6,
        "NetworkConfig.private_subnet_cidrs": 6,
        "NetworkConfig.database_subnet_cidrs": 6,
        # VPC quota: 50 interface endpoints per VPC, four of them the defaults.
        "NetworkConfig.extra_interface_endpoints": 46,
        # Security groups hold 60 rules per direction by default; keep room for the stack's own.
        "NetworkConfig.node_internet_egress_ports": 20,
        "NetworkConfig.bastion_ssh_cidrs": 20,
        # EKS: at most 40 CIDR ranges on the public endpoint.
        "ClusterConfig.public_access_cidrs": 40,
        # Ours: admins are a handful of roles (each one an access entry).
        "ClusterConfig.admin_principal_arns": 20,
        "ClusterConfig.log_types": 5,
        "ClusterConfig.addon_versions": 20,
        # ECR: 50 rules per lifecycle policy.
        "RegistryConfig.lifecycle_rules": 50,
        "RegistryConfig.cache_lifecycle_rules": 50,
        "RepositorySpec.lifecycle_rules": 50,
        # Ours: a repository policy is at most 10,240 characters (ECR).
        "RegistryConfig.cross_account_pull_principals": 50,
        "RegistryConfig.pull_through_cache": 3,
        "LifecycleRule.tag_prefixes": 20,
        # ConfigMaps and Secrets hold at most 1 MiB; ours, well inside that.
        "ApplicationSpec.config": 200,
        "ApplicationSpec.secrets": 50,
        "ApplicationSpec.allowed_peers": 50,
        # Ours: each destination is one rule in the namespace's egress policy; more is a design smell.
        "ApplicationSpec.egress": 20,
        "BackupConfig.included_namespaces": 50,
    }
)
#: Bound of a collection field missing from :data:`MAX_ITEMS` (a field added later is still bounded).
DEFAULT_MAX_ITEMS = 50
#: Longest string any field takes: an ARN is at most 2,048 characters.
MAX_STRING_LENGTH = 2048
#: Control characters, line breaks, invisible formatting characters (zero-width, bidi overrides,
#: byte-order mark: they make look-alike names) and lone surrogates (not text at all).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff]")


def max_items(cls: type[Any], name: str) -> int:
    """The bound of collection field ``name`` of dataclass ``cls``."""
    return MAX_ITEMS.get(f"{cls.__name__}.{name}", DEFAULT_MAX_ITEMS)


_HINTS: dict[type[Any], Mapping[str, Any]] = {}


def field_hints(cls: type[Any]) -> Mapping[str, Any]:
    """Resolved type hints of dataclass ``cls``'s init fields (cached: resolving them is slow)."""
    if cls not in _HINTS:
        hints = typing.get_type_hints(cls)
        _HINTS[cls] = MappingProxyType({f.name: hints[f.name] for f in dataclasses.fields(cls) if f.init})
    return _HINTS[cls]


def enum_file_name(member: enum.Enum) -> str:
    """How a config file spells an enum member: its name in lowercase (``NatMode.PER_AZ`` -> ``per_az``)."""
    return member.name.lower()


def _short(value: Any) -> Any:
    """A long string cut for an error message (the message stays one readable line)."""
    return value[:64] + "..." if isinstance(value, str) and len(value) > 80 else value


def _article(word: str) -> str:
    """``a`` or ``an`` before a class name (by its first letter, which is close enough for ours)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def require_shape(path: str, value: Any, hint: Any, *, limit: int = DEFAULT_MAX_ITEMS) -> None:
    """``value`` has the shape of type ``hint``: right types, bounded collections, sane strings.

    Walks dataclasses field by field (iteratively over collections, recursively over the model's
    few levels), so a value the Python API let through (``None`` for a tuple, a string where a
    tuple of zone names belongs, ``"SPOT"`` for an enum) is a ConfigError naming the field, before
    any rule that would trip over it with a TypeError.
    """
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        require(
            isinstance(value, hint),
            path,
            f"must be {_article(hint.__name__)} {hint.__name__}",
            _short(value),
            f"build {_article(hint.__name__)} {hint.__name__}(...)",
        )
        for name, field_hint in field_hints(hint).items():
            require_shape(f"{path}.{name}", getattr(value, name), field_hint, limit=max_items(hint, name))
    elif origin in (typing.Union, types.UnionType):
        if value is not None:
            (inner,) = [o for o in typing.get_args(hint) if o is not type(None)]
            require_shape(path, value, inner, limit=limit)
    elif isinstance(hint, type) and issubclass(hint, enum.Enum):
        names = [m.name for m in hint]
        require(
            isinstance(value, hint),
            path,
            f"must be one of {', '.join(names)}",
            _short(value),
            f"use {_article(hint.__name__)} {hint.__name__} member, e.g. {hint.__name__}.{names[0]}",
        )
    elif origin is tuple:
        args = typing.get_args(hint)
        require(
            isinstance(value, tuple), path, "must be a tuple (or list)", _short(value), "write a tuple, e.g. ('a', 'b')"
        )
        if len(args) == 2 and args[1] is Ellipsis:
            require(
                len(value) <= limit,
                path,
                f"must hold at most {limit} items",
                f"{len(value)} items",
                f"list at most {limit}",
            )
            for index, item in enumerate(value):
                require_shape(f"{path}[{index}]", item, args[0])
        else:
            require(
                len(value) == len(args),
                path,
                f"must hold exactly {len(args)} items",
                value,
                f"write {len(args)} values",
            )
            for index, (item, item_hint) in enumerate(zip(value, args, strict=True)):
                require_shape(f"{path}[{index}]", item, item_hint)
    elif origin is Mapping or origin is dict:
        require(
            isinstance(value, Mapping),
            path,
            "must be a mapping of strings",
            _short(value),
            "write a dict of key: value",
        )
        require(
            len(value) <= limit,
            path,
            f"must hold at most {limit} entries",
            f"{len(value)} entries",
            f"keep at most {limit}",
        )
        for key, item in value.items():
            require(isinstance(key, str), path, "keys must be strings", _short(key), "quote the key")
            require_shape(f"{path}.{key}", key, str)
            require_shape(f"{path}.{key}", item, str)
    elif hint is bool:
        require(isinstance(value, bool), path, "must be true or false", _short(value), "use True or False")
    elif hint is int:
        require(
            isinstance(value, int) and not isinstance(value, bool),
            path,
            "must be a whole number",
            _short(value),
            "write a number without quotes or decimals",
        )
    elif hint is str:
        require(isinstance(value, str), path, "must be a string", _short(value), "quote the value")
        require(
            len(value) <= MAX_STRING_LENGTH,
            path,
            f"must be at most {MAX_STRING_LENGTH} characters",
            _short(value),
            "shorten it",
        )
        require(
            _CONTROL.search(value) is None,
            path,
            "must not contain control characters, line breaks or invisible characters",
            value,
            "remove the line break, control or invisible character",
        )
    else:  # pragma: no cover - a library bug, not bad input
        raise TypeError(f"unsupported config type {hint!r} at {path}")


def require_repository_url(path: str, value: Any, *, example: str) -> str:
    """``value`` is a container repository URL without a tag (the workload adds its pinned tag);
    ``example`` is the repository name shown in the fix. Raises ConfigError."""
    require(
        isinstance(value, str) and bool(value) and ":" not in value.split("/")[-1],
        path,
        "must be a repository URL without a tag",
        value,
        f"pass the registry tier's repository_url, e.g. '123456789012.dkr.ecr.us-east-1.amazonaws.com/x/{example}'",
    )
    return str(value)


_MEMOS: dict[int, tuple[weakref.ref[Any], dict[str, Any]]] = {}


def memo(value: Any) -> dict[str, Any]:
    """A dict that lives as long as ``value`` (a frozen config): where what is derived from it once is
    kept (its validity, its subnet plan, its capacity report). Kept beside the object, not in its
    ``__dict__``, so ``vars(config)`` still lists only its fields."""
    key = id(value)
    entry = _MEMOS.get(key)
    if entry is not None and entry[0]() is value:
        return entry[1]
    cache: dict[str, Any] = {}
    # Bound now: at interpreter exit module globals may already be None when the last configs die.
    forget_key = _MEMOS.pop

    def forget(_ref: weakref.ref[Any]) -> None:
        forget_key(key, None)

    _MEMOS[key] = (weakref.ref(value, forget), cache)
    return cache


_Config = typing.TypeVar("_Config")
_Arguments = typing.ParamSpec("_Arguments")


def validated_once(
    method: Callable[Concatenate[_Config, str, _Arguments], None],
) -> Callable[Concatenate[_Config, str, _Arguments], None]:
    """Decorates a frozen config's ``validate(self, path, **arguments)``: a pass is remembered (``memo``)
    for those arguments, so asking again returns at once.

    ``EnvironmentConfig.validate`` checks each of its parts with the arguments the constructs use
    (region, stage, name prefix), so a construct built from a valid environment finds its config
    already checked, while a construct given a config no one checked checks it in full. The path only
    names fields in a message, so it is not part of the key; a failure is never remembered, and
    ``dataclasses.replace`` makes a new object, checked afresh.
    """

    @functools.wraps(method)
    def validate(self: _Config, path: str, /, *args: _Arguments.args, **kwargs: _Arguments.kwargs) -> None:
        key = (args, tuple(sorted(kwargs.items())))
        try:
            hash(key)
        except TypeError:  # an argument of the wrong type: check, remember nothing
            method(self, path, *args, **kwargs)
            return
        passed: set[Any] = memo(self).setdefault("passed", set())
        if key in passed:
            return
        method(self, path, *args, **kwargs)
        passed.add(key)

    return validate
