"""Unit tests of the environment model: every rule of the foundation config and its message."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.apps.config import ApplicationSpec, SecretRef
from constructs_lib.cluster.config import (
    DEFAULT_KUBERNETES_VERSION,
    ClusterConfig,
    NodeGroupSpec,
    Taint,
)
from constructs_lib.config import ConfigTier, EnvironmentConfig, Stage, StateBackend, from_dict, load_environments
from constructs_lib.data.config import DatabaseSpec
from constructs_lib.errors import ConfigError
from constructs_lib.network.config import NatMode, NetworkConfig
from constructs_lib.platform.config import AddonsConfig
from constructs_lib.registry.config import RepositorySpec, TagMutability
from constructs_lib.validation import is_reference
from tests.fixtures import DEV, ENVIRONMENTS, PROD, STAGING


def _replace(config: EnvironmentConfig, **changes: Any) -> EnvironmentConfig:
    return dataclasses.replace(config, **changes)


def _group(**changes: Any) -> NodeGroupSpec:
    return dataclasses.replace(DEV.node_groups[0], **changes)


def _error(config: EnvironmentConfig) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        config.validate()
    return caught.value


# -- the test environments (tests/fixtures.py; the reference app's are in test_reference_environments.py) --


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda e: e.name)
def test_fixture_environments_are_valid(environment: EnvironmentConfig) -> None:
    environment.validate()


def test_only_prod_is_production() -> None:
    assert [e.production for e in ENVIRONMENTS] == [False, False, True]


def test_prefix_joins_project_and_name() -> None:
    assert PROD.prefix == "eks-platform-prod"


def test_default_kubernetes_version_is_supported() -> None:
    assert ClusterConfig().version == DEFAULT_KUBERNETES_VERSION == "1.35"


def test_tags_are_copied_and_read_only() -> None:
    tags = {"team": "a"}
    config = _replace(DEV, tags=tags)
    tags["team"] = "b"
    assert config.tags["team"] == "a"
    with pytest.raises(TypeError):
        config.tags["team"] = "c"  # type: ignore[index]


def test_config_error_is_a_value_error_with_parts() -> None:
    error = ConfigError("dev.x", "must be y", 3, "use 4")
    assert isinstance(error, ValueError)
    assert (error.path, error.rule, error.value, error.fix) == ("dev.x", "must be y", 3, "use 4")
    assert str(error) == "`dev.x`: must be y (got 3); fix: use 4"


# -- every rule, with the field path and value in the message ---------------------------------

INVALID: list[tuple[str, EnvironmentConfig, str]] = [
    ("name not a DNS label", _replace(DEV, name="Dev_1"), r"`Dev_1\.name`: must be a DNS-1123 label.*'Dev_1'"),
    ("name too long", _replace(DEV, name="development-01"), r"`development-01\.name`.*at most 12"),
    ("stage not an enum", _replace(DEV, stage="dev"), r"`dev\.stage`: must be one of DEV, STAGING, PROD"),
    ("project not a DNS label", _replace(DEV, project="EKS"), r"`dev\.project`.*'EKS'"),
    (
        "bad region",
        _replace(DEV, region="us-east"),
        r"`dev\.region`: must be a commercial AWS region code.*\(got 'us-east'\)",
    ),
    ("account id too short", _replace(DEV, account_id="1234"), r"`dev\.account_id`: must be a 12-digit"),
    ("account id not a string", _replace(DEV, account_id=123456789012), r"`dev\.account_id`.*123456789012"),
    ("reserved tag key", _replace(DEV, tags={"aws:owner": "x"}), r"`dev\.tags\.aws:owner`.*not starting with 'aws:'"),
    ("tag value too long", _replace(DEV, tags={"k": "v" * 257}), r"`dev\.tags\.k`: tag values must be"),
    ("state bucket name", _replace(DEV, state=StateBackend(bucket="Bad_Bucket")), r"`dev\.state\.bucket`.*'Bad_Bucket'"),
    (
        "state key prefix slash",
        _replace(DEV, state=StateBackend(bucket="tf-state", key_prefix="/x/")),
        r"`dev\.state\.key_prefix`: must be a relative S3 key prefix",
    ),
    (
        "state region",
        _replace(DEV, state=StateBackend(bucket="tf-state", region="mars-1")),
        r"`dev\.state\.region`.*'mars-1'",
    ),
    (
        "vpc cidr host bits",
        _replace(DEV, network=NetworkConfig(vpc_cidr="10.10.1.0/16", availability_zones=DEV.network.availability_zones)),
        r"`dev\.network\.vpc_cidr`: must be an IPv4 CIDR with its host bits zero \(got '10\.10\.1\.0/16'\)",
    ),
    (
        "vpc cidr public",
        _replace(DEV, network=NetworkConfig(vpc_cidr="8.8.0.0/16", availability_zones=DEV.network.availability_zones)),
        r"`dev\.network\.vpc_cidr`: must lie inside an RFC 1918 private range",
    ),
    (
        "vpc cidr too small",
        _replace(DEV, network=NetworkConfig(vpc_cidr="10.10.0.0/24", availability_zones=DEV.network.availability_zones)),
        r"`dev\.network\.vpc_cidr`: must have a prefix from /16 to /20 .*\(got '10\.10\.0\.0/24'\)",
    ),
    (
        "vpc cidr too large",
        _replace(DEV, network=NetworkConfig(vpc_cidr="10.0.0.0/8", availability_zones=DEV.network.availability_zones)),
        r"`dev\.network\.vpc_cidr`: must have a prefix from /16 to /20",
    ),
    (
        "one az",
        _replace(DEV, network=NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=("us-east-1a",))),
        r"`dev\.network\.availability_zones`: must list from 2 to 6",
    ),
    (
        "duplicate az",
        _replace(DEV, network=NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=("us-east-1a", "us-east-1a"))),
        r"`dev\.network\.availability_zones`: availability zone must be unique \(got 'us-east-1a'\)",
    ),
    (
        "az of another region",
        _replace(DEV, network=NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=("us-east-1a", "eu-west-1b"))),
        r"`dev\.network\.availability_zones\[1\]`: must be an availability zone of the environment's region",
    ),
    (
        "nat mode not an enum",
        _replace(DEV, network=NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=DEV.network.availability_zones, nat_mode="SINGLE")),  # type: ignore[arg-type]
        r"`dev\.network\.nat_mode`: must be one of NONE, SINGLE, PER_AZ",
    ),
    (
        "unsupported kubernetes version",
        _replace(DEV, cluster=ClusterConfig(version="1.28")),
        r"`dev\.cluster\.version`: must be a Kubernetes version EKS still supports.*\(got '1\.28'\)",
    ),
    (
        "public endpoint open to the internet in prod",
        _replace(PROD, cluster=ClusterConfig(endpoint_public_access=True, public_access_cidrs=("0.0.0.0/0",))),
        r"`prod\.cluster\.public_access_cidrs\[0\]`: must not be 0\.0\.0\.0/0",
    ),
    (
        "public endpoint without cidrs",
        _replace(DEV, cluster=ClusterConfig(endpoint_public_access=True)),
        r"`dev\.cluster\.public_access_cidrs`: must list the CIDRs allowed",
    ),
    (
        "cidrs without public endpoint",
        _replace(DEV, cluster=ClusterConfig(public_access_cidrs=("203.0.113.0/24",))),
        r"`dev\.cluster\.public_access_cidrs`: only applies when endpoint_public_access is on",
    ),
    (
        "bad admin arn",
        _replace(DEV, cluster=ClusterConfig(admin_principal_arns=("admin",))),
        r"`dev\.cluster\.admin_principal_arns\[0\]`: must be an IAM role or user ARN \(got 'admin'\)",
    ),
    ("no node groups", _replace(DEV, node_groups=()), r"`dev\.node_groups`: must define at least one node group"),
    (
        "min above max",
        _replace(DEV, node_groups=(_group(min_size=5, desired_size=5, max_size=3),)),
        r"`dev\.node_groups\[0\]\.min_size`: must not exceed max_size \(3\) \(got 5\)",
    ),
    (
        "desired outside range",
        _replace(DEV, node_groups=(_group(desired_size=9),)),
        r"`dev\.node_groups\[0\]\.desired_size`: must lie between min_size \(2\) and max_size \(3\) \(got 9\)",
    ),
    (
        "node group name",
        _replace(DEV, node_groups=(_group(name="System"),)),
        r"`dev\.node_groups\[0\]\.name`: must be a DNS-1123 label",
    ),
    (
        "duplicate node group",
        _replace(DEV, node_groups=(_group(), _group())),
        r"`dev\.node_groups`: node group name must be unique \(got 'system'\)",
    ),
    (
        "no instance types",
        _replace(DEV, node_groups=(_group(instance_types=()),)),
        r"`dev\.node_groups\[0\]\.instance_types`: must list at least one EC2 instance type",
    ),
    (
        "bad instance type",
        _replace(DEV, node_groups=(_group(instance_types=("large",)),)),
        r"`dev\.node_groups\[0\]\.instance_types\[0\]`: must be an EC2 instance type.*'large'",
    ),
    (
        "disk too small",
        _replace(DEV, node_groups=(_group(disk_size_gib=8),)),
        r"`dev\.node_groups\[0\]\.disk_size_gib`: must be a whole number from 20",
    ),
    (
        "max unavailable zero",
        _replace(DEV, node_groups=(_group(max_unavailable=0),)),
        r"`dev\.node_groups\[0\]\.max_unavailable`",
    ),
    (
        "unknown taint effect",
        _replace(DEV, node_groups=(_group(taints=(Taint(key="a", value="b", effect="NoSchedule"),)),)),  # type: ignore[arg-type]
        r"`dev\.node_groups\[0\]\.taints\[0\]\.effect`: must be one of NO_SCHEDULE",
    ),
    (
        "capacity type not an enum",
        _replace(DEV, node_groups=(_group(capacity_type="SPOT"),)),
        r"`dev\.node_groups\[0\]\.capacity_type`: must be one of ON_DEMAND, SPOT",
    ),
    (
        "bad repository name",
        _replace(DEV, repositories=(RepositorySpec(name="Apps/API"),)),
        r"`dev\.repositories\[0\]\.name`: must be an ECR repository name",
    ),
    (
        "mutable tags in prod",
        _replace(PROD, repositories=(RepositorySpec(name="apps/api", tag_mutability=TagMutability.MUTABLE),), applications=()),
        r"`prod\.repositories\[0\]\.tag_mutability`: must be IMMUTABLE in prod",
    ),
    (
        "duplicate repository",
        _replace(DEV, repositories=(RepositorySpec(name="a"), RepositorySpec(name="a")), applications=()),
        r"`dev\.repositories`: repository name must be unique",
    ),
    (
        "application image latest",
        _replace(DEV, applications=(ApplicationSpec(name="api", repository="apps/api", image_tag="latest"),)),
        r"`dev\.applications\[0\]\.image_tag`: must be a pinned image tag \(not 'latest'\)",
    ),
    (
        "application privileged port",
        _replace(DEV, applications=(ApplicationSpec(name="api", repository="apps/api", image_tag="v1", port=80),)),
        r"`dev\.applications\[0\]\.port`: must be a whole number from 1024 to 65535 \(got 80\)",
    ),
    (
        "application unknown repository",
        _replace(DEV, applications=(ApplicationSpec(name="api", repository="apps/nope", image_tag="v1"),)),
        r"`dev\.applications\[0\]\.repository`: must name one of the environment's repositories",
    ),
    (
        "duplicate application",
        _replace(DEV, applications=(ApplicationSpec(name="api", repository="apps/api", image_tag="v1"),) * 2),
        r"`dev\.applications`: application name must be unique",
    ),
    (
        "peer is not an application",
        _replace(DEV, applications=(dataclasses.replace(DEV.applications[1], allowed_peers=("billing",)),)),
        r"`dev\.applications\[0\]\.allowed_peers\[0\]`: must name another application of this environment \(got 'billing'\)",
    ),
    (
        "secret outside the environment prefix",
        _replace(DEV, applications=(dataclasses.replace(DEV.applications[0], secrets=(SecretRef(name="DB", remote_key="other/db"),)),)),
        r"`dev\.applications\[0\]\.secrets\[0\]\.remote_key`: must start with the environment prefix 'eks-platform-dev/'",
    ),
    (
        "secrets without external-secrets",
        _replace(
            DEV,
            addons=AddonsConfig(external_secrets=False),
            applications=(
                dataclasses.replace(
                    DEV.applications[0], database=None, secrets=(SecretRef(name="TOKEN", remote_key="eks-platform-dev/api/token"),)
                ),
            ),
        ),
        r"`dev\.applications\[0\]\.secrets`: need the external_secrets add-on.*\(got \['TOKEN'\]\)",
    ),
    (
        "database without external-secrets",
        _replace(DEV, addons=AddonsConfig(external_secrets=False)),
        r"`dev\.applications\[0\]\.database`: needs the external_secrets add-on, which syncs the database "
        r"credentials.*\(got 'app'\); fix: set addons\.external_secrets=True or remove the database",
    ),
    (
        "application names a database the environment does not have",
        _replace(DEV, database=None),
        r"`dev\.applications\[0\]\.database`: must name the environment's database, and this environment has "
        r"none \(got 'app'\); fix: add database=DatabaseSpec\(\.\.\.\) or remove it",
    ),
    (
        "application names another database",
        _replace(DEV, applications=(dataclasses.replace(DEV.applications[0], database="orders"),)),
        r"`dev\.applications\[0\]\.database`: must name the environment's database 'app' \(got 'orders'\); "
        r"fix: use 'app'",
    ),
    (
        "application database name not a label",
        _replace(DEV, applications=(dataclasses.replace(DEV.applications[0], database="Orders DB"),)),
        r"`dev\.applications\[0\]\.database`: .*\(got 'Orders DB'\)",
    ),
    (
        "application config sets a database key",
        _replace(DEV, applications=(dataclasses.replace(DEV.applications[0], config={"DB_HOST": "x"}),)),
        r"`dev\.applications\[0\]\.config\.DB_HOST`: is set by the platform for an application with a "
        r"database \(got 'x'\)",
    ),
    (
        "application secret named like a database credential",
        _replace(
            DEV,
            applications=(
                dataclasses.replace(
                    DEV.applications[0], secrets=(SecretRef(name="DB_PASSWORD", remote_key="eks-platform-dev/api/db"),)
                ),
            ),
        ),
        r"`dev\.applications\[0\]\.secrets\[0\]\.name`: is set by the platform from the database's managed "
        r"secret \(got 'DB_PASSWORD'\)",
    ),
    (
        "bucket without needs_aws",
        _replace(DEV, applications=(dataclasses.replace(DEV.applications[1], bucket=True),)),
        r"`dev\.applications\[0\]\.bucket`: needs needs_aws=True.*\(got True\); fix: set needs_aws=True "
        r"or remove the bucket",
    ),
    (
        "application config sets the bucket key",
        _replace(DEV, applications=(dataclasses.replace(DEV.applications[0], config={"BUCKET_NAME": "b"}),)),
        r"`dev\.applications\[0\]\.config\.BUCKET_NAME`: is set by the platform for an application with a "
        r"bucket \(got 'b'\)",
    ),
    (
        "bucket name too long",
        _replace(DEV, applications=(dataclasses.replace(DEV.applications[0], name="a" * 34),)),
        r"`dev\.applications\[0\]\.bucket`: makes the bucket name 64 characters long "
        r"\('eks-platform-dev-a{34}-<suffix>', the suffix 12\); S3 allows 63",
    ),
    (
        "database spec is validated with the environment's stage",
        _replace(PROD, database=DatabaseSpec(name="app", multi_az=False)),
        r"`prod\.database\.multi_az`: must be on in prod \(got False\)",
    ),
    (
        "database spec is validated under the environment's path",
        _replace(DEV, database=DatabaseSpec(name="app", port=80)),
        r"`dev\.database\.port`: must be a whole number from 1150 to 65535 \(got 80\)",
    ),
    (
        "ingress without the load balancer controller",
        _replace(DEV, addons=AddonsConfig(aws_load_balancer_controller=False)),
        r"`dev\.applications\[0\]\.ingress`: needs the aws_load_balancer_controller add-on.*\(got 'api\.dev\.example\.com'\)",
    ),
    (
        "application role name too long",
        _replace(
            DEV,
            project="platform-team-xy",
            applications=(dataclasses.replace(DEV.applications[0], name="x" * 40, secrets=(), bucket=False),),
        ),
        r"`dev\.applications\[0\]\.name`: makes the IAM role name .* longer than 64 characters",
    ),
    (
        "application takes a system namespace",
        _replace(DEV, applications=(dataclasses.replace(DEV.applications[1], name="kube-system", allowed_peers=()),)),
        r"`dev\.applications\[0\]",
    ),
    (
        "add-on toggle not a bool",
        _replace(DEV, addons=AddonsConfig(velero="yes")),  # type: ignore[arg-type]
        r"`dev\.addons\.velero`: must be true or false \(got 'yes'\)",
    ),
]


@pytest.mark.parametrize(("case", "config", "message"), INVALID, ids=[row[0] for row in INVALID])
def test_invalid_config_is_rejected_with_path_and_value(case: str, config: EnvironmentConfig, message: str) -> None:
    error = _error(config)
    assert re.search(message, str(error)), f"{case}: {error}"
    assert error.fix


# -- reading environments from files -----------------------------------------------------------


def _write(tmp_path: Path, data: Any, name: str = "envs.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data) if name.endswith(".json") else data)
    return path


MINIMAL = {
    "name": "sandbox",
    "stage": "dev",
    "region": "eu-west-1",
    "network": {"vpc_cidr": "10.50.0.0/16", "availability_zones": ["eu-west-1a", "eu-west-1b"]},
    "cluster": {"endpoint_public_access": True, "public_access_cidrs": ["198.51.100.0/24"]},
    "node_groups": [
        {"name": "system", "instance_types": ["m5.large"], "min_size": 2, "desired_size": 2, "max_size": 3}
    ],
}


def test_load_environments_from_json(tmp_path: Path) -> None:
    (environment,) = load_environments(_write(tmp_path, {"environments": [MINIMAL]}))
    assert environment.network.nat_mode is NatMode.SINGLE
    assert environment.node_groups[0].instance_types == ("m5.large",)


def test_load_environments_from_toml(tmp_path: Path) -> None:
    toml = """
