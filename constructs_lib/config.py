"""The environment model: one typed, validated description of an environment.

Why frozen dataclasses (and not pydantic)
-----------------------------------------
* No runtime dependency beyond cdktf: ``pip install`` of the library pulls nothing else.
* Every rule is ours, so every message has the same shape (field path, rule, value, fix) and one
  type, :class:`~constructs_lib.errors.ConfigError`; pydantic would need a translation layer.
* ``mypy --strict`` understands them natively, and ``frozen=True`` plus copied collections mean two
  stacks never share mutable state.

Environments are data: ``stacks/environments.py`` holds three *instances* (dev, staging, prod) of
:class:`EnvironmentConfig`; :func:`load_environments` reads the same model from a JSON or TOML file.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.cluster.config import (
    ClusterConfig,
    NodeGroupSpec,
    NodeRole,
    system_node_group,
    validate_node_groups,
)
from constructs_lib.data.config import DatabaseSpec, require_application_bucket_name, require_pod_security_group_support
from constructs_lib.errors import ConfigError
from constructs_lib.network.capacity import check_ip_capacity
from constructs_lib.network.config import NetworkConfig
from constructs_lib.platform.config import AddonsConfig, require_application_namespaces
from constructs_lib.protections import Protections, Stage, require_prod_protections
from constructs_lib.registry.config import RegistryConfig, RepositorySpec
from constructs_lib.validation import (
    enum_file_name,
    field_hints,
    frozen_mapping,
    frozen_tuple,
    max_items,
    memo,
    parse_acm_certificate_arn,
    require,
    require_account_id,
    require_dns_label,
    require_region,
    require_shape,
    require_tags,
    require_unique,
)

__all__ = [
    "MAX_CONFIG_FILE_BYTES",
    "MAX_ENVIRONMENTS",
    "MAX_NESTING_DEPTH",
    "EnvironmentConfig",
    "Protections",
    "Stage",
    "StateBackend",
    "from_dict",
    "load_environments",
    "to_dict",
]

#: The EKS managed add-ons every environment's cluster runs (the cluster's own and the EBS CSI driver).
MANAGED_ADDONS = ("vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver")

#: Tags every AWS resource gets from the provider's default_tags; config tags may not override them.
STANDARD_TAG_KEYS = ("environment", "project", "managed-by")

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z", re.ASCII)
_KEY_PREFIX = re.compile(r"^[A-Za-z0-9!_.*'()/-]{1,200}\Z", re.ASCII)


@dataclass(frozen=True)
class StateBackend:
    """Remote terraform state in S3, one key per environment, locked with S3's native lock file."""

    #: An existing, versioned S3 bucket (create it once, outside this stack).
    bucket: str
    #: Key prefix; the state lives at ``<key_prefix>/<environment>/terraform.tfstate``.
    key_prefix: str = "eks-platform"
    #: Region of the bucket. Default: the environment's region.
    region: str | None = None

    def validate(self, path: str) -> None:
        """Check the bucket name and key prefix; raises ConfigError."""
        require(
            isinstance(self.bucket, str) and _BUCKET.match(self.bucket) is not None and ".." not in self.bucket,
            f"{path}.bucket",
            "must be an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-'",
            self.bucket,
            "use the name of the existing state bucket, e.g. 'acme-terraform-state'",
        )
        require(
            isinstance(self.key_prefix, str)
            and _KEY_PREFIX.match(self.key_prefix) is not None
            and not self.key_prefix.startswith("/")
            and not self.key_prefix.endswith("/"),
            f"{path}.key_prefix",
            "must be a relative S3 key prefix without leading or trailing '/'",
            self.key_prefix,
            "use a prefix such as 'eks-platform'",
        )
        if self.region is not None:
            require_region(f"{path}.region", self.region)


