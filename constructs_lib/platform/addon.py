"""The add-on contract: everything one Helm add-on of the platform is, in one object.

An add-on (built in, under :mod:`constructs_lib.platform.addons`, or a user's own) implements
:class:`Addon`: its chart pin, namespace and Pod Security level, service account, whether it is
cluster-critical, the control-plane ports of its webhooks, its IAM permissions (when it calls AWS),
its Helm values, its custom resources and the add-ons it waits for. :class:`PlatformAddons
<constructs_lib.platform.addons.PlatformAddons>` turns one into a namespace, a role (EKS Pod Identity or
IRSA, :class:`~constructs_lib.cluster.config.IdentityMode`), a release
and the custom resources' release; ``PlatformAddons.add_addon`` / ``PlatformStack.add_addon`` plug a
user's add-on in the same way as the built-in ones.
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, cast

from constructs_lib.cluster.config import IdentityMode, NodeGroupSpec, system_placement
from constructs_lib.cluster.karpenter import KarpenterNodes
from constructs_lib.identity.irsa import Permissions
from constructs_lib.identity.workload import WorkloadRole
from constructs_lib.platform.config import AddonsConfig
from constructs_lib.platform.helm import ChartSource
from constructs_lib.security.context import ArnContext

__all__ = [
    "API_SERVER_WEBHOOK_PORT",
    "CRITICAL_ADDONS_TOLERATION",
    "GP3_STORAGE_CLASS",
    "KUBELET_PORT",
    "SYSTEM_CLUSTER_CRITICAL",
    "VERIFIED_ON",
    "Addon",
    "AddonContext",
    "CatalogEntry",
    "ChartFacts",
    "CustomResources",
    "PermissionsContext",
    "PodSecurityLevel",
    "RoleFactory",
    "pod_security_labels",
]

#: The kubelet's port (logs, exec, metrics). Several charts serve their webhook on it by default, so
#: that node firewalls which already let the control plane reach the kubelet need no extra rule.
KUBELET_PORT = 10250
#: HTTPS: webhooks served on the standard port.
API_SERVER_WEBHOOK_PORT = 443

#: The default StorageClass the baseline creates; persistent add-ons ask for it by name.
GP3_STORAGE_CLASS = "gp3"

#: The priority class of cluster-critical add-ons (built into Kubernetes).
SYSTEM_CLUSTER_CRITICAL = "system-cluster-critical"

#: The SYSTEM node group's taint as a pod toleration; cluster-critical add-ons tolerate it.
CRITICAL_ADDONS_TOLERATION: Mapping[str, str] = MappingProxyType(
    cast(list[dict[str, str]], system_placement()["tolerations"])[0]
)

#: The date the built-in charts' facts were read.
VERIFIED_ON = "2026-12-02"


class PodSecurityLevel(enum.Enum):
    """Pod Security Standards profile enforced on a namespace."""

    RESTRICTED = "restricted"
    BASELINE = "baseline"
    PRIVILEGED = "privileged"


def pod_security_labels(enforce: PodSecurityLevel) -> dict[str, str]:
    """Pod Security Standards labels: ``enforce`` as given, ``warn`` and ``audit`` always restricted."""
    return {
        "pod-security.kubernetes.io/enforce": enforce.value,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": PodSecurityLevel.RESTRICTED.value,
        "pod-security.kubernetes.io/audit": PodSecurityLevel.RESTRICTED.value,
    }


@dataclass(frozen=True)
class CatalogEntry:
    """The data of one add-on (what :data:`~constructs_lib.platform.catalog.CATALOG` lists)."""

    release_name: str
    source: ChartSource
    #: The add-on's own namespace.
    namespace: str
    #: Service account the chart creates; the role's trust policy (and Pod Identity association) names it.
    service_account: str
    #: PSS profile enforced on the namespace (warn and audit are always ``restricted``).
    pod_security: PodSecurityLevel
    #: Cluster-critical: tolerates the system node group's taint, runs with ``system-cluster-critical``.
    critical: bool
    #: Calls AWS APIs, so a role is required.
    needs_aws: bool
    #: TCP ports the control plane calls on the add-on's pods (admission webhooks, aggregated APIs),
    #: as the pinned chart configures them (chart_facts notes each). Default none.
    control_plane_ports: tuple[int, ...] = ()


@dataclass(frozen=True)
class ChartFacts:
    """One chart version as we read it (see :mod:`constructs_lib.platform.chart_facts`)."""

    #: The chart version read; the add-on must pin exactly this.
    version: str
    #: GitHub repository holding the chart's source.
    repository: str
    #: Tag (or commit) of that repository the files were read at.
    ref: str
    #: Folder of the chart in that repository.
    chart_path: str
    #: Value paths our builders use that the chart has at ``version``.
    value_paths: frozenset[str]
    #: The chart ships a values schema that rejects unknown keys (``additionalProperties: false``),
    #: so a wrong key fails ``helm install`` instead of being ignored.
    closed_schema: bool = False
    #: Other facts that shaped our values, in our words.
    notes: tuple[str, ...] = ()
    verified_on: str = VERIFIED_ON


@dataclass(frozen=True)
class AddonContext:
    """What an add-on's values and custom resources may read: plain values or terraform references."""

    cluster_name: str
    region: str
    #: The VPC id (IMDS is closed to pods, so controllers cannot discover it).
    vpc_id: str
    #: Kubernetes minor of the cluster, e.g. ``1.35``.
    kubernetes_version: str
    #: The environment's add-on toggles and options.
    options: AddonsConfig
    #: The add-on's role (ARN, how pods get it); None when it calls no AWS API.
    role: WorkloadRole | None = None
    #: The backup bucket's name (velero); None when the environment has none.
    backup_bucket_name: str | None = None
    #: The environment's node-group matrix (Karpenter turns the non-SYSTEM groups into NodePools).
    node_groups: tuple[NodeGroupSpec, ...] = ()
    #: Karpenter's queue and instance profile; None without Karpenter.
    karpenter: KarpenterNodes | None = None

    @property
    def role_arn(self) -> str | None:
        """The add-on's role ARN; None when it calls no AWS API."""
        return self.role.role_arn if self.role is not None else None

    @property
    def uses_irsa(self) -> bool:
        """The add-on has a role and its pods get it through IRSA (the service-account token of the
        cluster's OIDC issuer), not EKS Pod Identity."""
        return self.role is not None and self.role.mode is IdentityMode.IRSA