[[environments]]
name = "sandbox"
stage = "prod"
region = "eu-west-1"
[environments.network]
vpc_cidr = "10.50.0.0/16"
availability_zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
nat_mode = "per_az"
[environments.cluster]
private_access_security_group_ids = ["sg-0a1b2c3d4e5f67890"]
deployer_principal_arn = "arn:aws:iam::210987654321:role/ci-deployer"
admin_principal_arns = ["arn:aws:iam::210987654321:role/platform-admin"]
[environments.state]
bucket = "acme-terraform-state"
[[environments.node_groups]]
name = "system"
instance_types = ["m5.large"]
min_size = 2
desired_size = 2
max_size = 4
"""
    (environment,) = load_environments(_write(tmp_path, toml, "envs.toml"))
    assert (environment.stage, environment.network.nat_mode) == (Stage.PROD, NatMode.PER_AZ)


FILE_ERRORS: list[tuple[str, Any, str]] = [
    (
        "unknown add-on",
        {**MINIMAL, "addons": {"istio": True}},
        r"`environments\[0\]\.addons\.istio`: is not a known AddonsConfig setting",
    ),
    (
        "unknown key",
        {**MINIMAL, "colour": "blue"},
        r"`environments\[0\]\.colour`: is not a known EnvironmentConfig setting",
    ),
    ("missing key", {k: v for k, v in MINIMAL.items() if k != "region"}, r"`environments\[0\]\.region`: is required"),
    (
        "bad enum",
        {**MINIMAL, "stage": "production"},
        r"`environments\[0\]\.stage`: must be one of dev, staging, prod \(got 'production'\)",
    ),
    ("list expected", {**MINIMAL, "node_groups": {"name": "x"}}, r"`environments\[0\]\.node_groups`: must be a list"),
    (
        "int expected",
        {**MINIMAL, "node_groups": [{**MINIMAL["node_groups"][0], "max_size": "3"}]},
        r"`environments\[0\]\.node_groups\[0\]\.max_size`: must be a whole number \(got '3'\)",
    ),
    (
        "bool expected",
        {**MINIMAL, "addons": {"velero": 1}},
        r"`environments\[0\]\.addons\.velero`: must be true or false",
    ),
    ("string expected", {**MINIMAL, "region": 5}, r"`environments\[0\]\.region`: must be a string"),
    ("tags must be strings", {**MINIMAL, "tags": {"a": 1}}, r"`environments\[0\]\.tags\.a`: must be a string"),
    (
        "object expected",
        {**MINIMAL, "network": "10.0.0.0/16"},
        r"`environments\[0\]\.network`: must be an object describing NetworkConfig",
    ),
    (
        "rules still apply",
        {**MINIMAL, "region": "us-east-1"},
        r"`sandbox\.network\.availability_zones\[0\]`: must be an availability zone",
    ),
]


@pytest.mark.parametrize(("case", "item", "message"), FILE_ERRORS, ids=[row[0] for row in FILE_ERRORS])
def test_file_errors_name_the_key(tmp_path: Path, case: str, item: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_environments(_write(tmp_path, {"environments": [item]}))


def test_file_must_hold_environments(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"`environments`: the file must hold a non-empty list"):
        load_environments(_write(tmp_path, {"envs": []}))


def test_file_duplicate_environment_names(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"`environments`: environment name must be unique \(got 'sandbox'\)"):
        load_environments(_write(tmp_path, {"environments": [MINIMAL, MINIMAL]}))


def test_file_syntax_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"must be valid JSON or TOML"):
        load_environments(_write(tmp_path, "{not json", "envs.txt"))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"must be a readable file"):
        load_environments(tmp_path / "absent.json")


def test_from_dict_round_trips_reference_dev() -> None:
    data = {
        "name": "dev",
        "stage": "dev",
        "region": "us-east-1",
        "network": {"vpc_cidr": "10.10.0.0/16", "availability_zones": ["us-east-1a", "us-east-1b"]},
    }
    config = from_dict(EnvironmentConfig, data, "x")
    assert config.network == NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=("us-east-1a", "us-east-1b"))
    assert STAGING.network.nat_mode is NatMode.SINGLE


# -- shared rules (constructs_lib.validation) ----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("${aws_s3_bucket.backups.arn}", True),  # a terraform expression
        ("arn:aws:s3:::eks-platform-dev-backups", False),
        ("", False),
        (None, False),
    ],
)
def test_is_reference(value: object, expected: bool) -> None:
    assert is_reference(value) is expected


def test_is_reference_agrees_with_cdktf_on_tokens() -> None:
    from cdktf import Token

    token = Token.as_string(Token.as_any("${aws_iam_role.app.arn}"))
    assert (is_reference(token), Token.is_unresolved(token)) == (True, True)


# -- inputs: one zone table, label rules, certificates, enum spelling, shape ----------------------


def test_one_zone_table_gives_the_zone_counts() -> None:
    from constructs_lib.network.cidr import REGION_AZ_COUNTS
    from constructs_lib.validation import REGION_ZONES

    assert {region: len(letters) for region, letters in REGION_ZONES.items()} == REGION_AZ_COUNTS
    assert (REGION_ZONES["us-east-1"], REGION_ZONES["us-west-1"]) == ("abcdef", "ac")


def test_region_missing_from_the_zone_table_names_the_fix() -> None:
    with pytest.raises(ConfigError, match=r"`dev\.region`.*\(got 'us-gov-east-1'\); fix: .*add its row"):
        _replace(DEV, region="us-gov-east-1").validate()


@pytest.mark.parametrize(
    "key",
    ["node.kubernetes.io/lifecycle", "kubelet.kubernetes.io/x", "a.node.kubernetes.io/x", "example.com/team", "team"],
)
def test_node_labels_that_are_allowed(key: str) -> None:
    _replace(DEV, node_groups=(_group(labels={key: "v"}), DEV.node_groups[1])).validate()


def test_taints_refuse_even_the_node_label_domains() -> None:
    with pytest.raises(ConfigError, match=r"taint keys under kubernetes\.io and k8s\.io are reserved"):
        _replace(DEV, node_groups=(_group(taints=(Taint(key="node.kubernetes.io/x", value="y"),)), DEV.node_groups[1])).validate()


def test_empty_label_and_taint_values_are_allowed() -> None:
    group = _group(labels={"example.com/gpu": ""}, taints=(Taint(key="dedicated", value=""),))
    _replace(DEV, node_groups=(group, DEV.node_groups[1])).validate()


def test_certificate_of_the_environment_account_is_accepted() -> None:
    _replace(PROD, account_id="123456789012").validate()


def test_mapping_keys_must_be_strings() -> None:
    with pytest.raises(ConfigError, match=r"`dev\.tags`: keys must be strings \(got 1\)"):
        _replace(DEV, tags={1: "x"}).validate()


def test_old_enum_spelling_is_refused_with_the_new_one() -> None:
    data = {**MINIMAL, "node_groups": [{**MINIMAL["node_groups"][0], "capacity_type": "ON_DEMAND"}]}
    with pytest.raises(ConfigError, match=r"lowercase member name.*\(got 'ON_DEMAND'\); fix: write 'on_demand'"):
        from_dict(EnvironmentConfig, data, "e")


def test_to_dict_is_the_inverse_of_from_dict() -> None:
    from constructs_lib.config import to_dict

    for environment in ENVIRONMENTS:
        assert from_dict(EnvironmentConfig, to_dict(environment), "e") == environment
    assert to_dict(PROD)["network"]["nat_mode"] == "per_az"


@pytest.mark.parametrize("url", ["", "123456789012.dkr.ecr.us-east-1.amazonaws.com/x/api:v1", None])
def test_repository_url_rule(url: object) -> None:
    from constructs_lib.validation import require_repository_url

    with pytest.raises(ConfigError, match=r"^`p`: must be a repository URL without a tag .*e\.g\. '.*/x/api'$"):
        require_repository_url("p", url, example="api")


def test_a_valid_config_is_validated_once_and_keeps_only_its_fields() -> None:
    from constructs_lib.validation import memo

    config = dataclasses.replace(DEV)
    config.validate()
    assert memo(config)["valid_tier"] is ConfigTier.PLATFORM
    assert set(vars(config)) == {f.name for f in dataclasses.fields(EnvironmentConfig)}


def test_an_invalid_config_is_checked_again_every_time() -> None:
    config = dataclasses.replace(DEV, region="mars-1")
    for _ in range(2):
        with pytest.raises(ConfigError, match=r"`dev\.region`"):
            config.validate()
