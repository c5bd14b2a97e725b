"""Validation by tier (``EnvironmentConfig.validate(tier=...)``): each tier checks its own rules and
those below it, ignores the rules above it, and is remembered per config."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec, NodeRole
from constructs_lib.config import ConfigTier, EnvironmentConfig, Stage, StateBackend
from constructs_lib.data.config import DatabaseSpec
from constructs_lib.errors import ConfigError
from constructs_lib.network.config import NetworkConfig
from constructs_lib.platform.config import AddonsConfig
from constructs_lib.registry.config import RepositorySpec
from constructs_lib.validation import memo

#: A whole, valid dev environment, built here (library tests do not import the reference app).
FULL = EnvironmentConfig(
    name="tiers",
    stage=Stage.DEV,
    region="eu-west-1",
    network=NetworkConfig(vpc_cidr="10.70.0.0/16", availability_zones=("eu-west-1a", "eu-west-1b")),
    cluster=ClusterConfig(endpoint_public_access=True, public_access_cidrs=("198.51.100.7/32",)),
    node_groups=(
        NodeGroupSpec(name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=3, role=NodeRole.SYSTEM),
        NodeGroupSpec(name="apps", instance_types=("m5.large",), min_size=1, desired_size=2, max_size=4),
    ),
    repositories=(RepositorySpec(name="apps/shop"),),
    applications=(ApplicationSpec(name="shop", repository="apps/shop", image_tag="v1.0.0"),),
)
#: Only what a VPC needs: no node groups, no runner access, no applications.
NETWORK_ONLY = EnvironmentConfig(
    name="vpc", stage=Stage.DEV, region="eu-west-1", network=NetworkConfig(vpc_cidr="10.71.0.0/16", availability_zones=("eu-west-1a", "eu-west-1b"))
)


def _fresh(config: EnvironmentConfig, **changes: Any) -> EnvironmentConfig:
    return dataclasses.replace(config, **changes)


def _message(config: EnvironmentConfig, tier: ConfigTier) -> str:
    with pytest.raises(ConfigError) as caught:
        config.validate(tier=tier)
    return str(caught.value)


def test_tiers_are_ordered_in_build_order() -> None:
    assert (
        list(ConfigTier)
        == sorted(ConfigTier)
        == [
            ConfigTier.BASE,
            ConfigTier.NETWORK,
            ConfigTier.CLUSTER,
            ConfigTier.PLATFORM,
        ]
    )


def test_network_tier_needs_no_node_groups() -> None:
    config = _fresh(NETWORK_ONLY)
    config.validate(tier=ConfigTier.NETWORK)
    assert memo(config)["valid_tier"] is ConfigTier.NETWORK


def test_cluster_tier_needs_node_groups() -> None:
    assert "`vpc.node_groups`: must define at least one node group" in _message(
        _fresh(NETWORK_ONLY), ConfigTier.CLUSTER
    )


def test_cluster_tier_needs_no_deploy_runner_access() -> None:
    config = _fresh(FULL, cluster=ClusterConfig())
    config.validate(tier=ConfigTier.CLUSTER)
    assert "`tiers.cluster`: must declare how the machine that runs terraform reaches the API server" in _message(
        config, ConfigTier.PLATFORM
    )


def test_full_validation_is_the_platform_tier() -> None:
    config = _fresh(FULL, cluster=ClusterConfig())
    with pytest.raises(ConfigError, match=r"^`tiers\.cluster`: must declare how the machine"):
        config.validate()


@pytest.mark.parametrize(
    ("tier", "changes", "path"),
    [
        (ConfigTier.BASE, {"region": "mars-1"}, "tiers.region"),
        (ConfigTier.NETWORK, {"network": NetworkConfig(vpc_cidr="10.70.0.0/33", availability_zones=("eu-west-1a", "eu-west-1b"))}, "tiers.network"),
        (ConfigTier.CLUSTER, {"node_groups": (NodeGroupSpec(name="apps", instance_types=("m5.large",), min_size=3, desired_size=2, max_size=4),)}, "tiers.node_groups[0]"),
        (ConfigTier.CLUSTER, {"repositories": (RepositorySpec(name="apps/shop"),) * 2}, "tiers.repositories"),
        (
            # The cluster turns on pod ENIs for the database's pod security groups: burstable nodes cannot carry them.
            ConfigTier.CLUSTER,
            {
                "database": DatabaseSpec(name="shop", pod_security_groups=True),
                "node_groups": (
                    NodeGroupSpec(name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=3, role=NodeRole.SYSTEM),
                    NodeGroupSpec(name="apps", instance_types=("t3.large",), min_size=1, desired_size=2, max_size=4),
                ),
            },
            "tiers.node_groups[1].instance_types[0]",
        ),
        (
            ConfigTier.PLATFORM,
            {"database": DatabaseSpec(name="shop", pod_security_groups=True)},
            "tiers.database.pod_security_groups",
        ),
        (
            ConfigTier.PLATFORM,
            {"applications": (ApplicationSpec(name="shop", repository="apps/nope", image_tag="v1.0.0"),)},
            "tiers.applications[0]",
        ),
        (ConfigTier.PLATFORM, {"addons": AddonsConfig(karpenter=True, cluster_autoscaler=True)}, "tiers.addons"),
    ],
    ids=[
        "base-region",
        "network-cidr",
        "cluster-group",
        "cluster-repository",
        "cluster-pod-eni-nodes",
        "platform-pod-security-group-users",
        "platform-application",
        "platform-addons",
    ],
)
def test_a_tiers_rule_is_checked_by_it_and_ignored_below_it(
    tier: ConfigTier, changes: dict[str, Any], path: str
) -> None:
    config = _fresh(FULL, **changes)
    if tier > ConfigTier.BASE:
        config.validate(tier=ConfigTier(tier - 1))  # the tier below ignores it
    assert _message(config, tier).startswith(f"`{path}")


def test_staging_state_is_a_base_rule() -> None:
    staging = _fresh(NETWORK_ONLY, stage=Stage.STAGING)
    assert _message(staging, ConfigTier.NETWORK).startswith("`vpc.state`: is required in staging")


def test_staging_network_with_state_validates_without_admins() -> None:
    staging = _fresh(NETWORK_ONLY, stage=Stage.STAGING, state=StateBackend(bucket="acme-terraform-state"))
    staging.validate(tier=ConfigTier.NETWORK)
    assert _message(staging, ConfigTier.CLUSTER).startswith("`vpc.cluster.deployer_principal_arn`")


def test_a_higher_tier_checks_only_its_own_rules_after_a_lower_one_passed() -> None:
    config = _fresh(FULL)
    config.validate(tier=ConfigTier.CLUSTER)
    config.validate(tier=ConfigTier.NETWORK)  # remembered: nothing to do, the memo keeps the higher tier
    assert memo(config)["valid_tier"] is ConfigTier.CLUSTER
    config.validate()
    assert memo(config)["valid_tier"] is ConfigTier.PLATFORM


def test_an_invalid_tier_is_not_remembered() -> None:
    config = _fresh(FULL, applications=(ApplicationSpec(name="shop", repository="apps/nope", image_tag="v1.0.0"),))
    config.validate(tier=ConfigTier.CLUSTER)
    for _ in range(2):
        with pytest.raises(ConfigError):
            config.validate()
    assert memo(config)["valid_tier"] is ConfigTier.CLUSTER
