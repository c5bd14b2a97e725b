"""Bad-input suite: each row is one small mutation of a valid config of `tests/fixtures.py`, the field path the
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
from constructs_lib.cluster.config import Taint, TaintEffect
from constructs_lib.config import MAX_CONFIG_FILE_BYTES, EnvironmentConfig, StateBackend, load_environments
from constructs_lib.errors import ConfigError
from constructs_lib.network.config import BastionMode, NatMode, NetworkConfig
from constructs_lib.registry.config import LifecycleRule, RepositorySpec, TagMutability, TagStatus
from tests.fixtures import DEV, PROD
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


def database(base: EnvironmentConfig = DEV, **changes: Any) -> EnvironmentConfig:
    assert base.database is not None
    return replace(base, database=replace(base.database, **changes))


def addons(base: EnvironmentConfig = DEV, **changes: Any) -> EnvironmentConfig:
    return replace(base, addons=replace(base.addons, **changes))


_SYSTEM = DEV.node_groups[0]
_ADMIN = "arn:aws:iam::123456789012:role/platform-admin"
_CERT_UUID = "00000000-0000-0000-0000-000000000000"


def certificate(arn: str, base: EnvironmentConfig = PROD, **changes: Any) -> EnvironmentConfig:
    """``base`` with the first application's ingress certificate set to ``arn``."""
    ingress = base.applications[0].ingress
    assert ingress is not None
    return application(0, replace(base, **changes), ingress=replace(ingress, certificate_arn=arn))


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
    Case("state-bucket-uppercase", lambda: env(state=StateBackend(bucket="Bad_Bucket")), "dev.state.bucket", "Bad_Bucket"),
    Case(
        "state-key-leading-slash",
        lambda: env(state=StateBackend(bucket="acme-state", key_prefix="/eks")),
        "dev.state.key_prefix",
        "/eks",
    ),
    Case(
        "state-bad-region", lambda: env(state=StateBackend(bucket="acme-state", region="mars-1")), "dev.state.region", "mars-1"
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
            network=NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=("us-west-1a", "us-west-1b", "us-west-1c")),
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
        lambda: cluster(endpoint_public_access=False, public_access_cidrs=("203.0.113.0/24",)),
        "dev.cluster.public_access_cidrs",
        ["203.0.113.0/24"],
    ),
    Case(
        "public-endpoint-without-cidrs",
        lambda: cluster(endpoint_public_access=True, public_access_cidrs=()),
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
        lambda: group(1, taints=(Taint(key="dedicated", value="x"),)),
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
        lambda: group(0, taints=(Taint(key="CriticalAddonsOnly", value="true", effect="NoSchedule"),)),  # type: ignore[arg-type]
        "dev.node_groups[0].taints[0].effect",
        "NoSchedule",
    ),
    Case("taint-key-empty", lambda: group(0, taints=(Taint(key="", value="true"),)), "dev.node_groups[0].taints[0].key", ""),
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
        lambda: env(repositories=(*DEV.repositories, RepositorySpec(name="apps/api"))),
        "dev.repositories",
        "apps/api",
    ),
    Case(
        "lifecycle-any-rule-not-last",
        lambda: repository(
            0,
            lifecycle_rules=(
                LifecycleRule(description="keep the last 5 images", tag_status=TagStatus.ANY, keep_count=5),
                LifecycleRule(description="expire untagged images", tag_status=TagStatus.UNTAGGED, max_age_days=7),
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
                LifecycleRule(description="expire untagged after 7 days", tag_status=TagStatus.UNTAGGED, max_age_days=7),
                LifecycleRule(description="expire untagged after 1 day", tag_status=TagStatus.UNTAGGED, max_age_days=1),
            ),
        ),
        "dev.repositories[0].lifecycle_rules[1]",
        "expire untagged after 1 day",
    ),
    Case(
        "lifecycle-count-and-age",
        lambda: repository(
            0, lifecycle_rules=(LifecycleRule(description="both", tag_status=TagStatus.UNTAGGED, keep_count=1, max_age_days=1),)
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
        "application-priority-class",
        lambda: application(0, priority_class="urgent"),
        "dev.applications[0].priority_class",
        "urgent",
    ),
    Case(
        "application-unknown-repository",
        lambda: application(0, repository="apps/nowhere"),
        "dev.applications[0].repository",
        "apps/nowhere",
    ),
    Case(
        "application-duplicate",
        lambda: env(applications=(*DEV.applications, ApplicationSpec(name="api", repository="apps/api", image_tag="v1.0.1"))),
        "dev.applications",
        "api",
    ),
    Case(
        "prod-ingress-without-https",
        lambda: application(0, PROD, ingress=IngressSpec(host="api.example.com")),
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
    # zones: checked against the region's real zone letters (validation.REGION_ZONES)
    Case(
        "zone-letter-past-region",
        lambda: network(availability_zones=("us-east-1a", "us-east-1g")),
        "dev.network.availability_zones[1]",
        "us-east-1g",
    ),
    Case(
        "zone-letter-z",
        lambda: network(availability_zones=("us-east-1z", "us-east-1a")),
        "dev.network.availability_zones[0]",
        "us-east-1z",
    ),
    Case(
        "zone-letter-uppercase",
        lambda: network(availability_zones=("us-east-1a", "us-east-1B")),
        "dev.network.availability_zones[1]",
        "us-east-1B",
    ),
    Case(
        "zone-letter-cyrillic",
        lambda: network(availability_zones=("us-east-1a", "us-east-1\u0430")),
        "dev.network.availability_zones[1]",
        "us-east-1\u0430",
    ),
    Case(
        "zone-suffix-two-letters",
        lambda: network(availability_zones=("us-east-1a", "us-east-1ab")),
        "dev.network.availability_zones[1]",
        "us-east-1ab",
    ),
    Case(
        "zone-tokyo-b",
        lambda: env(
            region="ap-northeast-1", network=NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=("ap-northeast-1a", "ap-northeast-1b"))
        ),
        "dev.network.availability_zones[1]",
        "ap-northeast-1b",
    ),
    Case(
        "zone-trailing-newline",
        lambda: network(availability_zones=("us-east-1a\n", "us-east-1b")),
        "dev.network.availability_zones[0]",
        "us-east-1a\n",
    ),
    Case("region-govcloud", lambda: env(region="us-gov-west-1"), "dev.region", "us-gov-west-1"),
    Case("region-china", lambda: env(region="cn-north-1"), "dev.region", "cn-north-1"),
    Case("region-unknown", lambda: env(region="us-east-9"), "dev.region", "us-east-9"),
    Case("region-arabic-digit", lambda: env(region="us-east-\u0661"), "dev.region", "us-east-\u0661"),
    Case("region-trailing-space", lambda: env(region="us-east-1 "), "dev.region", "us-east-1 "),
    # Kubernetes label and taint keys and values
    Case(
        "label-key-kubernetes-io",
        lambda: group(0, labels={"kubernetes.io/role": "system"}),
        "dev.node_groups[0].labels.kubernetes.io/role",
        "kubernetes.io/role",
    ),
    Case(
        "label-key-node-role",
        lambda: group(0, labels={"node-role.kubernetes.io/system": ""}),
        "dev.node_groups[0].labels.node-role.kubernetes.io/system",
        "node-role.kubernetes.io/system",
    ),
    Case(
        "label-key-k8s-io-subdomain",
        lambda: group(0, labels={"x.k8s.io/team": "a"}),
        "dev.node_groups[0].labels.x.k8s.io/team",
        "x.k8s.io/team",
    ),
    Case(
        "label-key-well-known",
        lambda: group(0, labels={"topology.kubernetes.io/zone": "a"}),
        "dev.node_groups[0].labels.topology.kubernetes.io/zone",
        "topology.kubernetes.io/zone",
    ),
    Case(
        "label-key-space",
        lambda: group(0, labels={"team name": "a"}),
        "dev.node_groups[0].labels.team name",
        "team name",
    ),
    Case(
        "label-key-empty-name",
        lambda: group(0, labels={"example.com/": "a"}),
        "dev.node_groups[0].labels.example.com/",
        "example.com/",
    ),
    Case(
        "label-key-two-slashes",
        lambda: group(0, labels={"a/b/c": "a"}),
        "dev.node_groups[0].labels.a/b/c",
        "a/b/c",
    ),
    Case(
        "label-key-uppercase-prefix",
        lambda: group(0, labels={"Example.com/team": "a"}),
        "dev.node_groups[0].labels.Example.com/team",
        "Example.com/team",
    ),
    Case("label-key-empty", lambda: group(0, labels={"": "a"}), "dev.node_groups[0].labels.", ""),
    Case(
        "label-key-too-long",
        lambda: group(0, labels={"k" * 64: "a"}),
        f"dev.node_groups[0].labels.{'k' * 64}",
        "k" * 64,
    ),
    Case("label-value-space", lambda: group(0, labels={"team": "a b"}), "dev.node_groups[0].labels.team", "a b"),
    Case("label-value-trailing-dash", lambda: group(0, labels={"team": "a-"}), "dev.node_groups[0].labels.team", "a-"),
    Case(
        "label-value-unicode",
        lambda: group(0, labels={"team": "caf\u00e9"}),
        "dev.node_groups[0].labels.team",
        "caf\u00e9",
    ),
    Case("label-value-not-a-string", lambda: group(0, labels={"team": 1}), "dev.node_groups[0].labels.team", 1),
    Case(
        "taint-key-reserved",
        lambda: group(0, taints=(Taint(key="node.kubernetes.io/unschedulable", value="true"),)),
        "dev.node_groups[0].taints[0].key",
        "node.kubernetes.io/unschedulable",
    ),
    Case(
        "taint-key-bad-char",
        lambda: group(0, taints=(Taint(key="dedicated!", value="true"),)),
        "dev.node_groups[0].taints[0].key",
        "dedicated!",
    ),
    Case(
        "taint-value-bad-char",
        lambda: group(0, taints=(Taint(key="dedicated", value="a/b"),)),
        "dev.node_groups[0].taints[0].value",
        "a/b",
    ),
    Case(
        "taint-value-too-long",
        lambda: group(0, taints=(Taint(key="dedicated", value="v" * 64),)),
        "dev.node_groups[0].taints[0].value",
        "v" * 64,
    ),
    Case(
        "taint-duplicate",
        lambda: group(0, taints=(Taint(key="a", value="1"), Taint(key="a", value="2"))),
        "dev.node_groups[0].taints",
        ("a", TaintEffect.NO_SCHEDULE),
    ),
    # ACM certificates: of the environment's region, partition and (with account_id) account
    Case(
        "certificate-other-region",
        lambda: certificate(f"arn:aws:acm:eu-west-1:123456789012:certificate/{_CERT_UUID}"),
        "prod.applications[0].ingress.certificate_arn",
        f"arn:aws:acm:eu-west-1:123456789012:certificate/{_CERT_UUID}",
    ),
    Case(
        "certificate-other-account",
        lambda: certificate(f"arn:aws:acm:us-east-1:123456789012:certificate/{_CERT_UUID}", account_id="111122223333"),
        "prod.applications[0].ingress.certificate_arn",
        f"arn:aws:acm:us-east-1:123456789012:certificate/{_CERT_UUID}",
    ),
    Case(
        "certificate-other-partition",
        lambda: certificate(f"arn:aws-cn:acm:us-east-1:123456789012:certificate/{_CERT_UUID}"),
        "prod.applications[0].ingress.certificate_arn",
        f"arn:aws-cn:acm:us-east-1:123456789012:certificate/{_CERT_UUID}",
    ),
    Case(
        "certificate-not-acm",
        lambda: certificate("arn:aws:iam::123456789012:server-certificate/x"),
        "prod.applications[0].ingress.certificate_arn",
        "arn:aws:iam::123456789012:server-certificate/x",
    ),
    Case(
        "certificate-uuid-malformed",
        lambda: certificate("arn:aws:acm:us-east-1:123456789012:certificate/" + "-" * 36),
        "prod.applications[0].ingress.certificate_arn",
        "arn:aws:acm:us-east-1:123456789012:certificate/" + "-" * 36,
    ),
    Case(
        "certificate-in-dev-other-region",
        lambda: certificate(f"arn:aws:acm:us-west-2:123456789012:certificate/{_CERT_UUID}", DEV),
        "dev.applications[0].ingress.certificate_arn",
        f"arn:aws:acm:us-west-2:123456789012:certificate/{_CERT_UUID}",
    ),
    # Python API: wrong types are ConfigErrors naming the field, never TypeErrors or split strings
    Case(
        "zones-as-string",
        lambda: network(availability_zones="us-east-1a"),
        "dev.network.availability_zones",
        "us-east-1a",
    ),
    Case("zones-as-none", lambda: network(availability_zones=None), "dev.network.availability_zones", None),
    Case("node-groups-as-none", lambda: env(node_groups=None), "dev.node_groups", None),
    Case("repositories-as-dict", lambda: env(repositories={"name": "x"}), "dev.repositories", {"name": "x"}),
    Case("tags-as-none", lambda: env(tags=None), "dev.tags", None),
    Case("tags-as-list", lambda: env(tags=[("owner", "x")]), "dev.tags", [("owner", "x")]),
    Case(
        "labels-as-string", lambda: group(0, labels="node-role=system"), "dev.node_groups[0].labels", "node-role=system"
    ),
    Case(
        "instance-types-as-string",
        lambda: group(0, instance_types="m5.large"),
        "dev.node_groups[0].instance_types",
        "m5.large",
    ),
    Case("network-as-string", lambda: env(network="10.10.0.0/16"), "dev.network", "10.10.0.0/16"),
    Case("group-row-as-dict", lambda: env(node_groups=({"name": "system"},)), "dev.node_groups[0]", {"name": "system"}),
    Case("size-as-float", lambda: group(0, min_size=2.0), "dev.node_groups[0].min_size", 2.0),
    Case("size-as-bool", lambda: group(0, max_size=True), "dev.node_groups[0].max_size", True),
    Case("size-huge", lambda: group(0, max_size=10**30), "dev.node_groups[0].max_size", 10**30),
    Case(
        "port-as-bool",
        lambda: network(node_internet_egress_ports=(True,)),
        "dev.network.node_internet_egress_ports[0]",
        True,
    ),
    Case("ports-three", lambda: network(node_target_ports=(1, 2, 3)), "dev.network.node_target_ports", (1, 2, 3)),
    Case("stage-as-string", lambda: env(stage="prod"), "dev.stage", "prod"),
    # strings: empty, whitespace, look-alikes, control characters, length
    Case("project-empty", lambda: env(project=""), "dev.project", ""),
    Case("name-empty", lambda: env(name=""), "environment.name", ""),
    Case("name-trailing-newline", lambda: env(name="dev\n"), "environment.name", "dev\n"),
    Case("name-cyrillic-e", lambda: env(name="d\u0435v"), "d\u0435v.name", "d\u0435v"),
    Case("account-arabic-digits", lambda: env(account_id="\u0661" * 12), "dev.account_id", "\u0661" * 12),
    Case("tag-key-only-spaces", lambda: env(tags={"  ": "x"}), "dev.tags.  ", "  "),
    Case("tag-key-leading-space", lambda: env(tags={" owner": "x"}), "dev.tags. owner", " owner"),
    Case(
        "repository-name-leading-space",
        lambda: repository(0, name=" apps/api"),
        "dev.repositories[0].name",
        " apps/api",
    ),
    Case("image-tag-whitespace", lambda: application(0, image_tag="v1 "), "dev.applications[0].image_tag", "v1 "),
    Case(
        "image-tag-trailing-newline",
        lambda: application(0, image_tag="v1.0.0\n"),
        "dev.applications[0].image_tag",
        "v1.0.0\n",
    ),
    Case(
        "instance-type-cyrillic",
        lambda: group(0, instance_types=("m5.l\u0430rge",)),
        "dev.node_groups[0].instance_types[0]",
        "m5.l\u0430rge",
    ),
    Case(
        "cpu-arabic-digit",
        lambda: application(0, resources=replace(DEV.applications[0].resources, cpu_request="\u0662")),
        "dev.applications[0].resources.cpu_request",
        "\u0662",
    ),
    Case(
        "addon-version-newline",
        lambda: cluster(addon_versions={"vpc-cni": "v1.19.0-eksbuild.1\n"}),
        "dev.cluster.addon_versions.vpc-cni",
        "v1.19.0-eksbuild.1\n",
    ),
    Case(
        "config-value-nul",
        lambda: application(0, config={"MODE": "a\x00b"}),
        "dev.applications[0].config.MODE",
        "a\x00b",
    ),
    Case(
        "config-value-too-long",
        lambda: application(0, config={"MODE": "x" * 3000}),
        "dev.applications[0].config.MODE",
        "x" * 64 + "...",
    ),
    Case("tag-value-bidi-override", lambda: env(tags={"owner": "team\u202ea"}), "dev.tags.owner", "team\u202ea"),
    Case("project-zero-width-space", lambda: env(project="eks\u200bplatform"), "dev.project", "eks\u200bplatform"),
    Case("tag-key-not-a-string", lambda: env(tags={1: "x"}), "dev.tags", 1),
    # bounded lists (validation.MAX_ITEMS)
    Case(
        "too-many-node-groups",
        lambda: env(node_groups=tuple(replace(_SYSTEM, name=f"g{i}") for i in range(31))),
        "dev.node_groups",
        "31 items",
    ),
    Case("too-many-tags", lambda: env(tags={f"k{i}": "v" for i in range(41)}), "dev.tags", "41 entries"),
    Case(
        "too-many-labels",
        lambda: group(1, labels={f"k{i}": "v" for i in range(51)}),
        "dev.node_groups[1].labels",
        "51 entries",
    ),
    Case(
        "too-many-repositories",
        lambda: env(repositories=tuple(RepositorySpec(name=f"r{i}") for i in range(1001))),
        "dev.repositories",
        "1001 items",
    ),
    Case(
        "too-many-applications",
        lambda: env(applications=tuple(ApplicationSpec(name=f"a{i}", repository="apps/api", image_tag="v1") for i in range(51))),
        "dev.applications",
        "51 items",
    ),
    Case(
        "too-many-extra-endpoints",
        lambda: network(extra_interface_endpoints=tuple(f"svc{i}" for i in range(47))),
        "dev.network.extra_interface_endpoints",
        "47 items",
    ),
    Case(
        "too-many-public-access-cidrs",
        lambda: cluster(endpoint_public_access=True, public_access_cidrs=tuple(f"203.0.{i}.0/24" for i in range(41))),
        "dev.cluster.public_access_cidrs",
        "41 items",
    ),
    # the data tier: the environment's database and the applications' use of it and of buckets
    Case("database-name-uppercase", lambda: database(name="App"), "dev.database.name", "App"),
    Case("database-engine-14", lambda: database(engine_version="14"), "dev.database.engine_version", "14"),
    Case(
        "database-not-an-rds-class",
        lambda: database(instance_class="m7g.large"),
        "dev.database.instance_class",
        "m7g.large",
    ),
    Case(
        "database-burstable-in-prod",
        lambda: database(PROD, instance_class="db.t4g.large"),
        "prod.database.instance_class",
        "db.t4g.large",
    ),
    Case(
        "database-storage-too-small",
        lambda: database(allocated_storage_gib=10),
        "dev.database.allocated_storage_gib",
        10,
    ),
    Case("database-no-backups", lambda: database(backup_retention_days=0), "dev.database.backup_retention_days", 0),
    Case("database-prod-single-az", lambda: database(PROD, multi_az=False), "prod.database.multi_az", False),
    Case(
        "database-prod-unprotected",
        lambda: database(PROD, deletion_protection=False),
        "prod.database.deletion_protection",
        False,
    ),
    Case("database-port-privileged", lambda: database(port=80), "dev.database.port", 80),
    Case(
        "database-windows-overlap",
        lambda: database(maintenance_window="sun:07:30-sun:08:30"),
        "dev.database.maintenance_window",
        "sun:07:30-sun:08:30",
    ),
    Case(
        "database-user-reserved",
        lambda: database(master_username="postgres"),
        "dev.database.master_username",
        "postgres",
    ),
    Case("app-database-missing", lambda: env(database=None), "dev.applications[0].database", "app"),
    Case(
        "app-database-other-name", lambda: application(0, database="orders"), "dev.applications[0].database", "orders"
    ),
    Case(
        "app-database-without-external-secrets",
        lambda: addons(external_secrets=False),
        "dev.applications[0].database",
        "app",
    ),
    Case(
        "app-config-sets-db-host",
        lambda: application(0, config={"DB_HOST": "h"}),
        "dev.applications[0].config.DB_HOST",
        "h",
    ),
    Case("app-bucket-without-aws", lambda: application(1, bucket=True), "dev.applications[1].bucket", True),
    Case(
        "app-bucket-name-too-long",
        lambda: application(0, name="b" * 34),
        "dev.applications[0].bucket",
        "b" * 34,
    ),
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
    # enum spelling: the lowercase member name; the enum's value is refused with the new spelling
    Case(
        "enum-old-spelling",
        plain(lambda d: _first(d)["network"].update(nat_mode="PER_AZ")),
        "environments[0].network.nat_mode",
        "PER_AZ",
    ),
    Case(
        "enum-old-spelling-camel-case",
        plain(lambda d: _first(d)["cluster"].update(log_types=["controllerManager"])),
        "environments[0].cluster.log_types[0]",
        "controllerManager",
    ),
    Case(
        "enum-old-spelling-upstream",
        plain(lambda d: _first(d)["registry"].update(pull_through_cache=["quay.io"])),
        "environments[0].registry.pull_through_cache[0]",
        "quay.io",
    ),
    Case(
        "enum-mixed-case",
        plain(lambda d: _first(d)["network"].update(nat_mode="Per_Az")),
        "environments[0].network.nat_mode",
        "Per_Az",
    ),
    Case(
        "enum-kubernetes-spelling",
        plain(lambda d: _first(d)["node_groups"][0]["taints"][0].update(effect="NoSchedule")),
        "environments[0].node_groups[0].taints[0].effect",
        "NoSchedule",
    ),
    Case(
        "enum-as-number",
        plain(lambda d: _first(d)["network"].update(nat_mode=1)),
        "environments[0].network.nat_mode",
        1,
    ),
    Case("stage-uppercase", plain(lambda d: _first(d).update(stage="DEV")), "environments[0].stage", "DEV"),
    # numbers: floats, booleans and strings where whole numbers belong
    Case(
        "size-as-float-in-file",
        plain(lambda d: _first(d)["node_groups"][0].update(min_size=2.0)),
        "environments[0].node_groups[0].min_size",
        2.0,
    ),
    Case(
        "size-as-fraction",
        plain(lambda d: _first(d)["node_groups"][0].update(min_size=2.5)),
        "environments[0].node_groups[0].min_size",
        2.5,
    ),
    Case(
        "size-as-bool-in-file",
        plain(lambda d: _first(d)["node_groups"][0].update(min_size=True)),
        "environments[0].node_groups[0].min_size",
        True,
    ),
    Case(
        "size-huge-in-file",
        plain(lambda d: _first(d)["node_groups"][0].update(max_size=10**30)),
        "dev.node_groups[0].max_size",
        10**30,
    ),
    Case("bool-as-number", plain(lambda d: _first(d)["addons"].update(velero=0)), "environments[0].addons.velero", 0),
    # collections of the wrong shape
    Case(
        "list-as-null",
        plain(lambda d: _first(d)["network"].update(availability_zones=None)),
        "environments[0].network.availability_zones",
        None,
    ),
    Case(
        "list-as-object",
        plain(lambda d: _first(d)["network"].update(availability_zones={"a": 1})),
        "environments[0].network.availability_zones",
        "dict of 1",
    ),
    Case("table-as-list", plain(lambda d: _first(d).update(tags=["owner"])), "environments[0].tags", "list of 1"),
    Case(
        "row-as-string",
        plain(lambda d: _first(d).update(node_groups=["system"])),
        "environments[0].node_groups[0]",
        "system",
    ),
    Case("environment-as-number", plain(lambda d: d["environments"].append(1)), "environments[2]", 1),
    Case(
        "pair-too-long",
        plain(lambda d: _first(d)["network"].update(node_target_ports=[1, 2, 3])),
        "environments[0].network.node_target_ports",
        [1, 2, 3],
    ),
    Case(
        "file-too-many-node-groups",
        plain(lambda d: _first(d).update(node_groups=_first(d)["node_groups"] * 16)),
        "environments[0].node_groups",
        "32 items",
    ),
    Case(
        "file-too-many-tags",
        plain(lambda d: _first(d).update(tags={f"k{i}": "v" for i in range(41)})),
        "environments[0].tags",
        "41 entries",
    ),
    Case(
        "too-many-environments",
        plain(lambda d: d.update(environments=d["environments"] * 11)),
        "environments",
        "22 environments",
    ),
    # strings: empty, whitespace, look-alikes
    Case("name-empty-in-file", plain(lambda d: _first(d).update(name="")), "environment.name", ""),
    Case("name-leading-space", plain(lambda d: _first(d).update(name=" dev")), " dev.name", " dev"),
    Case(
        "zone-fullwidth-letter",
        plain(lambda d: _first(d)["network"].update(availability_zones=["us-east-1a", "us-east-1\uff42"])),
        "dev.network.availability_zones[1]",
        "us-east-1\uff42",
    ),
    Case("lone-surrogate", plain(lambda d: _first(d).update(project="eks\ud800")), "dev.project", "eks\ud800"),
    Case("schema-key-not-a-string", plain(lambda d: d.update({"$schema": 5})), "$schema", 5),
    Case("unknown-top-level-file-key", plain(lambda d: d.update(defaults={})), "defaults", "defaults"),
    Case(
        "file-certificate-other-region",
        plain(
            lambda d: d["environments"][1]["applications"][0]["ingress"].update(
                certificate_arn=f"arn:aws:acm:eu-west-1:123456789012:certificate/{_CERT_UUID}"
            )
        ),
        "prod.applications[0].ingress.certificate_arn",
        f"arn:aws:acm:eu-west-1:123456789012:certificate/{_CERT_UUID}",
    ),
    Case(
        "file-label-reserved",
        plain(lambda d: _first(d)["node_groups"][0]["labels"].update({"kubernetes.io/os": "linux"})),
        "dev.node_groups[0].labels.kubernetes.io/os",
        "kubernetes.io/os",
    ),
    Case(
        "file-database-unknown-key",
        plain(lambda d: _first(d)["database"].update(size="large")),
        "environments[0].database.size",
        "size",
    ),
    Case(
        "file-database-multi-az-as-string",
        plain(lambda d: _first(d)["database"].update(multi_az="yes")),
        "environments[0].database.multi_az",
        "yes",
    ),
    Case(
        "file-app-bucket-as-string",
        plain(lambda d: _first(d)["applications"][0].update(bucket="yes")),
        "environments[0].applications[0].bucket",
        "yes",
    ),
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
    ids = [case.id for case in CASES + FILE_CASES] + [case.id for case in RAW_CASES]
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


# --- whole files that are not a config at all: encoding, nesting, size, duplicates ------------


@dataclass(frozen=True)
class RawCase:
    """A file's bytes, its suffix, and the rule and value its error must name (``{file}``: its path)."""

    id: str
    content: Callable[[], bytes]
    suffix: str
    rule: str
    value: Any


_DEEP = 100_000
RAW_CASES: list[RawCase] = [
    RawCase(
        "json-latin-1",
        lambda: '{"environments": [{"name": "d\u00e9v"}]}'.encode("latin-1"),
        ".json",
        "must be UTF-8 text",
        "0xe9 at byte offset 29",
    ),
    RawCase(
        "toml-latin-1", lambda: 'x = "\u00e9"'.encode("latin-1"), ".toml", "must be UTF-8 text", "0xe9 at byte offset 5"
    ),
    RawCase(
        "json-utf-16",
        lambda: '{"environments": []}'.encode("utf-16"),
        ".json",
        "must be UTF-8 text",
        "0xff at byte offset 0",
    ),
    RawCase(
        "json-deep-arrays",
        lambda: b"[" * _DEEP + b"]" * _DEEP,
        ".json",
        "must not nest",
        "more than 32 levels at line 1",
    ),
    RawCase(
        "json-deep-objects",
        lambda: b'{"a":' * _DEEP + b"1" + b"}" * _DEEP,
        ".json",
        "must not nest",
        "more than 32 levels at line 1",
    ),
    RawCase(
        "toml-deep-arrays",
        lambda: b"x = " + b"[" * _DEEP + b"]" * _DEEP,
        ".toml",
        "must not nest",
        "more than 32 levels at line 1",
    ),
    RawCase(
        "toml-deep-inline-tables",
        lambda: b"x = " + b"{a = " * 5000 + b"1" + b"}" * 5000,
        ".toml",
        "must not nest",
        "more than 32 levels at line 1",
    ),
    RawCase(
        "toml-deep-dotted-keys",
        lambda: b"a." * 5000 + b"b = 1",
        ".toml",
        "must not nest tables",
        "a dotted key or table nested too deeply",
    ),
    RawCase(
        "toml-deep-header",
        lambda: b"[" + b"a." * 5000 + b"b]",
        ".toml",
        "must not nest tables",
        "a dotted key or table nested too deeply",
    ),
    RawCase(
        "brackets-inside-strings-are-not-nesting",
        lambda: b'{"environments": "' + b"[" * 100 + b'"}',
        ".json",
        "the file must hold a non-empty list `environments`",
        "dict",
    ),
    RawCase(
        "toml-brackets-in-comment-and-literal-string",
        lambda: b"# " + b"[" * 100 + b"\nx = '" + b"{" * 100 + b"'\n",
        ".toml",
        "the file must hold a non-empty list `environments`",
        "dict",
    ),
    RawCase(
        "json-too-large",
        lambda: b" " * (MAX_CONFIG_FILE_BYTES + 1),
        ".json",
        "must be at most 4 MiB",
        f"{MAX_CONFIG_FILE_BYTES + 1} bytes",
    ),
    RawCase(
        "json-duplicate-key",
        lambda: b'{"environments": [], "environments": [{}]}',
        ".json",
        "'environments' is given twice",
        "environments",
    ),
    RawCase(
        "json-duplicate-nested-key",
        lambda: b'{"environments": [{"name": "a", "name": "b"}]}',
        ".json",
        "'name' is given twice",
        "name",
    ),
    RawCase("json-nan", lambda: b'{"environments": [{"name": NaN}]}', ".json", "NaN and Infinity are refused", "NaN"),
    RawCase(
        "json-infinity",
        lambda: b'{"environments": [{"name": -Infinity}]}',
        ".json",
        "NaN and Infinity are refused",
        "-Infinity",
    ),
    RawCase(
        "toml-duplicate-key",
        lambda: b'[[environments]]\nname = "a"\nname = "b"\n',
        ".toml",
        "must be valid JSON or TOML",
        None,
    ),
    RawCase(
        "json-huge-int-literal",
        lambda: b'{"environments": [{"name": ' + b"9" * 5000 + b"}]}",
        ".json",
        "must be valid JSON or TOML",
        None,
    ),
    RawCase(
        "json-huge-unknown-key",
        lambda: b'{"environments": [{"' + b"k" * 1_000_000 + b'": 1}]}',
        ".json",
        "is not a known EnvironmentConfig setting",
        "k" * 64 + "...",
    ),
    RawCase("json-empty", lambda: b"", ".json", "must be valid JSON or TOML", None),
    RawCase("toml-empty", lambda: b"", ".toml", "the file must hold a non-empty list `environments`", "dict"),
    RawCase(
        "json-top-level-list", lambda: b"[]", ".json", "the file must hold a non-empty list `environments`", "list"
    ),
    RawCase(
        "toml-datetime-for-string",
        lambda: (
            b'[[environments]]\nname = 1979-05-27\nstage = "dev"\nregion = "us-east-1"\nnetwork = {vpc_cidr = "10.10.0.0/16", availability_zones = ["us-east-1a", "us-east-1b"]}\n'
        ),
        ".toml",
        "must be a string",
        None,
    ),
]


@pytest.mark.parametrize("case", RAW_CASES, ids=[case.id for case in RAW_CASES])
def test_file_that_is_no_config_is_one_config_error(case: RawCase, tmp_path: Path) -> None:
    file = tmp_path / f"environments{case.suffix}"
    file.write_bytes(case.content())
    with pytest.raises(ConfigError) as raised:
        load_environments(file)
    message = raised.value.one_line()
    assert case.rule in message, f"{case.id}: {message[:300]}"
    if case.value is not None:
        assert f"(got {case.value!r})" in message, f"{case.id}: {message[:300]}"
    assert len(message) < 2000, f"{case.id}: the one-line message stays short"


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    file = tmp_path / "environments.json"
    file.write_bytes(b"\xef\xbb\xbf" + json.dumps(plain(lambda d: None)()).encode())
    assert [e.name for e in load_environments(file)] == ["dev", "prod"]


def test_a_schema_key_is_allowed(tmp_path: Path) -> None:
    file = tmp_path / "environments.json"
    file.write_text(json.dumps({"$schema": "./environments.schema.json", **plain(lambda d: None)()}), encoding="utf-8")
    assert [e.name for e in load_environments(file)] == ["dev", "prod"]


def test_a_directory_is_not_a_readable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must be a readable file"):
        load_environments(tmp_path)
