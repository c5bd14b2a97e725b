"""IAM roles for Kubernetes service accounts (IRSA), bound to exactly one namespace and service account.

The trust policy is exactly one statement::

    Effect Allow, Action sts:AssumeRoleWithWebIdentity, Principal {"Federated": <oidc provider ARN>},
    Condition StringEquals {<issuer>:sub = system:serviceaccount:<ns>:<sa>, <issuer>:aud = sts.amazonaws.com}

``StringEquals`` (not ``StringLike``) and DNS-1123 names without wildcards mean no other service account,
in any namespace or cluster, can assume the role.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cdktf import Token
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
from constructs import Construct

from constructs_lib.cluster.config import OIDC_CLIENT_ID
from constructs_lib.iam import policy_document, statement
from constructs_lib.stack import NAME_PREFIX, from_environment
from constructs_lib.validation import require, require_dns_label, require_name_prefix, require_unique

__all__ = [
    "IRSA_AUDIENCE",
    "ROLE_ARN_ANNOTATION",
    "IrsaRole",
    "IrsaRoleProps",
    "Permissions",
    "ServiceAccountMode",
    "require_role_name",
    "trust_policy",
    "validate_permissions",
]

#: Annotation the EKS pod identity webhook reads to inject web-identity credentials.
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
#: Audience of the projected service-account token EKS issues for IRSA: the client id the cluster's
#: OIDC provider accepts.
IRSA_AUDIENCE = OIDC_CLIENT_ID
#: IAM role names are at most 64 characters.
ROLE_NAME_MAX = 64

_OIDC_PROVIDER_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/[A-Za-z0-9.-]+(/[A-Za-z0-9._-]+)*$")
_ISSUER_HOST = re.compile(r"^[a-z0-9.-]+\.[a-z]{2,}(/[A-Za-z0-9._-]+)*$")
_POLICY_ARN = re.compile(r"^arn:[^:]+:iam::[^:]+:policy/([\w+=,.@/-]+)$")
_WILDCARDS = ("*", "?")


class ServiceAccountMode(enum.Enum):
    """Who creates the Kubernetes service account the role is bound to."""

    #: A Helm chart (or another tool) creates it: the construct only exposes
    #: ``service_account_annotations`` to pass into the chart's values. Needs no Kubernetes provider.
    EXTERNAL = "EXTERNAL"
    #: The construct creates it (``kubernetes_service_account_v1``) with the role-arn annotation.
    #: Needs a configured Kubernetes provider in the stack.
    CREATE = "CREATE"


@dataclass(frozen=True)
class Permissions:
    """What a role may do: inline least-privilege statements and/or managed policy ARNs."""

    #: Statements built with :func:`constructs_lib.iam.statement`; rendered as one inline policy.
    statements: tuple[Mapping[str, Any], ...] = ()
    #: Managed policies to attach (AWS-managed or the account's own).
    managed_policy_arns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "statements", tuple(dict(s) for s in self.statements))
        object.__setattr__(self, "managed_policy_arns", tuple(self.managed_policy_arns))

    def __add__(self, other: Permissions) -> Permissions:
        return Permissions(self.statements + other.statements, self.managed_policy_arns + other.managed_policy_arns)


@dataclass(frozen=True, kw_only=True)
class IrsaRoleProps:
    """A role for one service account in one namespace of one cluster."""

    #: Short role name, e.g. ``alb-controller`` or ``app-api``.
    name: str
    #: ARN of the cluster's IAM OIDC provider (a literal or a terraform reference).
    oidc_provider_arn: str
    #: The issuer without ``https://``, e.g. ``oidc.eks.us-east-1.amazonaws.com/id/ABC123``.
    oidc_issuer_host: str
    #: Namespace of the service account (DNS-1123 label, no wildcards).
    namespace: str
    #: Service-account name (DNS-1123 label, no wildcards).
    service_account: str
    permissions: Permissions
    #: Default EXTERNAL: a Helm chart creates the service account from ``service_account_annotations``.
    service_account_mode: ServiceAccountMode = ServiceAccountMode.EXTERNAL
    #: Labels of the created service account (CREATE mode only). Default: none.
    service_account_labels: Mapping[str, str] = field(default_factory=dict)
    #: Role description shown in IAM. Default: names the bound service account.
    description: str | None = None
    #: Environment prefix (``eks-platform-dev``); the role is ``<name_prefix>-<name>``.
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_account_labels", MappingProxyType(dict(self.service_account_labels)))


def trust_policy(oidc_provider_arn: str, oidc_issuer_host: str, namespace: str, service_account: str) -> str:
    """The IRSA trust policy JSON of :class:`IrsaRole` (exactly one statement)."""
    return policy_document(
        statement(
            "AssumeFromOneServiceAccount",
            ["sts:AssumeRoleWithWebIdentity"],
            principals={"Federated": oidc_provider_arn},
            conditions={
                "StringEquals": {
                    f"{oidc_issuer_host}:sub": f"system:serviceaccount:{namespace}:{service_account}",
                    f"{oidc_issuer_host}:aud": IRSA_AUDIENCE,
                }
            },
        )
    )


def _require_name(path: str, value: Any) -> str:
    require(
        not (isinstance(value, str) and any(w in value for w in _WILDCARDS)),
        path,
        "must not contain wildcards: the trust policy binds exactly one service account",
        value,
        "name the one namespace and service account that need the role",
    )
    return require_dns_label(path, value)


def validate_permissions(path: str, permissions: Permissions) -> None:
    """A role's permissions grant something, name managed policies by ARN and use each Sid once."""
    require(
        len(permissions.statements) + len(permissions.managed_policy_arns) > 0,
        path,
        "must grant something: give inline statements and/or managed policy ARNs",
        permissions,
        "use a preset from constructs_lib.identity.presets or list statements",
    )
    for index, arn in enumerate(permissions.managed_policy_arns):
        require(
            isinstance(arn, str) and _POLICY_ARN.match(arn) is not None,
            f"{path}.managed_policy_arns[{index}]",
            "must be an IAM managed policy ARN",
            arn,
            "use e.g. 'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy'",
        )
    require_unique(f"{path}.managed_policy_arns", permissions.managed_policy_arns, "policy ARN")
    require_unique(f"{path}.statements", (s.get("Sid") for s in permissions.statements), "Sid")


