"""The data tier in the reference environments: the api's database and bucket, wired end to end."""

from __future__ import annotations

import json
from typing import Any

import pytest

from constructs_lib.data.config import STAGE_DEFAULTS
from constructs_lib.network.cidr import Tier, plan_subnets
from stacks.environments import ENVIRONMENTS

Stacks = dict[str, dict[str, Any]]
NAMES = ("dev", "staging", "prod")
INSTANCE = "${aws_db_instance.database_instance_D7FC2283"
SECRET_ARN = INSTANCE + ".master_user_secret[0].secret_arn}"
DATABASE_KEY_ARN = "${aws_kms_key.database_key_CA7EEF20.arn}"
BUCKET_ARN = "${aws_s3_bucket.data_bucket-api_bucket_9CCAB5CF.arn}"
BUCKET_KEY_ARN = "${aws_kms_key.data_bucket-api_key_B1D5B4CA.arn}"
CONFIG = {e.name: e for e in ENVIRONMENTS}


def _resources(doc: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return dict(doc["resource"].get(resource_type, {}))


def _instance(stacks_json: Stacks, environment: str) -> Any:
    (instance,) = _resources(stacks_json[environment], "aws_db_instance").values()
    return instance


def _policy(stacks_json: Stacks, environment: str, role: str) -> dict[str, Any]:
    (policy,) = [
        b for k, b in _resources(stacks_json[environment], "aws_iam_role_policy").items() if k.startswith(f"{role}_")
    ]
    return {s["Sid"]: s for s in json.loads(policy["policy"])["Statement"]}


def _database_cidrs(environment: str) -> list[str]:
    config = CONFIG[environment]
    plan = plan_subnets(config.network, config.name, region=config.region)
    return list(plan.cidrs(Tier.DATABASE).values())


def _egress(stacks_json: Stacks, environment: str, namespace: str) -> list[Any]:
    found = [
        b["spec"]["egress"]
        for b in _resources(stacks_json[environment], "kubernetes_network_policy_v1").values()
        if b["metadata"] == {"name": "allow-egress", "namespace": namespace}
    ]
    return found[0] if found else []


# -- the database ---------------------------------------------------------------------------------


@pytest.mark.parametrize("environment", NAMES)
def test_database_lives_in_the_db_subnet_group(stacks_json: Stacks, environment: str) -> None:
    assert _instance(stacks_json, environment)["db_subnet_group_name"] == (
        "${aws_db_subnet_group.network_db-subnet-group_C930E3C6.name}"
    )


@pytest.mark.parametrize("environment", NAMES)
def test_database_takes_the_stage_sizes(stacks_json: Stacks, environment: str) -> None:
    instance, defaults = _instance(stacks_json, environment), STAGE_DEFAULTS[environment]
    assert (instance["instance_class"], instance["allocated_storage"], instance["backup_retention_period"]) == (
        defaults.instance_class,
        defaults.allocated_storage_gib,
        defaults.backup_retention_days,
    )


def test_prod_database_is_multi_az_and_protected(stacks_json: Stacks) -> None:
    instance = _instance(stacks_json, "prod")
    assert (instance["multi_az"], instance["deletion_protection"], instance["lifecycle"]) == (
        True,
        True,
        {"prevent_destroy": True},
    )


@pytest.mark.parametrize("environment", ["dev", "staging"])
def test_other_databases_are_single_az_and_unprotected(stacks_json: Stacks, environment: str) -> None:
    instance = _instance(stacks_json, environment)
    assert (instance["multi_az"], instance["deletion_protection"], "lifecycle" in instance) == (False, False, False)


@pytest.mark.parametrize("environment", NAMES)
def test_database_admits_its_port_from_the_node_security_group(stacks_json: Stacks, environment: str) -> None:
    rules = [
        (r["referenced_security_group_id"], r["from_port"], r["to_port"])
        for r in _resources(stacks_json[environment], "aws_vpc_security_group_ingress_rule").values()
        if r["security_group_id"] == "${aws_security_group.database_security-group_BF0DE645.id}"
    ]
    assert rules == [("${aws_security_group.network_security-groups_nodes_255AD910.id}", 5432, 5432)]


def test_database_outputs(stacks_json: Stacks) -> None:
    outputs = stacks_json["prod"]["output"]
    assert (outputs["database_endpoint"]["value"], outputs["database_master_user_secret_arn"]["value"]) == (
        INSTANCE + ".address}",
        SECRET_ARN,
    )


# -- the api uses it ------------------------------------------------------------------------------


@pytest.mark.parametrize("environment", NAMES)
def test_api_may_reach_the_database_subnets_on_its_port(stacks_json: Stacks, environment: str) -> None:
    rules = [r for r in _egress(stacks_json, environment, "api") if r["ports"] == [{"port": "5432", "protocol": "TCP"}]]
    expected = [{"ip_block": {"cidr": c}} for c in _database_cidrs(environment)]
    assert [r["to"] for r in rules] == [expected]


@pytest.mark.parametrize("environment", NAMES)
def test_other_applications_may_not_reach_the_database(stacks_json: Stacks, environment: str) -> None:
    others = [a.name for a in CONFIG[environment].applications if a.name != "api"]
    reaching = [
        name
        for name in others
        for rule in _egress(stacks_json, environment, name)
        if {"port": "5432", "protocol": "TCP"} in rule["ports"]
    ]
    assert (len(others) > 0, reaching) == (True, [])


@pytest.mark.parametrize("environment", NAMES)
def test_api_config_names_the_database_and_bucket(stacks_json: Stacks, environment: str) -> None:
    (config,) = [
        b["data"]
        for b in _resources(stacks_json[environment], "kubernetes_config_map_v1").values()
        if b["metadata"]["namespace"] == "api"
    ]
    assert config == {
        "BUCKET_NAME": "${aws_s3_bucket.data_bucket-api_bucket_9CCAB5CF.bucket}",
        "DB_HOST": INSTANCE + ".address}",
        "DB_NAME": "app",
        "DB_PORT": "5432",
        "DB_SSLMODE": "verify-full",
    }


@pytest.mark.parametrize("environment", NAMES)
def test_api_external_secret_reads_the_managed_secret(stacks_json: Stacks, environment: str) -> None:
    (release,) = [
        b for b in _resources(stacks_json[environment], "helm_release").values() if b["name"] == "api-external-secret"
    ]
    assert json.loads(release["values"][0])["manifests"][0]["spec"]["data"] == [
        {"secretKey": "DB_USERNAME", "remoteRef": {"key": SECRET_ARN, "property": "username"}},
        {"secretKey": "DB_PASSWORD", "remoteRef": {"key": SECRET_ARN, "property": "password"}},
    ]


@pytest.mark.parametrize("environment", NAMES)
def test_external_secrets_role_reads_exactly_the_managed_secret(stacks_json: Stacks, environment: str) -> None:
    statements = _policy(stacks_json, environment, "irsa-external-secrets_policy")
    assert (statements["ReadDatabaseMasterSecret"], statements["DecryptDatabaseMasterSecret"]) == (
        {
            "Sid": "ReadDatabaseMasterSecret",
            "Effect": "Allow",
            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            "Resource": SECRET_ARN,
        },
        {
            "Sid": "DecryptDatabaseMasterSecret",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": DATABASE_KEY_ARN,
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": "secretsmanager.us-east-1.${data.aws_partition.aws-context_partition_9ECE3875.dns_suffix}"
                }
            },
        },
    )


