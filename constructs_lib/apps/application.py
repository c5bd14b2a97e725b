"""An application workload (seeds 001-003): hardened Deployment, Service, HPA, PDB, Ingress, RBAC, secrets."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from cdktf import ITerraformDependable, TerraformResourceLifecycle
from cdktf_cdktf_provider_kubernetes.config_map_v1 import ConfigMapV1, ConfigMapV1Metadata
from cdktf_cdktf_provider_kubernetes.deployment_v1 import (
    DeploymentV1,
    DeploymentV1Metadata,
    DeploymentV1Spec,
    DeploymentV1SpecSelector,
    DeploymentV1SpecStrategy,
    DeploymentV1SpecStrategyRollingUpdate,
    DeploymentV1SpecTemplate,
    DeploymentV1SpecTemplateMetadata,
    DeploymentV1SpecTemplateSpec,
    DeploymentV1SpecTemplateSpecAffinity,
    DeploymentV1SpecTemplateSpecAffinityPodAntiAffinity,
    DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityPreferredDuringSchedulingIgnoredDuringExecution,
    DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityPreferredDuringSchedulingIgnoredDuringExecutionPodAffinityTerm,
    DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityPreferredDuringSchedulingIgnoredDuringExecutionPodAffinityTermLabelSelector,
    DeploymentV1SpecTemplateSpecContainer,
    DeploymentV1SpecTemplateSpecContainerEnvFrom,
    DeploymentV1SpecTemplateSpecContainerEnvFromConfigMapRef,
    DeploymentV1SpecTemplateSpecContainerLivenessProbe,
    DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet,
    DeploymentV1SpecTemplateSpecContainerPort,
    DeploymentV1SpecTemplateSpecContainerReadinessProbe,
    DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet,
    DeploymentV1SpecTemplateSpecContainerResources,
    DeploymentV1SpecTemplateSpecContainerStartupProbe,
    DeploymentV1SpecTemplateSpecContainerStartupProbeHttpGet,
    DeploymentV1SpecTemplateSpecContainerVolumeMount,
    DeploymentV1SpecTemplateSpecToleration,
    DeploymentV1SpecTemplateSpecTopologySpreadConstraint,
    DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector,
    DeploymentV1SpecTemplateSpecVolume,
    DeploymentV1SpecTemplateSpecVolumeEmptyDir,
    DeploymentV1SpecTemplateSpecVolumePersistentVolumeClaim,
    DeploymentV1SpecTemplateSpecVolumeSecret,
)
from cdktf_cdktf_provider_kubernetes.horizontal_pod_autoscaler_v2 import (
    HorizontalPodAutoscalerV2,
    HorizontalPodAutoscalerV2Metadata,
    HorizontalPodAutoscalerV2Spec,
    HorizontalPodAutoscalerV2SpecBehavior,
    HorizontalPodAutoscalerV2SpecBehaviorScaleDown,
    HorizontalPodAutoscalerV2SpecBehaviorScaleDownPolicy,
    HorizontalPodAutoscalerV2SpecBehaviorScaleUp,
    HorizontalPodAutoscalerV2SpecBehaviorScaleUpPolicy,
    HorizontalPodAutoscalerV2SpecMetric,
    HorizontalPodAutoscalerV2SpecMetricResource,
    HorizontalPodAutoscalerV2SpecMetricResourceTarget,
    HorizontalPodAutoscalerV2SpecScaleTargetRef,
)
from cdktf_cdktf_provider_kubernetes.ingress_v1 import (
    IngressV1,
    IngressV1Metadata,
    IngressV1Spec,
    IngressV1SpecRule,
    IngressV1SpecRuleHttp,
    IngressV1SpecRuleHttpPath,
    IngressV1SpecRuleHttpPathBackend,
    IngressV1SpecRuleHttpPathBackendService,
    IngressV1SpecRuleHttpPathBackendServicePort,
)
from cdktf_cdktf_provider_kubernetes.persistent_volume_claim_v1 import (
    PersistentVolumeClaimV1,
    PersistentVolumeClaimV1Metadata,
    PersistentVolumeClaimV1Spec,
    PersistentVolumeClaimV1SpecResources,
)
from cdktf_cdktf_provider_kubernetes.pod_disruption_budget_v1 import (
    PodDisruptionBudgetV1,
    PodDisruptionBudgetV1Metadata,
    PodDisruptionBudgetV1Spec,
    PodDisruptionBudgetV1SpecSelector,
)
from cdktf_cdktf_provider_kubernetes.service_account_v1 import ServiceAccountV1, ServiceAccountV1Metadata
from cdktf_cdktf_provider_kubernetes.service_v1 import ServiceV1, ServiceV1Metadata, ServiceV1Spec, ServiceV1SpecPort
from constructs import Construct

from constructs_lib.apps.config import (
    BUCKET_CONFIG_KEY,
    SECRETS_MOUNT_PATH,
    TMP_MOUNT_PATH,
    ApplicationSpec,
)
from constructs_lib.apps.rbac import read_own_config
from constructs_lib.apps.rules import ApplicationOffer, require_applications_fit
from constructs_lib.apps.security_context import container_security_context, pod_security_context
from constructs_lib.apps.stateful_config import StatefulWorkloadSpec
from constructs_lib.cluster.config import IdentityMode, NodeGroupSpec
from constructs_lib.identity.workload import WorkloadRole
from constructs_lib.platform.addons import CLUSTER_SECRET_STORE_NAME, GP3_STORAGE_CLASS, SecretStoreRef
from constructs_lib.platform.catalog import PodSecurityLevel
from constructs_lib.platform.config import (
    ResourceQuotaSpec,
    cpu_cores,
    memory_bytes,
)
from constructs_lib.platform.namespace import ApplicationNamespace, ApplicationNamespaceProps
from constructs_lib.platform.resources import PlatformResources, PlatformResourcesProps
from constructs_lib.protections import Protections, Stage, require_protections, require_stage_member
from constructs_lib.stack import NAME_PREFIX, NODE_GROUPS, PROTECTIONS, STAGE, from_environment, require_given
from constructs_lib.validation import (
    is_reference,
    require,
    require_dns_label,
    require_iam_arn,
    require_repository_url,
    require_security_group_id,
    require_unique,
)

__all__ = [
    "DATABASE_SSLMODE",
    "HPA_BEHAVIOR",
    "MAX_POD_SECURITY_GROUPS",
    "SECRETS_MOUNT_PATH",
    "Application",
    "ApplicationOptions",
    "ApplicationProps",
    "Applications",
    "ApplicationsProps",
    "DatabaseConnection",
    "security_group_policy",
]

_NAME = "app.kubernetes.io/name"
_ZONE = "topology.kubernetes.io/zone"
_HOSTNAME = "kubernetes.io/hostname"
#: Security groups one SecurityGroupPolicy (and, by default, one ENI) can carry.
MAX_POD_SECURITY_GROUPS = 5
#: The Service's port; the ALB and in-cluster callers use it, the container keeps its own port.
SERVICE_PORT = 80
#: seed 001: CPU 70 %, memory 80 %.
CPU_TARGET_PERCENT = 70
MEMORY_TARGET_PERCENT = 80
#: seed 001's HPA behavior: up by 100 % or 2 pods per 60 s (whichever is more) after 60 s of
#: stable load; down by at most 50 % per 60 s after 5 minutes, so short dips do not flap.
HPA_BEHAVIOR: Mapping[str, Any] = MappingProxyType(
    {
        "scale_up": {"window": 60, "policies": (("Percent", 100, 60), ("Pods", 2, 60)), "select": "Max"},
        "scale_down": {"window": 300, "policies": (("Percent", 50, 60),), "select": "Max"},
    }
)
#: ``DB_SSLMODE`` of an application with a database: ``verify-full`` checks the server's certificate
#: chain and that it was issued for ``DB_HOST``. ``require`` only encrypts, so anything that answers
#: on the address (a spoofed DNS entry, a hijacked route) would receive the password. The chain is
#: known: ``data.postgres.CA_CERTIFICATE`` pins the RDS CA, whose public bundle the image must carry
#: (libpq reads ``~/.postgresql/root.crt`` or ``PGSSLROOTCERT``).
DATABASE_SSLMODE = "verify-full"
#: ALB TLS policy: TLS 1.3 with 1.2 fallback.
ALB_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
#: Deployment fields controllers own, which terraform ignores after creation: the replica count (the
#: HPA scales it) and the restart stamp ``kubectl rollout restart`` writes into the pod template.
DEPLOYMENT_IGNORED_FIELDS = (
    "spec[0].replicas",
    'spec[0].template[0].metadata[0].annotations["kubectl.kubernetes.io/restartedAt"]',
)


@dataclass(frozen=True)
class DatabaseConnection:
    """How an application reaches the environment's database: ``data.PostgresDatabase``'s attributes."""

    #: ``endpoint``: the instance's host name (``DB_HOST``).
    host: str
    #: ``port`` (``DB_PORT``; the network policy's egress port).
    port: int
    #: ``database_name`` (``DB_NAME``).
    database_name: str
    #: ``master_user_secret_arn``: the RDS-managed secret with JSON keys ``username`` and ``password``.
    master_user_secret_arn: str
    #: ``database_subnet_cidrs``: the network policy's egress destinations.
    subnet_cidrs: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "subnet_cidrs", tuple(self.subnet_cidrs))

    def config(self) -> dict[str, str]:
        """The ConfigMap entries ``DB_HOST``, ``DB_PORT``, ``DB_NAME``, ``DB_SSLMODE``."""
        return {
            "DB_HOST": self.host,
            "DB_PORT": str(self.port),
            "DB_NAME": self.database_name,
            "DB_SSLMODE": DATABASE_SSLMODE,
        }

    def secret_data(self) -> list[dict[str, Any]]:
        """The ExternalSecret's ``data`` entries: ``DB_USERNAME`` and ``DB_PASSWORD`` from the managed secret."""
        return [
            {"secretKey": key, "remoteRef": {"key": self.master_user_secret_arn, "property": prop}}
            for key, prop in (("DB_USERNAME", "username"), ("DB_PASSWORD", "password"))
        ]


