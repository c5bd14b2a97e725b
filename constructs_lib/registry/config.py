"""Typed configuration of the registry tier: the ECR repositories of an environment.

* :class:`RepositorySpec`: one repository (``<name_prefix>/<name>`` in AWS, so environments never clash).
* :class:`LifecycleRule`: one typed ECR lifecycle rule; :func:`render_lifecycle_policy` turns an ordered
  tuple of them into ECR's lifecycle JSON, assigning ``rulePriority`` 1, 2, 3, ... in order.
* :class:`RegistryConfig`: registry-wide settings (default lifecycle, encryption, cross-account pull,
  pull-through cache).
"""

from __future__ import annotations

import enum
import json
import re
from dataclasses import dataclass
from typing import Any

from constructs_lib.stage import Stage
from constructs_lib.validation import (
    frozen_tuple,
    require,
    require_account_id,
    require_iam_arn,
    require_range,
    require_shape,
    require_unique,
    validated_once,
)

__all__ = [
    "DEFAULT_CACHE_LIFECYCLE_RULES",
    "DEFAULT_LIFECYCLE_RULES",
    "DEFAULT_PULL_THROUGH_CACHE",
    "CacheUpstream",
    "LifecycleRule",
    "RegistryConfig",
    "RepositoryEncryption",
    "RepositorySpec",
    "TagMutability",
    "TagStatus",
    "default_lifecycle_rules",
    "render_lifecycle_policy",
    "validate_lifecycle_rules",
]

#: An ECR repository name (also the grammar of a pull-through cache ``ecr_repository_prefix``): parts of
#: ``[a-z0-9]`` runs joined by '.', '_' or '-', with '/' between parts.
_REPOSITORY_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*\Z", re.ASCII)
#: Characters an image tag may hold (Docker's rule), so also the characters of a tag prefix.
_TAG_PREFIX = re.compile(r"^[A-Za-z0-9_.-]{1,128}\Z", re.ASCII)
#: ECR pull-through cache ``ecr_repository_prefix``: 2-30 characters of a repository name.
_CACHE_PREFIX_MAX = 30
#: Secrets Manager ARN of a pull-through cache credential; ECR requires the name prefix.
_CACHE_CREDENTIAL_ARN = re.compile(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:ecr-pullthroughcache/[A-Za-z0-9/_+=.@-]+\Z", re.ASCII
)
#: ECR refuses lifecycle rule descriptions longer than this.
_DESCRIPTION_MAX = 256


class TagMutability(enum.Enum):
    """Whether a pushed tag may be moved to another image."""

    IMMUTABLE = "IMMUTABLE"
    MUTABLE = "MUTABLE"


class TagStatus(enum.Enum):
    """Which images a lifecycle rule selects, spelled as ECR's ``tagStatus``."""

    #: Images with at least one tag starting with one of the rule's prefixes.
    TAGGED = "tagged"
    #: Images without any tag (superseded pushes of a mutable tag, build cache layers).
    UNTAGGED = "untagged"
    #: Every image; ECR requires such a rule to be evaluated last.
    ANY = "any"


class RepositoryEncryption(enum.Enum):
    """How ECR encrypts image layers at rest."""

    #: A customer-managed KMS key of the environment (``alias/<name_prefix>-ecr``), rotated yearly.
    KMS = "KMS"
    #: ECR's own AES-256 keys: no key cost, no key policy to manage; refused in prod.
    AES256 = "AES256"


class CacheUpstream(enum.Enum):
    """Public registries ECR can cache without credentials, with the short name used in the cache prefix."""

    ECR_PUBLIC = "public.ecr.aws"
    KUBERNETES = "registry.k8s.io"
    QUAY = "quay.io"

    @property
    def short_name(self) -> str:
        """Suffix of the environment's cache prefix, e.g. ``eks-platform-dev-quay``."""
        return _CACHE_SHORT_NAMES[self]


_CACHE_SHORT_NAMES = {
    CacheUpstream.ECR_PUBLIC: "ecrpublic",
    CacheUpstream.KUBERNETES: "k8s",
    CacheUpstream.QUAY: "quay",
}
#: Upstream of the Docker Hub rule (created only with a credential) and its prefix suffix.
DOCKER_HUB_UPSTREAM = "registry-1.docker.io"
DOCKER_HUB_SHORT_NAME = "dockerhub"


