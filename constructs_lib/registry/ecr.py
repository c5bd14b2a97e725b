"""ECR repositories of an environment, their lifecycle and pull policies, and pull-through cache rules.

Naming: every repository is ``<name_prefix>/<spec.name>`` (``eks-platform-dev/apps/api``) and every
pull-through cache prefix ``<cache_prefix or name_prefix>-<upstream>`` (``eks-platform-dev-quay``),
so dev, staging and prod deploy into one account and region without clashes.

Scanning: each repository scans on push (ECR basic scanning). The registry-level
``aws_ecr_registry_scanning_configuration`` is deliberately not used: it is one resource per account
and region, so the three environments' stacks would overwrite each other's setting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_pull_through_cache_rule import EcrPullThroughCacheRule
from cdktf_cdktf_provider_aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from cdktf_cdktf_provider_aws.ecr_repository_creation_template import (
    EcrRepositoryCreationTemplate,
    EcrRepositoryCreationTemplateEncryptionConfiguration,
)
from cdktf_cdktf_provider_aws.ecr_repository_policy import EcrRepositoryPolicy
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from constructs import Construct

from constructs_lib.iam import policy_document, statement
from constructs_lib.protections import Protections, Stage, require_protections, require_stage_member
from constructs_lib.registry.config import (
    DOCKER_HUB_UPSTREAM,
    LifecycleRule,
    RegistryConfig,
    RepositoryEncryption,
    RepositorySpec,
    render_lifecycle_policy,
)
from constructs_lib.security.context import AwsContext
from constructs_lib.security.kms import KmsKey, KmsKeyProps
from constructs_lib.stack import NAME_PREFIX, PROTECTIONS, STAGE, from_environment
from constructs_lib.validation import is_reference, require, require_name_prefix, require_unique

__all__ = ["PULL_ACTIONS", "EcrRegistry", "EcrRegistryProps", "Repository", "RepositoryProps"]

#: What pulling an image takes (``docker pull``): layer availability, the manifest, the layer URLs.
PULL_ACTIONS = ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")
#: What the first pull of an image through a cache rule takes on top (ECR creates the repository).
CACHE_IMPORT_ACTIONS = ("ecr:BatchImportUpstreamImage", "ecr:CreateRepository")


#: A role ARN (any path); group 1 is the role's name.
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)\Z", re.ASCII)
#: An IAM role name.
_ROLE_NAME = re.compile(r"^[\w+=,.@-]{1,64}\Z", re.ASCII)


def _pull_policy(principal_arns: tuple[str, ...]) -> str:
    """The repository policy of every repository and cache template: pull only, for ``principal_arns``."""
    return policy_document(statement("PullOnly", PULL_ACTIONS, principals={"AWS": list(principal_arns)}))


@dataclass(frozen=True, kw_only=True)
class RepositoryProps:
    """One repository of an environment."""

    spec: RepositorySpec
    #: Environment prefix, e.g. ``eks-platform-dev``; the AWS name is ``<name_prefix>/<spec.name>``.
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: The environment's stage: the repository's policy (prod refuses MUTABLE tags and a repository
    #: without the registry's KMS key). Default None: the stack's environment's (``config.stage``);
    #: outside an ``EnvironmentStack`` a ConfigError.
    stage: Stage | None = None
    #: ``force_destroy`` is the repository's ``force_delete`` (on in dev and staging, so an environment
    #: can be destroyed with images still in it), ``prevent_destroy`` its lifecycle (on in prod).
    #: Default None: the stack's environment's (``config.resolved_protections``); outside an
    #: ``EnvironmentStack`` a ConfigError.
    protections: Protections | None = None
    #: Rendered in order, priorities 1, 2, ...; ``spec.lifecycle_rules`` wins when set.
    lifecycle_rules: tuple[LifecycleRule, ...]
    #: IAM principal ARNs (node role, other accounts' roles or roots) allowed to pull.
    pull_principal_arns: tuple[str, ...]
    #: KMS key ARN; ``None`` means ECR-managed AES-256 encryption.
    kms_key_arn: str | None = None


class Repository(Construct):
    """An ECR repository with scan on push, its lifecycle policy and a pull-only repository policy.

    Attributes: ``name`` (the AWS name), ``repository_url``, ``repository_arn``.
    """

    def __init__(self, scope: Construct, id: str, *, props: RepositoryProps) -> None:
        name_prefix = from_environment(scope, "repository.name_prefix", props.name_prefix, NAME_PREFIX)
        stage = from_environment(scope, "repository.stage", props.stage, STAGE)
        protections = from_environment(scope, "repository.protections", props.protections, PROTECTIONS)
        super().__init__(scope, id)
        spec = props.spec
        name = f"{name_prefix}/{spec.name}"
        rules = spec.lifecycle_rules if spec.lifecycle_rules is not None else props.lifecycle_rules
        # The prefix (<= 40) and spec name (<= 200) keep `name` within ECR's 256 characters.
        require_name_prefix("repository.name_prefix", name_prefix)
        require_stage_member("repository.stage", stage)
        require_protections("repository.protections", protections)
        spec.validate(f"repositories[{spec.name}]", stage=stage)
        lifecycle_policy = render_lifecycle_policy(f"repositories[{spec.name}].lifecycle_rules", rules)
        require(
            len(props.pull_principal_arns) > 0,
            "repository.pull_principal_arns",
            "must name at least one principal allowed to pull",
            props.pull_principal_arns,
            "pass the node role ARN",
        )
        require(
            not (stage is Stage.PROD and props.kms_key_arn is None),
            "repository.kms_key_arn",
            "is required in prod: production images are encrypted with the environment's KMS key",
            None,
            "pass the registry key's ARN (EcrRegistry creates one in prod)",
        )

        self.name: str = name
        self.repository = EcrRepository(
            self,
            "repository",
            name=name,
            image_tag_mutability=spec.tag_mutability.value,
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(scan_on_push=True),
            encryption_configuration=[
                EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=props.kms_key_arn)
                if props.kms_key_arn is not None
                else EcrRepositoryEncryptionConfiguration(encryption_type="AES256")
            ],
            force_delete=protections.force_destroy,
            lifecycle=protections.lifecycle(),
        )
        EcrLifecyclePolicy(self, "lifecycle", repository=self.repository.name, policy=lifecycle_policy)
        EcrRepositoryPolicy(
            self, "policy", repository=self.repository.name, policy=_pull_policy(props.pull_principal_arns)
        )
        self.repository_url: str = self.repository.repository_url
        self.repository_arn: str = self.repository.arn


@dataclass(frozen=True, kw_only=True)
class EcrRegistryProps:
    """The registry of one environment."""

    #: Node role of the cluster: granted pull on every repository.
    node_role_arn: str
    #: Environment prefix (``<project>-<env>``), the start of every repository and cache prefix.
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: The environment's stage: the registry's policy (KMS encryption by default in prod and required
    #: there, IMMUTABLE tags). Default None: the stack's environment's (``config.stage``); outside an
    #: ``EnvironmentStack`` a ConfigError.
    stage: Stage | None = None
    #: The repositories' and the key's protections (see :class:`RepositoryProps`). Default None: the
    #: stack's environment's (``config.resolved_protections``); outside an ``EnvironmentStack`` a ConfigError.
    protections: Protections | None = None
    #: The environment's repositories (``EnvironmentConfig.repositories``).
    repositories: tuple[RepositorySpec, ...] = ()
    #: Registry-wide settings. Default: :class:`RegistryConfig` defaults.
    config: RegistryConfig = field(default_factory=RegistryConfig)
    #: Name of the node role. When set and a cache rule exists, an inline policy
    #: ``<name_prefix>-ecr-pull-through-cache`` on that role lets nodes import upstream images into
    #: the environment's cache prefixes only. Default: unset, no policy (grant it in the cluster tier).
    node_role_name: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "repositories", tuple(self.repositories))


class EcrRegistry(Construct):
    """All ECR resources of an environment, validated before any is created.

    * one :class:`Repository` per spec (construct id = spec name with ``/`` as ``--``: stable, unique);
    * a KMS key ``alias/<name_prefix>-ecr`` when encryption is KMS (prod default);
    * one pull-through cache rule per configured upstream, plus Docker Hub with a credential, each
      with a repository creation template (lifecycle, pull policy) for the repositories it creates.

    Typed attributes: ``repository_urls``, ``repository_arns``, ``repository_names`` (by spec name),
    ``cache_prefixes`` (upstream short name -> ECR prefix), ``registry_host``,
    ``kms_key_arn`` (``None`` with AES256), ``encryption``.
    """

    def __init__(self, scope: Construct, id: str, *, props: EcrRegistryProps) -> None:
        name_prefix = from_environment(scope, "registry.name_prefix", props.name_prefix, NAME_PREFIX)
        stage = from_environment(scope, "registry.stage", props.stage, STAGE)
        protections = from_environment(scope, "registry.protections", props.protections, PROTECTIONS)
        super().__init__(scope, id)
        context = AwsContext.of(self)
        config = props.config
        require_name_prefix("registry.name_prefix", name_prefix)
        require_stage_member("registry.stage", stage)
        require_protections("registry.protections", protections)
        config.validate("registry", stage=stage, name_prefix=name_prefix)
        for spec in props.repositories:
            spec.validate(f"registry.repositories[{spec.name}]", stage=stage)
        require_unique("registry.repositories", (s.name for s in props.repositories), "repository name")
        require(
            isinstance(props.node_role_arn, str) and props.node_role_arn != "",
            "registry.node_role_arn",
            "must be the ARN of the cluster's node role",
            props.node_role_arn,
            "pass the node role's ARN from the cluster tier",
        )

        self.encryption: RepositoryEncryption = config.resolved_encryption(stage=stage)
        self.kms_key_arn: str | None = None
        if self.encryption is RepositoryEncryption.KMS:
            key = KmsKey(
                self,
                "key",
                props=KmsKeyProps(
                    alias=f"{name_prefix}-ecr",
                    description=f"ECR image encryption for {name_prefix}",
                    protections=protections,
                ),
            )
            self.kms_key_arn = key.key_arn

        principals = (
            props.node_role_arn,
            *(
                f"arn:{context.partition}:iam::{p}:root" if p.isdigit() else p
                for p in config.cross_account_pull_principals
            ),
        )
        self.repositories: dict[str, Repository] = {}
        for spec in props.repositories:
            self.repositories[spec.name] = Repository(
                self,
                spec.name.replace("/", "--"),
                props=RepositoryProps(
                    name_prefix=name_prefix,
                    spec=spec,
                    stage=stage,
                    protections=protections,
                    lifecycle_rules=config.lifecycle_rules,
                    pull_principal_arns=principals,
                    kms_key_arn=self.kms_key_arn,
                ),
            )

        cache_rules = config.cache_prefixes(name_prefix)
        self.cache_prefixes: Mapping[str, str] = MappingProxyType(
            {short: prefix for short, (prefix, _) in cache_rules.items()}
        )
        cache_lifecycle = render_lifecycle_policy("registry.cache_lifecycle_rules", config.cache_lifecycle_rules)
        pull_policy = _pull_policy(principals)
        for short, (prefix, upstream) in cache_rules.items():
            # Settings of the repositories ECR creates on the first pull through this rule. AES256 and
            # no resource tags: KMS or tags in a template need a custom IAM role for ECR, and cached
            # images are public content. MUTABLE: the cache must follow upstream's moving tags.
            EcrRepositoryCreationTemplate(
                self,
                f"cache-template-{short}",
                prefix=prefix,
                applied_for=["PULL_THROUGH_CACHE"],
                description=f"Cached {upstream} images of {name_prefix}",
                image_tag_mutability="MUTABLE",
                encryption_configuration=[
                    EcrRepositoryCreationTemplateEncryptionConfiguration(encryption_type="AES256")
                ],
                lifecycle_policy=cache_lifecycle,
                repository_policy=pull_policy,
            )
            EcrPullThroughCacheRule(
                self,
                f"cache-{short}",
                ecr_repository_prefix=prefix,
                upstream_registry_url=upstream,
                credential_arn=config.docker_hub_credential_arn if upstream == DOCKER_HUB_UPSTREAM else None,
            )
        if props.node_role_name is not None and self.cache_prefixes:
            IamRolePolicy(
                self,
                "node-cache-import",
                name=f"{name_prefix}-ecr-pull-through-cache",
                role=props.node_role_name,
                policy=policy_document(
                    statement(
                        "ImportIntoOwnCachePrefixes",
                        CACHE_IMPORT_ACTIONS,
                        [context.arn("ecr", f"repository/{p}/*") for p in self.cache_prefixes.values()],
                    )
                ),
            )

        self._name_prefix = name_prefix
        self.pull_grants: dict[str, IamRolePolicy] = {}
        self.registry_host: str = f"{context.account_id}.dkr.ecr.{context.region}.{context.dns_suffix}"
        self.repository_urls: Mapping[str, str] = MappingProxyType(
            {name: r.repository_url for name, r in self.repositories.items()}
        )
        self.repository_arns: Mapping[str, str] = MappingProxyType(
            {name: r.repository_arn for name, r in self.repositories.items()}
        )
        self.repository_names: Mapping[str, str] = MappingProxyType(
            {name: r.name for name, r in self.repositories.items()}
        )

    def grant_pull(self, role: str, *, id: str | None = None) -> IamRolePolicy:
        """Let an IAM role of this account pull every repository of the registry (aws-cdk's
        ``grantPull``): an inline policy ``<name_prefix>-ecr-pull`` on the role with the pull actions
        on the repositories' ARNs and ``ecr:GetAuthorizationToken`` (which takes no resource).

        ``role`` is the role's name, its ARN (the name is taken from it) or a terraform reference
        to its name (``IamRole.name``); a reference needs ``id``, the grant's construct id suffix
        (``grant-pull-<id>``), which defaults to the role's name. Roles of other accounts pull through
        the repository policy instead (``registry.cross_account_pull_principals``). Raises
        ConfigError before creating anything.
        """
        path = "grant_pull"
        require(
            isinstance(role, str) and role != "",
            f"{path}.role",
            "must be an IAM role name, a role ARN or a reference to a role name",
            role,
            "pass e.g. 'ci-deployer' or 'arn:aws:iam::123456789012:role/ci-deployer'",
        )
        name = role
        if not is_reference(role):
            arn = _ROLE_ARN.match(role)
            if arn is not None:
                name = arn.group(1)
            require(
                _ROLE_NAME.match(name) is not None,
                f"{path}.role",
                "must be an IAM role name (1-64 of letters, digits and +=,.@_-) or a role ARN",
                role,
                "pass e.g. 'ci-deployer' or 'arn:aws:iam::123456789012:role/ci-deployer'",
            )
        require(
            id is not None or not is_reference(role),
            f"{path}.id",
            "is required when the role is a terraform reference (a construct id must be a fixed literal)",
            id,
            "pass id='ci-deployer'",
        )
        grant_id = id if id is not None else name
        require(
            _ROLE_NAME.match(grant_id) is not None,
            f"{path}.id",
            "must be 1-64 of letters, digits and +=,.@_- (it becomes a terraform address)",
            grant_id,
            "pass the role's name, e.g. id='ci-deployer'",
        )
        require(
            grant_id not in self.pull_grants,
            f"{path}.id",
            "must not repeat an earlier grant (the role may pull already)",
            grant_id,
            "grant each role once",
        )
        require(
            len(self.repository_arns) > 0,
            path,
            "needs at least one repository to grant pull on",
            [],
            "add a RepositorySpec to the registry",
        )
        policy = IamRolePolicy(
            self,
            f"grant-pull-{grant_id}",
            name=f"{self._name_prefix}-ecr-pull",
            role=name,
            policy=policy_document(
                statement("PullRepositories", PULL_ACTIONS, list(self.repository_arns.values())),
                # GetAuthorizationToken is account-wide: IAM accepts only "*" as its resource.
                statement("RegistryLogin", ("ecr:GetAuthorizationToken",), ["*"]),
            ),
        )
        self.pull_grants[grant_id] = policy
        return policy
