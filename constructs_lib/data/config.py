"""Typed configuration of the data tier: the PostgreSQL database of an environment.

No provider import here (like every tier's ``config`` module), so a spec is validated without
starting jsii. :class:`DatabaseSpec` leaves the sizing fields ``None`` by default: ``None`` means
"the default of the environment's stage" (:data:`STAGE_DEFAULTS`), resolved once by
:meth:`DatabaseSpec.resolve`, so the same spec reads the same in a TOML file and in Python.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from constructs_lib.cluster.config import NodeGroupSpec, NodeRole
from constructs_lib.cluster.instance_types import supports_pod_enis
from constructs_lib.protections import Protections, Stage
from constructs_lib.validation import (
    default_log_retention_days,
    is_reference,
    require,
    require_dns_label,
    require_log_retention,
    require_range,
    validated_once,
)

__all__ = [
    "DEFAULT_BACKUP_WINDOW",
    "DEFAULT_ENGINE_VERSION",
    "DEFAULT_MAINTENANCE_WINDOW",
    "DEFAULT_PORT",
    "MAX_BUCKET_NAME_LENGTH",
    "MONITORING_ROLE_SUFFIX",
    "STAGES",
    "STAGE_DEFAULTS",
    "SUPPORTED_POSTGRES_VERSIONS",
    "DatabaseSpec",
    "StageDefaults",
    "parameter_group_family",
    "require_application_bucket_name",
    "require_pod_eni_nodes",
    "require_pod_security_group_support",
    "require_pod_security_group_users",
    "require_stage",
]

#: RDS for PostgreSQL major versions and the end of their RDS standard support, as AWS's release
#: calendar publishes them; reviewed 2026-12-02. 14 and older are refused: 14 leaves standard support
#: on 2027-02-28, too soon for a new database, and older majors are in paid Extended Support. Only the
#: major is given: with ``auto_minor_version_upgrade`` RDS picks and patches the minor, and a pinned
#: minor would make terraform try to downgrade after every automatic upgrade. Static on purpose:
#: synthesis must not depend on the date it runs; update it with each new major.
SUPPORTED_POSTGRES_VERSIONS: Mapping[str, str] = MappingProxyType(
    {
        "15": "2028-02-29",
        "16": "2029-02-28",
        "17": "2030-02-28",
        "18": "2031-02-28",
    }
)

#: Default 17: standard support until 2030-02-28, two years of minor releases on RDS, and the
#: parameter group below was written against its parameters. 18 is accepted; it changed
#: ``log_connections`` from a boolean to a list (the boolean spellings still work).
DEFAULT_ENGINE_VERSION = "17"

#: PostgreSQL's own port; any other only hides the database from people, not from scanners.
DEFAULT_PORT = 5432

#: Daily backup window, UTC: 07:00-08:00 is 02:00-03:00 (03:00-04:00 in summer) in us-east-1, the
#: quietest hour of the reference applications. The snapshot briefly raises I/O latency (Single-AZ).
DEFAULT_BACKUP_WINDOW = "07:00-08:00"

#: Weekly maintenance window, UTC, right after the backup on Sunday: patches land on a fresh backup.
DEFAULT_MAINTENANCE_WINDOW = "sun:08:30-sun:09:30"

#: The stages the defaults know, spelled as ``constructs_lib.Stage`` values (``stage.value``).
STAGES: tuple[str, ...] = ("dev", "staging", "prod")

#: Backup retention RDS accepts, in days. 0 (no automated backups, no point-in-time restore) is
#: refused: every environment's database can be restored to a point in time.
_MAX_BACKUP_RETENTION_DAYS = 35
#: Prod keeps at least a week: a bad migration found on Monday is still restorable from Friday.
PRODUCTION_MIN_BACKUP_RETENTION_DAYS = 7

#: gp3 storage starts at 20 GiB on RDS; 65,536 GiB is the RDS maximum for PostgreSQL.
_MIN_STORAGE_GIB = 20
_MAX_STORAGE_GIB = 65_536

_INSTANCE_CLASS = re.compile(r"^db\.[a-z0-9-]+\.[a-z0-9]+$")
_BURSTABLE = re.compile(r"^db\.t\d")
#: PostgreSQL identifiers RDS accepts as database and master user names.
_PG_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_BACKUP_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MAINTENANCE_WINDOW = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):([0-5]\d)$"
)
_DAY_MINUTES = 24 * 60
_WEEK_MINUTES = 7 * _DAY_MINUTES
#: RDS requires both windows to last at least 30 minutes; the backup window at most 24 hours.
_MIN_WINDOW_MINUTES = 30
#: The enhanced-monitoring role is ``<identifier><MONITORING_ROLE_SUFFIX>``; IAM role names are at most 64.
MONITORING_ROLE_SUFFIX = "-monitoring"
_MAX_ROLE_NAME = 64
#: Database identifiers: at most 63 characters (RDS).
_MAX_IDENTIFIER = 63
#: Role names PostgreSQL (``pg_``) and RDS (``rds``) keep for themselves.
_RESERVED_USER_PREFIXES = ("pg_", "rds")
_RESERVED_DATABASE_NAMES = ("postgres", "rdsadmin", "template0", "template1")


@dataclass(frozen=True)
class StageDefaults:
    """The sizing a careful engineer picks for one stage (see :data:`STAGE_DEFAULTS`)."""

    instance_class: str
    allocated_storage_gib: int
    max_allocated_storage_gib: int
    backup_retention_days: int
    multi_az: bool
    #: Enhanced monitoring (OS metrics every N seconds, 0 = off).
    monitoring_interval_seconds: int


#: Per-stage defaults.
#:
#: * dev: db.t4g.micro (2 vCPU burstable, 1 GiB; the smallest Graviton class), Single-AZ, 20 GiB that
#:   may grow to 50, one day of backups, no enhanced monitoring: a development database costs little
#:   and is re-created from migrations and seed data.
#: * staging: db.t4g.small (2 GiB), Single-AZ, up to 100 GiB, a week of backups so restores can be
#:   rehearsed against prod's procedure.
#: * prod: db.m7g.large (2 vCPU, 8 GiB, no CPU credits to run out of), Multi-AZ (a standby in a second
#:   AZ, automatic failover), 100 GiB growing to 1 TiB, 14 days of backups and 60-second OS metrics.
#:
#: Deletion protection is not sizing: it follows the environment's ``Protections.deletion_protection``.
STAGE_DEFAULTS: Mapping[str, StageDefaults] = MappingProxyType(
    {
        "dev": StageDefaults("db.t4g.micro", 20, 50, 1, False, 0),
        "staging": StageDefaults("db.t4g.small", 20, 100, 7, False, 0),
        "prod": StageDefaults("db.m7g.large", 100, 1000, 14, True, 60),
    }
)

#: Intervals enhanced monitoring accepts (0 = off).
_MONITORING_INTERVALS = (0, 1, 5, 10, 15, 30, 60)


def require_stage(path: str, stage: object) -> str:
    """``stage`` is one of :data:`STAGES` (an environment's ``stage.value``)."""
    require(
        isinstance(stage, str) and stage in STAGES,
        path,
        f"must be one of {', '.join(STAGES)}",
        stage,
        "pass the environment's stage value, e.g. config.stage.value",
    )
    return str(stage)


#: S3 bucket names are 3-63 characters.
MAX_BUCKET_NAME_LENGTH = 63
#: Length of an application bucket's default suffix, the 12-digit account id (a terraform reference
#: at synth time).
_ACCOUNT_ID_LENGTH = 12


def require_application_bucket_name(
    path: str, *, name_prefix: str, app_name: str, name_suffix: str | None = None
) -> str:
    """The name ``<name_prefix>-<app_name>-<suffix>`` of ``data.ApplicationBucket`` fits S3's 63
    characters; the suffix defaults to the account id (12 digits). Returns the name (with
    ``<account-id>`` for the default suffix)."""
    suffix = "<account-id>" if name_suffix is None else name_suffix
    suffix_length = _ACCOUNT_ID_LENGTH if name_suffix is None or is_reference(name_suffix) else len(name_suffix)
    length = len(name_prefix) + len(app_name) + suffix_length + 2
    require(
        length <= MAX_BUCKET_NAME_LENGTH,
        path,
        f"makes the bucket name {length} characters long ('{name_prefix}-{app_name}-<suffix>', "
        f"the suffix {suffix_length}); S3 allows {MAX_BUCKET_NAME_LENGTH}",
        app_name,
        "shorten the application name, the project name or name_suffix",
    )
    return f"{name_prefix}-{app_name}-{suffix}"


def require_pod_security_group_support(
    path: str,
    spec: DatabaseSpec,
    *,
    node_groups: Sequence[NodeGroupSpec],
    node_groups_path: str,
    users: Sequence[str],
) -> None:
    """With ``spec.pod_security_groups`` on: some application uses the database
    (:func:`require_pod_security_group_users`) and every workload node group can carry branch ENIs
    (:func:`require_pod_eni_nodes`). ``EnvironmentConfig.validate`` checks the two in their tiers."""
    require_pod_security_group_users(path, spec, users=users)
    require_pod_eni_nodes(path, spec, node_groups=node_groups, node_groups_path=node_groups_path)


def require_pod_security_group_users(path: str, spec: DatabaseSpec, *, users: Sequence[str]) -> None:
    """With ``spec.pod_security_groups`` on, some application uses the database (else nothing could
    reach it). ``users`` are the names of the applications that name the database. A PLATFORM rule."""
    if not spec.pod_security_groups:
        return
    require(
        len(users) > 0,
        f"{path}.pod_security_groups",
        "needs at least one application that names the database: with it on, the database admits only "
        "the applications' pods security groups",
        spec.pod_security_groups,
        f"set database='{spec.name}' on the applications that use it, or turn pod_security_groups off",
    )


def require_pod_eni_nodes(
    path: str, spec: DatabaseSpec, *, node_groups: Sequence[NodeGroupSpec], node_groups_path: str
) -> None:
    """With ``spec.pod_security_groups`` on, every workload node group's instance types can carry branch
    ENIs (pods with their own security groups are only scheduled onto trunk-capable nodes; the SYSTEM
    group runs no application pods). A CLUSTER rule: the cluster turns on the vpc-cni's pod ENIs for it,
    so a cluster-only stack must refuse nodes that cannot carry them."""
    if not spec.pod_security_groups:
        return
    for index, group in enumerate(node_groups):
        if group.role is NodeRole.SYSTEM:
            continue
        for type_index, instance_type in enumerate(group.instance_types):
            require(
                supports_pod_enis(instance_type),
                f"{node_groups_path}[{index}].instance_types[{type_index}]",
                f"cannot give pods their own security groups ({path}.pod_security_groups is on): it has "
                "no trunk network interface (no t family, no pre-Nitro generation supports one)",
                instance_type,
                "use a Nitro type such as 'm5.large', 'm6i.large' or 'm7g.large', or turn "
                f"{path}.pod_security_groups off",
            )


def parameter_group_family(engine_version: str) -> str:
    """The DB parameter group family of a PostgreSQL major version, e.g. ``postgres17``."""
    return f"postgres{engine_version}"


@dataclass(frozen=True, kw_only=True)
class DatabaseSpec:
    """One RDS for PostgreSQL database of an environment.

    Fields left ``None`` take the stage's default (:data:`STAGE_DEFAULTS`) in :meth:`resolve`.
    """

    #: DNS-safe name; the RDS identifier is ``<name_prefix>-<name>``.
    name: str
    #: PostgreSQL major version, one of :data:`SUPPORTED_POSTGRES_VERSIONS`. Default 17.
    engine_version: str = DEFAULT_ENGINE_VERSION
    #: RDS instance class. Default: the stage's (dev db.t4g.micro, staging db.t4g.small, prod db.m7g.large).
    instance_class: str | None = None
    #: Initial gp3 storage in GiB. Default: the stage's (20, 20, 100).
    allocated_storage_gib: int | None = None
    #: Storage autoscaling ceiling in GiB, at least 10 % above the allocation. Default: the stage's
    #: (50, 100, 1000): a full disk stops the database, an unbounded one hides a runaway table's cost.
    max_allocated_storage_gib: int | None = None
    #: Days of automated backups (point-in-time restore), 1-35; at least 7 in prod. Default: 1, 7, 14.
    backup_retention_days: int | None = None
    #: A synchronous standby in another AZ. Default: on in prod only (doubles the instance cost);
    #: required in prod.
    multi_az: bool | None = None
    #: Daily backup window ``HH:MM-HH:MM`` (UTC), at least 30 minutes. Default 07:00-08:00.
    backup_window: str = DEFAULT_BACKUP_WINDOW
    #: Weekly maintenance window ``ddd:HH:MM-ddd:HH:MM`` (UTC), at least 30 minutes, not overlapping
    #: the backup window. Default sun:08:30-sun:09:30.
    maintenance_window: str = DEFAULT_MAINTENANCE_WINDOW
    #: TCP port, 1150-65535 (RDS's range for PostgreSQL). Default 5432.
    port: int = DEFAULT_PORT
    #: Database created with the instance. Default: ``name`` with '-' as '_'.
    database_name: str | None = None
    #: Master user; its password is generated and kept in Secrets Manager by RDS. Default ``dbadmin``.
    master_username: str = "dbadmin"
    #: Refuse DeleteDBInstance. Default: the environment's ``Protections.deletion_protection`` (on in
    #: prod only); required in prod.
    deletion_protection: bool | None = None
    #: Performance Insights with its free 7-day retention, encrypted with the database's key.
    #: Default on: the first place to look when the database is slow, at no cost.
    performance_insights: bool = True
    #: Enhanced monitoring interval in seconds (0, 1, 5, 10, 15, 30, 60; 0 = off). Default: 60 in prod,
    #: off elsewhere (its OS metrics are billed as CloudWatch Logs ingestion).
    monitoring_interval_seconds: int | None = None
    #: Log statements slower than this many milliseconds (100-600000). Default 1000: slow queries,
    #: not every query (statement text can hold data; logs are billed per GB).
    log_min_duration_statement_ms: int = 1000
    #: Retention of the ``postgresql`` and ``upgrade`` log groups. Default: 365 days in prod, 30 elsewhere.
    log_retention_days: int | None = None
    #: EKS security groups for pods: each application that names this database gets its own "pods"
    #: security group, its pods are put into it (a SecurityGroupPolicy), and the database admits only
    #: those groups instead of the whole node group. Default off: it needs trunk-capable (Nitro,
    #: non-``t``) instance types in every workload node group, a trunk ENI takes one ENI slot per node,
    #: each such pod holds a branch ENI (a few per node on small types) and starts more slowly; the
    #: node-group rule plus the namespace's network policy already keep other pods out.
    pod_security_groups: bool = False

    def resolve(self, *, stage: str, protections: Protections | None = None) -> DatabaseSpec:
        """A copy with every ``None`` field replaced by ``stage``'s default, and
        ``deletion_protection`` by ``protections``' (default: the stage's protections)."""
        defaults = STAGE_DEFAULTS[require_stage("stage", stage)]
        if protections is None:
            protections = Protections.for_stage(Stage(stage))
        return dataclasses.replace(
            self,
            instance_class=_pick(self.instance_class, defaults.instance_class),
            allocated_storage_gib=_pick(self.allocated_storage_gib, defaults.allocated_storage_gib),
            max_allocated_storage_gib=_pick(self.max_allocated_storage_gib, defaults.max_allocated_storage_gib),
            backup_retention_days=_pick(self.backup_retention_days, defaults.backup_retention_days),
            multi_az=_pick(self.multi_az, defaults.multi_az),
            database_name=_pick(self.database_name, str(self.name).replace("-", "_")),
            deletion_protection=_pick(self.deletion_protection, protections.deletion_protection),
            monitoring_interval_seconds=_pick(self.monitoring_interval_seconds, defaults.monitoring_interval_seconds),
            log_retention_days=_pick(self.log_retention_days, default_log_retention_days(Stage(stage))),
        )

    @validated_once
    def validate(self, path: str, *, stage: str, name_prefix: str, protections: Protections | None = None) -> None:
        """Check every field of the spec as resolved for ``stage`` (and ``protections``, default the
        stage's); raises ConfigError."""
        require_stage(f"{path}.stage", stage)
        spec = self.resolve(stage=stage, protections=protections)
        require_dns_label(f"{path}.name", spec.name, max_length=30)
        identifier = f"{name_prefix}-{spec.name}"
        require(
            len(identifier) <= _MAX_IDENTIFIER and identifier[0].isalpha() and "--" not in identifier,
            f"{path}.name",
            f"makes the RDS identifier '{identifier}', which must start with a letter, avoid '--' and "
            f"fit {_MAX_IDENTIFIER} characters",
            spec.name,
            "shorten the database or project name",
        )
        require(
            isinstance(spec.engine_version, str) and spec.engine_version in SUPPORTED_POSTGRES_VERSIONS,
            f"{path}.engine_version",
            "must be a PostgreSQL major version in RDS standard support (reviewed 2026-12-02): "
            + ", ".join(f"{v} (until {end})" for v, end in SUPPORTED_POSTGRES_VERSIONS.items()),
            spec.engine_version,
            f"give the major version only, e.g. '{DEFAULT_ENGINE_VERSION}'; RDS patches the minor",
        )
        self._validate_sizing(path, spec, stage=Stage(stage))
        self._validate_windows(path, spec)
        require_range(f"{path}.port", spec.port, 1150, 65535, fix=f"use {DEFAULT_PORT}, PostgreSQL's port")
        require(
            isinstance(spec.database_name, str)
            and _PG_NAME.match(spec.database_name) is not None
            and spec.database_name not in _RESERVED_DATABASE_NAMES,
            f"{path}.database_name",
            "must be 1-63 lowercase letters, digits and '_', start with a letter, and not be "
            + ", ".join(_RESERVED_DATABASE_NAMES),
            spec.database_name,
            "use the application's name with '_' for '-', e.g. 'orders'",
        )
        require(
            isinstance(spec.master_username, str)
            and _PG_NAME.match(spec.master_username) is not None
            and not spec.master_username.startswith(_RESERVED_USER_PREFIXES)
            and spec.master_username != "postgres",
            f"{path}.master_username",
            "must be 1-63 lowercase letters, digits and '_', start with a letter, and not be 'postgres' "
            "or start with 'pg_' or 'rds' (names PostgreSQL and RDS reserve)",
            spec.master_username,
            "use a name such as 'dbadmin'",
        )
        require(
            spec.monitoring_interval_seconds in _MONITORING_INTERVALS
            and not isinstance(spec.monitoring_interval_seconds, bool),
            f"{path}.monitoring_interval_seconds",
            f"must be one of {', '.join(str(i) for i in _MONITORING_INTERVALS)} (0 turns enhanced monitoring off)",
            spec.monitoring_interval_seconds,
            "use 60, or 0 to turn it off",
        )
        require(
            spec.monitoring_interval_seconds == 0 or len(identifier) + len(MONITORING_ROLE_SUFFIX) <= _MAX_ROLE_NAME,
            f"{path}.name",
            f"makes the monitoring role name '{identifier}{MONITORING_ROLE_SUFFIX}' longer than "
            f"{_MAX_ROLE_NAME} characters",
            spec.name,
            "shorten the database name, or set monitoring_interval_seconds=0",
        )
        require_range(
            f"{path}.log_min_duration_statement_ms",
            spec.log_min_duration_statement_ms,
            100,
            600_000,
            fix="log statements slower than 100 ms to 10 minutes, e.g. 1000",
        )
        require_log_retention(f"{path}.log_retention_days", spec.log_retention_days, stage=Stage(stage))
        for flag in ("performance_insights", "pod_security_groups"):
            require(
                isinstance(getattr(spec, flag), bool),
                f"{path}.{flag}",
                "must be true or false",
                getattr(spec, flag),
                "use True or False",
            )

    @staticmethod
    def _validate_sizing(path: str, spec: DatabaseSpec, *, stage: Stage) -> None:
        require(
            isinstance(spec.instance_class, str) and _INSTANCE_CLASS.match(spec.instance_class) is not None,
            f"{path}.instance_class",
            "must be an RDS instance class",
            spec.instance_class,
            "use a class such as 'db.t4g.micro' or 'db.m7g.large'",
        )
        require(
            stage is not Stage.PROD or _BURSTABLE.match(str(spec.instance_class)) is None,
            f"{path}.instance_class",
            "must not be a burstable db.t* class in prod: when its CPU credits run out the database is throttled",
            spec.instance_class,
            "use a fixed-performance class such as 'db.m7g.large'",
        )
        allocated = require_range(
            f"{path}.allocated_storage_gib",
            spec.allocated_storage_gib,
            _MIN_STORAGE_GIB,
            _MAX_STORAGE_GIB,
            fix=f"allocate {_MIN_STORAGE_GIB} GiB (gp3's minimum on RDS) or more",
        )
        ceiling = -(-allocated * 11 // 10)  # 10 % above the allocation, rounded up
        require_range(
            f"{path}.max_allocated_storage_gib",
            spec.max_allocated_storage_gib,
            ceiling,
            _MAX_STORAGE_GIB,
            fix=f"set it at least 10 % above allocated_storage_gib ({allocated} GiB), e.g. {allocated * 2}",
        )
        retention = require_range(
            f"{path}.backup_retention_days",
            spec.backup_retention_days,
            1,
            _MAX_BACKUP_RETENTION_DAYS,
            fix="keep 1 to 35 days of automated backups (0 would turn point-in-time restore off)",
        )
        require(
            stage is not Stage.PROD or retention >= PRODUCTION_MIN_BACKUP_RETENTION_DAYS,
            f"{path}.backup_retention_days",
            f"must be at least {PRODUCTION_MIN_BACKUP_RETENTION_DAYS} days in prod",
            retention,
            "leave it unset for the prod default (14 days)",
        )
        for field_name in ("multi_az", "deletion_protection"):
            value = getattr(spec, field_name)
            require(
                isinstance(value, bool), f"{path}.{field_name}", "must be true or false", value, "use True or False"
            )
            require(
                stage is not Stage.PROD or value,
                f"{path}.{field_name}",
                "must be on in prod",
                value,
                f"leave {field_name} unset in prod",
            )

    @staticmethod
    def _validate_windows(path: str, spec: DatabaseSpec) -> None:
        backup = _backup_minutes(f"{path}.backup_window", spec.backup_window)
        maintenance = _maintenance_minutes(f"{path}.maintenance_window", spec.maintenance_window)
        require(
            backup.isdisjoint(maintenance),
            f"{path}.maintenance_window",
            f"must not overlap the daily backup window {spec.backup_window}",
            spec.maintenance_window,
            "start maintenance after the backup ends, e.g. 'sun:08:30-sun:09:30' with backups at 07:00-08:00",
        )


_T = TypeVar("_T")


def _pick(value: _T | None, default: _T) -> _T:
    return default if value is None else value


def _span(path: str, start: int, end: int, period: int, value: str, fix: str) -> range:
    length = (end - start) % period
    require(
        length >= _MIN_WINDOW_MINUTES,
        path,
        f"must last at least {_MIN_WINDOW_MINUTES} minutes",
        value,
        fix,
    )
    return range(start, start + length)


def _backup_minutes(path: str, window: object) -> frozenset[int]:
    """Minutes of the week (0 = Monday 00:00 UTC) the daily backup window covers."""
    fix = "write 'HH:MM-HH:MM' in UTC, at least 30 minutes long, e.g. '07:00-08:00'"
    match = _BACKUP_WINDOW.match(window) if isinstance(window, str) else None
    require(match is not None, path, "must be 'HH:MM-HH:MM' (UTC, 24-hour clock)", window, fix)
    assert match is not None and isinstance(window, str)
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    day = _span(path, h1 * 60 + m1, h2 * 60 + m2, _DAY_MINUTES, window, fix)
    return frozenset((d * _DAY_MINUTES + minute) % _WEEK_MINUTES for d in range(7) for minute in day)


def _maintenance_minutes(path: str, window: object) -> frozenset[int]:
    """Minutes of the week (0 = Monday 00:00 UTC) the weekly maintenance window covers."""
    fix = "write 'ddd:HH:MM-ddd:HH:MM' in UTC, at least 30 minutes long, e.g. 'sun:08:30-sun:09:30'"
    match = _MAINTENANCE_WINDOW.match(window) if isinstance(window, str) else None
    require(
        match is not None,
        path,
        "must be 'ddd:HH:MM-ddd:HH:MM' (UTC, lowercase three-letter days)",
        window,
        fix,
    )
    assert match is not None and isinstance(window, str)
    d1, h1, m1, d2, h2, m2 = match.groups()
    start = _DAYS.index(d1) * _DAY_MINUTES + int(h1) * 60 + int(m1)
    end = _DAYS.index(d2) * _DAY_MINUTES + int(h2) * 60 + int(m2)
    week = _span(path, start, end, _WEEK_MINUTES, window, fix)
    return frozenset(minute % _WEEK_MINUTES for minute in week)