@dataclass(frozen=True)
class EnvironmentConfig:
    """Everything that distinguishes one environment (dev, staging, prod, ...) from another."""

    #: Environment name: the cdktf stack name and part of every AWS resource name.
    name: str
    #: Stage: the rules the config must pass (prod's are stricter) and, unless ``protections`` is set,
    #: the protections of its resources (``Protections.for_stage``).
    stage: Stage
    #: AWS region code.
    region: str
    #: The VPC: CIDR, availability zones, NAT, endpoints, bastion.
    network: NetworkConfig
    #: Project name, the first part of every AWS resource name (``<project>-<name>-...``).
    project: str = "eks-platform"
    #: Account the stack may deploy into (``allowed_account_ids``). Default: unchecked.
    account_id: str | None = None
    #: The EKS control plane. Default: Kubernetes 1.35, private endpoint only, API authentication.
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    #: The node-group matrix (at least one group, at most 30: EKS's quota per cluster).
    node_groups: tuple[NodeGroupSpec, ...] = ()
    #: ECR repositories, named ``<project>-<name>/<repository>``. Default none.
    repositories: tuple[RepositorySpec, ...] = ()
    #: Registry-wide settings: default lifecycle rules, encryption, cross-account pull, pull-through cache.
    registry: RegistryConfig = field(default_factory=RegistryConfig)
    #: Application workloads, one namespace each. Default none.
    applications: tuple[ApplicationSpec, ...] = ()
    #: Helm add-ons and their options. Default: load balancer controller, cluster autoscaler,
    #: metrics-server and external-secrets.
    addons: AddonsConfig = field(default_factory=AddonsConfig)
    #: Extra tags on every AWS resource (after environment, project and managed-by).
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Remote state. Default: local state (``terraform.<name>.tfstate``) and a printed notice.
    state: StateBackend | None = None
    #: The environment's PostgreSQL database (RDS, in the database subnets, reachable from the nodes
    #: on its port); applications name it in ``ApplicationSpec.database``. Sizes left unset take the
    #: stage's defaults (``data.config.STAGE_DEFAULTS``). Default None: no database, no cost.
    database: DatabaseSpec | None = None
    #: How the environment's resources behave on destroy, replacement and change (``prevent_destroy``,
    #: deletion protection, ...), all eight fields at once. Default None: the stage's reviewed defaults
    #: (``Protections.for_stage``). Prod may raise any of them but not lower those that guard data
    #: (``protections.GUARDED_IN_PROD``).
    protections: Protections | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", frozen_mapping(self.tags))
        for name in ("node_groups", "repositories", "applications"):
            object.__setattr__(self, name, frozen_tuple(getattr(self, name)))

    @property
    def production(self) -> bool:
        """True for the PROD stage: the stage's policy (rules and config defaults), never a protection."""
        return self.stage is Stage.PROD

    @property
    def resolved_protections(self) -> Protections:
        """``protections``, or the stage's defaults when it is unset: what every construct is given."""
        return self.protections if self.protections is not None else Protections.for_stage(self.stage)

    @property
    def prefix(self) -> str:
        """``<project>-<name>``: the start of every AWS resource name, unique per environment."""
        return f"{self.project}-{self.name}"

    def validate(self) -> None:
        """Check every rule of every section; raises the first ConfigError found.

        Paths start with the environment name, e.g. ``prod.node_groups[1].max_size``. A config that
        passed is remembered as valid (it is frozen, and its collections are copies), so the callers
        that ask again (``load_environments``, ``main.py``, ``build_app``, ``EnvironmentStack``) cost
        nothing; ``dataclasses.replace`` makes a new config, checked afresh.
        """
        if memo(self).get("valid"):
            return
        usable = isinstance(self.name, str) and 0 < len(self.name) <= 63 and self.name.isprintable()
        path = self.name if usable else "environment"
        # Types, collection sizes and strings first: every later rule may then trust them.
        require_shape(path, self, EnvironmentConfig)
        require_dns_label(f"{path}.name", self.name, max_length=12)
        require(
            isinstance(self.stage, Stage),
            f"{path}.stage",
            "must be one of dev, staging, prod",
            self.stage,
            "use Stage.DEV, Stage.STAGING or Stage.PROD",
        )
        require_dns_label(f"{path}.project", self.project, max_length=20)
        require_region(f"{path}.region", self.region)
        if self.account_id is not None:
            require_account_id(f"{path}.account_id", self.account_id)
        require_tags(f"{path}.tags", self.tags)
        for key in STANDARD_TAG_KEYS:
            require(
                key not in self.tags,
                f"{path}.tags.{key}",
                "is set by the stack itself (environment, project, managed-by) and cannot be overridden",
                self.tags.get(key),
                f"remove `{key}` from tags",
            )
        if self.state is not None:
            self.state.validate(f"{path}.state")
        if self.protections is not None:
            self.protections.validate(f"{path}.protections")
            if self.stage is Stage.PROD:
                require_prod_protections(f"{path}.protections", self.protections)
        self.network.validate(f"{path}.network", region=self.region, stage=self.stage)
        self.cluster.validate(f"{path}.cluster", stage=self.stage)
        self._validate_deployment(path)

        validate_node_groups(f"{path}.node_groups", self.node_groups, cluster_name=self.prefix)
        check_ip_capacity(
            self.network,
            self.node_groups,
            path=f"{path}.network",
            region=self.region,
            node_groups_path=f"{path}.node_groups",
        )

        for index, repository in enumerate(self.repositories):
            repository.validate(f"{path}.repositories[{index}]", stage=self.stage)
        require_unique(f"{path}.repositories", (r.name for r in self.repositories), "repository name")
        self.registry.validate(f"{path}.registry", stage=self.stage, name_prefix=self.prefix)

        self.addons.validate(f"{path}.addons")
        require(
            not self.addons.karpenter or system_node_group(self.node_groups) is not None,
            f"{path}.addons.karpenter",
            "needs a SYSTEM node group: Karpenter's controller runs on managed nodes, never on nodes it launches",
            [g.name for g in self.node_groups],
            "add NodeGroupSpec(..., role=NodeRole.SYSTEM) to node_groups",
        )
        if self.database is not None:
            self.database.validate(
                f"{path}.database",
                stage=self.stage.value,
                name_prefix=self.prefix,
                protections=self.resolved_protections,
            )
            require_pod_security_group_support(
                f"{path}.database",
                self.database,
                node_groups=self.node_groups,
                node_groups_path=f"{path}.node_groups",
                users=[a.name for a in self.applications if a.database is not None],
            )
        self._validate_applications(path)
        memo(self)["valid"] = True

    def _validate_deployment(self, path: str) -> None:
        """What a first apply needs: a way to the API server, a fixed deployer and admin, shared state,
        and (where pinned) a version for every managed add-on."""
        cluster = self.cluster
        require(
            cluster.declares_deploy_access,
            f"{path}.cluster",
            "must declare how the machine that runs terraform reaches the API server (the stack installs "
            "Helm charts and Kubernetes objects in the same apply)",
            None,
            "set endpoint_public_access=True with public_access_cidrs=(<runner egress CIDR>,), or "
            "private_access_cidrs / private_access_security_group_ids for a runner inside the VPC",
        )
        if self.stage is not Stage.DEV:
            stage = self.stage.value
            require(
                cluster.deployer_principal_arn is not None,
                f"{path}.cluster.deployer_principal_arn",
                f"is required in {stage}: without it cluster-admin follows whoever ran the last apply",
                None,
                "name the role terraform runs as, e.g. 'arn:aws:iam::<account>:role/ci-deployer'",
            )
            require(
                len(cluster.admin_principal_arns) > 0,
                f"{path}.cluster.admin_principal_arns",
                f"must name at least one admin in {stage} (a stable admin or break-glass role besides the deployer)",
                [],
                "add e.g. 'arn:aws:iam::<account>:role/platform-admin'",
            )
            require(
                self.state is not None,
                f"{path}.state",
                f"is required in {stage}: local state lives on one machine, unlocked and unshared",
                None,
                "set state=StateBackend(bucket=...) (create the bucket once with `make state-bucket`)",
            )
        cluster.require_pinned_addons(f"{path}.cluster", MANAGED_ADDONS, stage=self.stage)

    def _validate_applications(self, path: str) -> None:
        """Each application on its own, then against the repositories, add-ons and each other.

        Linear in the number of applications: the sets are built once, and a fix message that
        lists names is only built when its rule fails.
        """
        repositories = {r.name for r in self.repositories}
        names = [a.name for a in self.applications]
        known = set(names)
        for index, application in enumerate(self.applications):
            at = f"{path}.applications[{index}]"
            application.validate(at, stage=self.stage)
            if application.repository not in repositories:
                raise ConfigError(
                    f"{at}.repository",
                    "must name one of the environment's repositories",
                    application.repository,
                    f"use one of {sorted(repositories)} or add the repository",
                )
            for peer_index, peer in enumerate(application.allowed_peers):
                if peer not in known:
                    raise ConfigError(
                        f"{at}.allowed_peers[{peer_index}]",
                        "must name another application of this environment",
                        peer,
                        f"use one of {sorted(known - {application.name})}",
                    )
            for secret_index, secret in enumerate(application.secrets):
                require(
                    secret.remote_key.startswith(f"{self.prefix}/"),
                    f"{at}.secrets[{secret_index}].remote_key",
                    f"must start with the environment prefix '{self.prefix}/' (external-secrets reads nothing else)",
                    secret.remote_key,
                    f"store the secret as '{self.prefix}/{application.name}/...'",
                )
            require(
                not application.secrets or self.addons.external_secrets,
                f"{at}.secrets",
                "need the external_secrets add-on, which syncs them from Secrets Manager",
                [s.name for s in application.secrets],
                "set addons.external_secrets=True or remove the secrets",
            )
            require(
                application.ingress is None or self.addons.aws_load_balancer_controller,
                f"{at}.ingress",
                "needs the aws_load_balancer_controller add-on, which provisions the ALB",
                application.ingress.host if application.ingress else None,
                "set addons.aws_load_balancer_controller=True or remove the ingress",
            )
            if application.node_group is not None:
                groups = {group.name: group for group in self.node_groups}
                group = groups.get(application.node_group)
                require(
                    group is not None and group.role is not NodeRole.SYSTEM and bool(group.labels),
                    f"{at}.node_group",
                    "must name a labelled, non-SYSTEM node group of this environment (its labels select it)",
                    application.node_group,
                    f"use one of {sorted(n for n, g in groups.items() if g.role is not NodeRole.SYSTEM and g.labels)}",
                )
            low, high = self.network.node_target_ports
            require(
                application.ingress is None or low <= application.port <= high,
                f"{at}.port",
                f"must lie in network.node_target_ports ({low}-{high}): the ALB reaches the pods on it",
                application.port,
                "widen network.node_target_ports or move the application's port into the range",
            )
            if application.ingress is not None and application.ingress.certificate_arn is not None:
                self._validate_certificate(f"{at}.ingress.certificate_arn", application.ingress.certificate_arn)
            self._validate_data_access(at, application)
            require(
                not application.needs_aws or len(f"{self.prefix}-app-{application.name}") <= 64,
                f"{at}.name",
                f"makes the IAM role name '{self.prefix}-app-{application.name}' longer than 64 characters",
                application.name,
                "shorten the application or project name",
            )
        require_unique(f"{path}.applications", names, "application name")
        require_application_namespaces(f"{path}.applications", names)

    def _validate_data_access(self, at: str, application: ApplicationSpec) -> None:
        """An application's ``database`` names the environment's database; its bucket name fits S3."""
        if application.database is not None:
            database = self.database
            require(
                database is not None and application.database == database.name,
                f"{at}.database",
                "must name the environment's database"
                + (f" '{database.name}'" if database is not None else ", and this environment has none"),
                application.database,
                f"use '{database.name}'" if database is not None else "add database=DatabaseSpec(...) or remove it",
            )
            require(
                self.addons.external_secrets,
                f"{at}.database",
                "needs the external_secrets add-on, which syncs the database credentials from Secrets Manager",
                application.database,
                "set addons.external_secrets=True or remove the database",
            )
        if application.bucket:
            require_application_bucket_name(f"{at}.bucket", name_prefix=self.prefix, app_name=application.name)

    def _validate_certificate(self, path: str, arn: str) -> None:
        """An ALB listener takes only an ACM certificate of its own region (and, with ``account_id``, account)."""
        certificate = parse_acm_certificate_arn(path, arn)
        require(
            certificate.partition == "aws",
            path,
            "must be an ACM certificate of the commercial partition (arn:aws:...), like the environment's region",
            arn,
            f"use a certificate ARN of the form 'arn:aws:acm:{self.region}:<account>:certificate/<uuid>'",
        )
        require(
            certificate.region == self.region,
            path,
            f"must be an ACM certificate in the environment's region {self.region} (an ALB takes only "
            f"certificates of its own region; this one is in {certificate.region})",
            arn,
            f"request or import the certificate in {self.region} and use that ARN",
        )
        require(
            self.account_id is None or certificate.account == self.account_id,
            path,
            f"must be an ACM certificate of the environment's account {self.account_id} (this one belongs "
            f"to {certificate.account})",
            arn,
            f"use a certificate of account {self.account_id}",
        )