@dataclass(frozen=True, kw_only=True)
class LifecycleRule:
    """One ECR lifecycle rule: which images it selects and when they expire.

    Exactly one of ``keep_count`` (keep the newest N selected images, expire older ones) or
    ``max_age_days`` (expire selected images pushed more than N days ago) is set. Priorities are not
    given: a tuple of rules is rendered in order, the first rule getting priority 1.
    """

    #: Shown in the ECR console; say what the rule keeps, e.g. "keep the last 5 release images".
    description: str
    #: Which images the rule selects: tagged (by prefix), untagged, or any (must be the last rule).
    tag_status: TagStatus
    #: Tag prefixes a TAGGED rule selects (``("v",)`` selects ``v1.2.0``); must be empty otherwise.
    tag_prefixes: tuple[str, ...] = ()
    #: Keep this many of the newest selected images. Default: unset (use ``max_age_days``).
    keep_count: int | None = None
    #: Expire selected images older than this many days. Default: unset (use ``keep_count``).
    max_age_days: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tag_prefixes", frozen_tuple(self.tag_prefixes))

    def validate(self, path: str) -> None:
        """Check the rule's own rules; raises ConfigError."""
        require(
            isinstance(self.description, str) and 0 < len(self.description.strip()) <= _DESCRIPTION_MAX,
            f"{path}.description",
            f"must be a non-empty text of at most {_DESCRIPTION_MAX} characters",
            self.description,
            "describe what the rule keeps, e.g. 'keep the last 5 release images'",
        )
        require(
            isinstance(self.tag_status, TagStatus),
            f"{path}.tag_status",
            "must be TAGGED, UNTAGGED or ANY",
            self.tag_status,
            "use TagStatus.TAGGED, TagStatus.UNTAGGED or TagStatus.ANY",
        )
        require(
            (self.keep_count is None) != (self.max_age_days is None),
            path,
            "supply exactly one of `keep_count` or `max_age_days`",
            {"keep_count": self.keep_count, "max_age_days": self.max_age_days},
            "keep the newest N images with keep_count=N, or expire images after N days with max_age_days=N",
        )
        if self.keep_count is not None:
            require_range(f"{path}.keep_count", self.keep_count, 1, 10_000, fix="keep at least 1 image")
        if self.max_age_days is not None:
            require_range(f"{path}.max_age_days", self.max_age_days, 1, 3_650, fix="expire after 1 to 3650 days")
        if self.tag_status is TagStatus.TAGGED:
            require(
                len(self.tag_prefixes) > 0,
                f"{path}.tag_prefixes",
                "a TAGGED rule must list the tag prefixes it selects",
                self.tag_prefixes,
                "add prefixes such as ('v',), or use TagStatus.ANY to select every image",
            )
        else:
            require(
                len(self.tag_prefixes) == 0,
                f"{path}.tag_prefixes",
                f"only TAGGED rules select by tag prefix; a {self.tag_status.name} rule must not list any",
                self.tag_prefixes,
                "remove tag_prefixes, or use TagStatus.TAGGED",
            )
        for index, prefix in enumerate(self.tag_prefixes):
            require(
                isinstance(prefix, str) and _TAG_PREFIX.match(prefix) is not None,
                f"{path}.tag_prefixes[{index}]",
                "must be the start of an image tag: 1-128 letters, digits, '_', '.' or '-'",
                prefix,
                "use a prefix such as 'v' or 'release-'",
            )
        require_unique(f"{path}.tag_prefixes", self.tag_prefixes, "tag prefix")

    def to_ecr(self, priority: int) -> dict[str, Any]:
        """The rule as ECR's lifecycle JSON expects it, with ``rulePriority`` ``priority``."""
        selection: dict[str, Any] = {"tagStatus": self.tag_status.value}
        if self.tag_prefixes:
            selection["tagPrefixList"] = list(self.tag_prefixes)
        if self.keep_count is not None:
            selection["countType"] = "imageCountMoreThan"
            selection["countNumber"] = self.keep_count
        else:
            selection["countType"] = "sinceImagePushed"
            selection["countUnit"] = "days"
            selection["countNumber"] = self.max_age_days
        return {
            "rulePriority": priority,
            "description": self.description,
            "selection": selection,
            "action": {"type": "expire"},
        }