@dataclass(frozen=True, kw_only=True)
class ApplicationProps:
    """Everything one application needs besides its spec: where its image is and what the platform offers."""

    spec: ApplicationSpec
    #: ECR repository URL of ``spec.repository`` (the registry tier's ``repository_url``).
    repository_url: str
    #: ALB group shared by the environment's ingresses (one ALB instead of one per application: cost).
    load_balancer_group: str
    #: The environment's stage: its policy for the spec (in prod an ingress requires a certificate:
    #: HTTPS only). An application has no resource a protection applies to. Default None: the stack's
    #: environment's (``config.stage``); outside an ``EnvironmentStack`` a ConfigError.
    stage: Stage | None = None
    #: The application's role (``PlatformStack.workload_role``: EKS Pod Identity or IRSA); required
    #: exactly when ``spec.needs_aws``. With Pod Identity the Deployment waits for its association.
    service_account_role: WorkloadRole | None = None
    #: PSS profile enforced on the namespace. Default RESTRICTED.
    pod_security: PodSecurityLevel = PodSecurityLevel.RESTRICTED
    #: Default: seed 003's production quota.
    quota: ResourceQuotaSpec = field(default_factory=ResourceQuotaSpec)
    #: CIDRs the ALB connects from: the public subnets, where an internet-facing ALB's nodes live;
    #: used when the application has an ingress.
    load_balancer_cidrs: tuple[str, ...] = ()
    #: Security group the ALB uses (the network tier's ALB group, which the nodes admit on the target
    #: ports). Default None: the load balancer controller creates and manages one.
    load_balancer_security_group_id: str | None = None
    #: Namespace of an in-cluster ingress controller allowed in. Default none.
    ingress_controller_namespace: str | None = None
    #: Namespace of Prometheus, allowed to scrape. Default none.
    monitoring_namespace: str | None = None
    #: Applications this one calls, with their container ports (egress policy).
    egress_peers: Mapping[str, int] = field(default_factory=dict)
    #: Where the ExternalSecret reads ``spec.secrets`` and the database credentials from; required when
    #: ``spec.secrets`` is not empty or ``spec.database`` set. The ClusterSecretStore's release when
    #: this stack creates the store (``PlatformAddons.secret_store_release``: the ExternalSecret reads
    #: ``CLUSTER_SECRET_STORE_NAME`` and waits for the release), or ``SecretStoreRef(name)`` for a store
    #: that exists already on the cluster (no dependency).
    secret_store: ITerraformDependable | SecretStoreRef | None = None
    #: The database ``spec.database`` names; required exactly when it is set.
    database: DatabaseConnection | None = None
    #: Name of the application's own bucket (``data.ApplicationBucket.bucket_name``); required exactly
    #: when ``spec.bucket``.
    bucket_name: str | None = None
    #: Security groups the application's pods get of their own (EKS security groups for pods): its
    #: "pods" group (``data.PostgresDatabase.pod_security_group_ids``) and the node group, whose rules
    #: keep admitting the ALB, peers and nodes. Default none: no SecurityGroupPolicy, pods use the
    #: node's groups. At most 5 (the policy's and an ENI's default limit).
    pod_security_group_ids: tuple[str, ...] = ()
    #: The node group ``spec.node_group`` names; required exactly when it names one. Its labels become
    #: the pods' nodeSelector, its taints their tolerations.
    node_group: NodeGroupSpec | None = None
    #: StorageClass of ``spec.volume``'s claim. Default the baseline's encrypted gp3 class
    #: (:data:`~constructs_lib.platform.addons.GP3_STORAGE_CLASS`; ``depends_on`` should hold it).
    storage_class: str = GP3_STORAGE_CLASS
    #: ``prevent_destroy`` on ``spec.volume``'s claim (on in prod: removing the application from the
    #: config cannot delete its data by a plain apply). Read only with a volume. Default None: the
    #: stack's environment's (``config.resolved_protections``); outside an ``EnvironmentStack`` an
    #: application with a volume must be given them (a ConfigError otherwise).
    protections: Protections | None = None
    #: What the namespace and workloads wait for (add-on releases, priority classes, node groups).
    depends_on: Sequence[ITerraformDependable] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "pod_security_group_ids", tuple(self.pod_security_group_ids))
        object.__setattr__(self, "egress_peers", MappingProxyType(dict(self.egress_peers)))
        object.__setattr__(self, "load_balancer_cidrs", tuple(self.load_balancer_cidrs))
        object.__setattr__(self, "depends_on", tuple(self.depends_on))

    def validate(self, path: str, *, stage: Stage | None = None) -> None:
        """Check the spec and how it fits the platform; raises ConfigError. ``stage``: the stage
        :class:`Application` resolved (``self.stage`` or the environment's); default ``self.stage``,
        which must then be given."""
        given = require_given(f"{path}.stage", stage if stage is not None else self.stage, STAGE)
        stage = require_stage_member(f"{path}.stage", given)
        spec = self.spec
        require(
            (self.node_group.name if self.node_group is not None else None) == spec.node_group,
            f"{path}.node_group",
            "must be the node group spec.node_group names (and only then)",
            self.node_group.name if self.node_group is not None else None,
            f"pass the environment's NodeGroupSpec named {spec.node_group!r}" if spec.node_group else "leave it out",
        )
        spec.validate(f"{path}.spec", stage=stage)
        self.quota.validate(f"{path}.quota")
        require_repository_url(f"{path}.repository_url", self.repository_url, example="api")
        role = self.service_account_role
        require(
            role is None or isinstance(role, WorkloadRole),
            f"{path}.service_account_role",
            "must be a WorkloadRole",
            type(role).__name__,
            "pass WorkloadRole(role_arn, IdentityMode.POD_IDENTITY or IRSA), e.g. PlatformStack.workload_role(...)",
        )
        require(
            not spec.needs_aws or role is not None,
            f"{path}.service_account_role",
            "is required when the application needs AWS (spec.needs_aws)",
            None,
            "pass the identity tier's role for the application (PlatformStack.workload_role)",
        )
        require(
            spec.needs_aws or role is None,
            f"{path}.service_account_role",
            "only applies when spec.needs_aws is on",
            role.role_arn if role is not None else None,
            "set needs_aws=True on the application or drop the role",
        )
        if role is not None and not is_reference(role.role_arn):
            require_iam_arn(f"{path}.service_account_role.role_arn", role.role_arn)
        require(
            not (spec.secrets or spec.database is not None) or self.secret_store is not None,
            f"{path}.secret_store",
            "is required when the application has secrets or a database (external-secrets must be on)",
            None,
            "turn the external_secrets add-on on and pass PlatformAddons.secret_store_release, or "
            "SecretStoreRef(name) for a store the cluster already has",
        )
        if isinstance(self.secret_store, SecretStoreRef):
            require_dns_label(f"{path}.secret_store.name", self.secret_store.name)
        require(
            (spec.database is None) == (self.database is None),
            f"{path}.database",
            "must be given exactly when spec.database names a database",
            spec.database,
            "pass the database's DatabaseConnection, or drop spec.database",
        )
        groups = self.pod_security_group_ids
        require(
            len(groups) <= MAX_POD_SECURITY_GROUPS,
            f"{path}.pod_security_group_ids",
            f"must list at most {MAX_POD_SECURITY_GROUPS} security groups (a SecurityGroupPolicy's and an ENI's limit)",
            list(groups),
            "list the application's pods group and the node group only",
        )
        for index, group in enumerate(groups):
            require_security_group_id(
                f"{path}.pod_security_group_ids[{index}]",
                group,
                fix="pass data.PostgresDatabase.pod_security_group_ids[<app>] and network.node_security_group_id",
            )
        require_unique(f"{path}.pod_security_group_ids", groups, "security group")
        require(
            spec.bucket == (self.bucket_name is not None),
            f"{path}.bucket_name",
            "must be given exactly when spec.bucket is on",
            self.bucket_name,
            "pass the ApplicationBucket's bucket_name, or turn spec.bucket off",
        )
        require(
            spec.ingress is None or bool(self.load_balancer_cidrs) or self.ingress_controller_namespace is not None,
            f"{path}.load_balancer_cidrs",
            "must list the public subnets' CIDRs when the application has an ingress, or traffic from the "
            "ALB is denied",
            list(self.load_balancer_cidrs),
            "pass the network tier's public subnet CIDRs",
        )
        # The quota must leave room for max_replicas plus the rolling update's surge pod (none when a
        # volume makes the update Recreate).
        pods = spec.max_replicas + (0 if spec.volume is not None else 1)
        budget = (
            ("pods", pods, self.quota.pods, str(self.quota.pods)),
            ("requests.cpu", pods * (cpu_cores(spec.resources.cpu_request) or 0),
             cpu_cores(self.quota.requests_cpu) or 0, self.quota.requests_cpu),
            ("limits.cpu", pods * (cpu_cores(spec.resources.cpu_limit) or 0),
             cpu_cores(self.quota.limits_cpu) or 0, self.quota.limits_cpu),
            ("requests.memory", pods * (memory_bytes(spec.resources.memory_request) or 0),
             memory_bytes(self.quota.requests_memory) or 0, self.quota.requests_memory),
            ("limits.memory", pods * (memory_bytes(spec.resources.memory_limit) or 0),
             memory_bytes(self.quota.limits_memory) or 0, self.quota.limits_memory),
        )
        for resource, needed, allowed, shown in budget:
            require(
                needed <= allowed,
                f"{path}.spec.max_replicas",
                f"max_replicas (+ 1 surge pod without a volume) would need more {resource} than the namespace "
                f"quota ({shown})",
                spec.max_replicas,
                "lower max_replicas or the per-pod resources, or raise the quota",
            )


