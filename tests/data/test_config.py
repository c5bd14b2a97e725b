"""DatabaseSpec: per-stage defaults, overrides, and every rule's message (pure Python, no synthesis)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from constructs_lib.data.config import (
    DEFAULT_ENGINE_VERSION,
    STAGE_DEFAULTS,
    SUPPORTED_POSTGRES_VERSIONS,
    DatabaseSpec,
    parameter_group_family,
)
from constructs_lib.errors import ConfigError

PREFIX = "eks-platform-prod"


def resolved(stage: str, **fields: Any) -> DatabaseSpec:
    return DatabaseSpec(name="orders", **fields).resolve(stage=stage)


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("dev", ("db.t4g.micro", 20, 50, 1, False, False, 0, 30)),
        ("staging", ("db.t4g.small", 20, 100, 7, False, False, 0, 30)),
        ("prod", ("db.m7g.large", 100, 1000, 14, True, True, 60, 365)),
    ],
)
def test_stage_defaults(stage: str, expected: tuple[Any, ...]) -> None:
    spec = resolved(stage)
    assert (
        spec.instance_class,
        spec.allocated_storage_gib,
        spec.max_allocated_storage_gib,
        spec.backup_retention_days,
        spec.multi_az,
        spec.deletion_protection,
        spec.monitoring_interval_seconds,
        spec.log_retention_days,
    ) == expected


@pytest.mark.parametrize("stage", ["dev", "staging", "prod"])
def test_defaults_are_valid(stage: str) -> None:
    DatabaseSpec(name="orders").validate("db", stage=stage, name_prefix=f"eks-platform-{stage}")


def test_default_engine_is_a_supported_major() -> None:
    assert (DEFAULT_ENGINE_VERSION, DEFAULT_ENGINE_VERSION in SUPPORTED_POSTGRES_VERSIONS) == ("17", True)


def test_default_database_name_comes_from_the_name() -> None:
    assert DatabaseSpec(name="order-history").resolve(stage="dev").database_name == "order_history"


def test_explicit_values_win_over_stage_defaults() -> None:
    spec = resolved("prod", instance_class="db.r7g.xlarge", backup_retention_days=21, database_name="shop")
    assert (spec.instance_class, spec.backup_retention_days, spec.database_name) == ("db.r7g.xlarge", 21, "shop")


def test_resolve_keeps_the_original_unresolved() -> None:
    spec = DatabaseSpec(name="orders")
    spec.resolve(stage="prod")
    assert spec.instance_class is None


def test_parameter_group_family() -> None:
    assert parameter_group_family("16") == "postgres16"


def test_stage_defaults_cover_the_three_stages() -> None:
    assert sorted(STAGE_DEFAULTS) == ["dev", "prod", "staging"]


def test_maintenance_window_may_wrap_the_week() -> None:
    DatabaseSpec(name="orders", maintenance_window="sun:23:30-mon:00:30", backup_window="03:00-04:00").validate(
        "db", stage="dev", name_prefix=PREFIX
    )


def test_backup_window_may_wrap_midnight() -> None:
    DatabaseSpec(name="orders", backup_window="23:30-00:30").validate("db", stage="dev", name_prefix=PREFIX)


@pytest.mark.parametrize(
    ("stage", "fields", "message"),
    [
        ("qa", {}, r"`db.stage`: must be one of dev, staging, prod \(got 'qa'\)"),
        ("dev", {"name": "Orders"}, r"`db.name`: must be a DNS-1123 label"),
        ("dev", {"name": "o" * 31}, r"`db.name`: must be a DNS-1123 label"),
        ("dev", {"name": "9orders"}, r"`db.name`: makes the RDS identifier '9orders-9orders'"),
        ("dev", {"engine_version": "14"}, r"`db.engine_version`: must be a PostgreSQL major version in RDS"),
        ("dev", {"engine_version": "17.6"}, r"give the major version only, e.g. '17'; RDS patches the minor"),
        ("dev", {"instance_class": "m7g.large"}, r"`db.instance_class`: must be an RDS instance class"),
        ("prod", {"instance_class": "db.t4g.large"}, r"`db.instance_class`: must not be a burstable db.t\* class"),
        ("dev", {"allocated_storage_gib": 10}, r"`db.allocated_storage_gib`: must be a whole number from 20"),
        (
            "dev",
            {"allocated_storage_gib": 100, "max_allocated_storage_gib": 105},
            r"`db.max_allocated_storage_gib`: must be a whole number from 110 to 65536",
        ),
        ("dev", {"backup_retention_days": 0}, r"`db.backup_retention_days`: must be a whole number from 1 to 35"),
        ("prod", {"backup_retention_days": 3}, r"`db.backup_retention_days`: must be at least 7 days in prod"),
        ("dev", {"multi_az": "yes"}, r"`db.multi_az`: must be true or false"),
        ("prod", {"multi_az": False}, r"`db.multi_az`: must be on in prod"),
        ("prod", {"deletion_protection": False}, r"`db.deletion_protection`: must be on in prod"),
        ("dev", {"backup_window": "7:00-8:00"}, r"`db.backup_window`: must be 'HH:MM-HH:MM'"),
        ("dev", {"backup_window": "07:00-07:15"}, r"`db.backup_window`: must last at least 30 minutes"),
        ("dev", {"maintenance_window": "Sun:08:30-Sun:09:30"}, r"`db.maintenance_window`: must be 'ddd:HH:MM"),
        ("dev", {"maintenance_window": "sun:08:30-sun:08:45"}, r"`db.maintenance_window`: must last at least 30"),
        (
            "dev",
            {"maintenance_window": "wed:07:30-wed:08:30"},
            r"`db.maintenance_window`: must not overlap the daily backup window 07:00-08:00",
        ),
        ("dev", {"port": 80}, r"`db.port`: must be a whole number from 1150 to 65535"),
        ("dev", {"database_name": "Orders"}, r"`db.database_name`: must be 1-63 lowercase letters"),
        ("dev", {"database_name": "postgres"}, r"`db.database_name`: .* not be postgres, rdsadmin"),
        ("dev", {"master_username": "rds_admin"}, r"`db.master_username`: .* not be 'postgres' or start with"),
        ("dev", {"master_username": "postgres"}, r"`db.master_username`: must be 1-63"),
        ("dev", {"master_username": "admin-user"}, r"`db.master_username`: must be 1-63"),
        ("dev", {"monitoring_interval_seconds": 45}, r"`db.monitoring_interval_seconds`: must be one of 0, 1, 5"),
        ("dev", {"log_min_duration_statement_ms": 0}, r"`db.log_min_duration_statement_ms`: must be a whole number"),
        ("dev", {"log_retention_days": 10}, r"`db.log_retention_days`: must be a retention period CloudWatch"),
        ("prod", {"log_retention_days": 90}, r"`db.log_retention_days`: must be at least 365 days in prod"),
        ("dev", {"performance_insights": 1}, r"`db.performance_insights`: must be true or false"),
    ],
)
def test_errors(stage: str, fields: dict[str, Any], message: str) -> None:
    spec = dataclasses.replace(DatabaseSpec(name="orders"), **fields)
    prefix = "9orders" if fields.get("name") == "9orders" else PREFIX
    with pytest.raises(ConfigError, match=message):
        spec.validate("db", stage=stage, name_prefix=prefix)


def test_identifier_too_long_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`db.name`: makes the RDS identifier .* fit 63 characters"):
        DatabaseSpec(name="o" * 30).validate("db", stage="dev", name_prefix="p" * 40)


def test_resolve_refuses_an_unknown_stage() -> None:
    with pytest.raises(ConfigError, match=r"`stage`: must be one of dev, staging, prod"):
        DatabaseSpec(name="orders").resolve(stage="production")


def test_monitoring_role_name_too_long_is_refused_by_the_spec() -> None:
    # Prod turns enhanced monitoring on: '<prefix>-<name>-monitoring' must fit IAM's 64 characters.
    with pytest.raises(ConfigError, match=r"`db.name`: makes the monitoring role name '.*-monitoring' longer than 64"):
        DatabaseSpec(name="o" * 15).validate("db", stage="prod", name_prefix="p" * 40)


def test_long_identifier_without_monitoring_is_accepted() -> None:
    DatabaseSpec(name="o" * 15).validate("db", stage="dev", name_prefix="p" * 40)