#: Seed 000 keeps the last 5 images tagged ``v*``.
DEFAULT_KEEP_RELEASES = 5
#: Untagged images (layers left behind when a mutable tag moves, cache images) are garbage after two
#: weeks: long enough to roll back a deploy that pinned a digest, short enough to keep storage cheap.
DEFAULT_UNTAGGED_EXPIRY_DAYS = 14


def default_lifecycle_rules(
    *,
    keep_releases: int = DEFAULT_KEEP_RELEASES,
    release_prefixes: tuple[str, ...] = ("v",),
    untagged_expiry_days: int = DEFAULT_UNTAGGED_EXPIRY_DAYS,
) -> tuple[LifecycleRule, ...]:
    """Seed 000's rule (keep the last ``keep_releases`` images tagged ``v*``), then expire untagged images."""
    return (
        LifecycleRule(
            description=f"keep the last {keep_releases} images tagged {', '.join(p + '*' for p in release_prefixes)}",
            tag_status=TagStatus.TAGGED,
            tag_prefixes=release_prefixes,
            keep_count=keep_releases,
        ),
        LifecycleRule(
            description=f"expire untagged images after {untagged_expiry_days} days",
            tag_status=TagStatus.UNTAGGED,
            max_age_days=untagged_expiry_days,
        ),
    )


DEFAULT_LIFECYCLE_RULES = default_lifecycle_rules()

#: Cached upstream images carry upstream's tags (``1.35.0``, ``v2.9``, ``latest``), so the cache
#: rules select by age and count, not by prefix: drop untagged images after 14 days, then keep the
#: 10 newest images of each cached repository (enough for several rollbacks of an add-on).
DEFAULT_CACHE_KEEP_IMAGES = 10
DEFAULT_CACHE_LIFECYCLE_RULES = (
    LifecycleRule(
        description=f"expire untagged images after {DEFAULT_UNTAGGED_EXPIRY_DAYS} days",
        tag_status=TagStatus.UNTAGGED,
        max_age_days=DEFAULT_UNTAGGED_EXPIRY_DAYS,
    ),
    LifecycleRule(
        description=f"keep the {DEFAULT_CACHE_KEEP_IMAGES} newest images",
        tag_status=TagStatus.ANY,
        keep_count=DEFAULT_CACHE_KEEP_IMAGES,
    ),
)


def validate_lifecycle_rules(path: str, rules: tuple[LifecycleRule, ...]) -> None:
    """Check each rule and the ordering rules ECR imposes on a policy; raises ConfigError."""
    require(
        isinstance(rules, tuple) and len(rules) > 0,
        path,
        "must hold at least one rule: without a lifecycle policy images pile up and storage cost grows",
        rules,
        "use DEFAULT_LIFECYCLE_RULES or default_lifecycle_rules(...)",
    )
    selections: dict[tuple[TagStatus, frozenset[str]], int] = {}
    for index, rule in enumerate(rules):
        rule.validate(f"{path}[{index}]")
        require(
            rule.tag_status is not TagStatus.ANY or index == len(rules) - 1,
            f"{path}[{index}].tag_status",
            "an ANY rule must be the last rule: ECR requires tagStatus 'any' to have the highest rulePriority",
            f"rule {index} of {len(rules)}",
            "move the ANY rule to the end of the tuple",
        )
        selection = (rule.tag_status, frozenset(rule.tag_prefixes))
        require(
            selection not in selections,
            f"{path}[{index}]",
            f"selects the same images as rule {selections.get(selection)}, which has a higher priority, "
            "so this rule would never expire anything",
            rule.description,
            "merge the two rules or change the tag status or prefixes",
        )
        selections[selection] = index


def render_lifecycle_policy(path: str, rules: tuple[LifecycleRule, ...]) -> str:
    """Validate ``rules`` and render them as ECR lifecycle policy JSON, priorities 1, 2, ... in order."""
    validate_lifecycle_rules(path, rules)
    document = {"rules": [rule.to_ecr(priority) for priority, rule in enumerate(rules, start=1)]}
    return json.dumps(document, separators=(",", ":"))