# --------------------------------------------------------------------------------------------
# Reading the model from plain data (JSON or TOML files)
# --------------------------------------------------------------------------------------------

T = TypeVar("T")

#: Largest config file read, checked before it is read: the reference environments take ~20 KiB,
#: so 4 MiB leaves room for any real platform and bounds the work a wrong file can cause.
MAX_CONFIG_FILE_BYTES = 4 * 1024 * 1024
#: Deepest nesting of arrays and tables a file may have (the model itself needs 7 levels).
#: Checked before parsing: Python's JSON and TOML parsers recurse and fail with RecursionError on
#: deeply nested input.
MAX_NESTING_DEPTH = 32
#: Most environments one file may hold (ours: one stack each, synthesized in one process).
MAX_ENVIRONMENTS = 20
#: Keys allowed next to ``environments``: ``$schema`` lets editors find the JSON Schema.
_FILE_KEYS = ("$schema", "environments")


def from_dict(cls: type[T], data: Any, path: str) -> T:
    """Build dataclass ``cls`` from plain data, refusing unknown keys and wrong types.

    Enums are spelled by their lowercase member name (``"per_az"`` for ``NatMode.PER_AZ``); the
    enum's value, when it differs (``"PER_AZ"``), is refused with the new spelling as the fix.
    Tuples are lists, nested dataclasses objects. Raises ConfigError naming the offending key; does
    not run ``validate``.
    """
    return typing.cast(T, _convert(cls, data, path))


