"""Bad-input suite: each row is one small mutation of a valid reference config, the field path the
error must name, and the bad value it must show (``ConfigError``'s "`path`: rule (got value)").

To add a rule's row: append a ``Case`` to ``CASES`` (a Python mutation, validated with
``EnvironmentConfig.validate``) or to ``FILE_CASES`` (a mutation of the config as JSON data, read
with ``load_environments``, for unknown keys, wrong types and the like).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.apps.config import ApplicationSpec, IngressSpec
from constructs_lib.cluster.config import Taint
from constructs_lib.config import EnvironmentConfig, StateBackend, load_environments
from constructs_lib.errors import ConfigError
from constructs_lib.network.config import BastionMode, NatMode, NetworkConfig
from constructs_lib.registry.config import LifecycleRule, RepositorySpec, TagMutability, TagStatus
from stacks.environments import DEV, PROD
from tests.quality.plain import first_environment as _first
from tests.quality.plain import plain, to_plain


@dataclass(frozen=True)
class Case:
    """One invalid configuration and what its error must name."""

    id: str
    build: Callable[[], Any]
    path: str
    value: Any


# --- mutation helpers: each returns a copy of ``base`` with one part changed ------------------


def env(base: EnvironmentConfig = DEV, **changes: Any) -> EnvironmentConfig:
    return replace(base, **changes)


def network(base: EnvironmentConfig = DEV, **changes: Any) -> EnvironmentConfig:
    return replace(base, network=replace(base.network, **changes))


def cluster(base: EnvironmentConfig = DEV, **changes: Any) -> EnvironmentConfig:
    return replace(base, cluster=replace(base.cluster, **changes))


def group(index: int, base: EnvironmentConfig = DEV, **changes: Any) -> EnvironmentConfig:
    groups = list(base.node_groups)
    groups[index] = replace(groups[index], **changes)
    return replace(base, node_groups=tuple(groups))


def repository(index: int, base: EnvironmentConfig = DEV, **changes: Any) -> EnvironmentConfig:
    repositories = list(base.repositories)
    repositories[index] = replace(repositories[index], **changes)
    return replace(base, repositories=tuple(repositories))


def application(index: int, base: EnvironmentConfig = DEV, **changes: Any) -> EnvironmentConfig:
    applications = list(base.applications)
    applications[index] = replace(applications[index], **changes)
    return replace(base, applications=tuple(applications))


def addons(base: EnvironmentConfig = DEV, **changes: Any) -> EnvironmentConfig:
    return replace(base, addons=replace(base.addons, **changes))


_SYSTEM = DEV.node_groups[0]
_ADMIN = "arn:aws:iam::123456789012:role/platform-admin"

CASES: list[Case] = [
    # environment
    Case("name-uppercase", lambda: env(name="Dev"), "Dev.name", "Dev"),
    Case("name-underscore", lambda: env(name="dev_1"), "dev_1.name", "dev_1"),
    Case("name-too-long", lambda: env(name="development-1"), "development-1.name", "development-1"),
    Case("project-uppercase", lambda: env(project="EKS"), "dev.project", "EKS"),
    Case("project-too-long", lambda: env(project="a" * 21), "dev.project", "a" * 21),
    Case("region-not-a-code", lambda: env(region="us-east"), "dev.region", "us-east"),
    Case("region-uppercase", lambda: env(region="US-EAST-1"), "dev.region", "US-EAST-1"),
    Case("account-too-short", lambda: env(account_id="12345"), "dev.account_id", "12345"),
    Case("account-not-a-string", lambda: env(account_id=123456789012), "dev.account_id", 123456789012),
    Case("tag-key-reserved", lambda: env(tags={"aws:owner": "x"}), "dev.tags.aws:owner", "aws:owner"),
    Case("tag-value-too-long", lambda: env(tags={"owner": "x" * 257}), "dev.tags.owner", "x" * 257),
    Case("tag-overrides-standard-tag", lambda: env(tags={"environment": "x"}), "dev.tags.environment", "x"),
    Case("tag-value-not-a-string", lambda: env(tags={"owner": 7}), "dev.tags.owner", 7),
    Case("state-bucket-uppercase", lambda: env(state=StateBackend("Bad_Bucket")), "dev.state.bucket", "Bad_Bucket"),
    Case(
        "state-key-leading-slash",
        lambda: env(state=StateBackend("acme-state", key_prefix="/eks")),
        "dev.state.key_prefix",
        "/eks",
    ),
    Case(
        "state-bad-region", lambda: env(state=StateBackend("acme-state", region="mars-1")), "dev.state.region", "mars-1"
    ),
    # network
    Case("vpc-cidr-public", lambda: network(vpc_cidr="8.8.0.0/16"), "dev.network.vpc_cidr", "8.8.0.0/16"),
    Case("vpc-cidr-host-bits", lambda: network(vpc_cidr="10.10.1.0/16"), "dev.network.vpc_cidr", "10.10.1.0/16"),
    Case("vpc-cidr-too-small", lambda: network(vpc_cidr="10.10.0.0/24"), "dev.network.vpc_cidr", "10.10.0.0/24"),
    Case("vpc-cidr-too-large", lambda: network(vpc_cidr="10.0.0.0/8"), "dev.network.vpc_cidr", "10.0.0.0/8"),
    Case("vpc-cidr-garbage", lambda: network(vpc_cidr="ten-ten"), "dev.network.vpc_cidr", "ten-ten"),
    Case("vpc-cidr-anywhere", lambda: network(vpc_cidr="0.0.0.0/0"), "dev.network.vpc_cidr", "0.0.0.0/0"),
    Case(
        "one-az",
        lambda: network(availability_zones=("us-east-1a",)),
        "dev.network.availability_zones",
        ["us-east-1a"],
    ),
    Case(
        "too-many-azs",
        lambda: network(availability_zones=tuple(f"us-east-1{z}" for z in "abcdefg")),
        "dev.network.availability_zones",
        "7 items",
    ),
    Case(
        "duplicate-az",
        lambda: network(availability_zones=("us-east-1a", "us-east-1a")),
        "dev.network.availability_zones",
        "us-east-1a",
    ),
    Case(
        "az-of-other-region",
        lambda: network(availability_zones=("us-east-1a", "eu-west-1b")),
        "dev.network.availability_zones[1]",
        "eu-west-1b",
    ),
    Case("nat-mode-not-enum", lambda: network(nat_mode="SINGLE"), "dev.network.nat_mode", "SINGLE"),
    Case(
        "no-nat-without-private-cluster-endpoints",
        lambda: network(nat_mode=NatMode.NONE, bastion_mode=BastionMode.NONE),
        "dev.network.extra_interface_endpoints",
        [],
    ),
    # network: the subnet plan and the bastion
    Case(
        "private-subnets-overlap",
        lambda: network(private_subnet_cidrs=("10.10.0.0/19", "10.10.0.0/19")),
        "dev.network.private_subnet_cidrs",
        "10.10.0.0/19",
    ),
    Case(
        "subnet-outside-vpc",
        lambda: network(public_subnet_cidrs=("10.99.0.0/24", "10.10.193.0/24")),
        "dev.network.public_subnet_cidrs[0]",
        "10.99.0.0/24",
    ),
    Case(
        "private-subnet-too-small",
        lambda: network(private_subnet_cidrs=("10.10.0.0/25", "10.10.32.0/19")),
        "dev.network.private_subnet_cidrs[0]",
        "10.10.0.0/25",
    ),
    Case(
        "subnet-count-not-az-count",
        lambda: network(public_subnet_cidrs=("10.10.192.0/24",)),
        "dev.network.public_subnet_cidrs",
        ["10.10.192.0/24"],
    ),
    Case(
        "zone-letter-region-lacks",
        lambda: env(
            region="us-west-1",
            network=NetworkConfig("10.10.0.0/16", ("us-west-1a", "us-west-1b", "us-west-1c")),
        ),
        "dev.network.availability_zones[1]",
        "us-west-1b",
    ),
    Case(
        "bastion-ssh-from-anywhere",
        lambda: network(
            bastion_mode=BastionMode.SSM_AND_SSH, bastion_ssh_cidrs=("0.0.0.0/0",), bastion_ssh_key_name="ops"
        ),
        "dev.network.bastion_ssh_cidrs[0]",
        "0.0.0.0/0",
    ),
    Case(
        "s3-as-interface-endpoint",
        lambda: network(extra_interface_endpoints=("s3",)),
        "dev.network.extra_interface_endpoints[0]",
        "s3",
    ),
    Case(
        "node-ports-reversed",
        lambda: network(node_target_ports=(2000, 1000)),
        "dev.network.node_target_ports",
        (2000, 1000),
    ),
    Case(
        "flow-log-retention-invalid",
        lambda: network(flow_log_retention_days=10),
        "dev.network.flow_log_retention_days",
        10,
    ),
    Case(
        "prod-flow-logs-short",
        lambda: network(PROD, flow_log_retention_days=30),
        "prod.network.flow_log_retention_days",
        30,
    ),
    # cluster
    Case("k8s-version-ended", lambda: cluster(version="1.28"), "dev.cluster.version", "1.28"),
    Case("k8s-version-unknown", lambda: cluster(version="2.0"), "dev.cluster.version", "2.0"),
    Case(
        "prod-endpoint-open-to-world",
        lambda: cluster(PROD, endpoint_public_access=True, public_access_cidrs=("0.0.0.0/0",)),
        "prod.cluster.public_access_cidrs[0]",
        "0.0.0.0/0",
    ),
    Case(
        "public-cidrs-without-public-endpoint",
        lambda: cluster(public_access_cidrs=("203.0.113.0/24",)),
        "dev.cluster.public_access_cidrs",
        ["203.0.113.0/24"],
    ),
    Case(
        "public-endpoint-without-cidrs",
        lambda: cluster(endpoint_public_access=True),
        "dev.cluster.public_access_cidrs",
        [],
    ),
    Case(
        "public-cidr-host-bits",
        lambda: cluster(endpoint_public_access=True, public_access_cidrs=("203.0.113.7/24",)),
        "dev.cluster.public_access_cidrs[0]",
        "203.0.113.7/24",
    ),
    Case(
        "admin-not-an-arn",
        lambda: cluster(admin_principal_arns=("platform-admin",)),
        "dev.cluster.admin_principal_arns[0]",
        "platform-admin",
    ),
    Case(
        "admin-duplicate",
        lambda: cluster(admin_principal_arns=(_ADMIN, _ADMIN)),
        "dev.cluster.admin_principal_arns",
        _ADMIN,
    ),
    Case(
        "admin-account-root",
        lambda: cluster(admin_principal_arns=("arn:aws:iam::123456789012:root",)),
        "dev.cluster.admin_principal_arns[0]",
        "arn:aws:iam::123456789012:root",
    ),
    Case(
        "creator-and-deployer-admin",
        lambda: cluster(bootstrap_creator_admin=True, deployer_admin_access=True),
        "dev.cluster.bootstrap_creator_admin",
        True,
    ),
    Case("log-retention-invalid", lambda: cluster(log_retention_days=10), "dev.cluster.log_retention_days", 10),
    Case(
        "prod-log-retention-short", lambda: cluster(PROD, log_retention_days=30), "prod.cluster.log_retention_days", 30
    ),
    Case(
        "addon-version-unpinned-form",
        lambda: cluster(addon_versions={"vpc-cni": "1.19"}),
        "dev.cluster.addon_versions.vpc-cni",
        "1.19",
    ),
    # node groups
    Case("no-node-groups", lambda: env(node_groups=()), "dev.node_groups", []),
    Case(
        "every-group-tainted",
        lambda: group(1, taints=(Taint("dedicated", "x"),)),
        "dev.node_groups",
        ["system", "application"],
    ),
    Case("group-name-uppercase", lambda: group(0, name="System"), "dev.node_groups[0].name", "System"),
    Case(
        "group-name-duplicate",
        lambda: env(node_groups=(_SYSTEM, replace(DEV.node_groups[1], name="system"))),
        "dev.node_groups",
        "system",
    ),
    Case("min-above-max", lambda: group(0, min_size=5, desired_size=5, max_size=3), "dev.node_groups[0].min_size", 5),
    Case("desired-above-max", lambda: group(0, desired_size=4, max_size=3), "dev.node_groups[0].desired_size", 4),
    Case("desired-below-min", lambda: group(0, min_size=2, desired_size=1), "dev.node_groups[0].desired_size", 1),
    Case("min-negative", lambda: group(0, min_size=-1), "dev.node_groups[0].min_size", -1),
    Case("max-zero", lambda: group(0, min_size=0, desired_size=0, max_size=0), "dev.node_groups[0].max_size", 0),
    Case("size-not-an-int", lambda: group(0, max_size="3"), "dev.node_groups[0].max_size", "3"),
    Case("no-instance-types", lambda: group(0, instance_types=()), "dev.node_groups[0].instance_types", []),
    Case(
        "instance-type-malformed",
        lambda: group(0, instance_types=("m5large",)),
        "dev.node_groups[0].instance_types[0]",
        "m5large",
    ),
    Case(
        "instance-type-duplicate",
        lambda: group(1, instance_types=("t3.large", "t3.large")),
        "dev.node_groups[1].instance_types",
        "t3.large",
    ),
    Case("capacity-type-not-enum", lambda: group(1, capacity_type="SPOT"), "dev.node_groups[1].capacity_type", "SPOT"),
    Case("disk-too-small", lambda: group(0, disk_size_gib=10), "dev.node_groups[0].disk_size_gib", 10),
    Case("max-unavailable-zero", lambda: group(0, max_unavailable=0), "dev.node_groups[0].max_unavailable", 0),
    Case(
        "label-value-too-long",
        lambda: group(0, labels={"node-role": "x" * 64}),
        "dev.node_groups[0].labels.node-role",
        "x" * 64,
    ),
    Case(
        "taint-effect-not-enum",
        lambda: group(0, taints=(Taint("CriticalAddonsOnly", "true", "NoSchedule"),)),  # type: ignore[arg-type]
        "dev.node_groups[0].taints[0].effect",
        "NoSchedule",
    ),
    Case("taint-key-empty", lambda: group(0, taints=(Taint("", "true"),)), "dev.node_groups[0].taints[0].key", ""),
    # registry
    Case("repository-name-uppercase", lambda: repository(0, name="Apps/API"), "dev.repositories[0].name", "Apps/API"),
    Case(
        "repository-name-double-slash", lambda: repository(0, name="apps//api"), "dev.repositories[0].name", "apps//api"
    ),
    Case(
        "mutable-tags-in-prod",
        lambda: repository(0, PROD, tag_mutability=TagMutability.MUTABLE),
        "prod.repositories[0].tag_mutability",
        "MUTABLE",
    ),
    Case(
        "repository-duplicate",
        lambda: env(repositories=(*DEV.repositories, RepositorySpec("apps/api"))),
        "dev.repositories",
        "apps/api",
    ),
    Case(
        "lifecycle-any-rule-not-last",
        lambda: repository(
            0,
            lifecycle_rules=(
                LifecycleRule("keep the last 5 images", TagStatus.ANY, keep_count=5),
                LifecycleRule("expire untagged images", TagStatus.UNTAGGED, max_age_days=7),
            ),
        ),
        "dev.repositories[0].lifecycle_rules[0].tag_status",
        "rule 0 of 2",
    ),
    Case(
        "lifecycle-rules-conflict",
        lambda: repository(
            0,
            lifecycle_rules=(
                LifecycleRule("expire untagged after 7 days", TagStatus.UNTAGGED, max_age_days=7),
                LifecycleRule("expire untagged after 1 day", TagStatus.UNTAGGED, max_age_days=1),
            ),
        ),
        "dev.repositories[0].lifecycle_rules[1]",
        "expire untagged after 1 day",
    ),
    Case(
        "lifecycle-count-and-age",
        lambda: repository(
            0, lifecycle_rules=(LifecycleRule("both", TagStatus.UNTAGGED, keep_count=1, max_age_days=1),)
        ),
        "dev.repositories[0].lifecycle_rules[0]",
        {"keep_count": 1, "max_age_days": 1},
    ),
    # applications
    Case("image-tag-latest", lambda: application(0, image_tag="latest"), "dev.applications[0].image_tag", "latest"),
    Case("privileged-port", lambda: application(0, port=80), "dev.applications[0].port", 80),
    Case("no-replicas", lambda: application(0, replicas=0), "dev.applications[0].replicas", 0),
    Case("application-name-uppercase", lambda: application(0, name="API"), "dev.applications[0].name", "API"),
    Case(
        "application-unknown-repository",
        lambda: application(0, repository="apps/nowhere"),
        "dev.applications[0].repository",
        "apps/nowhere",
    ),
    Case(
        "application-duplicate",
        lambda: env(applications=(*DEV.applications, ApplicationSpec("api", "apps/api", "v1.0.1"))),
        "dev.applications",
        "api",
    ),
    Case(
        "prod-ingress-without-https",
        lambda: application(0, PROD, ingress=IngressSpec("api.example.com")),
        "prod.applications[0].ingress.certificate_arn",
        None,
    ),
    Case(
        "cpu-request-above-limit",
        lambda: application(0, resources=replace(DEV.applications[0].resources, cpu_request="2")),
        "dev.applications[0].resources.cpu_request",
        "2",
    ),
    Case(
        "peer-is-itself",
        lambda: application(1, allowed_peers=("worker",)),
        "dev.applications[1].allowed_peers[0]",
        "worker",
    ),
    Case("runs-as-root", lambda: application(0, run_as_user=0), "dev.applications[0].run_as_user", 0),
    # add-ons
    Case("addon-not-a-bool", lambda: addons(velero="yes"), "dev.addons.velero", "yes"),
]


# --- rows read from a JSON file through load_environments ------------------------------------


FILE_CASES: list[Case] = [
    Case(
        "unknown-addon",
        plain(lambda d: _first(d)["addons"].update(istio=True)),
        "environments[0].addons.istio",
        "istio",
    ),
    Case("unknown-top-level-key", plain(lambda d: _first(d).update(vpc="10.0.0.0/16")), "environments[0].vpc", "vpc"),
    Case(
        "unknown-node-group-key",
        plain(lambda d: _first(d)["node_groups"][0].update(spot=True)),
        "environments[0].node_groups[0].spot",
        "spot",
    ),
    Case(
        "size-as-string",
        plain(lambda d: _first(d)["node_groups"][0].update(min_size="2")),
        "environments[0].node_groups[0].min_size",
        "2",
    ),
    Case(
        "bool-as-string",
        plain(lambda d: _first(d)["cluster"].update(endpoint_public_access="false")),
        "environments[0].cluster.endpoint_public_access",
        "false",
    ),
    Case(
        "unknown-enum-value",
        plain(lambda d: _first(d)["network"].update(nat_mode="TWO")),
        "environments[0].network.nat_mode",
        "TWO",
    ),
    Case("unknown-stage", plain(lambda d: _first(d).update(stage="qa")), "environments[0].stage", "qa"),
    Case("missing-network", plain(lambda d: _first(d).pop("network")), "environments[0].network", None),
    Case(
        "list-as-string",
        plain(lambda d: _first(d)["network"].update(availability_zones="us-east-1a")),
        "environments[0].network.availability_zones",
        "us-east-1a",
    ),
    Case(
        "tag-value-number",
        plain(lambda d: _first(d)["tags"].update(owner=7)),
        "environments[0].tags.owner",
        7,
    ),
    Case("duplicate-environment", plain(lambda d: d["environments"].append(to_plain(DEV))), "environments", "dev"),
    Case("no-environments", plain(lambda d: d.update(environments=[])), "environments", "dict"),
    Case(
        "file-row-runs-validate",
        plain(lambda d: _first(d)["node_groups"][0].update(min_size=5, desired_size=5, max_size=3)),
        "dev.node_groups[0].min_size",
        5,
    ),
]


def assert_names(error: ConfigError, case: Case) -> None:
    message = str(error)
    assert f"`{case.path}`" in message, f"{case.id}: expected path `{case.path}` in: {message}"
    assert f"(got {case.value!r})" in message, f"{case.id}: expected value {case.value!r} in: {message}"


def test_table_has_at_least_forty_rows() -> None:
    assert len(CASES) + len(FILE_CASES) >= 40


def test_row_ids_are_unique() -> None:
    ids = [case.id for case in CASES + FILE_CASES]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("config", [DEV, PROD], ids=["dev", "prod"])
def test_base_configs_are_valid(config: EnvironmentConfig) -> None:
    config.validate()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_config_error_names_field_and_value(case: Case) -> None:
    with pytest.raises(ConfigError) as raised:
        case.build().validate()
    assert_names(raised.value, case)


def test_base_file_is_valid(tmp_path: Path) -> None:
    file = tmp_path / "environments.json"
    file.write_text(json.dumps(plain(lambda d: None)()), encoding="utf-8")
    assert [e.name for e in load_environments(file)] == ["dev", "prod"]


@pytest.mark.parametrize("case", FILE_CASES, ids=[case.id for case in FILE_CASES])
def test_file_error_names_field_and_value(case: Case, tmp_path: Path) -> None:
    file = tmp_path / "environments.json"
    file.write_text(json.dumps(case.build()), encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_environments(file)
    assert_names(raised.value, case)


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be a readable file"):
        load_environments(tmp_path / "missing.json")


def test_invalid_json_is_a_config_error(tmp_path: Path) -> None:
    file = tmp_path / "environments.json"
    file.write_text('{"environments": [', encoding="utf-8")
    with pytest.raises(ConfigError, match="must be valid JSON or TOML"):
        load_environments(file)