@dataclass(frozen=True, kw_only=True)
class RepositorySpec:
    """One ECR repository, named ``<name_prefix>/<name>`` in AWS (``eks-platform-dev/apps/api``)."""

    #: Repository name inside the environment, e.g. ``plant-processor`` or ``apps/api``.
    name: str
    #: Default IMMUTABLE: a tag always means the same image. Prod refuses MUTABLE.
    tag_mutability: TagMutability = TagMutability.IMMUTABLE
    #: Lifecycle rules of this repository. Default: the registry's ``lifecycle_rules`` (seed 000's).
    lifecycle_rules: tuple[LifecycleRule, ...] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lifecycle_rules", frozen_tuple(self.lifecycle_rules))

    @validated_once
    def validate(self, path: str, *, stage: Stage) -> None:
        """Check the repository's own rules; raises ConfigError."""
        require_shape(path, self, RepositorySpec)
        require(
            isinstance(self.name, str) and len(self.name) <= 200 and _REPOSITORY_NAME.match(self.name) is not None,
            f"{path}.name",
            "must be an ECR repository name: lowercase letters, digits, '.', '_', '-' and '/' between parts",
            self.name,
            "use a name such as 'plant-processor' or 'apps/api'",
        )
        require(
            isinstance(self.tag_mutability, TagMutability),
            f"{path}.tag_mutability",
            "must be IMMUTABLE or MUTABLE",
            self.tag_mutability,
            "use TagMutability.IMMUTABLE",
        )
        require(
            not (stage is Stage.PROD and self.tag_mutability is TagMutability.MUTABLE),
            f"{path}.tag_mutability",
            "must be IMMUTABLE in prod, so a deployed tag can never be overwritten",
            self.tag_mutability.value,
            "use TagMutability.IMMUTABLE and push a new tag per build",
        )
        if self.lifecycle_rules is not None:
            validate_lifecycle_rules(f"{path}.lifecycle_rules", self.lifecycle_rules)


#: Without a credential, only these registries are cached (the Docker Hub rule needs one).
DEFAULT_PULL_THROUGH_CACHE = (CacheUpstream.ECR_PUBLIC, CacheUpstream.KUBERNETES, CacheUpstream.QUAY)


