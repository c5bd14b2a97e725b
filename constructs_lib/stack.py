"""The base stack of one environment: validated config, terraform state, the AWS provider and tags."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from cdktf import LocalBackend, S3Backend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct, IConstruct

from constructs_lib.cluster.config import NodeGroupSpec
from constructs_lib.config import ConfigTier, EnvironmentConfig
from constructs_lib.errors import ConfigError
from constructs_lib.network.config import PodAddressing
from constructs_lib.protections import Protections
from constructs_lib.stage import Stage

__all__ = [
    "CLUSTER_NAME",
    "INSTANCE_TAGS",
    "MANAGED_BY",
    "NAME_PREFIX",
    "NODE_GROUPS",
    "POD_ADDRESSING",
    "PROTECTIONS",
    "REGION",
    "REQUIRED_TERRAFORM_VERSION",
    "STAGE",
    "EnvironmentField",
    "EnvironmentStack",
    "environment_of",
    "from_environment",
    "local_state_path",
    "require_given",
]

_T = TypeVar("_T")
_T_co = TypeVar("_T_co", covariant=True)

#: Value of the ``managed-by`` tag on every AWS resource.
MANAGED_BY = "cdktf"
#: Terraform versions the stacks accept: 1.10 brought the S3 backend's lock file (``use_lockfile``).
REQUIRED_TERRAFORM_VERSION = ">= 1.10"


def local_state_path(name: str) -> str:
    """Where local state lives, relative to the stack's folder ``cdktf.out/stacks/<name>`` (terraform's
    working directory): ``terraform.<name>.tfstate`` in the project root, three levels up, so
    ``make clean`` or a fresh ``cdktf synth`` never deletes a deployed environment's state."""
    return f"../../../terraform.{name}.tfstate"


class EnvironmentStack(TerraformStack):
    """A cdktf stack for one environment, named after it (``dev``, ``staging``, ``prod``).

    On construction it validates the config up to :attr:`config_tier` (the whole config here;
    ``NetworkStack`` and ``ClusterStack`` check only the tiers they build), raising ConfigError before
    any resource exists, then configures:

    * state: S3 with encryption and S3-native locking (``use_lockfile``, terraform >= 1.10, pinned in
      ``required_version``) at ``<key_prefix>/<name>/terraform.tfstate`` when ``config.state`` is set
      (required in staging and prod); otherwise the local file ``terraform.<name>.tfstate`` in the
      project root, outside ``cdktf.out`` (``uses_local_state`` tells the app to print a notice);
    * the AWS provider in the environment's region, with ``default_tags`` (environment, project,
      managed-by, then ``config.tags``) and ``allowed_account_ids`` when ``config.account_id`` is set,
      so a plan against the wrong account fails before it changes anything.

    Say it once: a construct built in this stack (or in a child of it) takes what the environment
    holds from it when its props leave the field None: stage, protections, name prefix, region, node
    groups, pod addressing, instance tags (:attr:`default_tags`) and cluster name (the prefix); see
    :func:`environment_of` and :func:`from_environment`.
    """

    #: The tiers of the config this stack checks (:meth:`EnvironmentConfig.validate`). Default: all of them.
    config_tier: ClassVar[ConfigTier] = ConfigTier.PLATFORM

    def __init__(self, scope: Construct, config: EnvironmentConfig) -> None:
        config.validate(tier=self.config_tier)
        super().__init__(scope, config.name)
        self.config = config
        self.uses_local_state = config.state is None
        # S3's native lock file (use_lockfile) needs terraform 1.10; older versions stop at init.
        self.add_override("terraform.required_version", REQUIRED_TERRAFORM_VERSION)
        if config.state is None:
            LocalBackend(self, path=local_state_path(config.name))
        else:
            S3Backend(
                self,
                bucket=config.state.bucket,
                key=f"{config.state.key_prefix}/{config.name}/terraform.tfstate",
                region=config.state.region or config.region,
                encrypt=True,
            )
            # cdktf 0.21's S3Backend has no use_lockfile argument yet; terraform >= 1.10 reads it.
            self.add_override("terraform.backend.s3.use_lockfile", True)
        self.default_tags: dict[str, str] = {
            "environment": config.name,
            "project": config.project,
            "managed-by": MANAGED_BY,
            **config.tags,
        }
        self.aws_provider = AwsProvider(
            self,
            "aws",
            region=config.region,
            default_tags=[AwsProviderDefaultTags(tags=self.default_tags)],
            allowed_account_ids=[config.account_id] if config.account_id else None,
        )