def security_group_policy(
    name: str, selector: Mapping[str, str], group_ids: Sequence[str], labels: Mapping[str, str]
) -> dict[str, Any]:
    """A ``SecurityGroupPolicy`` (``vpcresources.k8s.aws/v1beta1``) named and namespaced ``name`` that
    gives the pods matching ``selector`` the security groups ``group_ids`` on their own branch ENI."""
    return {
        "apiVersion": "vpcresources.k8s.aws/v1beta1",
        "kind": "SecurityGroupPolicy",
        "metadata": {"name": name, "namespace": name, "labels": dict(labels)},
        "spec": {
            "podSelector": {"matchLabels": dict(selector)},
            "securityGroups": {"groupIds": list(group_ids)},
        },
    }


class Application(Construct):
    """One application in its own namespace (:class:`ApplicationNamespace`), with:

    * ServiceAccount ``<name>`` (token automount only when it needs AWS; the role-arn annotation with
      an IRSA role, none with Pod Identity, whose association the Deployment waits for);
    * Role + RoleBinding: get/list on its own ConfigMap ``<name>-config`` and Secret ``<name>-secrets``;
    * ConfigMap ``<name>-config`` (when ``config`` is set), as environment variables;
    * ExternalSecret ``<name>-secrets`` from the ClusterSecretStore (when ``secrets`` is set), mounted
      read-only as files under :data:`SECRETS_MOUNT_PATH`;
    * PersistentVolumeClaim ``<name>-<volume.name>`` (when ``volume`` is set): ReadWriteOnce on
      ``storage_class``, mounted at ``volume.mount_path``; the Deployment then runs one pod and
      updates by ``Recreate``;
    * Deployment: image ``<repository_url>:<image_tag>``, rolling update maxSurge 1 / maxUnavailable 0,
      non-root, read-only root filesystem (writable ``/tmp`` emptyDir), no privilege escalation, all
      capabilities dropped, seccomp RuntimeDefault, requests and limits, startup/liveness/readiness
      probes, spread across zones, anti-affinity across nodes, Prometheus scrape annotations;
    * SecurityGroupPolicy ``<name>`` (when ``pod_security_group_ids`` is set), applied before the
      Deployment: the pods selected by ``app.kubernetes.io/name`` get those security groups on their
      own branch ENI (EKS security groups for pods);
    * Service (ClusterIP, port 80 -> ``port``), HPA v2 (CPU 70 %, memory 80 %, :data:`HPA_BEHAVIOR`),
      PodDisruptionBudget (maxUnavailable 1: drains proceed even with one replica);
    * Ingress (when ``ingress`` is set) through the AWS Load Balancer Controller: internet-facing, IP
      targets, health-check path, shared ALB group; HTTPS with the ACM certificate and an HTTP->HTTPS
      redirect when a certificate is given (always in production).

    Attributes: ``namespace`` (name), ``service_name``, ``service_account_name``, ``image``, ``deployment``.
    """

    def __init__(self, scope: Construct, id: str, *, props: ApplicationProps) -> None:
        spec = props.spec
        path = f"applications.{spec.name}" if isinstance(spec.name, str) else "application"
        props.validate(path, stage=from_environment(scope, f"{path}.stage", props.stage, STAGE))
        # Only a volume is a stateful resource: its claim follows the protections.
        protections = (
            require_protections(
                f"{path}.protections", from_environment(scope, f"{path}.protections", props.protections, PROTECTIONS)
            )
            if spec.volume is not None
            else None
        )
        super().__init__(scope, id)
        name = spec.name
        self.namespace = name
        self.service_name = name
        self.service_account_name = name
        self.image = f"{props.repository_url}:{spec.image_tag}"
        config_name = f"{name}-config"
        secret_name = f"{name}-secrets"
        labels = {_NAME: name, "app.kubernetes.io/version": spec.image_tag, "app.kubernetes.io/managed-by": "cdktf"}
        selector = {_NAME: name}

        role_mode = props.service_account_role.mode if props.service_account_role is not None else None
        namespace = ApplicationNamespace(
            self,
            "namespace",
            props=ApplicationNamespaceProps(
                name=name,
                port=spec.port,
                pod_security=props.pod_security,
                quota=props.quota,
                load_balancer_cidrs=props.load_balancer_cidrs if spec.ingress is not None else (),
                ingress_controller_namespace=props.ingress_controller_namespace if spec.ingress is not None else None,
                allowed_peers=spec.allowed_peers,
                egress_peers=props.egress_peers,
                allow_https_egress=spec.needs_aws,
                allow_pod_identity_agent=role_mode is IdentityMode.POD_IDENTITY,
                monitoring_namespace=props.monitoring_namespace,
                database_cidrs=props.database.subnet_cidrs if props.database is not None else (),
                database_port=props.database.port if props.database is not None else None,
                egress_destinations=tuple((rule.cidr, rule.port) for rule in spec.egress),
                depends_on=props.depends_on,
            ),
        )
        inside = [namespace.namespace]

        role_annotations = (
            dict(props.service_account_role.service_account_annotations) if props.service_account_role else {}
        )
        annotations = role_annotations or None
        ServiceAccountV1(
            self,
            "service-account",
            metadata=ServiceAccountV1Metadata(name=name, namespace=name, labels=labels, annotations=annotations),
            # Unchanged by the identity mode: the token AWS credentials come from (IRSA's aws-iam-token,
            # Pod Identity's eks-pod-identity-token) is a separate volume the EKS webhook adds itself.
            automount_service_account_token=spec.needs_aws,
            depends_on=inside,
        )
        read_own_config(
            self, name=name, labels=labels, config_name=config_name, secret_name=secret_name, depends_on=inside
        )

        env_from: list[DeploymentV1SpecTemplateSpecContainerEnvFrom] = []
        workload_after: list[ITerraformDependable] = list(inside)
        if props.service_account_role is not None:
            # Pod Identity: a pod gets credentials only if its association and the agent exist when it starts.
            workload_after += props.service_account_role.depends_on
        config = dict(spec.config)
        if props.database is not None:
            config |= props.database.config()
        if props.bucket_name is not None:
            config[BUCKET_CONFIG_KEY] = props.bucket_name
        if config:
            config_map = ConfigMapV1(
                self,
                "config",
                metadata=ConfigMapV1Metadata(name=config_name, namespace=name, labels=labels),
                data=dict(sorted(config.items())),
                depends_on=inside,
            )
            workload_after.append(config_map)
            env_from.append(
                DeploymentV1SpecTemplateSpecContainerEnvFrom(
                    config_map_ref=DeploymentV1SpecTemplateSpecContainerEnvFromConfigMapRef(name=config_name)
                )
            )
        has_secret = bool(spec.secrets) or props.database is not None
        if has_secret:
            store = props.secret_store
            assert store is not None  # validated above
            store_after: list[ITerraformDependable] = []
            if isinstance(store, SecretStoreRef):
                # A store named by SecretStoreRef exists already: nothing to wait for.
                store_name = store.name
            else:
                store_name, store_after = CLUSTER_SECRET_STORE_NAME, [store]
            external_secret = PlatformResources(
                self,
                "external-secret",
                props=PlatformResourcesProps(
                    release_name=f"{name}-external-secret",
                    namespace=name,
                    manifests=[self._external_secret(spec, secret_name, props.database, store_name)],
                    depends_on=[*store_after, *inside],
                ),
            )
            workload_after.append(external_secret.release)

        if props.pod_security_group_ids:
            # Before the Deployment: the VPC resource controller's webhook gives a pod a branch ENI
            # only when a policy selects it at creation, so pods created first would keep the node's groups.
            group_policy = PlatformResources(
                self,
                "security-group-policy",
                props=PlatformResourcesProps(
                    release_name=f"{name}-security-group-policy",
                    namespace=name,
                    manifests=[security_group_policy(name, selector, props.pod_security_group_ids, labels)],
                    # The CRD comes with the cluster (EKS installs it); the namespace waits for the nodes.
                    depends_on=inside,
                ),
            )
            workload_after.append(group_policy.release)

        self.volume_claim: PersistentVolumeClaimV1 | None = None
        if spec.volume is not None:
            assert protections is not None  # resolved above with the volume
            self.volume_claim = self._volume_claim(spec, labels, props.storage_class, protections.lifecycle(), inside)
            workload_after.append(self.volume_claim)
        self.deployment = self._deployment(
            spec, labels, selector, env_from, secret_name if has_secret else None, workload_after, props.node_group
        )
        ServiceV1(
            self,
            "service",
            metadata=ServiceV1Metadata(name=name, namespace=name, labels=labels),
            spec=ServiceV1Spec(
                type="ClusterIP",
                selector=selector,
                port=[ServiceV1SpecPort(name="http", port=SERVICE_PORT, target_port="http", protocol="TCP")],
            ),
            depends_on=inside,
        )
        self._autoscaler(spec, labels, inside)
        PodDisruptionBudgetV1(
            self,
            "disruption-budget",
            metadata=PodDisruptionBudgetV1Metadata(name=name, namespace=name, labels=labels),
            spec=PodDisruptionBudgetV1Spec(
                selector=PodDisruptionBudgetV1SpecSelector(match_labels=selector), max_unavailable="1"
            ),
            depends_on=inside,
        )
        if spec.ingress is not None:
            self._ingress(spec, props, labels, inside)

    # ----------------------------------------------------------------------------------------
    @staticmethod
    def _external_secret(
        spec: ApplicationSpec, secret_name: str, database: DatabaseConnection | None, store_name: str
    ) -> dict[str, Any]:
        data: list[dict[str, Any]] = []
        for secret in spec.secrets:
            remote: dict[str, str] = {"key": secret.remote_key}
            if secret.remote_property is not None:
                remote["property"] = secret.remote_property
            data.append({"secretKey": secret.name, "remoteRef": remote})
        if database is not None:
            # RDS's own secret (it rotates the password weekly): it exists as soon as the instance
            # does, so the ExternalSecret never waits for a secret someone has to create by hand.
            data += database.secret_data()
        return {
            "apiVersion": "external-secrets.io/v1",
            "kind": "ExternalSecret",
            "metadata": {"name": secret_name, "namespace": spec.name},
            "spec": {
                # One hour: rotated secrets arrive within the hour, at 24 Secrets Manager calls a day.
                "refreshInterval": "1h",
                "secretStoreRef": {"name": store_name, "kind": "ClusterSecretStore"},
                "target": {"name": secret_name, "creationPolicy": "Owner"},
                "data": data,
            },
        }

    def _volume_claim(
        self,
        spec: ApplicationSpec,
        labels: Mapping[str, str],
        storage_class: str,
        lifecycle: TerraformResourceLifecycle | None,
        depends_on: Sequence[ITerraformDependable],
    ) -> PersistentVolumeClaimV1:
        """The claim :attr:`~ApplicationSpec.volume_claim_name` of ``spec.volume`` (ReadWriteOnce,
        ``storage_class``)."""
        assert spec.volume is not None and spec.volume_claim_name is not None
        return PersistentVolumeClaimV1(
            self,
            "volume",
            # No version label: the claim outlives image tags, and a label change would be a needless update.
            metadata=PersistentVolumeClaimV1Metadata(
                name=spec.volume_claim_name,
                namespace=spec.name,
                labels={k: v for k, v in labels.items() if k != "app.kubernetes.io/version"},
            ),
            spec=PersistentVolumeClaimV1Spec(
                access_modes=["ReadWriteOnce"],
                storage_class_name=storage_class,
                resources=PersistentVolumeClaimV1SpecResources(requests={"storage": spec.volume.size}),
            ),
            # gp3 binds WaitForFirstConsumer: the volume is created in the zone the pod lands in, so
            # the claim stays Pending until the Deployment's pod exists; waiting for it would hang the apply.
            wait_until_bound=False,
            lifecycle=lifecycle,
            depends_on=list(depends_on),
        )

    def _deployment(
        self,
        spec: ApplicationSpec,
        labels: Mapping[str, str],
        selector: Mapping[str, str],
        env_from: list[DeploymentV1SpecTemplateSpecContainerEnvFrom],
        secret_name: str | None,
        depends_on: list[ITerraformDependable],
        node_group: NodeGroupSpec | None,
    ) -> DeploymentV1:
        name = spec.name
        resources = spec.resources
        probes = spec.probes
        mounts = [DeploymentV1SpecTemplateSpecContainerVolumeMount(name="tmp", mount_path=TMP_MOUNT_PATH)]
        volumes = [
            DeploymentV1SpecTemplateSpecVolume(
                name="tmp", empty_dir=DeploymentV1SpecTemplateSpecVolumeEmptyDir(size_limit="64Mi")
            )
        ]
        if spec.volume is not None:
            mounts.append(
                DeploymentV1SpecTemplateSpecContainerVolumeMount(name="data", mount_path=spec.volume.mount_path)
            )
            volumes.append(
                DeploymentV1SpecTemplateSpecVolume(
                    name="data",
                    persistent_volume_claim=DeploymentV1SpecTemplateSpecVolumePersistentVolumeClaim(
                        claim_name=spec.volume_claim_name
                    ),
                )
            )
        if secret_name is not None:
            mounts.append(
                DeploymentV1SpecTemplateSpecContainerVolumeMount(
                    name="secrets", mount_path=SECRETS_MOUNT_PATH, read_only=True
                )
            )
            volumes.append(
                DeploymentV1SpecTemplateSpecVolume(
                    name="secrets",
                    # Optional: a pod starts before external-secrets has synced the Secret (its Secrets
                    # Manager value is set out of band) and sees the files once they arrive.
                    secret=DeploymentV1SpecTemplateSpecVolumeSecret(
                        secret_name=secret_name, default_mode="0400", optional=True
                    ),
                )
            )
        return DeploymentV1(
            self,
            "deployment",
            metadata=DeploymentV1Metadata(name=name, namespace=name, labels=dict(labels)),
            spec=DeploymentV1Spec(
                replicas=str(spec.replicas),
                revision_history_limit=5,
                selector=DeploymentV1SpecSelector(match_labels=dict(selector)),
                # One pod holds a ReadWriteOnce volume: the new pod can mount it only once the old one
                # is gone (a rolling update would wait forever for a surge pod that cannot start).
                strategy=DeploymentV1SpecStrategy(type="Recreate")
                if spec.volume is not None
                else DeploymentV1SpecStrategy(
                    type="RollingUpdate",
                    rolling_update=DeploymentV1SpecStrategyRollingUpdate(max_surge="1", max_unavailable="0"),
                ),
                template=DeploymentV1SpecTemplate(
                    metadata=DeploymentV1SpecTemplateMetadata(
                        labels=dict(labels),
                        annotations={
                            "prometheus.io/scrape": "true",
                            "prometheus.io/port": str(spec.port),
                            "prometheus.io/path": "/metrics",
                        },
                    ),
                    spec=DeploymentV1SpecTemplateSpec(
                        service_account_name=name,
                        automount_service_account_token=spec.needs_aws,
                        priority_class_name=spec.priority_class,
                        termination_grace_period_seconds=30,
                        node_selector=dict(sorted(node_group.labels.items())) if node_group is not None else None,
                        toleration=[
                            DeploymentV1SpecTemplateSpecToleration(
                                key=taint.key, operator="Equal", value=taint.value, effect=taint.kubernetes_effect
                            )
                            for taint in node_group.taints
                        ]
                        if node_group is not None and node_group.taints
                        else None,
                        security_context=pod_security_context(spec.run_as_user),
                        container=[
                            DeploymentV1SpecTemplateSpecContainer(
                                name=name,
                                image=self.image,
                                # Always: the registry re-checks pull rights on every start; with
                                # immutable tags only the manifest is fetched again (VPC endpoint).
                                image_pull_policy="Always",
                                port=[
                                    DeploymentV1SpecTemplateSpecContainerPort(
                                        name="http", container_port=spec.port, protocol="TCP"
                                    )
                                ],
                                env_from=env_from or None,
                                resources=DeploymentV1SpecTemplateSpecContainerResources(
                                    requests={"cpu": resources.cpu_request, "memory": resources.memory_request},
                                    limits={"cpu": resources.cpu_limit, "memory": resources.memory_limit},
                                ),
                                security_context=container_security_context(),
                                # Startup: up to 60 s (12 x 5 s) before liveness takes over (seed 001).
                                startup_probe=DeploymentV1SpecTemplateSpecContainerStartupProbe(
                                    http_get=DeploymentV1SpecTemplateSpecContainerStartupProbeHttpGet(
                                        path=probes.startup_path, port="http"
                                    ),
                                    period_seconds=5,
                                    failure_threshold=12,
                                ),
                                liveness_probe=DeploymentV1SpecTemplateSpecContainerLivenessProbe(
                                    http_get=DeploymentV1SpecTemplateSpecContainerLivenessProbeHttpGet(
                                        path=probes.liveness_path, port="http"
                                    ),
                                    period_seconds=10,
                                    timeout_seconds=5,
                                    failure_threshold=3,
                                ),
                                readiness_probe=DeploymentV1SpecTemplateSpecContainerReadinessProbe(
                                    http_get=DeploymentV1SpecTemplateSpecContainerReadinessProbeHttpGet(
                                        path=probes.readiness_path, port="http"
                                    ),
                                    period_seconds=5,
                                    timeout_seconds=3,
                                    failure_threshold=3,
                                ),
                                volume_mount=mounts,
                            )
                        ],
                        volume=volumes,
                        topology_spread_constraint=[
                            DeploymentV1SpecTemplateSpecTopologySpreadConstraint(
                                topology_key=_ZONE,
                                max_skew=1,
                                when_unsatisfiable="ScheduleAnyway",
                                label_selector=[
                                    DeploymentV1SpecTemplateSpecTopologySpreadConstraintLabelSelector(
                                        match_labels=dict(selector)
                                    )
                                ],
                            )
                        ],
                        affinity=DeploymentV1SpecTemplateSpecAffinity(
                            pod_anti_affinity=DeploymentV1SpecTemplateSpecAffinityPodAntiAffinity(
                                preferred_during_scheduling_ignored_during_execution=[
                                    DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityPreferredDuringSchedulingIgnoredDuringExecution(
                                        weight=100,
                                        pod_affinity_term=DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityPreferredDuringSchedulingIgnoredDuringExecutionPodAffinityTerm(
                                            topology_key=_HOSTNAME,
                                            label_selector=[
                                                DeploymentV1SpecTemplateSpecAffinityPodAntiAffinityPreferredDuringSchedulingIgnoredDuringExecutionPodAffinityTermLabelSelector(
                                                    match_labels=dict(selector)
                                                )
                                            ],
                                        ),
                                    )
                                ]
                            )
                        ),
                    ),
                ),
            ),
            # A first apply creates the ECR repositories empty: pods wait for images pushed later, and
            # terraform must not wait for a rollout that cannot finish yet (README, "First deploy").
            wait_for_rollout=False,
            # The HPA owns the replica count; `kubectl rollout restart` owns its annotation.
            lifecycle=TerraformResourceLifecycle(ignore_changes=list(DEPLOYMENT_IGNORED_FIELDS)),
            depends_on=depends_on,
        )

    def _autoscaler(self, spec: ApplicationSpec, labels: Mapping[str, str], depends_on: list[Any]) -> None:
        up = HPA_BEHAVIOR["scale_up"]
        down = HPA_BEHAVIOR["scale_down"]
        HorizontalPodAutoscalerV2(
            self,
            "autoscaler",
            metadata=HorizontalPodAutoscalerV2Metadata(name=spec.name, namespace=spec.name, labels=dict(labels)),
            spec=HorizontalPodAutoscalerV2Spec(
                min_replicas=spec.hpa_min_replicas,
                max_replicas=spec.max_replicas,
                scale_target_ref=HorizontalPodAutoscalerV2SpecScaleTargetRef(
                    api_version="apps/v1", kind="Deployment", name=spec.name
                ),
                metric=[
                    HorizontalPodAutoscalerV2SpecMetric(
                        type="Resource",
                        resource=HorizontalPodAutoscalerV2SpecMetricResource(
                            name=resource,
                            target=HorizontalPodAutoscalerV2SpecMetricResourceTarget(
                                type="Utilization", average_utilization=target
                            ),
                        ),
                    )
                    for resource, target in (("cpu", CPU_TARGET_PERCENT), ("memory", MEMORY_TARGET_PERCENT))
                ],
                behavior=HorizontalPodAutoscalerV2SpecBehavior(
                    scale_up=[
                        HorizontalPodAutoscalerV2SpecBehaviorScaleUp(
                            stabilization_window_seconds=up["window"],
                            select_policy=up["select"],
                            policy=[
                                HorizontalPodAutoscalerV2SpecBehaviorScaleUpPolicy(
                                    type=kind, value=value, period_seconds=period
                                )
                                for kind, value, period in up["policies"]
                            ],
                        )
                    ],
                    scale_down=[
                        HorizontalPodAutoscalerV2SpecBehaviorScaleDown(
                            stabilization_window_seconds=down["window"],
                            select_policy=down["select"],
                            policy=[
                                HorizontalPodAutoscalerV2SpecBehaviorScaleDownPolicy(
                                    type=kind, value=value, period_seconds=period
                                )
                                for kind, value, period in down["policies"]
                            ],
                        )
                    ],
                ),
            ),
            depends_on=depends_on,
        )

    def _ingress(
        self, spec: ApplicationSpec, props: ApplicationProps, labels: Mapping[str, str], depends_on: list[Any]
    ) -> None:
        ingress = spec.ingress
        assert ingress is not None
        annotations = {
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/group.name": props.load_balancer_group,
            "alb.ingress.kubernetes.io/healthcheck-path": ingress.healthcheck_path or spec.probes.readiness_path,
            "alb.ingress.kubernetes.io/listen-ports": json.dumps([{"HTTP": 80}]),
        }
        if props.load_balancer_security_group_id is not None:
            # The network tier's ALB group (80/443 from the internet); the node group already admits it
            # on the target ports, so the controller adds no rules of its own.
            annotations |= {
                "alb.ingress.kubernetes.io/security-groups": props.load_balancer_security_group_id,
                "alb.ingress.kubernetes.io/manage-backend-security-group-rules": "false",
            }
        if ingress.certificate_arn is not None:
            annotations |= {
                "alb.ingress.kubernetes.io/certificate-arn": ingress.certificate_arn,
                "alb.ingress.kubernetes.io/listen-ports": json.dumps([{"HTTP": 80}, {"HTTPS": 443}]),
                "alb.ingress.kubernetes.io/ssl-redirect": "443",
                "alb.ingress.kubernetes.io/ssl-policy": ALB_SSL_POLICY,
            }
        IngressV1(
            self,
            "ingress",
            metadata=IngressV1Metadata(
                name=spec.name, namespace=spec.name, labels=dict(labels), annotations=dict(sorted(annotations.items()))
            ),
            spec=IngressV1Spec(
                ingress_class_name="alb",
                rule=[
                    IngressV1SpecRule(
                        host=ingress.host,
                        http=IngressV1SpecRuleHttp(
                            path=[
                                IngressV1SpecRuleHttpPath(
                                    path=ingress.path,
                                    path_type="Prefix",
                                    backend=IngressV1SpecRuleHttpPathBackend(
                                        service=IngressV1SpecRuleHttpPathBackendService(
                                            name=spec.name,
                                            port=IngressV1SpecRuleHttpPathBackendServicePort(number=SERVICE_PORT),
                                        )
                                    ),
                                )
                            ]
                        ),
                    )
                ],
            ),
            wait_for_load_balancer=False,
            depends_on=depends_on,
        )


# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ApplicationOptions:
    """What one application of :meth:`Applications.add_application` has of its own. Default: none of it."""

    #: Its role (``PlatformStack.workload_role``), for an application with ``needs_aws``. Default None.
    service_account_role: WorkloadRole | None = None
    #: Its bucket's name, for an application with ``bucket``. Default None.
    bucket_name: str | None = None
    #: The security groups of its pods (``ApplicationProps.pod_security_group_ids``). Default none.
    pod_security_group_ids: tuple[str, ...] = ()
    #: The node group it names (``spec.node_group``). Default None.
    node_group: NodeGroupSpec | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "pod_security_group_ids", tuple(self.pod_security_group_ids))


@dataclass(frozen=True, kw_only=True)
class ApplicationsProps:
    """All applications of an environment and what the platform offers them."""

    applications: tuple[ApplicationSpec, ...]
    #: Repository name (``ApplicationSpec.repository``) -> ECR repository URL.
    repository_urls: Mapping[str, str]
    #: ``<project>-<env>``: the shared ALB's group name. Default None: the stack's environment's
    #: (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: The environment's stage (see :attr:`ApplicationProps.stage`). Default None: the stack's
    #: environment's (``config.stage``); outside an ``EnvironmentStack`` a ConfigError.
    stage: Stage | None = None
    #: Application name -> its role (``PlatformStack.workload_role``), for applications with ``needs_aws``.
    service_account_roles: Mapping[str, WorkloadRole] = field(default_factory=dict)
    pod_security: PodSecurityLevel = PodSecurityLevel.RESTRICTED
    quota: ResourceQuotaSpec = field(default_factory=ResourceQuotaSpec)
    load_balancer_cidrs: tuple[str, ...] = ()
    load_balancer_security_group_id: str | None = None
    ingress_controller_namespace: str | None = None
    monitoring_namespace: str | None = None
    #: The ClusterSecretStore's release, or ``SecretStoreRef(name)`` for an existing store
    #: (``ApplicationProps.secret_store``).
    secret_store: ITerraformDependable | SecretStoreRef | None = None
    #: The environment's database, given to the applications whose ``database`` names it. Default none.
    database: DatabaseConnection | None = None
    #: Application name -> its bucket's name, for applications with ``bucket``.
    bucket_names: Mapping[str, str] = field(default_factory=dict)
    #: Application name -> the security groups of its pods (``ApplicationProps.pod_security_group_ids``).
    #: Default none.
    pod_security_group_ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: The environment's node groups by name, for applications that name one (``spec.node_group``).
    #: Default None: the stack's environment's (``config.node_groups``); outside an
    #: ``EnvironmentStack`` none, so an application that names a node group is refused.
    node_groups: Mapping[str, NodeGroupSpec] | None = None
    #: The environment's stateful workloads: an application one lists in ``allowed_peers`` gets
    #: egress to its namespace on its client port. Default none.
    stateful_workloads: Sequence[StatefulWorkloadSpec] = ()
    #: The protections of the applications' volumes (``ApplicationProps.protections``). Default None:
    #: the environment's.
    protections: Protections | None = None
    depends_on: Sequence[ITerraformDependable] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "applications", tuple(self.applications))
        object.__setattr__(self, "stateful_workloads", tuple(self.stateful_workloads))
        object.__setattr__(
            self,
            "pod_security_group_ids",
            MappingProxyType({app: tuple(groups) for app, groups in self.pod_security_group_ids.items()}),
        )
        if self.node_groups is not None:
            object.__setattr__(self, "node_groups", MappingProxyType(dict(self.node_groups)))
        object.__setattr__(self, "bucket_names", MappingProxyType(dict(self.bucket_names)))
        object.__setattr__(self, "repository_urls", MappingProxyType(dict(self.repository_urls)))
        object.__setattr__(self, "service_account_roles", MappingProxyType(dict(self.service_account_roles)))
        object.__setattr__(self, "load_balancer_cidrs", tuple(self.load_balancer_cidrs))
        object.__setattr__(self, "depends_on", tuple(self.depends_on))

    def validate(self, path: str) -> None:
        """Each application's own rules, then how they fit what these props offer and each other
        (:func:`~constructs_lib.apps.rules.require_applications_fit`, the rules' one home; the rules
        that need what only a config knows, such as the network's target ports, are the config's).
        The fields the environment holds must be set: :class:`Applications` validates its props with
        them resolved."""
        stage = require_stage_member(f"{path}.stage", require_given(f"{path}.stage", self.stage, STAGE))
        require_applications_fit(
            path,
            self.applications,
            stage=stage,
            offer=ApplicationOffer(
                name_prefix=require_given(f"{path}.name_prefix", self.name_prefix, NAME_PREFIX),
                repositories=self.repository_urls.keys(),
                node_groups=tuple((self.node_groups or {}).values()),
                external_secrets=self.secret_store is not None,
            ),
        )
        names = [a.name for a in self.applications]
        for name in self.pod_security_group_ids:
            require(
                name in names,
                f"{path}.pod_security_group_ids.{name}",
                "must name an application",
                name,
                f"use one of {sorted(names)}",
            )
        for name in self.service_account_roles:
            require(
                name in names,
                f"{path}.service_account_roles.{name}",
                "must name an application",
                name,
                f"use one of {sorted(names)}",
            )


