"""An environment's PostgreSQL database: RDS for PostgreSQL, private, encrypted, TLS-only, backed up.

Why RDS for PostgreSQL and not Aurora PostgreSQL
------------------------------------------------
* **Cost at our sizes.** Aurora's smallest provisioned class is db.t4g.medium (4 GiB), about four
  times dev's db.t4g.micro, and Aurora Standard bills every I/O on top (I/O-Optimized instead raises
  the instance and storage price). Dev and staging would pay for capacity they never use. RDS runs
  dev on db.t4g.micro and staging on db.t4g.small with gp3 storage whose baseline 3,000 IOPS are free.
* **Availability is enough.** A Multi-AZ RDS instance keeps a synchronous standby in a second AZ and
  fails over in one to two minutes, which meets the platform's needs. Aurora's faster failover and up
  to 15 readers pay off for read-heavy or very large databases; the reference applications are neither.
* **One shape everywhere.** dev, staging and prod run the same engine, parameter group and features;
  only sizes differ. Aurora Serverless v2 can scale to zero, but resumes take seconds, and it is a
  second shape to operate.
* **The way out stays open.** An RDS for PostgreSQL instance can later be migrated to Aurora with an
  Aurora read replica and a promotion, with minutes of downtime, if the load ever calls for it.

What the construct creates (``PostgresDatabase``):

* a KMS key (rotated) for the storage, automated backups and snapshots, the RDS-managed master
  secret, Performance Insights and the two log groups;
* a security group admitting the port only from the given source security groups (the node group,
  unless security groups for pods are on) and, per application in
  ``pod_security_group_applications`` (or added with ``add_pod_security_group``), from a dedicated
  "pods" group for EKS security groups for pods (the SecurityGroupPolicy that puts the application's
  pods into it is the application's, see ``apps.Application``). No CIDR rule, no egress rule;
* a parameter group that refuses connections without TLS (``rds.force_ssl``) and logs slow
  statements, DDL, connections and disconnections, lock waits, large temporary files and long
  autovacuum runs;
* the ``postgresql`` and ``upgrade`` log groups before the instance, so RDS does not create them with
  unlimited retention and without encryption;
* the DB instance in the network tier's DB subnet group: gp3, encrypted, ``manage_master_user_password``
  (RDS generates and rotates the password in Secrets Manager: no password in state or JSON), IAM
  database authentication, automated backups, automatic minor upgrades, tags copied to snapshots;
* enhanced monitoring (and its role) when ``monitoring_interval_seconds`` is not 0.

Stage-dependent protections: in prod, Multi-AZ, deletion protection, ``prevent_destroy`` on the
instance and its key, a final snapshot on deletion, automated backups kept after deletion, changes
applied in the maintenance window (``apply_immediately`` false) and RDS Extended Support allowed (a
major upgrade is never forced on prod). Elsewhere no final snapshot: dev and staging data is
re-creatable test data, a final snapshot would be paid for until someone deletes it by hand, and its
fixed name would make the next destroy of a re-created environment fail. Outside prod Extended
Support is off, so an end-of-support major is upgraded by RDS instead of silently billed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from cdktf import TerraformResourceLifecycle
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.db_instance import DbInstance
from cdktf_cdktf_provider_aws.db_parameter_group import DbParameterGroup, DbParameterGroupParameter
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_security_group_egress_rule import VpcSecurityGroupEgressRule
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from constructs_lib.data.config import (
    MONITORING_ROLE_SUFFIX,
    DatabaseSpec,
    parameter_group_family,
)
from constructs_lib.iam import policy_document, statement
from constructs_lib.protections import Protections, Stage, require_protections, require_stage_member
from constructs_lib.security import AwsContext, KmsKey, KmsKeyProps
from constructs_lib.stack import NAME_PREFIX, PROTECTIONS, STAGE, from_environment
from constructs_lib.validation import (
    parse_network,
    require,
    require_dns_label,
    require_name_prefix,
    require_security_group_id,
    require_unique,
)

__all__ = [
    "CA_CERTIFICATE",
    "LOG_EXPORTS",
    "PERFORMANCE_INSIGHTS_RETENTION_DAYS",
    "PostgresDatabase",
    "PostgresDatabaseProps",
    "postgres_parameters",
]

#: Logs RDS exports to CloudWatch: the server log (errors, slow statements, connections) and the
#: major-version upgrade log.
LOG_EXPORTS: tuple[str, ...] = ("postgresql", "upgrade")
#: Performance Insights' free retention.
PERFORMANCE_INSIGHTS_RETENTION_DAYS = 7
#: The RSA-2048 CA valid until 2061 (the default for new instances, pinned so the JSON says which
#: chain clients must trust).
CA_CERTIFICATE = "rds-ca-rsa2048-g1"


def postgres_parameters(spec: DatabaseSpec) -> dict[str, str]:
    """The parameter group's settings for a resolved ``spec`` (all dynamic: no reboot needed).

    * ``rds.force_ssl = 1``: connections without TLS are refused (clients use ``sslmode=verify-full``
      with the RDS CA bundle);
    * ``log_min_duration_statement``: statements slower than ``log_min_duration_statement_ms``;
    * ``log_statement = ddl``: who changed the schema and when (create roles with psql's
      ``\\password``, which sends a hash, so no clear-text password reaches the log);
    * ``log_connections``, ``log_disconnections``: who connected from where, for how long;
    * ``log_lock_waits``: sessions waiting longer than ``deadlock_timeout`` (1 s) for a lock;
    * ``log_temp_files = 10240``: queries spilling more than 10 MiB to disk (``work_mem`` too small);
    * ``log_autovacuum_min_duration = 10000``: autovacuum runs longer than 10 s (bloat, wraparound).
    """
    return {
        "rds.force_ssl": "1",
        "log_min_duration_statement": str(spec.log_min_duration_statement_ms),
        "log_statement": "ddl",
        "log_connections": "1",
        "log_disconnections": "1",
        "log_lock_waits": "1",
        "log_temp_files": "10240",
        "log_autovacuum_min_duration": "10000",
    }


@dataclass(frozen=True, kw_only=True)
class PostgresDatabaseProps:
    """Everything one database needs from the environment and the network tier."""

    spec: DatabaseSpec
    #: The environment's stage: picks the sizing defaults (``data.config.STAGE_DEFAULTS``, keyed by
    #: ``stage.value``) and the policy (``data.config``). Default None: the stack's environment's
    #: (``config.stage``); outside an ``EnvironmentStack`` a ConfigError.
    stage: Stage | None = None
    #: ``prevent_destroy`` on the instance, its key, parameter group and log groups; the final snapshot
    #: and kept automated backups; ``apply_immediately``; RDS extended support; the key's deletion
    #: window; deletion protection unless ``spec.deletion_protection`` is set. Default None: the
    #: stack's environment's (``config.resolved_protections``); outside an ``EnvironmentStack`` a
    #: ConfigError, so a prod database wired by hand never gets dev protections by omission.
    protections: Protections | None = None
    #: Environment prefix of every AWS name, e.g. ``eks-platform-prod``. Default None: the stack's
    #: environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: The network tier's ``vpc_id``.
    vpc_id: str
    #: The network tier's ``db_subnet_group_name`` (isolated database subnets, no internet route).
    db_subnet_group_name: str
    #: CIDRs of the database subnets (``plan.cidrs(Tier.DATABASE)`` values), exposed again as
    #: ``database_subnet_cidrs`` for the network policies that let pods reach the database.
    database_subnet_cidrs: tuple[str, ...]
    #: Security groups allowed to connect, by a short name used in the rule's id (never a position),
    #: e.g. ``{"nodes": network.node_security_group_id}``. At least one, unless
    #: ``pod_security_group_applications`` names one (then only those pods get in).
    source_security_group_ids: Mapping[str, str]
    #: Applications that get their own "pods" security group admitted to the database (EKS security
    #: groups for pods). Default none: pods then reach it through the node group's rule.
    pod_security_group_applications: tuple[str, ...] = ()
    #: Path of ``spec`` in error messages, e.g. ``prod.database``.
    path: str = "database"

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_subnet_cidrs", tuple(self.database_subnet_cidrs))
        object.__setattr__(self, "pod_security_group_applications", tuple(self.pod_security_group_applications))
        object.__setattr__(self, "source_security_group_ids", MappingProxyType(dict(self.source_security_group_ids)))


class PostgresDatabase(Construct):
    """One RDS for PostgreSQL instance with its key, security groups, parameter group and log groups.

    Typed attributes for the wiring:

    * ``endpoint`` (host name), ``port`` (int), ``database_name``, ``master_username``
    * ``master_user_secret_arn``: the RDS-managed Secrets Manager secret (JSON ``username``/``password``)
    * ``security_group_id``, ``pod_security_group_ids`` (application -> group id)
    * ``kms_key_arn``, ``identifier``, ``arn``, ``resource_id`` (for ``rds-db:connect`` IAM policies)
    * ``database_subnet_cidrs`` (for network-policy egress), ``parameter_group_name``, ``spec`` (resolved)
    """

    def __init__(self, scope: Construct, id: str, *, props: PostgresDatabaseProps) -> None:
        # Validate everything before the first resource exists.
        path = props.path
        # The database's config speaks the stage's value (the keys of STAGE_DEFAULTS, as in config files).
        stage = require_stage_member(
            f"{path}.stage", from_environment(scope, f"{path}.stage", props.stage, STAGE)
        ).value
        name_prefix = from_environment(scope, f"{path}.name_prefix", props.name_prefix, NAME_PREFIX)
        require_name_prefix(f"{path}.name_prefix", name_prefix)
        protections = require_protections(
            f"{path}.protections", from_environment(scope, f"{path}.protections", props.protections, PROTECTIONS)
        )
        props.spec.validate(path, stage=stage, name_prefix=name_prefix, protections=protections)
        spec = props.spec.resolve(stage=stage, protections=protections)
        _validate_wiring(props)
        identifier = f"{name_prefix}-{spec.name}"
        monitoring = spec.monitoring_interval_seconds or 0
        super().__init__(scope, id)
        self.spec = spec
        self.identifier: str = identifier
        self.port: int = spec.port
        self.database_name: str = str(spec.database_name)
        self.master_username: str = spec.master_username
        self.database_subnet_cidrs: tuple[str, ...] = props.database_subnet_cidrs
        protect = protections.lifecycle()
        log_group_prefix = f"/aws/rds/instance/{identifier}/"

        self.key = KmsKey(
            self,
            "key",
            props=KmsKeyProps(
                alias=f"{name_prefix}/rds-{spec.name}",
                description=f"Encrypts RDS database {identifier}: storage, backups, master secret, logs",
                protections=protections,
                log_group_name_prefixes=[log_group_prefix],
            ),
        )
        self.kms_key_arn: str = self.key.key_arn

        group = SecurityGroup(
            self,
            "security-group",
            name=f"{identifier}-postgres",
            description=f"PostgreSQL {identifier}: the port from the listed security groups only",
            vpc_id=props.vpc_id,
            tags={"Name": f"{identifier}-postgres"},
        )
        self.security_group_id: str = group.id
        for name, source in props.source_security_group_ids.items():
            VpcSecurityGroupIngressRule(
                self,
                f"ingress-from-{name}",
                security_group_id=group.id,
                description=f"PostgreSQL from the {name} security group",
                ip_protocol="tcp",
                from_port=spec.port,
                to_port=spec.port,
                referenced_security_group_id=source,
            )
        self._vpc_id = props.vpc_id
        self._pod_groups: dict[str, str] = {}
        #: Application -> its "pods" security group id (read-only view; grows with add_pod_security_group).
        self.pod_security_group_ids: Mapping[str, str] = MappingProxyType(self._pod_groups)
        for app in props.pod_security_group_applications:
            self.add_pod_security_group(app)

        family = parameter_group_family(spec.engine_version)
        parameters = DbParameterGroup(
            self,
            "parameters",
            # The family is in the name: a major upgrade creates the new group before the old one goes.
            name=f"{identifier}-{family}",
            family=family,
            description=f"TLS-only PostgreSQL with platform logging for {identifier}",
            parameter=[DbParameterGroupParameter(name=k, value=v) for k, v in postgres_parameters(spec).items()],
            # With prevent_destroy (prod), like every stateful resource: a major upgrade (a new family)
            # is then a deliberate two-step change, as major upgrades should be.
            lifecycle=TerraformResourceLifecycle(
                create_before_destroy=True, prevent_destroy=protections.prevent_destroy or None
            ),
        )
        self.parameter_group_name: str = parameters.name

        log_groups = [
            CloudwatchLogGroup(
                self,
                f"log-{log}",
                name=f"{log_group_prefix}{log}",
                retention_in_days=spec.log_retention_days,
                kms_key_id=self.key.key_arn,
                lifecycle=protect,
            )
            for log in LOG_EXPORTS
        ]

        monitoring_role_arn: str | None = None
        if monitoring:
            monitoring_role_arn = self._monitoring_role(identifier)

        self.instance = DbInstance(
            self,
            "instance",
            identifier=identifier,
            engine="postgres",
            engine_version=spec.engine_version,
            instance_class=str(spec.instance_class),
            # gp3: 3,000 IOPS and 125 MiB/s included at any size, cheaper per GiB than gp2.
            storage_type="gp3",
            allocated_storage=spec.allocated_storage_gib,
            max_allocated_storage=spec.max_allocated_storage_gib,
            storage_encrypted=True,
            kms_key_id=self.key.key_arn,
            db_name=self.database_name,
            username=spec.master_username,
            manage_master_user_password=True,
            master_user_secret_kms_key_id=self.key.key_arn,
            port=spec.port,
            db_subnet_group_name=props.db_subnet_group_name,
            vpc_security_group_ids=[group.id],
            parameter_group_name=parameters.name,
            ca_cert_identifier=CA_CERTIFICATE,
            publicly_accessible=False,
            multi_az=spec.multi_az,
            backup_retention_period=spec.backup_retention_days,
            backup_window=spec.backup_window,
            maintenance_window=spec.maintenance_window,
            copy_tags_to_snapshot=True,
            # With final_snapshot (prod) the automated backups outlive a deletion for their retention.
            delete_automated_backups=not protections.final_snapshot,
            deletion_protection=spec.deletion_protection,
            skip_final_snapshot=not protections.final_snapshot,
            final_snapshot_identifier=f"{identifier}-final" if protections.final_snapshot else None,
            iam_database_authentication_enabled=True,
            enabled_cloudwatch_logs_exports=list(LOG_EXPORTS),
            auto_minor_version_upgrade=True,
            allow_major_version_upgrade=False,
            # apply_immediately (dev, staging): a change lands now; else it waits for the maintenance window.
            apply_immediately=protections.apply_immediately,
            engine_lifecycle_support=(
                "open-source-rds-extended-support"
                if protections.extended_support
                else "open-source-rds-extended-support-disabled"
            ),
            performance_insights_enabled=spec.performance_insights,
            performance_insights_kms_key_id=self.key.key_arn if spec.performance_insights else None,
            performance_insights_retention_period=(
                PERFORMANCE_INSIGHTS_RETENTION_DAYS if spec.performance_insights else None
            ),
            monitoring_interval=monitoring,
            monitoring_role_arn=monitoring_role_arn,
            tags={"Name": identifier},
            lifecycle=protect,
            depends_on=list(log_groups),
        )
        self.endpoint: str = self.instance.address
        self.arn: str = self.instance.arn
        self.resource_id: str = self.instance.resource_id
        self.master_user_secret_arn: str = self.instance.master_user_secret.get(0).secret_arn

    def add_pod_security_group(self, app: str) -> str:
        """A "pods" security group for ``app`` (construct ``pods-<app>``): it may reach the database
        port, and the database admits it. Returns its id (also in ``pod_security_group_ids``).

        It has no ingress rule on purpose: the SecurityGroupPolicy lists it together with the node
        security group, and a pod's branch ENI admits what any of its groups admits, so the node
        group's rules keep letting in the ALB (target ports), peers and nodes (node to node) and the
        control plane. In ``standard`` enforcing mode same-node traffic (kubelet probes) bypasses the
        pod's groups anyway. This group only adds what the node group no longer has: the database.
        """
        path = f"add_pod_security_group({app})"
        require_dns_label(path, app)
        require(app not in self._pod_groups, path, "is already admitted", app, "add each application once")
        identifier = self.identifier
        database_group_id = self.security_group_id
        name = f"{identifier}-pods-{app}"
        pods = SecurityGroup(
            self,
            f"pods-{app}",
            name=name,
            description=f"Pods of {app} that use PostgreSQL {identifier} (EKS security groups for pods)",
            vpc_id=self._vpc_id,
            tags={"Name": name},
        )
        VpcSecurityGroupEgressRule(
            self,
            f"pods-{app}-egress",
            security_group_id=pods.id,
            description=f"{app} pods to PostgreSQL {identifier}",
            ip_protocol="tcp",
            from_port=self.port,
            to_port=self.port,
            referenced_security_group_id=database_group_id,
        )
        VpcSecurityGroupIngressRule(
            self,
            f"pods-{app}-ingress",
            security_group_id=database_group_id,
            description=f"PostgreSQL from the {app} pods security group",
            ip_protocol="tcp",
            from_port=self.port,
            to_port=self.port,
            referenced_security_group_id=pods.id,
        )
        self._pod_groups[app] = str(pods.id)
        return str(pods.id)

    def _monitoring_role(self, identifier: str) -> str:
        """The role RDS enhanced monitoring publishes OS metrics with (AWS's managed policy)."""
        context = AwsContext.of(self)
        role = IamRole(
            self,
            "monitoring-role",
            name=f"{identifier}{MONITORING_ROLE_SUFFIX}",
            description=f"RDS enhanced monitoring of {identifier}",
            assume_role_policy=policy_document(
                statement(
                    "RdsMonitoringAssumesRole",
                    ["sts:AssumeRole"],
                    principals={"Service": "monitoring.rds.amazonaws.com"},
                    # Only on behalf of this account (confused-deputy protection).
                    conditions={"StringEquals": {"aws:SourceAccount": context.account_id}},
                )
            ),
        )
        IamRolePolicyAttachment(
            self,
            "monitoring-policy",
            role=role.name,
            policy_arn=f"arn:{context.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
        )
        return str(role.arn)


def _validate_wiring(props: PostgresDatabaseProps) -> None:
    """The props that come from the network tier and the wiring, not from the spec."""
    path = props.path
    sources = props.source_security_group_ids
    require(
        len(sources) > 0 or len(props.pod_security_group_applications) > 0,
        f"{path}.source_security_group_ids",
        "must name at least one security group allowed to connect (or pod_security_group_applications one application)",
        dict(sources),
        "pass {'nodes': network.node_security_group_id}",
    )
    for name, group_id in sources.items():
        require_dns_label(f"{path}.source_security_group_ids.{name}", name, max_length=40)
        # Groups, never CIDRs: the database admits only what it can name.
        require_security_group_id(
            f"{path}.source_security_group_ids.{name}",
            group_id,
            fix="pass a group's id attribute, e.g. network.node_security_group_id",
        )
    cidrs = props.database_subnet_cidrs
    require(
        len(cidrs) >= 2,
        f"{path}.database_subnet_cidrs",
        "must list the DB subnet group's subnets, at least two (RDS requires two AZs)",
        list(cidrs),
        "pass list(network.plan.cidrs(Tier.DATABASE).values())",
    )
    for index, cidr in enumerate(cidrs):
        parse_network(f"{path}.database_subnet_cidrs[{index}]", cidr)
    require_unique(f"{path}.database_subnet_cidrs", cidrs, "subnet CIDR")
    for index, app in enumerate(props.pod_security_group_applications):
        require_dns_label(f"{path}.pod_security_group_applications[{index}]", app)
    require_unique(f"{path}.pod_security_group_applications", props.pod_security_group_applications, "application")
    for name in ("vpc_id", "db_subnet_group_name"):
        value = getattr(props, name)
        require(
            isinstance(value, str) and len(value) > 0,
            f"{path}.{name}",
            "must be the network tier's attribute",
            value,
            f"pass network.{name}",
        )