@dataclass(frozen=True)
class PermissionsContext:
    """What an add-on's IAM permissions may read."""

    #: Partition, region and account of the environment (``AwsContext`` satisfies it).
    aws: ArnContext
    cluster_name: str
    #: The environment's name prefix (secrets and parameters live under it).
    name_prefix: str
    #: ARN of the backup bucket and the KMS keys of its objects (velero); None/empty without one.
    backup_bucket_arn: str | None = None
    backup_kms_key_arns: tuple[str, ...] = ()
    #: The database's RDS-managed master secret and its KMS key, when an application reads them
    #: (external-secrets syncs the credentials); None otherwise.
    database_secret_arn: str | None = None
    database_kms_key_arn: str | None = None
    #: Route 53 zones external-dns may change (``AddonsConfig.dns.hosted_zone_ids``); empty without it.
    hosted_zone_ids: tuple[str, ...] = ()
    #: Karpenter's queue, instance profile and node role; None without Karpenter.
    karpenter: KarpenterNodes | None = None


#: Makes the role of an add-on: ``(role name, namespace, service account, permissions) -> role``.
RoleFactory = Callable[[str, str, str, Permissions], WorkloadRole]


@dataclass(frozen=True)
class CustomResources:
    """Objects of the add-on's CRDs, applied in one release after the add-on's own."""

    #: Release (and construct id) of the manifests, e.g. ``cluster-secret-store``.
    release_name: str
    manifests: tuple[Mapping[str, Any], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "manifests", tuple(MappingProxyType(dict(m)) for m in self.manifests))


class Addon(abc.ABC):
    """One Helm add-on. Subclasses set the attributes (as class attributes or dataclass fields) and
    implement :meth:`values`; the other methods have defaults.

    Attributes: ``name`` (a snake_case key, e.g. ``velero``: release and namespace are DNS names),
    ``release_name``, ``source`` (the chart pin), ``namespace`` (its own; created by the platform with
    PSS labels), ``service_account`` (the chart creates it; the role's trust policy names it),
    ``pod_security``, ``critical`` (tolerates the system taint, ``system-cluster-critical``),
    ``control_plane_ports`` (its webhooks'), ``role_name`` (role ``<prefix>-<role_name>``; set
    exactly when the add-on calls AWS), ``after`` (add-ons by name its release waits for),
    ``intercepts_services`` (its webhook sees every Service: every add-on installed after it waits for
    it), ``facts`` (what we verified about the chart, or None for a user's add-on).
    """

    name: str
    release_name: str
    source: ChartSource
    namespace: str
    service_account: str
    #: Default ``restricted``: the strictest profile; relax it only for what the chart's pods need.
    pod_security: PodSecurityLevel = PodSecurityLevel.RESTRICTED
    critical: bool = False
    control_plane_ports: tuple[int, ...] = ()
    role_name: str | None = None
    after: tuple[str, ...] = ()
    intercepts_services: bool = False
    #: Its custom resources make the nodes that non-critical pods run on (Karpenter's NodePools): every
    #: non-critical add-on installed after it waits for them, or its release would wait for pods that
    #: have no node. Default False.
    provides_nodes: bool = False
    facts: ChartFacts | None = None

    @property
    def entry(self) -> CatalogEntry:
        """This add-on as a catalog entry."""
        return CatalogEntry(
            release_name=self.release_name,
            source=self.source,
            namespace=self.namespace,
            service_account=self.service_account,
            pod_security=self.pod_security,
            critical=self.critical,
            needs_aws=self.role_name is not None,
            control_plane_ports=tuple(self.control_plane_ports),
        )

    def permissions(self, context: PermissionsContext) -> Permissions:
        """What the role may do; called only when ``role_name`` is set. Default: nothing."""
        return Permissions()

    @abc.abstractmethod
    def values(self, context: AddonContext) -> Mapping[str, Any]:
        """The chart's values."""

    def custom_resources(self, context: AddonContext) -> Sequence[CustomResources]:
        """Objects of the add-on's CRDs, released after it. Default none."""
        return ()

    # -- helpers for values ----------------------------------------------------------------------
    def service_account_values(self, context: AddonContext, *, create: bool = True) -> dict[str, Any]:
        """The usual ``serviceAccount`` block: name, and the role's annotations (the IRSA role-arn
        annotation; none with EKS Pod Identity, whose association binds the role)."""
        account: dict[str, Any] = {"create": create, "name": self.service_account}
        if context.role is not None and context.role.service_account_annotations:
            account["annotations"] = dict(context.role.service_account_annotations)
        return account

    def critical_scheduling(self) -> dict[str, Any]:
        """Scheduling of a cluster-critical pod: on the SYSTEM node group only, at the critical priority."""
        if not self.critical:
            return {}
        # The nodeSelector keeps them off application and Spot nodes; the toleration lets them onto
        # the SYSTEM group, which nothing else tolerates.
        return {**system_placement(), "priorityClassName": SYSTEM_CLUSTER_CRITICAL}