class Applications(Construct):
    """One :class:`Application` per spec (construct id = application name), with the network policies
    between them: if ``b`` lists ``a`` in ``allowed_peers``, ``b``'s namespace admits ``a`` and ``a``'s
    namespace may send to ``b``'s port.

    Attributes: ``applications`` (name -> :class:`Application`).
    """

    def __init__(self, scope: Construct, id: str, *, props: ApplicationsProps) -> None:
        # What the props leave to the environment, resolved once (before any resource exists).
        self._stage: Stage = from_environment(scope, "props.stage", props.stage, STAGE)
        self._name_prefix: str = from_environment(scope, "props.name_prefix", props.name_prefix, NAME_PREFIX)
        node_groups: Mapping[str, NodeGroupSpec] = (
            props.node_groups
            if props.node_groups is not None
            else {g.name: g for g in from_environment(scope, "props.node_groups", None, NODE_GROUPS, outside=())}
        )
        props = replace(props, stage=self._stage, name_prefix=self._name_prefix, node_groups=node_groups)
        props.validate("props")
        super().__init__(scope, id)
        self._props = props
        self.applications: dict[str, Application] = {}
        for spec in props.applications:
            self.add_application(
                spec,
                options=ApplicationOptions(
                    service_account_role=props.service_account_roles.get(spec.name),
                    bucket_name=props.bucket_names.get(spec.name),
                    pod_security_group_ids=props.pod_security_group_ids.get(spec.name, ()),
                    node_group=node_groups.get(spec.node_group) if spec.node_group else None,
                ),
            )

    def add_application(self, spec: ApplicationSpec, *, options: ApplicationOptions | None = None) -> Application:
        """One :class:`Application` (construct id = its name) with what the platform offers every
        application (these props' shared fields) plus what is its own (``options``: its role, bucket,
        pods security groups and dedicated node group; default None: none of them). Its egress reaches
        the applications and stateful workloads that list it as a peer. ``Application`` checks the
        result before creating anything."""
        props = self._props
        options = options if options is not None else ApplicationOptions()
        callees = {other.name: other.port for other in props.applications if spec.name in other.allowed_peers}
        callees |= {store.name: store.port for store in props.stateful_workloads if spec.name in store.allowed_peers}
        application = Application(
            self,
            spec.name,
            props=ApplicationProps(
                spec=spec,
                repository_url=props.repository_urls[spec.repository],
                stage=self._stage,
                load_balancer_group=self._name_prefix,
                service_account_role=options.service_account_role,
                pod_security=props.pod_security,
                quota=props.quota,
                load_balancer_cidrs=props.load_balancer_cidrs,
                load_balancer_security_group_id=props.load_balancer_security_group_id,
                ingress_controller_namespace=props.ingress_controller_namespace,
                monitoring_namespace=props.monitoring_namespace,
                egress_peers=callees,
                secret_store=props.secret_store,
                database=props.database if spec.database is not None else None,
                bucket_name=options.bucket_name,
                pod_security_group_ids=options.pod_security_group_ids,
                node_group=options.node_group,
                protections=props.protections,
                depends_on=props.depends_on,
            ),
        )
        self.applications[spec.name] = application
        return application
