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
from types import MappingProxyType
from typing import Any, TypeVar

from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec, validate_node_groups
from constructs_lib.errors import ConfigError
from constructs_lib.network.capacity import check_ip_capacity
from constructs_lib.network.config import NetworkConfig
from constructs_lib.platform.config import AddonsConfig, require_application_namespaces
from constructs_lib.registry.config import RegistryConfig, RepositorySpec
from constructs_lib.validation import (
    require,
    require_account_id,
    require_dns_label,
    require_region,
    require_tags,
    require_unique,
)

__all__ = ["EnvironmentConfig", "Stage", "StateBackend", "from_dict", "load_environments"]

#: The EKS managed add-ons every environment's cluster runs (the cluster's own and the EBS CSI driver).
MANAGED_ADDONS = ("vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver")

#: Tags every AWS resource gets from the provider's default_tags; config tags may not override them.
STANDARD_TAG_KEYS = ("environment", "project", "managed-by")

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class Stage(enum.Enum):
    """The stage of an environment; PROD turns on the protections for stateful resources."""

    DEV = "dev"
    STAGING = "staging"
    PROD = "prod"


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
            and re.match(r"^[A-Za-z0-9!_.*'()/-]{1,200}$", self.key_prefix) is not None
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
    #: Stage; PROD protects stateful resources and tightens several rules.
    stage: Stage
    #: AWS region code.
    region: str
    network: NetworkConfig
    #: Project name, the first part of every AWS resource name (``<project>-<name>-...``).
    project: str = "eks-platform"
    #: Account the stack may deploy into (``allowed_account_ids``). Default: unchecked.
    account_id: str | None = None
    cluster: ClusterConfig = field(default_factory=ClusterConfig)
    node_groups: tuple[NodeGroupSpec, ...] = ()
    repositories: tuple[RepositorySpec, ...] = ()
    #: Registry-wide settings: default lifecycle rules, encryption, cross-account pull, pull-through cache.
    registry: RegistryConfig = field(default_factory=RegistryConfig)
    applications: tuple[ApplicationSpec, ...] = ()
    addons: AddonsConfig = field(default_factory=AddonsConfig)
    #: Extra tags on every AWS resource (after environment, project and managed-by).
    tags: Mapping[str, str] = field(default_factory=dict)
    #: Remote state. Default: local state (``terraform.<name>.tfstate``) and a printed notice.
    state: StateBackend | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", MappingProxyType(dict(self.tags)))
        for name in ("node_groups", "repositories", "applications"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    @property
    def production(self) -> bool:
        """True for the PROD stage."""
        return self.stage is Stage.PROD

    @property
    def prefix(self) -> str:
        """``<project>-<name>``: the start of every AWS resource name, unique per environment."""
        return f"{self.project}-{self.name}"

    def validate(self) -> None:
        """Check every rule of every section; raises the first ConfigError found.

        Paths start with the environment name, e.g. ``prod.node_groups[1].max_size``.
        """
        path = self.name if isinstance(self.name, str) and self.name else "environment"
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
        self.network.validate(f"{path}.network", region=self.region, production=self.production)
        self.cluster.validate(f"{path}.cluster", production=self.production)
        self._validate_deployment(path)

        validate_node_groups(f"{path}.node_groups", self.node_groups, cluster_name=self.prefix)
        check_ip_capacity(
            self.network,
            self.node_groups,
            path=f"{path}.network",
            region=self.region,
            node_groups_path=f"{path}.node_groups",
            # Only errors here: validation runs several times per synthesis (load_environments,
            # main.py, build_app), and the Network built from this config issues the warning once.
            warn=False,
        )

        for index, repository in enumerate(self.repositories):
            repository.validate(f"{path}.repositories[{index}]", production=self.production)
        require_unique(f"{path}.repositories", (r.name for r in self.repositories), "repository name")
        self.registry.validate(f"{path}.registry", production=self.production, name_prefix=self.prefix)

        self.addons.validate(f"{path}.addons")
        self._validate_applications(path)

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
        cluster.require_pinned_addons(f"{path}.cluster", MANAGED_ADDONS, production=self.production)

    def _validate_applications(self, path: str) -> None:
        """Each application on its own, then against the repositories, add-ons and each other."""
        repositories = {r.name for r in self.repositories}
        names = [a.name for a in self.applications]
        for index, application in enumerate(self.applications):
            at = f"{path}.applications[{index}]"
            application.validate(at, production=self.production)
            require(
                application.repository in repositories,
                f"{at}.repository",
                "must name one of the environment's repositories",
                application.repository,
                f"use one of {sorted(repositories)} or add the repository",
            )
            for peer_index, peer in enumerate(application.allowed_peers):
                require(
                    peer in names,
                    f"{at}.allowed_peers[{peer_index}]",
                    "must name another application of this environment",
                    peer,
                    f"use one of {sorted(set(names) - {application.name})}",
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
            require(
                not application.needs_aws or len(f"{self.prefix}-app-{application.name}") <= 64,
                f"{at}.name",
                f"makes the IAM role name '{self.prefix}-app-{application.name}' longer than 64 characters",
                application.name,
                "shorten the application or project name",
            )
        require_unique(f"{path}.applications", names, "application name")
        require_application_namespaces(f"{path}.applications", names)


# --------------------------------------------------------------------------------------------
# Reading the model from plain data (JSON or TOML files)
# --------------------------------------------------------------------------------------------

T = TypeVar("T")


def from_dict(cls: type[T], data: Any, path: str) -> T:
    """Build dataclass ``cls`` from plain data, refusing unknown keys and wrong types.

    Enums are given by value (``"PER_AZ"``), tuples as lists, nested dataclasses as objects.
    Raises ConfigError naming the offending key; does not run ``validate``.
    """
    return typing.cast(T, _convert(cls, data, path))


def _convert(hint: Any, data: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _convert_dataclass(hint, data, path)
    if origin in (typing.Union, types.UnionType):
        options = typing.get_args(hint)
        if data is None and type(None) in options:
            return None
        (inner,) = [o for o in options if o is not type(None)]
        return _convert(inner, data, path)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        valid = [str(m.value) for m in hint]
        require(data in valid, path, f"must be one of {', '.join(valid)}", data, f"use one of {valid}")
        return hint(data)
    if origin is tuple:
        require(isinstance(data, list), path, "must be a list", data, "write a list, e.g. [...]")
        (item, _ellipsis) = typing.get_args(hint)
        return tuple(_convert(item, value, f"{path}[{index}]") for index, value in enumerate(data))
    if origin in (Mapping, dict, typing.Mapping):
        require(isinstance(data, dict), path, "must be a table of strings", data, "write an object of key: value")
        for key, value in data.items():
            require(isinstance(value, str), f"{path}.{key}", "must be a string", value, "quote the value")
        return dict(data)
    if hint is bool:
        require(isinstance(data, bool), path, "must be true or false", data, "write true or false")
        return data
    if hint is int:
        require(
            isinstance(data, int) and not isinstance(data, bool), path, "must be a whole number", data, "write a number"
        )
        return data
    if hint is str:
        require(isinstance(data, str), path, "must be a string", data, "quote the value")
        return data
    raise TypeError(f"unsupported config type {hint!r} at {path}")  # a library bug, not bad input


def _convert_dataclass(cls: type[Any], data: Any, path: str) -> Any:
    require(isinstance(data, dict), path, f"must be an object describing {cls.__name__}", data, "write an object")
    hints = typing.get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if f.init}
    for key in data:
        require(
            key in known,
            f"{path}.{key}",
            f"is not a known {cls.__name__} setting",
            key,
            f"use one of {sorted(known)}",
        )
    values = {}
    for name, spec in known.items():
        if name in data:
            values[name] = _convert(hints[name], data[name], f"{path}.{name}")
        else:
            required = spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
            require(not required, f"{path}.{name}", "is required", None, f"add `{name}`")
    return cls(**values)


def load_environments(file: str | Path) -> tuple[EnvironmentConfig, ...]:
    """Read environments from a JSON or TOML file ``{"environments": [{...}, ...]}`` and validate them."""
    source = Path(file)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(str(source), "must be a readable file", str(error), "check the path") from None
    try:
        data = tomllib.loads(text) if source.suffix == ".toml" else json.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(str(source), "must be valid JSON or TOML", str(error), "fix the syntax") from None
    require(
        isinstance(data, dict) and isinstance(data.get("environments"), list) and data["environments"],
        "environments",
        "the file must hold a non-empty list `environments`",
        type(data).__name__,
        'write {"environments": [{"name": "dev", ...}]}',
    )
    environments = tuple(
        from_dict(EnvironmentConfig, item, f"environments[{index}]") for index, item in enumerate(data["environments"])
    )
    for environment in environments:
        environment.validate()
    require_unique("environments", (e.name for e in environments), "environment name")
    return environments