@dataclass(frozen=True, kw_only=True)
class RegistryConfig:
    """Registry-wide settings of an environment; every field has a secure, cost-aware default."""

    #: Lifecycle of every repository without its own rules. Default: seed 000's "keep the last 5
    #: images tagged v*", then "expire untagged images after 14 days" (storage is billed per GB).
    lifecycle_rules: tuple[LifecycleRule, ...] = DEFAULT_LIFECYCLE_RULES
    #: Encryption at rest. Default: KMS in prod (key policy and CloudTrail audit of every decrypt),
    #: AES256 elsewhere (no $1/month key per environment). AES256 is refused in prod.
    encryption: RepositoryEncryption | None = None
    #: Extra principals allowed to pull every repository: 12-digit account ids or IAM role ARNs of
    #: other accounts. Default: none, only the environment's node role pulls.
    cross_account_pull_principals: tuple[str, ...] = ()
    #: Public upstreams cached in the registry (faster pulls, no Docker Hub rate limits, images
    #: survive upstream outages). Default: ECR Public, registry.k8s.io and quay.io, which need no
    #: credentials. Empty: no cache rules.
    pull_through_cache: tuple[CacheUpstream, ...] = DEFAULT_PULL_THROUGH_CACHE
    #: Lifecycle of the repositories ECR creates for cached images (through a repository creation
    #: template per cache prefix). Default: expire untagged after 14 days, keep the 10 newest images.
    cache_lifecycle_rules: tuple[LifecycleRule, ...] = DEFAULT_CACHE_LIFECYCLE_RULES
    #: Secrets Manager ARN of Docker Hub credentials (name ``ecr-pullthroughcache/...``, as ECR
    #: requires). Default: unset, no Docker Hub rule (anonymous pulls are rate limited).
    docker_hub_credential_arn: str | None = None
    #: Start of every pull-through cache prefix. Default: the environment prefix, so dev, staging
    #: and prod rules never clash in one account (``eks-platform-dev-quay``); set a shorter unique
    #: value when the prefix makes a cache prefix longer than ECR's 30 characters.
    cache_prefix: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "lifecycle_rules", frozen_tuple(self.lifecycle_rules))
        object.__setattr__(self, "cache_lifecycle_rules", frozen_tuple(self.cache_lifecycle_rules))
        object.__setattr__(self, "cross_account_pull_principals", frozen_tuple(self.cross_account_pull_principals))
        object.__setattr__(self, "pull_through_cache", frozen_tuple(self.pull_through_cache))

    def resolved_encryption(self, *, stage: Stage) -> RepositoryEncryption:
        """The encryption in effect: the configured one, else KMS in prod and AES256 elsewhere."""
        if self.encryption is not None:
            return self.encryption
        return RepositoryEncryption.KMS if stage is Stage.PROD else RepositoryEncryption.AES256

    def cache_prefixes(self, name_prefix: str) -> dict[str, tuple[str, str]]:
        """Short upstream name -> (ECR repository prefix, upstream registry URL), in a fixed order."""
        start = self.cache_prefix or name_prefix
        result = {u.short_name: (f"{start}-{u.short_name}", u.value) for u in self.pull_through_cache}
        if self.docker_hub_credential_arn is not None:
            result[DOCKER_HUB_SHORT_NAME] = (f"{start}-{DOCKER_HUB_SHORT_NAME}", DOCKER_HUB_UPSTREAM)
        return result

    @validated_once
    def validate(self, path: str, *, stage: Stage, name_prefix: str) -> None:
        """Check the registry settings; raises ConfigError."""
        require_shape(path, self, RegistryConfig)
        validate_lifecycle_rules(f"{path}.lifecycle_rules", self.lifecycle_rules)
        validate_lifecycle_rules(f"{path}.cache_lifecycle_rules", self.cache_lifecycle_rules)
        require(
            self.encryption is None or isinstance(self.encryption, RepositoryEncryption),
            f"{path}.encryption",
            "must be KMS or AES256",
            self.encryption,
            "use RepositoryEncryption.KMS",
        )
        require(
            not (stage is Stage.PROD and self.encryption is RepositoryEncryption.AES256),
            f"{path}.encryption",
            "must be KMS in prod, so image access is governed by a key policy and audited",
            "AES256",
            "leave `encryption` unset or use RepositoryEncryption.KMS",
        )
        for index, principal in enumerate(self.cross_account_pull_principals):
            where = f"{path}.cross_account_pull_principals[{index}]"
            if isinstance(principal, str) and principal.isascii() and principal.isdigit():
                require_account_id(where, principal)
            else:
                require_iam_arn(where, principal)
        require_unique(f"{path}.cross_account_pull_principals", self.cross_account_pull_principals, "principal")
        for index, upstream in enumerate(self.pull_through_cache):
            require(
                isinstance(upstream, CacheUpstream),
                f"{path}.pull_through_cache[{index}]",
                "must be a public upstream that needs no credentials",
                upstream,
                "use CacheUpstream.ECR_PUBLIC, KUBERNETES or QUAY; Docker Hub is enabled by "
                "`docker_hub_credential_arn`",
            )
        require_unique(f"{path}.pull_through_cache", self.pull_through_cache, "upstream")
        if self.docker_hub_credential_arn is not None:
            require(
                isinstance(self.docker_hub_credential_arn, str)
                and _CACHE_CREDENTIAL_ARN.match(self.docker_hub_credential_arn) is not None,
                f"{path}.docker_hub_credential_arn",
                "must be the ARN of a Secrets Manager secret whose name starts with 'ecr-pullthroughcache/'",
                self.docker_hub_credential_arn,
                "store the Docker Hub user and access token in a secret named e.g. "
                "'ecr-pullthroughcache/docker-hub' and use its ARN",
            )
        if self.cache_prefix is not None:
            require(
                isinstance(self.cache_prefix, str) and _REPOSITORY_NAME.match(self.cache_prefix) is not None,
                f"{path}.cache_prefix",
                "must be lowercase letters, digits and '.', '_', '-', '/' between them",
                self.cache_prefix,
                "use a short, environment-unique value such as 'plat-stg'",
            )
        for short_name, (prefix, _upstream) in self.cache_prefixes(name_prefix).items():
            require(
                2 <= len(prefix) <= _CACHE_PREFIX_MAX and _REPOSITORY_NAME.match(prefix) is not None,
                f"{path}.cache_prefix",
                f"the {short_name} cache prefix must be a valid ECR repository prefix of 2-{_CACHE_PREFIX_MAX} "
                "characters",
                prefix,
                f"set `cache_prefix` to a shorter value unique to the environment (at most "
                f"{_CACHE_PREFIX_MAX - len(short_name) - 1} characters here)",
            )