def environment_of(scope: IConstruct) -> EnvironmentStack | None:
    """The :class:`EnvironmentStack` that holds ``scope``, or None in any other stack (a plain
    ``TerraformStack``): the one way a construct asks what its environment already holds, as
    :meth:`~constructs_lib.security.context.AwsContext.of` asks for the account."""
    stack = TerraformStack.of(scope)
    return stack if isinstance(stack, EnvironmentStack) else None


@dataclass(frozen=True)
class EnvironmentField(Generic[_T_co]):
    """A value an :class:`EnvironmentStack` holds, which a props field left at None takes
    (:func:`from_environment`)."""

    #: The explicit argument a construct outside an environment needs, e.g. ``stage=Stage.PROD``.
    example: str
    #: Reads the value from the stack.
    read: Callable[[EnvironmentStack], _T_co]


#: ``config.stage``: the rules by stage.
STAGE: EnvironmentField[Stage] = EnvironmentField("stage=Stage.PROD", lambda s: s.config.stage)
#: ``config.resolved_protections``: what resources do on destroy, replacement and change.
PROTECTIONS: EnvironmentField[Protections] = EnvironmentField(
    "protections=Protections.for_stage(Stage.PROD)", lambda s: s.config.resolved_protections
)
#: ``config.prefix`` (``<project>-<name>``): the start of every AWS name.
NAME_PREFIX: EnvironmentField[str] = EnvironmentField("name_prefix='eks-platform-prod'", lambda s: s.config.prefix)
#: ``config.region``.
REGION: EnvironmentField[str] = EnvironmentField("region='eu-west-1'", lambda s: s.config.region)
#: ``config.prefix`` as a cluster's name: ``EksCluster`` names its cluster after the environment's prefix.
CLUSTER_NAME: EnvironmentField[str] = EnvironmentField(
    "cluster_name='eks-platform-prod' (or cluster.cluster_name)", lambda s: s.config.prefix
)
#: ``config.node_groups``: the node-group matrix.
NODE_GROUPS: EnvironmentField[tuple[NodeGroupSpec, ...]] = EnvironmentField(
    "node_groups=(NodeGroupSpec(...), ...)", lambda s: s.config.node_groups
)
#: ``config.network.pod_addressing``: how the VPC CNI gives pods their addresses.
POD_ADDRESSING: EnvironmentField[PodAddressing] = EnvironmentField(
    "pod_addressing=PodAddressing.PREFIX_DELEGATION", lambda s: s.config.network.pod_addressing
)
#: The stack's ``default_tags`` (environment, project, managed-by, then ``config.tags``): what the
#: provider puts on every resource, which resources launched outside terraform (EC2 instances of a
#: launch template) need as their own tags.
INSTANCE_TAGS: EnvironmentField[Mapping[str, str]] = EnvironmentField(
    "instance_tags={'environment': 'prod'}", lambda s: s.default_tags
)


#: Marks "no value outside an environment": :func:`from_environment` raises instead.
_REQUIRED: Any = object()


def from_environment(
    scope: IConstruct, path: str, value: _T | None, field: EnvironmentField[_T], *, outside: _T = _REQUIRED
) -> _T:
    """``value``, or when it is None what ``scope``'s :class:`EnvironmentStack` holds for ``field``.

    An explicit value always wins (a construct may differ from its environment). Outside an
    ``EnvironmentStack`` a None is ``outside`` when the field has a documented default of its own
    (e.g. no IP capacity check without node groups), and otherwise a ConfigError at ``path`` (the
    props field) naming the argument to pass: never a silent default for what the environment
    decides (stage, protections, names, region). Call it with the construct's parent scope, before
    the construct exists, so the error comes before any resource.
    """
    if value is not None:
        return value
    stack = environment_of(scope)
    if stack is not None:
        return field.read(stack)
    if outside is not _REQUIRED:
        return outside
    return require_given(path, value, field)


def require_given(path: str, value: _T | None, field: EnvironmentField[_T]) -> _T:
    """``value``, which must not be None: the check of :func:`from_environment` outside an
    environment, for a props ``validate`` method called without a scope; raises ConfigError."""
    if value is None:
        raise ConfigError(
            path,
            "must be given outside an EnvironmentStack (the stack has no environment to take it from)",
            None,
            f"pass {field.example}, or build the construct in an EnvironmentStack",
        )
    return value
