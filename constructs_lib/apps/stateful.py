"""A stateful workload (seed 000's MongoDB and Kafka, seed 004's StatefulSet): a hardened StatefulSet
with a gp3 volume per member, headless and client Services, PDB, RBAC, and velero backups."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_kubernetes.config_map_v1 import ConfigMapV1, ConfigMapV1Metadata
from cdktf_cdktf_provider_kubernetes.network_policy_v1 import (
    NetworkPolicyV1,
    NetworkPolicyV1Metadata,
    NetworkPolicyV1Spec,
    NetworkPolicyV1SpecEgress,
    NetworkPolicyV1SpecEgressPorts,
    NetworkPolicyV1SpecEgressTo,
    NetworkPolicyV1SpecEgressToPodSelector,
    NetworkPolicyV1SpecIngress,
    NetworkPolicyV1SpecIngressFrom,
    NetworkPolicyV1SpecIngressFromNamespaceSelector,
    NetworkPolicyV1SpecIngressFromPodSelector,
    NetworkPolicyV1SpecIngressPorts,
    NetworkPolicyV1SpecPodSelector,
)
from cdktf_cdktf_provider_kubernetes.pod_disruption_budget_v1 import (
    PodDisruptionBudgetV1,
    PodDisruptionBudgetV1Metadata,
    PodDisruptionBudgetV1Spec,
    PodDisruptionBudgetV1SpecSelector,
)
from cdktf_cdktf_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
from cdktf_cdktf_provider_kubernetes.service_v1 import ServiceV1, ServiceV1Metadata, ServiceV1Spec, ServiceV1SpecPort
from cdktf_cdktf_provider_kubernetes.stateful_set_v1 import (
    StatefulSetV1,
    StatefulSetV1Metadata,
    StatefulSetV1Spec,
    StatefulSetV1SpecPersistentVolumeClaimRetentionPolicy,
    StatefulSetV1SpecSelector,
    StatefulSetV1SpecTemplate,
    StatefulSetV1SpecTemplateMetadata,
    StatefulSetV1SpecTemplateSpec,
    StatefulSetV1SpecTemplateSpecAffinity,
    StatefulSetV1SpecTemplateSpecAffinityPodAntiAffinity,
    StatefulSetV1SpecTemplateSpecAffinityPodAntiAffinityRequiredDuringSchedulingIgnoredDuringExecution,
    StatefulSetV1SpecTemplateSpecAffinityPodAntiAffinityRequiredDuringSchedulingIgnoredDuringExecutionLabelSelector,
    StatefulSetV1SpecTemplateSpecContainer,
    StatefulSetV1SpecTemplateSpecContainerEnv,
    StatefulSetV1SpecTemplateSpecContainerEnvFrom,
    StatefulSetV1SpecTemplateSpecContainerEnvFromConfigMapRef,
    StatefulSetV1SpecTemplateSpecContainerEnvValueFrom,
    StatefulSetV1SpecTemplateSpecContainerEnvValueFromFieldRef,
    StatefulSetV1SpecTemplateSpecContainerLivenessProbe,
    StatefulSetV1SpecTemplateSpecContainerLivenessProbeHttpGet,
    StatefulSetV1SpecTemplateSpecContainerLivenessProbeTcpSocket,
    StatefulSetV1SpecTemplateSpecContainerPort,
    StatefulSetV1SpecTemplateSpecContainerReadinessProbe,
    StatefulSetV1SpecTemplateSpecContainerReadinessProbeHttpGet,
    StatefulSetV1SpecTemplateSpecContainerReadinessProbeTcpSocket,
    StatefulSetV1SpecTemplateSpecContainerResources,
    StatefulSetV1SpecTemplateSpecContainerStartupProbe,
    StatefulSetV1SpecTemplateSpecContainerStartupProbeHttpGet,
    StatefulSetV1SpecTemplateSpecContainerStartupProbeTcpSocket,
    StatefulSetV1SpecTemplateSpecContainerVolumeMount,
    StatefulSetV1SpecTemplateSpecTopologySpreadConstraint,
    StatefulSetV1SpecTemplateSpecTopologySpreadConstraintLabelSelector,
    StatefulSetV1SpecTemplateSpecVolume,
    StatefulSetV1SpecTemplateSpecVolumeEmptyDir,
    StatefulSetV1SpecUpdateStrategy,
    StatefulSetV1SpecUpdateStrategyRollingUpdate,
    StatefulSetV1SpecVolumeClaimTemplate,
    StatefulSetV1SpecVolumeClaimTemplateMetadata,
    StatefulSetV1SpecVolumeClaimTemplateSpec,
    StatefulSetV1SpecVolumeClaimTemplateSpecResources,
)
from constructs import Construct

from constructs_lib.apps.config import TMP_MOUNT_PATH
from constructs_lib.apps.rbac import read_own_config
from constructs_lib.apps.security_context import container_security_context, pod_security_context
from constructs_lib.apps.stateful_config import (
    CLIENT_PORT_NAME,
    CLUSTER_DOMAIN,
    METRICS_PORT_NAME,
    DisruptionPolicy,
    ProbeAction,
    ProbeSpec,
    StatefulWorkloadSpec,
)
from constructs_lib.platform.addons import GP3_STORAGE_CLASS
from constructs_lib.platform.baseline import PRIORITY_CLASSES
from constructs_lib.platform.catalog import PodSecurityLevel
from constructs_lib.platform.config import RESERVED_NAMESPACES, ResourceQuotaSpec, cpu_cores, memory_bytes
from constructs_lib.platform.namespace import ApplicationNamespace, ApplicationNamespaceProps, LimitRangeSpec
from constructs_lib.protections import Protections, require_protections
from constructs_lib.stack import PROTECTIONS, from_environment, require_given
from constructs_lib.validation import require, require_dns_label, require_range, require_repository_url

__all__ = [
    "CLUSTER_DOMAIN",
    "EXCLUDE_FROM_BACKUP_LABEL",
    "STATEFUL_PRIORITY_CLASS",
    "StatefulWorkload",
    "StatefulWorkloadProps",
]

_NAME = "app.kubernetes.io/name"
_ZONE = "topology.kubernetes.io/zone"
_HOSTNAME = "kubernetes.io/hostname"
_NAMESPACE_NAME = "kubernetes.io/metadata.name"
#: velero skips any object carrying this label with the value ``true``.
EXCLUDE_FROM_BACKUP_LABEL = "velero.io/exclude-from-backup"
#: Default priority class: a member's volume is bound to one zone, so an evicted member may find no
#: room where its data is; it should preempt normal pods rather than wait (and leave the quorum short).
STATEFUL_PRIORITY_CLASS = "critical"
#: Size of each writable scratch directory (``/tmp`` and ``writable_paths``): enough for sockets,
#: pid and rendered config files; data belongs on the volumes.
_SCRATCH_SIZE = "64Mi"


@dataclass(frozen=True, kw_only=True)
class StatefulWorkloadProps:
    """Everything one stateful workload needs besides its spec: its image and what the platform offers."""

    spec: StatefulWorkloadSpec
    #: ECR repository URL of ``spec.repository`` (the registry tier's ``repository_url``).
    repository_url: str
    #: ``retain_volumes``: claims are retained when the StatefulSet is deleted (on in prod). Default
    #: None: the stack's environment's (``config.resolved_protections``); outside an
    #: ``EnvironmentStack`` a ConfigError, so a prod workload wired by hand never loses its data by omission.
    protections: Protections | None = None
    #: Daily velero snapshots of the volumes (the velero add-on's Schedule). Default off: velero is
    #: an opt-in add-on (on in prod); when off, the workload's objects carry
    #: :data:`EXCLUDE_FROM_BACKUP_LABEL`.
    backup: bool = False
    #: Keep each member's claim (and its EBS volume) when the StatefulSet is deleted. Default:
    #: ``protections.retain_volumes`` (on in prod), and it may not be turned off where that is on: a
    #: replaced or destroyed StatefulSet must never take its data with it. Off elsewhere by default:
    #: an orphaned volume keeps costing money.
    retain_claims_on_delete: bool | None = None
    #: StorageClass of the volumes. Default the baseline's encrypted gp3 class
    #: (:data:`~constructs_lib.platform.addons.GP3_STORAGE_CLASS`).
    storage_class: str = GP3_STORAGE_CLASS
    #: Default :data:`STATEFUL_PRIORITY_CLASS`; one of the baseline's ``PRIORITY_CLASSES``.
    priority_class: str = STATEFUL_PRIORITY_CLASS
    #: PSS profile enforced on the namespace. Default RESTRICTED.
    pod_security: PodSecurityLevel = PodSecurityLevel.RESTRICTED
    #: Default: seed 003's production quota.
    quota: ResourceQuotaSpec = field(default_factory=ResourceQuotaSpec)
    #: The namespace's LimitRange; the container's limits must fit under its max.
    limits: LimitRangeSpec = field(default_factory=LimitRangeSpec)
    #: Namespace of Prometheus, allowed to scrape ``spec.metrics_port``. Default none.
    monitoring_namespace: str | None = None
    #: Namespaces the workload calls, with their ports (egress policy). Default none.
    egress_peers: Mapping[str, int] = field(default_factory=dict)
    #: What the namespace and workload wait for (the baseline's StorageClass, add-ons, node groups).
    depends_on: Sequence[ITerraformDependable] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "egress_peers", MappingProxyType(dict(self.egress_peers)))
        object.__setattr__(self, "depends_on", tuple(self.depends_on))

    @property
    def retains_claims(self) -> bool:
        """``retain_claims_on_delete``, or ``protections.retain_volumes`` when it is unset."""
        if self.retain_claims_on_delete is None:
            return require_given("protections", self.protections, PROTECTIONS).retain_volumes
        return self.retain_claims_on_delete

    def validate(self, path: str) -> None:
        """Check the spec and how it fits the platform; raises ConfigError. ``protections`` must be set
        (:class:`StatefulWorkload` validates its props with the environment's when they leave it None)."""
        spec = self.spec
        protections = require_protections(
            f"{path}.protections", require_given(f"{path}.protections", self.protections, PROTECTIONS)
        )
        spec.validate(f"{path}.spec")
        require(
            spec.name not in RESERVED_NAMESPACES,
            f"{path}.spec.name",
            "must not be a Kubernetes or add-on namespace (the workload gets its own namespace)",
            spec.name,
            f"rename the workload; reserved: {', '.join(sorted(RESERVED_NAMESPACES))}",
        )
        self.quota.validate(f"{path}.quota")
        self.limits.validate(f"{path}.limits")
        require_repository_url(f"{path}.repository_url", self.repository_url, example="mongodb")
        require(
            not (protections.retain_volumes and self.retain_claims_on_delete is False),
            f"{path}.retain_claims_on_delete",
            "must not be off where protections.retain_volumes is on (prod's default): deleting the "
            "StatefulSet would delete every member's data",
            self.retain_claims_on_delete,
            "leave it unset (it follows protections.retain_volumes)",
        )
        require(
            self.backup or spec.backup_hooks is None,
            f"{path}.spec.backup_hooks",
            "only apply when backup is on",
            spec.backup_hooks,
            "set backup=True or drop the hooks",
        )
        require_dns_label(f"{path}.storage_class", self.storage_class)
        require(
            self.priority_class in PRIORITY_CLASSES,
            f"{path}.priority_class",
            "must be one of the baseline's priority classes",
            self.priority_class,
            f"use one of {sorted(PRIORITY_CLASSES)}",
        )
        require(
            self.monitoring_namespace is None or spec.metrics_port is not None,
            f"{path}.monitoring_namespace",
            "needs spec.metrics_port: there is nothing to scrape",
            self.monitoring_namespace,
            "set spec.metrics_port or drop monitoring_namespace",
        )
        if self.monitoring_namespace is not None:
            require_dns_label(f"{path}.monitoring_namespace", self.monitoring_namespace)
        for peer, port in self.egress_peers.items():
            require_dns_label(f"{path}.egress_peers", peer)
            require_range(f"{path}.egress_peers.{peer}", port, 1, 65535)
        resources = spec.resources
        for name, value, ceiling, parse in (
            ("cpu_limit", resources.cpu_limit, self.limits.max_cpu, cpu_cores),
            ("memory_limit", resources.memory_limit, self.limits.max_memory, memory_bytes),
        ):
            require(
                (parse(value) or 0) <= (parse(ceiling) or 0),
                f"{path}.spec.resources.{name}",
                f"must fit under the namespace's LimitRange max ({ceiling}), or the pods are refused",
                value,
                "lower the limit or raise limits.max_cpu / limits.max_memory",
            )
        # A StatefulSet's rolling update replaces one member at a time (delete, then create): the
        # quota needs room for ``replicas`` pods, with no surge pod.
        pods = spec.replicas
        budget = (
            ("pods", pods, self.quota.pods, str(self.quota.pods)),
            ("requests.cpu", pods * (cpu_cores(resources.cpu_request) or 0),
             cpu_cores(self.quota.requests_cpu) or 0, self.quota.requests_cpu),
            ("limits.cpu", pods * (cpu_cores(resources.cpu_limit) or 0),
             cpu_cores(self.quota.limits_cpu) or 0, self.quota.limits_cpu),
            ("requests.memory", pods * (memory_bytes(resources.memory_request) or 0),
             memory_bytes(self.quota.requests_memory) or 0, self.quota.requests_memory),
            ("limits.memory", pods * (memory_bytes(resources.memory_limit) or 0),
             memory_bytes(self.quota.limits_memory) or 0, self.quota.limits_memory),
        )  # fmt: skip
        for resource, needed, allowed, shown in budget:
            require(
                needed <= allowed,
                f"{path}.spec.replicas",
                f"replicas would need more {resource} than the namespace quota ({shown})",
                spec.replicas,
                "lower replicas or the per-pod resources, or raise the quota",
            )


class StatefulWorkload(Construct):
    """One stateful workload in its own namespace (:class:`ApplicationNamespace`: PSS, default-deny,
    DNS, the allowed peers on the client port, quota and LimitRange), with:

    * ``allow-members``: members reach each other on the client and peer ports (nothing else in the
      namespace does); ``allow-metrics``: Prometheus' namespace on the metrics port (when both set);
    * ServiceAccount ``<name>`` without token automount; Role + RoleBinding: get/list on its own
      ConfigMap ``<name>-config`` and Secret ``<name>-secrets``; the ConfigMap when ``config`` is set;
    * headless Service ``<name>-headless`` (``clusterIP: None``, every port, not-ready members
      published when asked) and, by default, ClusterIP Service ``<name>`` on the client port;
    * StatefulSet: image ``<repository_url>:<image_tag>``; the hardening of
      :class:`~constructs_lib.apps.application.Application` (non-root, read-only root filesystem with
      writable ``/tmp``, ``writable_paths`` and volumes, no privilege escalation, all capabilities
      dropped, seccomp RuntimeDefault, requests and limits); typed startup/liveness/readiness probes;
      ``POD_NAME``/``POD_NAMESPACE`` from the downward API (members build their own DNS names);
      rolling update with partition 0; zone spread and required anti-affinity across nodes when
      replicas > 1; a ``volumeClaimTemplate`` per volume on the gp3 class; claims kept on scale-down
      and, with ``protections.retain_volumes`` (prod), on delete; ``wait_for_rollout`` off (a first
      apply must not wait for images pushed later);
    * PodDisruptionBudget: ``maxUnavailable: 1`` or, for QUORUM, ``minAvailable`` = a majority.

    Backups: velero's daily Schedule (``PlatformAddons``) snapshots the EBS volumes of every
    namespace it includes. With ``backup`` on, the wiring must add :attr:`backup_namespaces` to
    ``BackupConfig.included_namespaces`` when that list is not empty (empty means all namespaces),
    and ``backup_hooks`` become velero's pre/post hook annotations on the pods. With ``backup`` off,
    :attr:`backup_namespaces` is empty and the workload's objects (StatefulSet, pods, Services,
    RBAC) carry :data:`EXCLUDE_FROM_BACKUP_LABEL`. The claims cannot carry it (claim templates are
    immutable, and a label there would replace the StatefulSet when backups are toggled), and a
    Schedule that includes the namespace still snapshots the volumes: the strict opt-out is a
    Schedule whose ``included_namespaces`` leaves the namespace out.

    ``lifecycle.ignore_changes``: nothing by default (terraform owns the replica count; the
    ``kubectl.kubernetes.io/restartedAt`` annotation of a rollout restart is an internal key the
    provider never diffs); ``spec[0].replicas`` when ``external_scaling`` is on.

    Attributes: ``namespace``, ``service_name`` (None without the client Service),
    ``headless_service_name``, ``service_account_name``, ``image``, ``client_port``,
    ``pod_dns_names``, ``client_endpoint``, ``backup_namespaces``, ``statefulset``.
    """

    def __init__(self, scope: Construct, id: str, *, props: StatefulWorkloadProps) -> None:
        spec = props.spec
        path = f"stateful.{spec.name}" if isinstance(spec.name, str) else "stateful"
        # The protections the props leave to the environment, resolved once (before any resource exists).
        protections = from_environment(scope, f"{path}.protections", props.protections, PROTECTIONS)
        props = replace(props, protections=protections)
        props.validate(path)
        super().__init__(scope, id)
        name = spec.name
        self.namespace: str = name
        self.headless_service_name: str = spec.headless_service_name
        self.service_name: str | None = name if spec.client_service else None
        self.service_account_name: str = name
        self.image: str = f"{props.repository_url}:{spec.image_tag}"
        self.client_port: int = spec.port
        #: Stable DNS name of each member, in ordinal order (``spec.pod_dns_names``).
        self.pod_dns_names: tuple[str, ...] = spec.pod_dns_names
        #: ``host:port`` of the client Service, or of the first member without it (``spec.client_endpoint``).
        self.client_endpoint: str = spec.client_endpoint
        #: Namespaces the velero Schedule must include for this workload (empty when backup is off).
        self.backup_namespaces: tuple[str, ...] = (name,) if props.backup else ()
        config_name = f"{name}-config"
        labels = {_NAME: name, "app.kubernetes.io/version": spec.image_tag, "app.kubernetes.io/managed-by": "cdktf"}
        if not props.backup:
            labels[EXCLUDE_FROM_BACKUP_LABEL] = "true"
        selector = {_NAME: name}

        namespace = ApplicationNamespace(
            self,
            "namespace",
            props=ApplicationNamespaceProps(
                name=name,
                port=spec.port,
                pod_security=props.pod_security,
                quota=props.quota,
                limits=props.limits,
                allowed_peers=spec.allowed_peers,
                egress_peers=props.egress_peers,
                depends_on=props.depends_on,
            ),
        )
        inside: list[ITerraformDependable] = [namespace.namespace]
        self._network_policies(spec, props, selector, inside)

        ServiceAccountV1(
            self,
            "service-account",
            metadata=ServiceAccountV1Metadata(name=name, namespace=name, labels=labels),
            # No Kubernetes API calls and no IRSA: no token in the pods.
            automount_service_account_token=False,
            depends_on=inside,
        )
        read_own_config(
            self,
            name=name,
            labels=labels,
            config_name=config_name,
            secret_name=f"{name}-secrets",
            depends_on=inside,
        )

        workload_after = list(inside)
        env_from: list[StatefulSetV1SpecTemplateSpecContainerEnvFrom] = []
        if spec.config:
            workload_after.append(
                ConfigMapV1(
                    self,
                    "config",
                    metadata=ConfigMapV1Metadata(name=config_name, namespace=name, labels=labels),
                    data=dict(sorted(spec.config.items())),
                    depends_on=inside,
                )
            )
            env_from.append(
                StatefulSetV1SpecTemplateSpecContainerEnvFrom(
                    config_map_ref=StatefulSetV1SpecTemplateSpecContainerEnvFromConfigMapRef(name=config_name)
                )
            )

        ports = [(CLIENT_PORT_NAME, spec.port), *((p.name, p.port) for p in spec.peer_ports)]
        if spec.metrics_port is not None:
            ports.append((METRICS_PORT_NAME, spec.metrics_port))
        # Headless first: the StatefulSet's serviceName must exist for members to get DNS records.
        headless = ServiceV1(
            self,
            "headless-service",
            metadata=ServiceV1Metadata(name=self.headless_service_name, namespace=name, labels=labels),
            spec=ServiceV1Spec(
                cluster_ip="None",
                selector=selector,
                publish_not_ready_addresses=spec.publish_not_ready_addresses,
                port=[
                    ServiceV1SpecPort(name=port_name, port=number, target_port=port_name, protocol="TCP")
                    for port_name, number in ports
                ],
            ),
            depends_on=inside,
        )
        workload_after.append(headless)
        if spec.client_service:
            ServiceV1(
                self,
                "service",
                metadata=ServiceV1Metadata(name=name, namespace=name, labels=labels),
                spec=ServiceV1Spec(
                    type="ClusterIP",
                    selector=selector,
                    port=[
                        ServiceV1SpecPort(
                            name=CLIENT_PORT_NAME, port=spec.port, target_port=CLIENT_PORT_NAME, protocol="TCP"
                        )
                    ],
                ),
                depends_on=inside,
            )

        self.statefulset = self._statefulset(spec, props, labels, selector, ports, env_from, workload_after)
        budget = (
            {"min_available": str(spec.quorum)}
            if spec.disruption is DisruptionPolicy.QUORUM
            else {"max_unavailable": "1"}
        )
        PodDisruptionBudgetV1(
            self,
            "disruption-budget",
            metadata=PodDisruptionBudgetV1Metadata(name=name, namespace=name, labels=labels),
            spec=PodDisruptionBudgetV1Spec(selector=PodDisruptionBudgetV1SpecSelector(match_labels=selector), **budget),
            depends_on=inside,
        )

    # ----------------------------------------------------------------------------------------
    def _network_policies(
        self,
        spec: StatefulWorkloadSpec,
        props: StatefulWorkloadProps,
        selector: Mapping[str, str],
        inside: list[ITerraformDependable],
    ) -> None:
        name = spec.name
        members = [
            NetworkPolicyV1SpecIngressFrom(
                pod_selector=NetworkPolicyV1SpecIngressFromPodSelector(match_labels=dict(selector))
            )
        ]
        NetworkPolicyV1(
            self,
            "allow-members",
            metadata=NetworkPolicyV1Metadata(name="allow-members", namespace=name),
            spec=NetworkPolicyV1Spec(
                pod_selector=NetworkPolicyV1SpecPodSelector(match_labels=dict(selector)),
                policy_types=["Ingress", "Egress"],
                ingress=[
                    NetworkPolicyV1SpecIngress(
                        from_=members,
                        ports=[NetworkPolicyV1SpecIngressPorts(port=str(p), protocol="TCP") for p in spec.member_ports],
                    )
                ],
                egress=[
                    NetworkPolicyV1SpecEgress(
                        to=[
                            NetworkPolicyV1SpecEgressTo(
                                pod_selector=NetworkPolicyV1SpecEgressToPodSelector(match_labels=dict(selector))
                            )
                        ],
                        ports=[NetworkPolicyV1SpecEgressPorts(port=str(p), protocol="TCP") for p in spec.member_ports],
                    )
                ],
            ),
            depends_on=inside,
        )
        if props.monitoring_namespace is not None and spec.metrics_port is not None:
            NetworkPolicyV1(
                self,
                "allow-metrics",
                metadata=NetworkPolicyV1Metadata(name="allow-metrics", namespace=name),
                spec=NetworkPolicyV1Spec(
                    pod_selector=NetworkPolicyV1SpecPodSelector(match_labels=dict(selector)),
                    policy_types=["Ingress"],
                    ingress=[
                        NetworkPolicyV1SpecIngress(
                            from_=[
                                NetworkPolicyV1SpecIngressFrom(
                                    namespace_selector=NetworkPolicyV1SpecIngressFromNamespaceSelector(
                                        match_labels={_NAMESPACE_NAME: props.monitoring_namespace}
                                    )
                                )
                            ],
                            ports=[NetworkPolicyV1SpecIngressPorts(port=str(spec.metrics_port), protocol="TCP")],
                        )
                    ],
                ),
                depends_on=inside,
            )

    @staticmethod
    def _pod_annotations(spec: StatefulWorkloadSpec, props: StatefulWorkloadProps) -> dict[str, str]:
        annotations: dict[str, str] = {}
        if spec.metrics_port is not None:
            annotations |= {
                "prometheus.io/scrape": "true",
                "prometheus.io/port": str(spec.metrics_port),
                "prometheus.io/path": "/metrics",
            }
        hooks = spec.backup_hooks
        if props.backup and hooks is not None:
            # velero's backup hook annotations: run in this container around the volume snapshot;
            # a failing pre hook fails the backup rather than snapshotting an inconsistent volume.
            annotations |= {
                "pre.hook.backup.velero.io/container": spec.name,
                "pre.hook.backup.velero.io/command": json.dumps(list(hooks.pre)),
                "pre.hook.backup.velero.io/on-error": "Fail",
                "pre.hook.backup.velero.io/timeout": f"{hooks.timeout_seconds}s",
            }
            if hooks.post:
                annotations |= {
                    "post.hook.backup.velero.io/container": spec.name,
                    "post.hook.backup.velero.io/command": json.dumps(list(hooks.post)),
                    "post.hook.backup.velero.io/timeout": f"{hooks.timeout_seconds}s",
                }
        return dict(sorted(annotations.items()))

    @staticmethod
    def _probe(probe: ProbeSpec, kind: str) -> Any:
        """One probe block; ``kind`` is ``Startup``, ``Liveness`` or ``Readiness``."""
        classes: dict[str, tuple[Any, Any, Any]] = {
            "Startup": (
                StatefulSetV1SpecTemplateSpecContainerStartupProbe,
                StatefulSetV1SpecTemplateSpecContainerStartupProbeHttpGet,
                StatefulSetV1SpecTemplateSpecContainerStartupProbeTcpSocket,
            ),
            "Liveness": (
                StatefulSetV1SpecTemplateSpecContainerLivenessProbe,
                StatefulSetV1SpecTemplateSpecContainerLivenessProbeHttpGet,
                StatefulSetV1SpecTemplateSpecContainerLivenessProbeTcpSocket,
            ),
            "Readiness": (
                StatefulSetV1SpecTemplateSpecContainerReadinessProbe,
                StatefulSetV1SpecTemplateSpecContainerReadinessProbeHttpGet,
                StatefulSetV1SpecTemplateSpecContainerReadinessProbeTcpSocket,
            ),
        }
        block, http_get, tcp_socket = classes[kind]
        check: dict[str, Any] = (
            {"http_get": http_get(path=probe.path, port=probe.port)}
            if probe.action is ProbeAction.HTTP
            else {"tcp_socket": [tcp_socket(port=probe.port)]}
        )
        return block(
            **check,
            initial_delay_seconds=probe.initial_delay_seconds,
            period_seconds=probe.period_seconds,
            timeout_seconds=probe.timeout_seconds,
            failure_threshold=probe.failure_threshold,
        )

    def _statefulset(
        self,
        spec: StatefulWorkloadSpec,
        props: StatefulWorkloadProps,
        labels: Mapping[str, str],
        selector: Mapping[str, str],
        ports: list[tuple[str, int]],
        env_from: list[StatefulSetV1SpecTemplateSpecContainerEnvFrom],
        depends_on: list[ITerraformDependable],
    ) -> StatefulSetV1:
        name = spec.name
        resources = spec.resources
        scratch = [("tmp", TMP_MOUNT_PATH), *((f"scratch-{i}", p) for i, p in enumerate(spec.writable_paths))]
        mounts = [StatefulSetV1SpecTemplateSpecContainerVolumeMount(name=v, mount_path=p) for v, p in scratch]
        mounts += [
            StatefulSetV1SpecTemplateSpecContainerVolumeMount(name=v.name, mount_path=v.mount_path)
            for v in spec.volumes
        ]
        spread: dict[str, Any] = {}
        if spec.replicas > 1:
            spread = {
                # DoNotSchedule: a member's volume stays in the zone it is first created in, so the
                # first placement decides for good whether losing one zone breaks the majority.
                "topology_spread_constraint": [
                    StatefulSetV1SpecTemplateSpecTopologySpreadConstraint(
                        topology_key=_ZONE,
                        max_skew=1,
                        when_unsatisfiable="DoNotSchedule",
                        label_selector=[
                            StatefulSetV1SpecTemplateSpecTopologySpreadConstraintLabelSelector(
                                match_labels=dict(selector)
                            )
                        ],
                    )
                ],
                # Required: two members on one node would fall together.
                "affinity": StatefulSetV1SpecTemplateSpecAffinity(
                    pod_anti_affinity=StatefulSetV1SpecTemplateSpecAffinityPodAntiAffinity(
                        required_during_scheduling_ignored_during_execution=[
                            StatefulSetV1SpecTemplateSpecAffinityPodAntiAffinityRequiredDuringSchedulingIgnoredDuringExecution(
                                topology_key=_HOSTNAME,
                                label_selector=[
                                    StatefulSetV1SpecTemplateSpecAffinityPodAntiAffinityRequiredDuringSchedulingIgnoredDuringExecutionLabelSelector(
                                        match_labels=dict(selector)
                                    )
                                ],
                            )
                        ]
                    )
                ),
            }
        retention = "Retain" if props.retains_claims else "Delete"
        return StatefulSetV1(
            self,
            "statefulset",
            metadata=StatefulSetV1Metadata(name=name, namespace=name, labels=dict(labels)),
            spec=StatefulSetV1Spec(
                service_name=self.headless_service_name,
                replicas=str(spec.replicas),
                pod_management_policy=spec.pod_management_policy.value,
                revision_history_limit=5,
                selector=StatefulSetV1SpecSelector(match_labels=dict(selector)),
                # Partition 0: every member takes the new template, highest ordinal first, one at a time.
                update_strategy=[
                    StatefulSetV1SpecUpdateStrategy(
                        type="RollingUpdate",
                        rolling_update=[StatefulSetV1SpecUpdateStrategyRollingUpdate(partition=0)],
                    )
                ],
                # Scale-down keeps the claim, so a member scaled back up finds its data; delete keeps
                # it with protections.retain_volumes (see ``retain_claims_on_delete``).
                persistent_volume_claim_retention_policy=[
                    StatefulSetV1SpecPersistentVolumeClaimRetentionPolicy(when_deleted=retention, when_scaled="Retain")
                ],
                template=StatefulSetV1SpecTemplate(
                    metadata=StatefulSetV1SpecTemplateMetadata(
                        labels=dict(labels), annotations=self._pod_annotations(spec, props) or None
                    ),
                    spec=StatefulSetV1SpecTemplateSpec(
                        service_account_name=name,
                        automount_service_account_token=False,
                        priority_class_name=props.priority_class,
                        termination_grace_period_seconds=spec.termination_grace_period_seconds,
                        security_context=pod_security_context(spec.run_as_user),
                        container=[
                            StatefulSetV1SpecTemplateSpecContainer(
                                name=name,
                                image=self.image,
                                # Always: the registry re-checks pull rights on every start; with
                                # immutable tags only the manifest is fetched again (VPC endpoint).
                                image_pull_policy="Always",
                                port=[
                                    StatefulSetV1SpecTemplateSpecContainerPort(
                                        name=port_name, container_port=number, protocol="TCP"
                                    )
                                    for port_name, number in ports
                                ],
                                env=[
                                    StatefulSetV1SpecTemplateSpecContainerEnv(
                                        name=env_name,
                                        value_from=StatefulSetV1SpecTemplateSpecContainerEnvValueFrom(
                                            field_ref=StatefulSetV1SpecTemplateSpecContainerEnvValueFromFieldRef(
                                                field_path=field_path
                                            )
                                        ),
                                    )
                                    for env_name, field_path in (
                                        ("POD_NAME", "metadata.name"),
                                        ("POD_NAMESPACE", "metadata.namespace"),
                                    )
                                ],
                                env_from=env_from or None,
                                resources=StatefulSetV1SpecTemplateSpecContainerResources(
                                    requests={"cpu": resources.cpu_request, "memory": resources.memory_request},
                                    limits={"cpu": resources.cpu_limit, "memory": resources.memory_limit},
                                ),
                                security_context=container_security_context(),
                                startup_probe=self._probe(spec.probes.startup, "Startup"),
                                liveness_probe=self._probe(spec.probes.liveness, "Liveness"),
                                readiness_probe=self._probe(spec.probes.readiness, "Readiness"),
                                volume_mount=mounts,
                            )
                        ],
                        volume=[
                            StatefulSetV1SpecTemplateSpecVolume(
                                name=volume_name,
                                empty_dir=StatefulSetV1SpecTemplateSpecVolumeEmptyDir(size_limit=_SCRATCH_SIZE),
                            )
                            for volume_name, _ in scratch
                        ],
                        **spread,
                    ),
                ),
                volume_claim_template=[
                    StatefulSetV1SpecVolumeClaimTemplate(
                        # Stable labels only: claim templates cannot change once the StatefulSet exists.
                        metadata=StatefulSetV1SpecVolumeClaimTemplateMetadata(name=volume.name, labels=dict(selector)),
                        spec=StatefulSetV1SpecVolumeClaimTemplateSpec(
                            access_modes=["ReadWriteOnce"],
                            storage_class_name=props.storage_class,
                            resources=StatefulSetV1SpecVolumeClaimTemplateSpecResources(
                                requests={"storage": volume.size}
                            ),
                        ),
                    )
                    for volume in spec.volumes
                ],
            ),
            # A first apply must not block on images that are pushed after the infrastructure exists.
            wait_for_rollout=False,
            lifecycle=(
                TerraformResourceLifecycle(ignore_changes=["spec[0].replicas"]) if spec.external_scaling else None
            ),
            depends_on=depends_on,
        )