# -- the api's bucket -----------------------------------------------------------------------------


@pytest.mark.parametrize("environment", NAMES)
def test_api_role_gets_exactly_its_bucket(stacks_json: Stacks, environment: str) -> None:
    statements = _policy(stacks_json, environment, "irsa-app-api_policy")
    bucket = {sid: (s["Action"], s["Resource"]) for sid, s in statements.items() if "s3:" in json.dumps(s["Action"])}
    assert (bucket, statements["UseBucketKeyThroughS3"]["Resource"]) == (
        {
            "ListOwnBucket": ("s3:ListBucket", BUCKET_ARN),
            "ReadWriteOwnObjects": (["s3:DeleteObject", "s3:GetObject", "s3:PutObject"], BUCKET_ARN + "/*"),
        },
        BUCKET_KEY_ARN,
    )


@pytest.mark.parametrize("environment", NAMES)
def test_only_the_api_has_a_bucket(stacks_json: Stacks, environment: str) -> None:
    buckets = [
        b["bucket"].split("-${")[0]
        for k, b in _resources(stacks_json[environment], "aws_s3_bucket").items()
        if k.startswith("data_bucket-")
    ]
    assert buckets == [f"eks-platform-{environment}-api"]


def test_prod_bucket_is_protected(stacks_json: Stacks) -> None:
    bucket = _resources(stacks_json["prod"], "aws_s3_bucket")["data_bucket-api_bucket_9CCAB5CF"]
    assert (bucket["force_destroy"], bucket["lifecycle"]) == (False, {"prevent_destroy": True})


@pytest.mark.parametrize("environment", ["dev", "staging"])
def test_other_buckets_may_be_destroyed_with_the_environment(stacks_json: Stacks, environment: str) -> None:
    bucket = _resources(stacks_json[environment], "aws_s3_bucket")["data_bucket-api_bucket_9CCAB5CF"]
    assert (bucket["force_destroy"], "lifecycle" in bucket) == (True, False)


@pytest.mark.parametrize("environment", NAMES)
def test_bucket_blocks_public_access_and_keeps_versions(stacks_json: Stacks, environment: str) -> None:
    doc = stacks_json[environment]
    block = _resources(doc, "aws_s3_bucket_public_access_block")["data_bucket-api_public-access-block_64C19ED6"]
    versioning = _resources(doc, "aws_s3_bucket_versioning")["data_bucket-api_versioning_C72C508D"]
    assert (
        [
            block[k]
            for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
        ],
        versioning["versioning_configuration"]["status"],
    ) == ([True] * 4, "Enabled")


def test_bucket_output(stacks_json: Stacks) -> None:
    assert stacks_json["dev"]["output"]["application_bucket_names"]["value"] == {
        "api": "${aws_s3_bucket.data_bucket-api_bucket_9CCAB5CF.bucket}"
    }
