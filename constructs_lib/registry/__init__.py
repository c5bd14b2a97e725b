"""The registry tier: ECR repositories with typed lifecycle rules, pull policies and pull-through cache.

The configuration types are importable without starting jsii; the constructs live in
:mod:`constructs_lib.registry.ecr` (``EcrRegistry``, ``Repository``).
"""

from constructs_lib.registry.config import (
    DEFAULT_CACHE_LIFECYCLE_RULES,
    DEFAULT_LIFECYCLE_RULES,
    DEFAULT_PULL_THROUGH_CACHE,
    CacheUpstream,
    LifecycleRule,
    RegistryConfig,
    RepositoryEncryption,
    RepositorySpec,
    TagMutability,
    TagStatus,
    default_lifecycle_rules,
    render_lifecycle_policy,
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
]