def _policy_id(arn: str) -> str:
    """A stable construct id from a managed policy ARN: its path and name, '/' as '--'."""
    match = _POLICY_ARN.match(arn)
    assert match is not None  # validated before
    return "managed--" + match.group(1).replace("/", "--")


def require_role_name(path: str, name_prefix: str, name: str) -> str:
    """``<name_prefix>-<name>``, the IAM role name of a workload role, checked; raises ConfigError.

    One home for the rule both :class:`IrsaRole` and ``PodIdentityRole`` follow: DNS-label parts and
    IAM's :data:`ROLE_NAME_MAX` characters in all.
    """
    require_name_prefix(f"{path}.name_prefix", name_prefix)
    require_dns_label(f"{path}.name", name)
    role_name = f"{name_prefix}-{name}"
    require(
        len(role_name) <= ROLE_NAME_MAX,
        f"{path}.name",
        f"the role name `<name_prefix>-<name>` must be at most {ROLE_NAME_MAX} characters",
        role_name,
        f"shorten `name` to at most {ROLE_NAME_MAX - len(name_prefix) - 1} characters",
    )
    return role_name


class IrsaRole(Construct):
    """An IAM role assumable only by one Kubernetes service account, via the cluster's OIDC provider.

    Attributes: ``role_arn``, ``role_name``, ``namespace``, ``service_account_name``,
    ``service_account_annotations`` (``{"eks.amazonaws.com/role-arn": role_arn}``, for a Helm release),
    ``service_account`` (the created ``ServiceAccountV1`` in CREATE mode, else ``None``).
    """

    def __init__(self, scope: Construct, id: str, *, props: IrsaRoleProps) -> None:
        path = f"irsa[{props.name}]"
        name_prefix = from_environment(scope, f"{path}.name_prefix", props.name_prefix, NAME_PREFIX)
        super().__init__(scope, id)
        role_name = require_role_name(path, name_prefix, props.name)
        namespace = _require_name(f"{path}.namespace", props.namespace)
        service_account = _require_name(f"{path}.service_account", props.service_account)
        if not Token.is_unresolved(props.oidc_provider_arn):
            require(
                isinstance(props.oidc_provider_arn, str)
                and _OIDC_PROVIDER_ARN.match(props.oidc_provider_arn) is not None,
                f"{path}.oidc_provider_arn",
                "must be the ARN of an IAM OIDC provider",
                props.oidc_provider_arn,
                "use the cluster tier's oidc_provider_arn, e.g. "
                "'arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC'",
            )
        if not Token.is_unresolved(props.oidc_issuer_host):
            require(
                isinstance(props.oidc_issuer_host, str) and _ISSUER_HOST.match(props.oidc_issuer_host) is not None,
                f"{path}.oidc_issuer_host",
                "must be the issuer host and path without 'https://' or a trailing '/'",
                props.oidc_issuer_host,
                "use e.g. 'oidc.eks.us-east-1.amazonaws.com/id/ABC' (the issuer URL without https://)",
            )
        permissions = props.permissions
        validate_permissions(f"{path}.permissions", permissions)
        require(
            isinstance(props.service_account_mode, ServiceAccountMode),
            f"{path}.service_account_mode",
            "must be EXTERNAL or CREATE",
            props.service_account_mode,
            "use ServiceAccountMode.EXTERNAL (Helm creates it) or ServiceAccountMode.CREATE",
        )
        require(
            props.service_account_mode is ServiceAccountMode.CREATE or not props.service_account_labels,
            f"{path}.service_account_labels",
            "only apply when the construct creates the service account (ServiceAccountMode.CREATE)",
            dict(props.service_account_labels),
            "set the labels in the Helm chart's values, or use ServiceAccountMode.CREATE",
        )

        self.role = IamRole(
            self,
            "role",
            name=role_name,
            description=props.description or f"IRSA role of service account {namespace}/{service_account}",
            assume_role_policy=trust_policy(
                props.oidc_provider_arn, props.oidc_issuer_host, namespace, service_account
            ),
        )
        if permissions.statements:
            IamRolePolicy(
                self,
                "policy",
                name=role_name,
                role=self.role.name,
                policy=policy_document(*permissions.statements),
            )
        for arn in permissions.managed_policy_arns:
            IamRolePolicyAttachment(self, _policy_id(arn), role=self.role.name, policy_arn=arn)

        self.role_arn: str = self.role.arn
        self.role_name: str = role_name
        self.namespace: str = namespace
        self.service_account_name: str = service_account
        self.service_account_annotations: Mapping[str, str] = MappingProxyType({ROLE_ARN_ANNOTATION: self.role_arn})
        self.service_account: ServiceAccountV1 | None = None
        if props.service_account_mode is ServiceAccountMode.CREATE:
            self.service_account = ServiceAccountV1(
                self,
                "service-account",
                metadata=ServiceAccountV1Metadata(
                    name=service_account,
                    namespace=namespace,
                    annotations=dict(self.service_account_annotations),
                    labels=dict(props.service_account_labels) or None,
                ),
            )
