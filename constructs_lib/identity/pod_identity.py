"""IAM roles for EKS Pod Identity, bound to named service accounts of one cluster.

EKS Pod Identity (the ``eks-pod-identity-agent`` add-on plus an association per service account) is
how current EKS hands AWS credentials to pods: no OIDC provider per cluster, no annotation on the
service account, and session tags on every session. The trust policy has one statement per bound
service account::

    Effect Allow, Principal {"Service": "pods.eks.amazonaws.com"}, Action [sts:AssumeRole, sts:TagSession],
    Condition StringEquals {aws:RequestTag/eks-cluster-name = <cluster>,
                            aws:RequestTag/kubernetes-namespace = <ns>,
                            aws:RequestTag/kubernetes-service-account = <sa>}

EKS Pod Identity tags the ``AssumeRole`` request it makes with ``eks-cluster-arn``,
``eks-cluster-name``, ``kubernetes-namespace``, ``kubernetes-service-account``,
``kubernetes-pod-name`` and ``kubernetes-pod-uid`` (EKS user guide, "Grant Pods access to AWS
resources based on tags", and "Create IAM role with trust policy required by EKS Pod Identity",
which shows the namespace/service-account condition on the trust statement). Conditioning the trust
on them means an association made by hand for any other service account, namespace or cluster in
the account cannot use the role. Session tags must therefore stay enabled on the associations
(the provider's default).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from cdktf import Token
from cdktf_cdktf_provider_aws.eks_pod_identity_association import EksPodIdentityAssociation
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from constructs import Construct

from constructs_lib.iam import policy_document, statement
from constructs_lib.identity.irsa import (
    Permissions,
    _policy_id,
    _require_name,
    require_role_name,
    validate_permissions,
)
from constructs_lib.stack import CLUSTER_NAME, NAME_PREFIX, from_environment
from constructs_lib.validation import require, require_dns_label, require_unique

__all__ = [
    "POD_IDENTITY_ACTIONS",
    "POD_IDENTITY_PRINCIPAL",
    "SESSION_TAG_CLUSTER_NAME",
    "SESSION_TAG_NAMESPACE",
    "SESSION_TAG_SERVICE_ACCOUNT",
    "AssociationMode",
    "PodIdentityRole",
    "PodIdentityRoleProps",
    "ServiceAccountRef",
    "trust_policy",
]

#: The service principal EKS Pod Identity assumes roles as (the same in every partition).
POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
#: Exactly what the principal needs: assume the role, and tag the session.
POD_IDENTITY_ACTIONS = ("sts:AssumeRole", "sts:TagSession")
#: Session tags EKS Pod Identity puts on its AssumeRole request (EKS user guide, pod-id-abac).
SESSION_TAG_CLUSTER_NAME = "eks-cluster-name"
SESSION_TAG_NAMESPACE = "kubernetes-namespace"
SESSION_TAG_SERVICE_ACCOUNT = "kubernetes-service-account"


class AssociationMode(enum.Enum):
    """Who creates the ``aws_eks_pod_identity_association`` of each service account."""

    #: The construct creates one association per service account (workloads, Helm charts).
    CREATE = "CREATE"
    #: An EKS managed add-on creates it from its ``pod_identity_association`` block
    #: (:meth:`constructs_lib.cluster.eks_cluster.EksCluster.add_managed_addon`); a second,
    #: separate association for the same service account would conflict with the add-on's.
    ADDON = "ADDON"


@dataclass(frozen=True)
class ServiceAccountRef:
    """One Kubernetes service account: namespace and name (DNS-1123 labels, no wildcards)."""

    namespace: str
    name: str


@dataclass(frozen=True, kw_only=True)
class PodIdentityRoleProps:
    """A role for named service accounts of one cluster."""

    #: Short role name, e.g. ``ebs-csi`` or ``cloudwatch-agent``.
    name: str
    #: The service accounts that may use the role; at least one, each once.
    service_accounts: tuple[ServiceAccountRef, ...]
    permissions: Permissions
    #: Default CREATE: one association per service account. ADDON when a managed add-on binds the role.
    association_mode: AssociationMode = AssociationMode.CREATE
    #: Environment prefix (``eks-platform-dev``); the role is ``<name_prefix>-<name>``.
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: The cluster's name: a literal, or the cluster tier's ``cluster_name`` reference (pass it when
    #: the cluster is in the same stack, so the associations wait for the cluster). Default None: the
    #: stack's environment's cluster name (``config.prefix``, a literal: for a cluster another stack
    #: built); outside an ``EnvironmentStack`` a ConfigError.
    cluster_name: str | None = None
    #: Role description shown in IAM. Default: names the bound service accounts.
    description: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_accounts", tuple(self.service_accounts))


def trust_policy(cluster_name: str, service_accounts: Sequence[ServiceAccountRef]) -> str:
    """The trust policy JSON of :class:`PodIdentityRole`: one exact statement per service account.

    One statement each, not lists of namespaces and names in one statement: lists would also admit
    every cross pair (namespace A with service account B).
    """
    return policy_document(
        *(
            statement(
                f"PodIdentity{index}",
                list(POD_IDENTITY_ACTIONS),
                principals={"Service": POD_IDENTITY_PRINCIPAL},
                conditions={
                    "StringEquals": {
                        f"aws:RequestTag/{SESSION_TAG_CLUSTER_NAME}": cluster_name,
                        f"aws:RequestTag/{SESSION_TAG_NAMESPACE}": account.namespace,
                        f"aws:RequestTag/{SESSION_TAG_SERVICE_ACCOUNT}": account.name,
                    }
                },
            )
            for index, account in enumerate(service_accounts)
        )
    )


class PodIdentityRole(Construct):
    """An IAM role that EKS Pod Identity hands to the named service accounts of one cluster only.

    Attributes: ``role_arn``, ``role_name``, ``service_accounts``, ``associations`` (``"<ns>/<sa>"``
    -> ``EksPodIdentityAssociation``; empty in ADDON mode), ``association_ids`` (same keys).
    The cluster must run the ``eks-pod-identity-agent`` add-on (``EksCluster`` installs it), and a
    pod must be (re)started after its association exists to get credentials.
    """

    def __init__(self, scope: Construct, id: str, *, props: PodIdentityRoleProps) -> None:
        path = f"pod_identity[{props.name}]"
        name_prefix = from_environment(scope, f"{path}.name_prefix", props.name_prefix, NAME_PREFIX)
        cluster_name = from_environment(scope, f"{path}.cluster_name", props.cluster_name, CLUSTER_NAME)
        super().__init__(scope, id)
        role_name = require_role_name(path, name_prefix, props.name)
        if not Token.is_unresolved(cluster_name):
            require_dns_label(f"{path}.cluster_name", cluster_name, max_length=100)
        require(
            len(props.service_accounts) > 0,
            f"{path}.service_accounts",
            "must name at least one service account",
            [],
            "add ServiceAccountRef('<namespace>', '<service account>')",
        )
        accounts = tuple(
            ServiceAccountRef(
                _require_name(f"{path}.service_accounts[{index}].namespace", account.namespace),
                _require_name(f"{path}.service_accounts[{index}].name", account.name),
            )
            for index, account in enumerate(props.service_accounts)
        )
        require_unique(f"{path}.service_accounts", (f"{a.namespace}/{a.name}" for a in accounts), "service account")
        require(
            isinstance(props.association_mode, AssociationMode),
            f"{path}.association_mode",
            "must be CREATE or ADDON",
            props.association_mode,
            "use AssociationMode.CREATE (the construct associates) or AssociationMode.ADDON",
        )
        require(
            props.association_mode is AssociationMode.CREATE or len(accounts) == 1,
            f"{path}.service_accounts",
            "must name exactly one service account in ADDON mode (an add-on binds one role to one account)",
            [f"{a.namespace}/{a.name}" for a in accounts],
            "use one role per add-on service account",
        )
        validate_permissions(f"{path}.permissions", props.permissions)

        names = ", ".join(f"{a.namespace}/{a.name}" for a in accounts)
        self.role = IamRole(
            self,
            "role",
            name=role_name,
            description=props.description or f"EKS Pod Identity role of service account {names}",
            assume_role_policy=trust_policy(cluster_name, accounts),
        )
        permissions = props.permissions
        if permissions.statements:
            IamRolePolicy(
                self, "policy", name=role_name, role=self.role.name, policy=policy_document(*permissions.statements)
            )
        for arn in permissions.managed_policy_arns:
            IamRolePolicyAttachment(self, _policy_id(arn), role=self.role.name, policy_arn=arn)

        self.role_arn: str = self.role.arn
        self.role_name: str = role_name
        self.service_accounts: tuple[ServiceAccountRef, ...] = accounts
        associations: dict[str, EksPodIdentityAssociation] = {}
        if props.association_mode is AssociationMode.CREATE:
            for account in accounts:
                associations[f"{account.namespace}/{account.name}"] = EksPodIdentityAssociation(
                    self,
                    f"association-{account.namespace}-{account.name}",
                    cluster_name=cluster_name,
                    namespace=account.namespace,
                    service_account=account.name,
                    role_arn=self.role.arn,
                )
        self.associations: Mapping[str, EksPodIdentityAssociation] = MappingProxyType(associations)
        self.association_ids: Mapping[str, str] = MappingProxyType(
            {key: association.association_id for key, association in associations.items()}
        )