def _convert(hint: Any, data: Any, path: str, limit: int = 0) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _convert_dataclass(hint, data, path)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if data is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _convert(inner, data, path, limit)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _convert_enum(hint, data, path)
    if origin is tuple:
        require(isinstance(data, list), path, "must be a list", _brief(data), "write a list, e.g. [...]")
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            require(
                len(data) <= limit,
                path,
                f"must hold at most {limit} items",
                f"{len(data)} items",
                f"list at most {limit}",
            )
            return tuple(_convert(args[0], value, f"{path}[{index}]") for index, value in enumerate(data))
        require(len(data) == len(args), path, f"must hold exactly {len(args)} items", data, f"write {len(args)} values")
        return tuple(
            _convert(a, value, f"{path}[{index}]") for index, (a, value) in enumerate(zip(args, data, strict=True))
        )
    if origin in (Mapping, dict):
        require(
            isinstance(data, dict), path, "must be a table of strings", _brief(data), "write an object of key: value"
        )
        require(
            len(data) <= limit,
            path,
            f"must hold at most {limit} entries",
            f"{len(data)} entries",
            f"keep at most {limit}",
        )
        for key, value in data.items():
            require(
                isinstance(value, str), f"{path}.{_brief(key)}", "must be a string", _brief(value), "quote the value"
            )
        return dict(data)
    if hint is bool:
        require(isinstance(data, bool), path, "must be true or false", _brief(data), "write true or false")
        return data
    if hint is int:
        require(
            isinstance(data, int) and not isinstance(data, bool),
            path,
            "must be a whole number",
            _brief(data),
            "write a number without quotes or decimals",
        )
        return data
    if hint is str:
        require(isinstance(data, str), path, "must be a string", _brief(data), "quote the value")
        return data
    raise TypeError(f"unsupported config type {hint!r} at {path}")  # a library bug, not bad input


