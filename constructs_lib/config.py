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
from constructs_lib.apps.rules import ApplicationOffer, require_applications_fit, require_stateful_workloads_fit
from constructs_lib.apps.stateful_config import StatefulWorkloadSpec
from constructs_lib.cluster.config import (
    ClusterConfig,
    NodeGroupSpec,
    system_node_group,
    validate_node_groups,
)
from constructs_lib.data.config import DatabaseSpec, require_pod_eni_nodes, require_pod_security_group_users
from constructs_lib.errors import ConfigError
from constructs_lib.network.capacity import check_ip_capacity
from constructs_lib.network.config import NetworkConfig
from constructs_lib.platform.config import AddonsConfig
from constructs_lib.protections import Protections, Stage, require_prod_protections
from constructs_lib.registry.config import RegistryConfig, RepositorySpec
from constructs_lib.validation import (
    enum_file_name,
    field_hints,
    frozen_mapping,
    frozen_tuple,
    max_items,
    memo,
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
    "ConfigTier",
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


class ConfigTier(enum.IntEnum):
    """The tiers of an environment's rules, in build order; validating a tier checks the ones below it too.

    A stack validates the tiers it builds (``NetworkStack``: NETWORK, ``ClusterStack``: CLUSTER,
    ``PlatformStack``: PLATFORM), so a VPC-only config needs no node groups and no deploy runner.
    The types of every field (``validation.require_shape``) are checked in every tier.
    """

    #: Name, stage, project, region, account, tags and state (required outside dev).
    BASE = 0
    #: The VPC: CIDRs, zones, NAT, endpoints, bastion, security group ports.
    NETWORK = 1
    #: The control plane and its admins, the node groups and the subnets' IP capacity for them, the
    #: managed add-on pins, the registry, Karpenter's SYSTEM group, and nodes that can carry the pod
    #: ENIs the database's ``pod_security_groups`` turns on.
    CLUSTER = 2
    #: The deploy runner's way to the API server, the Helm add-ons, the database and the applications.
    PLATFORM = 3


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
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
    #: Stateful workloads (seed 000's MongoDB and Kafka): a StatefulSet with a gp3 volume per member,
    #: one namespace each, reachable on its client port from the applications it lists in
    #: ``allowed_peers`` (which get egress to it); backed up when velero's schedule covers its
    #: namespace; claims retained where ``protections.retain_volumes`` is on (prod). Default none.
    stateful_workloads: tuple[StatefulWorkloadSpec, ...] = ()
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
        for name in ("node_groups", "repositories", "applications", "stateful_workloads"):
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

    def validate(self, *, tier: ConfigTier = ConfigTier.PLATFORM) -> None:
        """Check the rules of ``tier`` and of every tier below it; raises the first ConfigError found.

        The default, PLATFORM, checks every rule of every section. A stack validates only the tiers
        it builds (:class:`ConfigTier`): a ``NetworkStack`` needs no node groups and ignores a bad
        application. The rules run in the same order whichever tier is asked for, so a config with
        several errors reports the same first one in every tier that checks it.

        Paths start with the environment name, e.g. ``prod.node_groups[1].max_size``. A config that
        passed is remembered as valid up to its tier (it is frozen, and its collections are copies),
        so the callers that ask again (``load_environments``, ``main.py``, ``build_app``,
        ``EnvironmentStack``) cost nothing, and a higher tier checks only its own rules;
        ``dataclasses.replace`` makes a new config, checked afresh. Its parts (network,
        cluster, node groups, repositories, registry, add-ons, database, applications) remember their
        own pass for the arguments checked here (``validation.validated_once``), so the constructs
        built from this config find them checked.
        """
        done: ConfigTier | None = memo(self).get("valid_tier")
        if done is not None and done >= tier:
            return
        # Each tier's rules run unless they passed before; none above the tier asked for.
        base, network, cluster, platform = ((done is None or level > done) and level <= tier for level in ConfigTier)
        path = self.name if self._usable_name() else "environment"
        if base:
            self._validate_base(path)
            if self.protections is not None:
                self.protections.validate(f"{path}.protections")
                if self.stage is Stage.PROD:
                    require_prod_protections(f"{path}.protections", self.protections)
        if network:
            self.network.validate(f"{path}.network", region=self.region, stage=self.stage)
        if cluster:
            self.cluster.validate(f"{path}.cluster", stage=self.stage)
        self._validate_deployment(path, base=base, cluster=cluster, platform=platform)

        if cluster:
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

        if platform:
            self.addons.validate(f"{path}.addons")
        if cluster:
            # The cluster tier's: with Karpenter only the SYSTEM group stays a managed node group.
            require(
                not self.addons.karpenter or system_node_group(self.node_groups) is not None,
                f"{path}.addons.karpenter",
                "needs a SYSTEM node group: Karpenter's controller runs on managed nodes, never on nodes it launches",
                [g.name for g in self.node_groups],
                "add NodeGroupSpec(..., role=NodeRole.SYSTEM) to node_groups",
            )
            if self.database is not None:
                # The cluster turns on pod ENIs for the database's pod security groups: its nodes must carry them.
                require_pod_eni_nodes(
                    f"{path}.database",
                    self.database,
                    node_groups=self.node_groups,
                    node_groups_path=f"{path}.node_groups",
                )
        if platform:
            if self.database is not None:
                self.database.validate(
                    f"{path}.database",
                    stage=self.stage.value,
                    name_prefix=self.prefix,
                    protections=self.resolved_protections,
                )
                require_pod_security_group_users(
                    f"{path}.database",
                    self.database,
                    users=[a.name for a in self.applications if a.database is not None],
                )
            self._validate_applications(path)
        memo(self)["valid_tier"] = tier

    def _usable_name(self) -> bool:
        """Whether the name can start error paths (a broken one is reported as `environment.name`)."""
        return isinstance(self.name, str) and 0 < len(self.name) <= 63 and self.name.isprintable()

    def _validate_base(self, path: str) -> None:
        """The BASE tier: the types of every field, then name, stage, project, region, account, tags, state."""
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

    def _validate_deployment(self, path: str, *, base: bool, cluster: bool, platform: bool) -> None:
        """What a first apply needs: a way to the API server (PLATFORM: only the stack that installs
        Kubernetes objects talks to it), a fixed deployer and admin (CLUSTER: its access entries),
        shared state (BASE), and (where pinned) a version for every managed add-on (CLUSTER)."""
        cluster_config = self.cluster
        if platform:
            require(
                cluster_config.declares_deploy_access,
                f"{path}.cluster",
                "must declare how the machine that runs terraform reaches the API server (the stack installs "
                "Helm charts and Kubernetes objects in the same apply)",
                None,
                "set endpoint_public_access=True with public_access_cidrs=(<runner egress CIDR>,), or "
                "private_access_cidrs / private_access_security_group_ids for a runner inside the VPC",
            )
        if self.stage is not Stage.DEV:
            stage = self.stage.value
            if cluster:
                require(
                    cluster_config.deployer_principal_arn is not None,
                    f"{path}.cluster.deployer_principal_arn",
                    f"is required in {stage}: without it cluster-admin follows whoever ran the last apply",
                    None,
                    "name the role terraform runs as, e.g. 'arn:aws:iam::<account>:role/ci-deployer'",
                )
                require(
                    len(cluster_config.admin_principal_arns) > 0,
                    f"{path}.cluster.admin_principal_arns",
                    f"must name at least one admin in {stage} (a stable admin or break-glass role besides "
                    "the deployer)",
                    [],
                    "add e.g. 'arn:aws:iam::<account>:role/platform-admin'",
                )
            if base:
                require(
                    self.state is not None,
                    f"{path}.state",
                    f"is required in {stage}: local state lives on one machine, unlocked and unshared",
                    None,
                    "set state=StateBackend(bucket=...) (create the bucket once with `make state-bucket`)",
                )
        if cluster:
            cluster_config.require_pinned_addons(f"{path}.cluster", MANAGED_ADDONS, stage=self.stage)

    def _validate_applications(self, path: str) -> None:
        """Each application on its own, then how they fit the environment and each other
        (:func:`~constructs_lib.apps.rules.require_applications_fit`, the rules' one home); then the
        stateful workloads (:func:`~constructs_lib.apps.rules.require_stateful_workloads_fit`)."""
        repositories = {r.name for r in self.repositories}
        require_applications_fit(
            path,
            self.applications,
            stage=self.stage,
            offer=ApplicationOffer(
                name_prefix=self.prefix,
                repositories=repositories,
                node_groups=self.node_groups,
                external_secrets=self.addons.external_secrets,
                databases=() if self.database is None else (self.database.name,),
                load_balancer_controller=self.addons.aws_load_balancer_controller,
                node_target_ports=self.network.node_target_ports,
                region=self.region,
                account_id=self.account_id,
            ),
        )
        require_stateful_workloads_fit(
            path,
            self.stateful_workloads,
            applications=self.applications,
            repositories=repositories,
            velero=self.addons.velero,
            included_namespaces=self.addons.backup.included_namespaces,
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
