"""PostgresDatabase: RDS for PostgreSQL, its security groups, parameter group, log groups and protections."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.data.config import DatabaseSpec
from constructs_lib.data.postgres import PostgresDatabase, PostgresDatabaseProps
from constructs_lib.errors import ConfigError
from constructs_lib.protections import Protections, Stage
from constructs_lib.security import AwsContext
from tests.helpers import Synth, only, resources, synth

CIDRS = ("10.30.224.0/24", "10.30.225.0/24", "10.30.226.0/24")
built: dict[str, PostgresDatabase] = {}


def props(stage_value: str, **overrides: Any) -> PostgresDatabaseProps:
    stage = Stage(stage_value)
    base = PostgresDatabaseProps(
        spec=DatabaseSpec(name="orders"),
        stage=stage,
        protections=Protections.for_stage(Stage.PROD if stage is Stage.PROD else Stage.DEV),
        name_prefix=f"eks-platform-{stage_value}",
        vpc_id="vpc-0123456789abcdef0",
        db_subnet_group_name=f"eks-platform-{stage_value}-database",
        database_subnet_cidrs=CIDRS,
        source_security_group_ids={"nodes": "sg-0000000000000000a"},
    )
    return dataclasses.replace(base, **overrides)


def build(stage: str, *, key: str | None = None, **overrides: Any) -> Synth:
    def _build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        built[key or stage] = PostgresDatabase(stack, "database", props=props(stage, **overrides))

    return synth(_build)


@pytest.fixture(scope="module")
def prod() -> Synth:
    return build("prod", pod_security_group_applications=("api", "worker"))


@pytest.fixture(scope="module")
def dev() -> Synth:
    return build(
        "dev",
        spec=DatabaseSpec(
            name="orders", port=6432, performance_insights=False, log_min_duration_statement_ms=250, engine_version="16"
        ),
        source_security_group_ids={"nodes": "sg-0000000000000000a", "bastion": "sg-0000000000000000c"},
    )


def instance(doc: Synth) -> Any:
    return only(doc, "aws_db_instance")


def parameters(doc: Synth) -> dict[str, str]:
    return {p["name"]: p["value"] for p in only(doc, "aws_db_parameter_group")["parameter"]}


def ingress(doc: Synth) -> dict[str, Any]:
    return {k.split("_")[1]: v for k, v in resources(doc, "aws_vpc_security_group_ingress_rule").items()}


# --- the instance -----------------------------------------------------------------------------


def test_engine_is_postgres_major_only(prod: Synth) -> None:
    assert (instance(prod)["engine"], instance(prod)["engine_version"]) == ("postgres", "17")


def test_engine_version_option(dev: Synth) -> None:
    assert instance(dev)["engine_version"] == "16"


def test_identifier_carries_prefix(prod: Synth) -> None:
    assert instance(prod)["identifier"] == "eks-platform-prod-orders"


def test_prod_sizing(prod: Synth) -> None:
    i = instance(prod)
    assert (i["instance_class"], i["allocated_storage"], i["max_allocated_storage"], i["storage_type"]) == (
        "db.m7g.large",
        100,
        1000,
        "gp3",
    )


def test_dev_sizing(dev: Synth) -> None:
    i = instance(dev)
    assert (i["instance_class"], i["allocated_storage"], i["max_allocated_storage"]) == ("db.t4g.micro", 20, 50)


def test_in_the_db_subnet_group_and_private(prod: Synth) -> None:
    i = instance(prod)
    assert (i["db_subnet_group_name"], i["publicly_accessible"]) == ("eks-platform-prod-database", False)


def test_storage_encrypted_with_its_key(prod: Synth) -> None:
    i = instance(prod)
    assert (i["storage_encrypted"], i["kms_key_id"]) == (True, "${aws_kms_key.database_key_CA7EEF20.arn}")


def test_master_password_managed_by_rds_with_its_key(prod: Synth) -> None:
    i = instance(prod)
    assert (i["manage_master_user_password"], i["master_user_secret_kms_key_id"], "password" in i) == (
        True,
        i["kms_key_id"],
        False,
    )


def test_no_password_anywhere_in_the_json(prod: Synth) -> None:
    assert '"password"' not in json.dumps(prod)


def test_database_and_user(prod: Synth) -> None:
    assert (instance(prod)["db_name"], instance(prod)["username"]) == ("orders", "dbadmin")


def test_default_port(prod: Synth) -> None:
    assert instance(prod)["port"] == 5432


def test_port_option(dev: Synth) -> None:
    assert (instance(dev)["port"], ingress(dev)["ingress-from-nodes"]["from_port"]) == (6432, 6432)


def test_iam_authentication_on(prod: Synth) -> None:
    assert instance(prod)["iam_database_authentication_enabled"] is True


def test_logs_exported(prod: Synth) -> None:
    assert instance(prod)["enabled_cloudwatch_logs_exports"] == ["postgresql", "upgrade"]


def test_minor_upgrades_automatic_major_upgrades_not(prod: Synth) -> None:
    i = instance(prod)
    assert (i["auto_minor_version_upgrade"], i["allow_major_version_upgrade"]) == (True, False)


def test_tags_copied_to_snapshots(prod: Synth) -> None:
    assert instance(prod)["copy_tags_to_snapshot"] is True


def test_ca_pinned(prod: Synth) -> None:
    assert instance(prod)["ca_cert_identifier"] == "rds-ca-rsa2048-g1"


def test_backups_and_windows(prod: Synth) -> None:
    i = instance(prod)
    assert (i["backup_retention_period"], i["backup_window"], i["maintenance_window"]) == (
        14,
        "07:00-08:00",
        "sun:08:30-sun:09:30",
    )


def test_dev_keeps_one_day_of_backups(dev: Synth) -> None:
    assert instance(dev)["backup_retention_period"] == 1


def test_performance_insights_encrypted_free_tier(prod: Synth) -> None:
    i = instance(prod)
    assert (
        i["performance_insights_enabled"],
        i["performance_insights_kms_key_id"],
        i["performance_insights_retention_period"],
    ) == (True, i["kms_key_id"], 7)


def test_performance_insights_option(dev: Synth) -> None:
    i = instance(dev)
    assert (i["performance_insights_enabled"], "performance_insights_kms_key_id" in i) == (False, False)


# --- stage protections --------------------------------------------------------------------------


def test_prod_protections(prod: Synth) -> None:
    i = instance(prod)
    assert (i["multi_az"], i["deletion_protection"], i["lifecycle"]) == (True, True, {"prevent_destroy": True})


def test_prod_final_snapshot(prod: Synth) -> None:
    i = instance(prod)
    assert (i["skip_final_snapshot"], i["final_snapshot_identifier"]) == (False, "eks-platform-prod-orders-final")


def test_prod_keeps_automated_backups_after_deletion(prod: Synth) -> None:
    assert instance(prod)["delete_automated_backups"] is False


def test_prod_applies_changes_in_the_maintenance_window(prod: Synth) -> None:
    assert instance(prod)["apply_immediately"] is False


def test_prod_allows_extended_support(prod: Synth) -> None:
    assert instance(prod)["engine_lifecycle_support"] == "open-source-rds-extended-support"


def test_prod_key_prevents_destroy(prod: Synth) -> None:
    assert only(prod, "aws_kms_key")["lifecycle"] == {"prevent_destroy": True}


def test_dev_is_single_az_without_deletion_protection(dev: Synth) -> None:
    i = instance(dev)
    assert (i["multi_az"], i["deletion_protection"], "lifecycle" in i) == (False, False, False)


def test_dev_skips_the_final_snapshot(dev: Synth) -> None:
    i = instance(dev)
    assert (i["skip_final_snapshot"], "final_snapshot_identifier" in i, i["delete_automated_backups"]) == (
        True,
        False,
        True,
    )


def test_dev_applies_immediately(dev: Synth) -> None:
    assert instance(dev)["apply_immediately"] is True


def test_dev_never_pays_for_extended_support(dev: Synth) -> None:
    assert instance(dev)["engine_lifecycle_support"] == "open-source-rds-extended-support-disabled"


# --- parameter group ----------------------------------------------------------------------------


def test_parameter_group_requires_tls(prod: Synth) -> None:
    assert parameters(prod)["rds.force_ssl"] == "1"


def test_parameter_group_logs_what_the_platform_needs(prod: Synth) -> None:
    assert {k: v for k, v in parameters(prod).items() if k != "rds.force_ssl"} == {
        "log_min_duration_statement": "1000",
        "log_statement": "ddl",
        "log_connections": "1",
        "log_disconnections": "1",
        "log_lock_waits": "1",
        "log_temp_files": "10240",
        "log_autovacuum_min_duration": "10000",
    }


def test_slow_statement_threshold_option(dev: Synth) -> None:
    assert parameters(dev)["log_min_duration_statement"] == "250"


def test_parameter_group_family_follows_the_major(dev: Synth) -> None:
    group = only(dev, "aws_db_parameter_group")
    assert (group["family"], group["name"]) == ("postgres16", "eks-platform-dev-orders-postgres16")


def test_prod_parameter_group_replaced_before_destroy_and_protected(prod: Synth) -> None:
    assert only(prod, "aws_db_parameter_group")["lifecycle"] == {"create_before_destroy": True, "prevent_destroy": True}


def test_dev_parameter_group_replaced_before_destroy(dev: Synth) -> None:
    assert only(dev, "aws_db_parameter_group")["lifecycle"] == {"create_before_destroy": True}


def test_instance_uses_the_parameter_group(prod: Synth) -> None:
    assert instance(prod)["parameter_group_name"] == "${aws_db_parameter_group.database_parameters_58B6739C.name}"


# --- log groups ---------------------------------------------------------------------------------


def test_log_groups_created_first_encrypted_with_retention(prod: Synth) -> None:
    groups = resources(prod, "aws_cloudwatch_log_group")
    assert sorted((g["name"], g["retention_in_days"], g["kms_key_id"]) for g in groups.values()) == [
        ("/aws/rds/instance/eks-platform-prod-orders/postgresql", 365, instance(prod)["kms_key_id"]),
        ("/aws/rds/instance/eks-platform-prod-orders/upgrade", 365, instance(prod)["kms_key_id"]),
    ]


def test_instance_waits_for_its_log_groups(prod: Synth) -> None:
    assert sorted(instance(prod)["depends_on"]) == [
        f"aws_cloudwatch_log_group.{name}" for name in sorted(resources(prod, "aws_cloudwatch_log_group"))
    ]


def test_dev_log_retention_is_30_days(dev: Synth) -> None:
    assert {g["retention_in_days"] for g in resources(dev, "aws_cloudwatch_log_group").values()} == {30}


def test_key_lets_cloudwatch_logs_use_it_for_the_database_logs_only(prod: Synth) -> None:
    policy = json.loads(only(prod, "aws_kms_key")["policy"])
    (logs,) = [s for s in policy["Statement"] if s["Sid"] == "CloudWatchLogsUsesKeyForOwnLogGroups"]
    assert logs["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"].endswith(
        ":log-group:/aws/rds/instance/eks-platform-prod-orders/*"
    )


# --- monitoring ---------------------------------------------------------------------------------


def test_prod_enhanced_monitoring_with_its_role(prod: Synth) -> None:
    i = instance(prod)
    assert (i["monitoring_interval"], i["monitoring_role_arn"]) == (
        60,
        "${aws_iam_role.database_monitoring-role_DD73B2F2.arn}",
    )


def test_monitoring_role_trusts_rds_monitoring_for_this_account_only(prod: Synth) -> None:
    (trust,) = json.loads(only(prod, "aws_iam_role")["assume_role_policy"])["Statement"]
    assert (trust["Principal"], list(trust["Condition"]["StringEquals"])) == (
        {"Service": "monitoring.rds.amazonaws.com"},
        ["aws:SourceAccount"],
    )


def test_monitoring_role_has_the_aws_managed_policy(prod: Synth) -> None:
    assert only(prod, "aws_iam_role_policy_attachment")["policy_arn"].endswith(
        ":iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
    )


def test_dev_has_no_enhanced_monitoring(dev: Synth) -> None:
    assert (instance(dev)["monitoring_interval"], resources(dev, "aws_iam_role")) == (0, {})


# --- security groups ------------------------------------------------------------------------------


def test_database_group_admits_the_port_from_the_sources_only(dev: Synth) -> None:
    rules = ingress(dev)
    assert sorted((k, r["referenced_security_group_id"], r["from_port"], r["to_port"]) for k, r in rules.items()) == [
        ("ingress-from-bastion", "sg-0000000000000000c", 6432, 6432),
        ("ingress-from-nodes", "sg-0000000000000000a", 6432, 6432),
    ]


def test_no_cidr_ingress(prod: Synth) -> None:
    assert [r for r in ingress(prod).values() if "cidr_ipv4" in r] == []


def test_database_group_has_no_egress(dev: Synth) -> None:
    assert resources(dev, "aws_vpc_security_group_egress_rule") == {}


def test_instance_in_its_own_group(prod: Synth) -> None:
    assert instance(prod)["vpc_security_group_ids"] == ["${aws_security_group.database_security-group_BF0DE645.id}"]


def test_pod_security_groups_per_application(prod: Synth) -> None:
    names = sorted(g["name"] for g in resources(prod, "aws_security_group").values())
    assert names == [
        "eks-platform-prod-orders-pods-api",
        "eks-platform-prod-orders-pods-worker",
        "eks-platform-prod-orders-postgres",
    ]


def test_pod_groups_reach_the_database_and_it_admits_them(prod: Synth) -> None:
    egress = only_with(prod, "aws_vpc_security_group_egress_rule", "pods-api-egress")
    admit = ingress(prod)["pods-api-ingress"]
    assert (egress["from_port"], egress["referenced_security_group_id"], admit["referenced_security_group_id"]) == (
        5432,
        "${aws_security_group.database_security-group_BF0DE645.id}",
        egress["security_group_id"],
    )


def test_no_pod_groups_by_default(dev: Synth) -> None:
    assert len(resources(dev, "aws_security_group")) == 1


def only_with(doc: Synth, resource_type: str, id_part: str) -> Any:
    (found,) = [v for k, v in resources(doc, resource_type).items() if f"_{id_part}_" in k]
    return found


# --- attributes -----------------------------------------------------------------------------------


def test_attributes(prod: Synth) -> None:
    database = built["prod"]
    assert (
        database.identifier,
        database.port,
        database.database_name,
        database.master_username,
        database.database_subnet_cidrs,
        sorted(database.pod_security_group_ids),
    ) == ("eks-platform-prod-orders", 5432, "orders", "dbadmin", CIDRS, ["api", "worker"])


def test_reference_attributes_are_terraform_references(prod: Synth) -> None:
    database = built["prod"]
    assert all(
        "${TfToken" in value
        for value in (
            database.endpoint,
            database.master_user_secret_arn,
            database.security_group_id,
            database.kms_key_arn,
            database.resource_id,
            database.arn,
        )
    )


# --- errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"stage": "prod"}, r"`database.stage`: must be one of Stage.DEV, Stage.STAGING, Stage.PROD \(got 'prod'\)"),
        ({"name_prefix": "EKS"}, r"`database.name_prefix`: must be a DNS-1123 label"),
        ({"protections": True}, r"`database.protections`: must be a Protections \(got True\)"),
        ({"spec": DatabaseSpec(name="orders", port=22)}, r"`database.port`: must be a whole number from 1150"),
        ({"source_security_group_ids": {}}, r"`database.source_security_group_ids`: must name at least one"),
        (
            {"source_security_group_ids": {"office": "10.0.0.0/8"}},
            r"`database.source_security_group_ids.office`: must be a security group id",
        ),
        (
            {"source_security_group_ids": {"Nodes": "sg-1"}},
            r"`database.source_security_group_ids.Nodes`: must be a DNS-1123 label",
        ),
        ({"database_subnet_cidrs": ("10.30.224.0/24",)}, r"`database.database_subnet_cidrs`: must list"),
        (
            {"database_subnet_cidrs": ("10.30.224.0/24", "10.30.224.1/24")},
            r"`database.database_subnet_cidrs\[1\]`: must be an IPv4 CIDR",
        ),
        (
            {"database_subnet_cidrs": ("10.30.224.0/24", "10.30.224.0/24")},
            r"`database.database_subnet_cidrs`: subnet CIDR must be unique",
        ),
        (
            {"pod_security_group_applications": ("API",)},
            r"`database.pod_security_group_applications\[0\]`: must be a DNS-1123",
        ),
        (
            {"pod_security_group_applications": ("api", "api")},
            r"`database.pod_security_group_applications`: application must be unique",
        ),
        ({"vpc_id": ""}, r"`database.vpc_id`: must be the network tier's attribute"),
        ({"db_subnet_group_name": ""}, r"`database.db_subnet_group_name`: must be the network tier's attribute"),
        (
            {"name_prefix": "p" * 40, "spec": DatabaseSpec(name="o" * 15)},
            r"`database.name`: makes the monitoring role name '.*-monitoring' longer than 64",
        ),
    ],
)
def test_errors(overrides: dict[str, Any], message: str) -> None:
    def _build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        PostgresDatabase(stack, "database", props=props("prod", **overrides))

    with pytest.raises(ConfigError, match=message):
        synth(_build)


def test_long_name_without_monitoring_is_accepted() -> None:
    spec = DatabaseSpec(name="o" * 15, monitoring_interval_seconds=0)
    doc = build("prod", key="long", name_prefix="p" * 40, spec=spec)
    assert instance(doc)["identifier"] == f"{'p' * 40}-{'o' * 15}"


def test_pods_groups_alone_admit_no_node_group() -> None:
    doc = build("dev", key="pods-only", source_security_group_ids={}, pod_security_group_applications=("api",))
    assert sorted(ingress(doc)) == ["pods-api-ingress"]


def test_add_pod_security_group_grows_the_attribute(prod: Synth) -> None:
    def _build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        database = PostgresDatabase(stack, "database", props=props("dev"))
        database.add_pod_security_group("reports")
        built["added"] = database

    doc = synth(_build)
    assert (sorted(built["added"].pod_security_group_ids), len(resources(doc, "aws_security_group"))) == (
        ["reports"],
        2,
    )


@pytest.mark.parametrize(
    ("app", "message"),
    [
        ("api", r"`add_pod_security_group\(api\)`: is already admitted"),
        ("API", r"`add_pod_security_group\(API\)`: must be a DNS-1123 label"),
    ],
)
def test_add_pod_security_group_errors(app: str, message: str) -> None:
    def _build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        database = PostgresDatabase(stack, "database", props=props("dev", pod_security_group_applications=("api",)))
        database.add_pod_security_group(app)

    with pytest.raises(ConfigError, match=message):
        synth(_build)