def _brief(data: Any) -> Any:
    """``data`` for an error message: containers by their type (a file's list may be huge)."""
    if isinstance(data, dict | list):
        return f"{type(data).__name__} of {len(data)}"
    if isinstance(data, str) and len(data) > 80:
        return data[:64] + "..."
    return data


def _convert_enum(hint: type[enum.Enum], data: Any, path: str) -> enum.Enum:
    """An enum member from its file spelling, the lowercase member name."""
    spellings = {enum_file_name(m): m for m in hint}
    if isinstance(data, str) and data in spellings:
        return spellings[data]
    old = {str(m.value): m for m in hint if str(m.value) != enum_file_name(m)}
    if isinstance(data, str) and data in old:
        raise ConfigError(
            path,
            "enum values are written as the lowercase member name in config files",
            data,
            f"write {enum_file_name(old[data])!r}",
        )
    valid = list(spellings)
    raise ConfigError(path, f"must be one of {', '.join(valid)}", _brief(data), f"use one of {valid}")


def _convert_dataclass(cls: type[Any], data: Any, path: str) -> Any:
    require(
        isinstance(data, dict), path, f"must be an object describing {cls.__name__}", _brief(data), "write an object"
    )
    hints = field_hints(cls)
    for key in data:
        if key not in hints:
            raise ConfigError(
                f"{path}.{_brief(key)}",
                f"is not a known {cls.__name__} setting",
                _brief(key),
                f"use one of {sorted(hints)}",
            )
    known = {f.name: f for f in dataclasses.fields(cls) if f.init}
    values = {}
    for name, spec in known.items():
        if name in data:
            values[name] = _convert(hints[name], data[name], f"{path}.{name}", max_items(cls, name))
        else:
            required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
            require(not required, f"{path}.{name}", "is required", None, f"add `{name}`")
    return cls(**values)


