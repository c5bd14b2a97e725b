"""PlatformAddons: per add-on, its namespace, role (Pod Identity or IRSA), Helm release and custom resources."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_helm.release import Release
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1, NamespaceV1Metadata
from constructs import Construct

from constructs_lib.cluster.config import IdentityMode, NodeGroupSpec
from constructs_lib.cluster.karpenter import KarpenterNodes
from constructs_lib.identity.workload import WorkloadRole
from constructs_lib.platform.addon import (
    Addon,
    AddonContext,
    PermissionsContext,
    PodSecurityLevel,
    RoleFactory,
    pod_security_labels,
)
from constructs_lib.platform.addons.builtin import BUILTIN_ADDONS
from constructs_lib.platform.addons.cluster_autoscaler import CLUSTER_AUTOSCALER_IMAGE_TAGS
from constructs_lib.platform.addons.external_secrets import CLUSTER_SECRET_STORE_RELEASE
from constructs_lib.platform.config import ADDON_NAMESPACES, SYSTEM_NAMESPACES, AddonsConfig
from constructs_lib.platform.helm import HelmAddon, HelmAddonProps
from constructs_lib.platform.resources import PlatformResources, PlatformResourcesProps
from constructs_lib.stack import CLUSTER_NAME, NODE_GROUPS, REGION, from_environment, require_given
from constructs_lib.validation import (
    is_reference,
    require,
    require_dns_label,
    require_iam_arn,
    require_range,
    require_region,
)

__all__ = ["AddonIdentity", "PlatformAddons", "PlatformAddonsProps"]

#: An add-on's name: a snake_case key (``AddonsConfig`` toggles are such names).
_ADDON_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}\Z", re.ASCII)


@dataclass(frozen=True)
class AddonIdentity:
    """How :class:`PlatformAddons` makes the role of an add-on that calls AWS."""

    #: ``(role name, namespace, service account, permissions) -> WorkloadRole``; ``PlatformStack``
    #: passes its ``workload_role`` (roles ``irsa-<role name>`` in the stack, named
    #: ``<prefix>-<role name>``, Pod Identity or IRSA as ``ClusterConfig.workload_identity`` says).
    make_role: RoleFactory
    #: What the add-ons' permissions may read.
    permissions: PermissionsContext


@dataclass(frozen=True, kw_only=True)
class PlatformAddonsProps:
    """Inputs of the add-ons: plain values or terraform references from the cluster and identity tiers."""

    #: The VPC id; the load balancer controller needs it because IMDS is closed to pods.
    vpc_id: str
    #: Kubernetes minor version of the cluster, e.g. ``1.35``; picks the cluster-autoscaler image.
    kubernetes_version: str
    addons: AddonsConfig = field(default_factory=AddonsConfig)
    #: The cluster's name: a literal, or the cluster tier's ``cluster_name`` reference (pass it when
    #: the cluster is in the same stack, so the releases' values wait for it). Default None: the stack's
    #: environment's cluster name (``config.prefix``, a literal); outside an ``EnvironmentStack`` a ConfigError.
    cluster_name: str | None = None
    #: AWS region code of the cluster. Default None: the stack's environment's (``config.region``);
    #: outside an ``EnvironmentStack`` a ConfigError.
    region: str | None = None
    #: IRSA role ARN per add-on name (``aws_load_balancer_controller``, ``cluster_autoscaler``,
    #: ``external_secrets``, ``velero``), for IRSA roles made elsewhere: the chart's service account
    #: gets the role-arn annotation. Default none: each enabled add-on that calls AWS then gets its
    #: role from ``identity``.
    service_account_role_arns: Mapping[str, str] = field(default_factory=dict)
    #: Makes the missing roles. Default None: every add-on that calls AWS needs an entry in
    #: ``service_account_role_arns``.
    identity: AddonIdentity | None = None
    #: Name of the backup bucket (:class:`~constructs_lib.platform.backup.BackupBucket`); required with velero.
    backup_bucket_name: str | None = None
    #: What every release waits for: the node groups (pods need nodes), access entries, ...
    depends_on: Sequence[ITerraformDependable] = ()
    #: The node-group matrix (Karpenter's NodePools come from it). Default None: the stack's
    #: environment's (``config.node_groups``); outside an ``EnvironmentStack`` none (no NodePools).
    node_groups: Sequence[NodeGroupSpec] | None = None
    #: Karpenter's queue and instance profile (:class:`~constructs_lib.cluster.karpenter.KarpenterInterruption`);
    #: required with karpenter.
    karpenter: KarpenterNodes | None = None

    def __post_init__(self) -> None:
        if self.node_groups is not None:
            object.__setattr__(self, "node_groups", tuple(self.node_groups))
        object.__setattr__(self, "service_account_role_arns", MappingProxyType(dict(self.service_account_role_arns)))
        object.__setattr__(self, "depends_on", tuple(self.depends_on))

    def validate(self, path: str) -> None:
        """Check the inputs against the enabled add-ons; raises ConfigError. ``cluster_name`` and
        ``region`` must be set (:class:`PlatformAddons` validates its props with the environment's
        when they leave them None)."""
        self.addons.validate(f"{path}.addons")
        require_given(f"{path}.cluster_name", self.cluster_name, CLUSTER_NAME)
        require_region(f"{path}.region", require_given(f"{path}.region", self.region, REGION))
        require(
            self.kubernetes_version in CLUSTER_AUTOSCALER_IMAGE_TAGS,
            f"{path}.kubernetes_version",
            f"must be a Kubernetes minor the catalog has a cluster-autoscaler image for "
            f"({', '.join(CLUSTER_AUTOSCALER_IMAGE_TAGS)})",
            self.kubernetes_version,
            "use the cluster's version, e.g. '1.35'",
        )
        calls_aws = sorted(name for name, addon in BUILTIN_ADDONS.items() if addon.role_name is not None)
        for name, arn in self.service_account_role_arns.items():
            require(
                name in calls_aws,
                f"{path}.service_account_role_arns.{name}",
                "must name an add-on that calls AWS",
                name,
                f"use one of {calls_aws}",
            )
            if not is_reference(arn):
                require_iam_arn(f"{path}.service_account_role_arns.{name}", arn)
        for name in self.addons.enabled():
            addon = BUILTIN_ADDONS[name]
            require(
                addon.role_name is None or name in self.service_account_role_arns or self.identity is not None,
                f"{path}.service_account_role_arns.{name}",
                "is required: the add-on calls AWS APIs through its role",
                None,
                f"pass the identity tier's role ARN for {addon.namespace}:{addon.service_account}, or an `identity`",
            )
        require(
            not self.addons.velero or bool(self.backup_bucket_name),
            f"{path}.backup_bucket_name",
            "is required when velero is on",
            self.backup_bucket_name,
            "create a BackupBucket and pass its bucket_name",
        )
        require(
            not self.addons.karpenter or self.karpenter is not None,
            f"{path}.karpenter",
            "is required when karpenter is on (its queue and instance profile)",
            None,
            "create a KarpenterInterruption and pass its nodes",
        )


class PlatformAddons(Construct):
    """Installs the enabled built-in add-ons of :class:`AddonsConfig`, and any :class:`Addon` given to
    :meth:`add_addon`, the same way:

    * a namespace ``<release>-namespace`` (PSS labels: the add-on's enforce level, warn and audit
      restricted) that waits for ``depends_on`` (the deployer's access, nodes);
    * when the add-on calls AWS, its role from ``identity`` (EKS Pod Identity or IRSA; or the IRSA
      role ARN given for it); with Pod Identity the release waits for the association and the agent;
    * a :class:`HelmAddon` that waits for ``depends_on``, its namespace, the add-ons it names in
      ``after`` and every installed add-on that intercepts Services (the load balancer controller,
      whose webhook sees every Service);
    * its custom resources through :class:`PlatformResources`, after its own release.

    Attributes: ``releases`` (add-on name -> helm_release), ``namespaces`` (add-on name -> namespace
    name), ``role_arns`` (add-on name -> role ARN), ``installed`` (add-on name -> :class:`Addon`),
    ``custom_resource_releases`` (release name -> helm_release), ``secret_store_release`` (the
    ClusterSecretStore's release, or None; ExternalSecrets depend on it), ``ingress_controller_namespace``
    (where ingress traffic comes from in-cluster, or None).
    """

    def __init__(self, scope: Construct, id: str, *, props: PlatformAddonsProps) -> None:
        # What the props leave to the environment, resolved once (before any resource exists).
        self._cluster_name: str = from_environment(scope, "props.cluster_name", props.cluster_name, CLUSTER_NAME)
        self._region: str = from_environment(scope, "props.region", props.region, REGION)
        self._node_groups: tuple[NodeGroupSpec, ...] = tuple(
            from_environment(scope, "props.node_groups", props.node_groups, NODE_GROUPS, outside=())
        )
        props = replace(props, cluster_name=self._cluster_name, region=self._region, node_groups=self._node_groups)
        props.validate("props")
        super().__init__(scope, id)
        self._props = props
        self.releases: dict[str, Release] = {}
        self.namespaces: dict[str, str] = {}
        self.role_arns: dict[str, str] = {}
        self.installed: dict[str, Addon] = {}
        self.custom_resource_releases: dict[str, Release] = {}
        #: The releases that make application nodes (Karpenter's NodePools); non-critical add-ons wait for them.
        self._node_provisioning: list[Release] = []
        for name in props.addons.enabled():  # declaration order: the load balancer controller comes first
            self.add_addon(BUILTIN_ADDONS[name])
        self.secret_store_release: Release | None = self.custom_resource_releases.get(CLUSTER_SECRET_STORE_RELEASE)
        self.ingress_controller_namespace: str | None = self.namespaces.get("ingress_nginx")

    def add_addon(self, addon: Addon) -> Release:
        """Install ``addon`` (a built-in one or a user's own); returns its release.

        Validates it against what is installed before creating anything; raises ConfigError.
        """
        self.validate_addon(addon)
        props = self._props
        role = self._role(addon)
        context = AddonContext(
            cluster_name=self._cluster_name,
            region=self._region,
            vpc_id=props.vpc_id,
            kubernetes_version=props.kubernetes_version,
            options=props.addons,
            role=role,
            backup_bucket_name=props.backup_bucket_name,
            node_groups=self._node_groups,
            karpenter=props.karpenter,
        )
        values = addon.values(context)
        custom_resources = addon.custom_resources(context)
        namespace = NamespaceV1(
            self,
            f"{addon.release_name}-namespace",
            metadata=NamespaceV1Metadata(
                name=addon.namespace,
                labels={"app.kubernetes.io/part-of": "platform", **pod_security_labels(addon.pod_security)},
            ),
            # The API answers only once the deployer's access entry is associated (and on destroy the
            # namespace must go before that association does).
            depends_on=list(props.depends_on) or None,
        )
        depends_on: list[ITerraformDependable] = [*props.depends_on, namespace]
        # With Pod Identity the pods get credentials only if the association (and the agent) exists
        # when they start.
        depends_on += role.depends_on if role is not None else ()
        # The load balancer controller is installed first, so it does not wait for itself.
        waits_for = [name for name, other in self.installed.items() if other.intercepts_services]
        waits_for += [name for name in addon.after if name not in waits_for]
        depends_on += [self.releases[name] for name in waits_for]
        if not addon.critical:  # its pods need application nodes: wait for the node provider's NodePools
            depends_on += self._node_provisioning
        release = HelmAddon(
            self,
            addon.release_name,
            props=HelmAddonProps(
                release_name=addon.release_name,
                source=addon.source,
                namespace=addon.namespace,
                values=values,
                depends_on=depends_on,
            ),
        ).release
        self.releases[addon.name] = release
        self.namespaces[addon.name] = addon.namespace
        self.installed[addon.name] = addon
        if role is not None:
            self.role_arns[addon.name] = role.role_arn
        for resources in custom_resources:
            resources_release = self.custom_resource_releases[resources.release_name] = PlatformResources(
                self,
                resources.release_name,
                props=PlatformResourcesProps(
                    release_name=resources.release_name,
                    namespace=addon.namespace,
                    manifests=resources.manifests,
                    depends_on=[release],
                ),
            ).release
            if addon.provides_nodes:
                self._node_provisioning.append(resources_release)
        return release

    def validate_addon(self, addon: Addon, path: str = "add_addon") -> None:
        """Check ``addon`` against the contract and what is installed; raises ConfigError."""
        require(isinstance(addon, Addon), path, "must be an Addon", type(addon).__name__, "subclass Addon")
        require(
            isinstance(addon.name, str) and _ADDON_NAME.match(addon.name) is not None,
            f"{path}.name",
            "must be a snake_case name (lowercase letters, digits, underscores; a letter first)",
            addon.name,
            "use e.g. 'external_dns'",
        )
        path = f"{path}({addon.name})"
        require(
            addon.name not in self.installed,
            f"{path}.name",
            "must not name an add-on that is already installed",
            addon.name,
            "give the add-on another name, or add it once",
        )
        builtin = BUILTIN_ADDONS.get(addon.name)
        require(
            builtin is None or type(addon) is type(builtin),
            f"{path}.name",
            "must not be the name of a built-in add-on (turn it on in AddonsConfig instead)",
            addon.name,
            f"rename it; built-in: {', '.join(BUILTIN_ADDONS)}",
        )
        addon.source.validate(f"{path}.source")
        require_dns_label(f"{path}.release_name", addon.release_name, max_length=53)
        taken = {*self._release_names(), *self.custom_resource_releases}
        require(
            addon.release_name not in taken,
            f"{path}.release_name",
            "must not be the release of an installed add-on or of its custom resources",
            addon.release_name,
            "choose another release name",
        )
        require_dns_label(f"{path}.namespace", addon.namespace)
        own = ADDON_NAMESPACES.get(addon.name) == addon.namespace and builtin is not None
        require(
            own or (addon.namespace not in SYSTEM_NAMESPACES and addon.namespace not in ADDON_NAMESPACES.values()),
            f"{path}.namespace",
            "must not be a Kubernetes or built-in add-on namespace (each add-on gets its own)",
            addon.namespace,
            "use a namespace named after the add-on",
        )
        require(
            addon.namespace not in self.namespaces.values(),
            f"{path}.namespace",
            "must not be the namespace of an installed add-on (each add-on gets its own)",
            addon.namespace,
            "use a namespace named after the add-on",
        )
        require_dns_label(f"{path}.service_account", addon.service_account)
        require(
            isinstance(addon.pod_security, PodSecurityLevel),
            f"{path}.pod_security",
            "must be a PodSecurityLevel",
            addon.pod_security,
            "use PodSecurityLevel.RESTRICTED, or BASELINE for what the chart's pods need",
        )
        for index, port in enumerate(addon.control_plane_ports):
            require_range(f"{path}.control_plane_ports[{index}]", port, 1, 65535)
        for index, name in enumerate(addon.after):
            require(
                name in self.installed,
                f"{path}.after[{index}]",
                "must name an add-on installed before this one",
                name,
                f"install {name!r} first (turn it on, or add it earlier); installed: {', '.join(self.installed)}",
            )
        if addon.role_name is not None:
            require_dns_label(f"{path}.role_name", addon.role_name)
            require(
                addon.name in self._props.service_account_role_arns or self._props.identity is not None,
                f"{path}.role_name",
                "needs a role: the add-on calls AWS APIs",
                addon.role_name,
                "build PlatformAddons with an `identity` (PlatformStack does), or pass its role ARN",
            )

    def _release_names(self) -> tuple[str, ...]:
        """Release names of the installed add-ons."""
        return tuple(addon.release_name for addon in self.installed.values())

    def _role(self, addon: Addon) -> WorkloadRole | None:
        if addon.role_name is None:
            return None
        given = self._props.service_account_role_arns.get(addon.name)
        if given is not None:
            return WorkloadRole(given, IdentityMode.IRSA)
        identity = self._props.identity
        assert identity is not None  # validate_addon checked it
        permissions = addon.permissions(identity.permissions)
        return identity.make_role(addon.role_name, addon.namespace, addon.service_account, permissions)