def to_dict(value: Any) -> Any:
    """A config as a file holds it (the inverse of :func:`from_dict`): enums by their lowercase
    member name, tuples as lists, and fields left at their default (or None) omitted."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data: dict[str, Any] = {}
        for spec in dataclasses.fields(value):
            item = getattr(value, spec.name)
            if not spec.init or item is None:
                continue
            if spec.default is not dataclasses.MISSING and item == spec.default:
                continue
            if spec.default_factory is not dataclasses.MISSING and item == spec.default_factory():
                continue
            data[spec.name] = to_dict(item)
        return data
    if isinstance(value, enum.Enum):
        return enum_file_name(value)
    if isinstance(value, tuple | list):
        return [to_dict(item) for item in value]
    if isinstance(value, Mapping):
        return {key: to_dict(item) for key, item in value.items()}
    return value


def _read_text(source: Path) -> str:
    """The file's text: size-checked before reading, then decoded as strict UTF-8."""
    try:
        size = source.stat().st_size
        require(
            size <= MAX_CONFIG_FILE_BYTES,
            str(source),
            f"must be at most {MAX_CONFIG_FILE_BYTES // (1024 * 1024)} MiB",
            f"{size} bytes",
            "split the environments over several files",
        )
        with source.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_FILE_BYTES + 1)  # a file that grows while read stays bounded
    except OSError as error:
        raise ConfigError(str(source), "must be a readable file", str(error), "check the path") from None
    require(
        len(raw) <= MAX_CONFIG_FILE_BYTES,
        str(source),
        f"must be at most {MAX_CONFIG_FILE_BYTES // (1024 * 1024)} MiB",
        f"more than {MAX_CONFIG_FILE_BYTES} bytes",
        "split the environments over several files",
    )
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark, as some Windows editors write
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            str(source),
            f"must be UTF-8 text; byte {error.start} is not",
            f"0x{raw[error.start]:02x} at byte offset {error.start}",
            "save the file as UTF-8",
        ) from None


def _nesting_depth(text: str, *, toml: bool) -> tuple[int, int]:
    """Deepest ``[``/``{`` nesting of a JSON or TOML text outside strings and comments, and its line.

    One pass, no recursion, stops as soon as the limit is passed.
    """
    depth = deepest = 0
    line = deepest_line = 1
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > deepest:
                deepest, deepest_line = depth, line
                if deepest > MAX_NESTING_DEPTH:
                    break
        elif char in "]}":
            depth -= 1
        elif toml and char == "#":
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        elif char == '"' or (toml and char == "'"):
            quote = text[index : index + 3] if toml and text[index : index + 3] in ('"""', "'''") else char
            index += len(quote)
            while index < length and not text.startswith(quote, index):
                if text[index] == "\\" and quote[0] == '"':
                    index += 1
                elif text[index] == "\n":
                    line += 1
                index += 1
        index += 1
    return deepest, deepest_line


def _deepest_value(data: Any) -> int:
    """Nesting depth of parsed data, without recursion (TOML's dotted keys nest without brackets)."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, depth)
            if deepest > MAX_NESTING_DEPTH:
                break
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object that refuses a key given twice (``json`` would keep the last silently)."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ConfigError(key, "is given twice in the same object", key, "keep one of the two entries")
        data[key] = value
    return data


def _json_constant(name: str) -> Any:
    raise ConfigError(name, "is not a JSON number (NaN and Infinity are refused)", name, "write a whole number")


def _parse(source: Path, text: str) -> Any:
    toml = source.suffix.lower() == ".toml"
    depth, line = _nesting_depth(text, toml=toml)
    require(
        depth <= MAX_NESTING_DEPTH,
        str(source),
        f"must not nest lists and objects more than {MAX_NESTING_DEPTH} levels deep",
        f"more than {MAX_NESTING_DEPTH} levels at line {line}",
        "flatten the file; the environment model needs no more than 7 levels",
    )
    try:
        if toml:
            data = tomllib.loads(text)
        else:
            data = json.loads(text, object_pairs_hook=_json_object, parse_constant=_json_constant)
    except (ValueError, RecursionError) as error:
        if isinstance(error, ConfigError):
            raise ConfigError(str(source), f"{error.path!r} {error.rule}", error.value, error.fix) from None
        raise ConfigError(str(source), "must be valid JSON or TOML", str(error), "fix the syntax") from None
    require(
        _deepest_value(data) <= MAX_NESTING_DEPTH,
        str(source),
        f"must not nest tables more than {MAX_NESTING_DEPTH} levels deep",
        "a dotted key or table nested too deeply",
        "flatten the file; the environment model needs no more than 7 levels",
    )
    return data


def load_environments(file: str | Path) -> tuple[EnvironmentConfig, ...]:
    """Read environments from a JSON or TOML file ``{"environments": [{...}, ...]}`` and validate them.

    A file ending in ``.toml`` is TOML, anything else JSON. The file is at most
    :data:`MAX_CONFIG_FILE_BYTES`, UTF-8, nested at most :data:`MAX_NESTING_DEPTH` levels, and a
    JSON object names each key once; a ``"$schema"`` key next to ``environments`` is allowed.
    """
    source = Path(file)
    data = _parse(source, _read_text(source))
    require(
        isinstance(data, dict) and isinstance(data.get("environments"), list) and data["environments"],
        "environments",
        "the file must hold a non-empty list `environments`",
        type(data).__name__,
        'write {"environments": [{"name": "dev", ...}]}',
    )
    for key in data:
        require(
            key in _FILE_KEYS,
            _brief(key),
            "is not a known top-level key",
            _brief(key),
            "use only `environments` (and `$schema`)",
        )
    require(
        isinstance(data.get("$schema", ""), str),
        "$schema",
        "must be the path or URL of the JSON Schema",
        _brief(data.get("$schema")),
        'write "$schema": "./environments.schema.json" or leave it out',
    )
    require(
        len(data["environments"]) <= MAX_ENVIRONMENTS,
        "environments",
        f"must hold at most {MAX_ENVIRONMENTS} environments",
        f"{len(data['environments'])} environments",
        "split them over several files",
    )
    environments = tuple(
        from_dict(EnvironmentConfig, item, f"environments[{index}]") for index, item in enumerate(data["environments"])
    )
    for environment in environments:
        environment.validate()
    require_unique("environments", (e.name for e in environments), "environment name")
    return environments
