"""The platform add-ons of one cluster: namespaces, Helm releases from the catalog, and their custom resources."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_helm.release import Release
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1, NamespaceV1Metadata
from constructs import Construct

from constructs_lib.identity.irsa import ROLE_ARN_ANNOTATION
from constructs_lib.platform.catalog import (
    CATALOG,
    CLUSTER_AUTOSCALER_IMAGE_TAGS,
    CRITICAL_ADDONS_TOLERATION,
    VELERO_AWS_PLUGIN_IMAGE,
    CatalogEntry,
    PodSecurityLevel,
)
from constructs_lib.platform.config import AddonsConfig
from constructs_lib.platform.helm import HelmAddon, HelmAddonProps
from constructs_lib.platform.resources import PlatformResources
from constructs_lib.validation import is_reference, require, require_iam_arn, require_region

__all__ = [
    "CLUSTER_ISSUER_NAME",
    "CLUSTER_SECRET_STORE_NAME",
    "GP3_STORAGE_CLASS",
    "PlatformAddons",
    "PlatformAddonsProps",
    "pod_security_labels",
]

#: The ClusterSecretStore every application's ExternalSecret reads from.
CLUSTER_SECRET_STORE_NAME = "aws-secrets-manager"
#: The cert-manager ClusterIssuer (seed 000's ``letsencrypt-prod``).
CLUSTER_ISSUER_NAME = "letsencrypt"
#: The default StorageClass the baseline creates; persistent add-ons ask for it by name.
GP3_STORAGE_CLASS = "gp3"

_SYSTEM_CRITICAL = "system-cluster-critical"

#: kube-prometheus-stack's scrape targets for components EKS keeps out of reach (see _prometheus_values).
_UNREACHABLE_ON_EKS = ("kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy")
#: ... and the default rule groups that alert on them.
_UNREACHABLE_ON_EKS_RULES = (
    "kubeControllerManager",
    "kubeSchedulerAlerting",
    "kubeSchedulerRecording",
    "etcd",
    "kubeProxy",
)


def pod_security_labels(enforce: PodSecurityLevel) -> dict[str, str]:
    """Pod Security Standards labels: ``enforce`` as given, ``warn`` and ``audit`` always restricted."""
    return {
        "pod-security.kubernetes.io/enforce": enforce.value,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": PodSecurityLevel.RESTRICTED.value,
        "pod-security.kubernetes.io/audit": PodSecurityLevel.RESTRICTED.value,
    }


@dataclass(frozen=True)
class PlatformAddonsProps:
    """Inputs of the add-ons: plain values or terraform references from the cluster and identity tiers."""

    cluster_name: str
    region: str
    #: The VPC id; the load balancer controller needs it because IMDS is closed to pods.
    vpc_id: str
    #: Kubernetes minor version of the cluster, e.g. ``1.35``; picks the cluster-autoscaler image.
    kubernetes_version: str
    addons: AddonsConfig = field(default_factory=AddonsConfig)
    #: IRSA role ARN per add-on name (``aws_load_balancer_controller``, ``cluster_autoscaler``,
    #: ``external_secrets``, ``velero``); required for each enabled add-on that calls AWS.
    service_account_role_arns: Mapping[str, str] = field(default_factory=dict)
    #: Name of the backup bucket (:class:`~constructs_lib.platform.backup.BackupBucket`); required with velero.
    backup_bucket_name: str | None = None
    #: What every release waits for: the node groups (pods need nodes), access entries, ...
    depends_on: Sequence[ITerraformDependable] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "service_account_role_arns", MappingProxyType(dict(self.service_account_role_arns)))
        object.__setattr__(self, "depends_on", tuple(self.depends_on))

    def validate(self, path: str) -> None:
        """Check the inputs against the enabled add-ons; raises ConfigError."""
        self.addons.validate(f"{path}.addons")
        require_region(f"{path}.region", self.region)
        require(
            self.kubernetes_version in CLUSTER_AUTOSCALER_IMAGE_TAGS,
            f"{path}.kubernetes_version",
            f"must be a Kubernetes minor the catalog has a cluster-autoscaler image for "
            f"({', '.join(CLUSTER_AUTOSCALER_IMAGE_TAGS)})",
            self.kubernetes_version,
            "use the cluster's version, e.g. '1.35'",
        )
        for name, arn in self.service_account_role_arns.items():
            require(
                name in CATALOG and CATALOG[name].needs_aws,
                f"{path}.service_account_role_arns.{name}",
                "must name an add-on that calls AWS",
                name,
                f"use one of {sorted(n for n, e in CATALOG.items() if e.needs_aws)}",
            )
            if not is_reference(arn):
                require_iam_arn(f"{path}.service_account_role_arns.{name}", arn)
        for name in self.addons.enabled():
            require(
                not CATALOG[name].needs_aws or name in self.service_account_role_arns,
                f"{path}.service_account_role_arns.{name}",
                "is required: the add-on calls AWS APIs through its IRSA role",
                None,
                f"pass the identity tier's role ARN for {CATALOG[name].namespace}:{CATALOG[name].service_account}",
            )
        require(
            not self.addons.velero or bool(self.backup_bucket_name),
            f"{path}.backup_bucket_name",
            "is required when velero is on",
            self.backup_bucket_name,
            "create a BackupBucket and pass its bucket_name",
        )


class PlatformAddons(Construct):
    """Installs the enabled add-ons of :class:`AddonsConfig` from :data:`CATALOG`.

    Each add-on gets its own namespace (PSS labels: the catalog's enforce level, warn and audit
    restricted) and a :class:`HelmAddon` that depends on ``depends_on``, its namespace and, because
    the load balancer controller's webhook intercepts every Service, on that controller's release.
    Custom resources go through :class:`PlatformResources` after the operator that owns their CRDs:
    the ClusterSecretStore (external-secrets), the daily backup Schedule (velero) and the ACME
    ClusterIssuer (cert-manager).

    Attributes: ``releases`` (add-on name -> helm_release), ``namespaces`` (add-on name -> namespace
    name), ``secret_store_release`` (the ClusterSecretStore's release, or None; ExternalSecrets
    depend on it), ``ingress_controller_namespace`` (where ingress traffic comes from in-cluster, or None).
    """

    def __init__(self, scope: Construct, id: str, *, props: PlatformAddonsProps) -> None:
        props.validate("props")
        super().__init__(scope, id)
        self._props = props
        addons = props.addons
        self.releases: dict[str, Release] = {}
        self.namespaces: dict[str, str] = {}
        self.secret_store_release: Release | None = None
        self.ingress_controller_namespace: str | None = (
            CATALOG["ingress_nginx"].namespace if addons.ingress_nginx else None
        )
        builders = {
            "aws_load_balancer_controller": self._load_balancer_controller_values,
            "cluster_autoscaler": self._cluster_autoscaler_values,
            "metrics_server": self._metrics_server_values,
            "external_secrets": self._external_secrets_values,
            "kube_prometheus_stack": self._prometheus_values,
            "cert_manager": self._cert_manager_values,
            "ingress_nginx": self._ingress_nginx_values,
            "argo_cd": self._argo_cd_values,
            "velero": self._velero_values,
            "vertical_pod_autoscaler": self._vertical_pod_autoscaler_values,
        }
        for name in addons.enabled():  # declaration order: the load balancer controller comes first
            self._install(name, builders[name](CATALOG[name]))

        if addons.external_secrets:
            self.secret_store_release = self._custom_resources(
                "external_secrets", "cluster-secret-store", [self._cluster_secret_store()]
            )
        if addons.velero:
            self._custom_resources("velero", "backup-schedule", [self._backup_schedule()])
        if addons.cert_manager:
            self._custom_resources("cert_manager", "cluster-issuer", [self._cluster_issuer()])

    # ----------------------------------------------------------------------------------------
    def _install(self, name: str, values: Mapping[str, Any]) -> None:
        entry = CATALOG[name]
        namespace = NamespaceV1(
            self,
            f"{entry.release_name}-namespace",
            metadata=NamespaceV1Metadata(
                name=entry.namespace,
                labels={"app.kubernetes.io/part-of": "platform", **pod_security_labels(entry.pod_security)},
            ),
            # The API answers only once the deployer's access entry is associated (and on destroy the
            # namespace must go before that association does).
            depends_on=list(self._props.depends_on) or None,
        )
        depends_on: list[ITerraformDependable] = [*self._props.depends_on, namespace]
        # The controller is installed first, so it is not in `releases` while it installs itself.
        controller = self.releases.get("aws_load_balancer_controller")
        if controller is not None:
            depends_on.append(controller)
        addon = HelmAddon(
            self,
            entry.release_name,
            props=HelmAddonProps(
                release_name=entry.release_name,
                source=entry.source,
                namespace=entry.namespace,
                values=values,
                depends_on=depends_on,
            ),
        )
        self.releases[name] = addon.release
        self.namespaces[name] = entry.namespace

    def _custom_resources(self, owner: str, release_name: str, manifests: list[dict[str, Any]]) -> Release:
        resources = PlatformResources(
            self,
            release_name,
            release_name=release_name,
            namespace=CATALOG[owner].namespace,
            manifests=manifests,
            depends_on=[self.releases[owner]],
        )
        return resources.release

    def _service_account(self, name: str, *, create: bool = True) -> dict[str, Any]:
        entry = CATALOG[name]
        account: dict[str, Any] = {"create": create, "name": entry.service_account}
        arn = self._props.service_account_role_arns.get(name)
        if arn is not None:
            account["annotations"] = {ROLE_ARN_ANNOTATION: arn}
        return account

    @staticmethod
    def _critical(entry: CatalogEntry) -> dict[str, Any]:
        """Scheduling of a cluster-critical pod: the system taint's toleration and the critical priority."""
        if not entry.critical:
            return {}
        return {"tolerations": [dict(CRITICAL_ADDONS_TOLERATION)], "priorityClassName": _SYSTEM_CRITICAL}

    # ----------------------------------------------------------------------------------------
    def _load_balancer_controller_values(self, entry: CatalogEntry) -> dict[str, Any]:
        props = self._props
        # clusterName, region and vpcId are explicit: with IMDS closed to pods (hop limit 1) the
        # controller cannot discover them.
        return {
            "clusterName": props.cluster_name,
            "region": props.region,
            "vpcId": props.vpc_id,
            "replicaCount": 2,
            "serviceAccount": self._service_account("aws_load_balancer_controller"),
            **self._critical(entry),
        }

    def _cluster_autoscaler_values(self, entry: CatalogEntry) -> dict[str, Any]:
        props = self._props
        return {
            "cloudProvider": "aws",
            "awsRegion": props.region,
            "autoDiscovery": {"clusterName": props.cluster_name},
            "image": {"tag": CLUSTER_AUTOSCALER_IMAGE_TAGS[props.kubernetes_version]},
            "rbac": {"serviceAccount": self._service_account("cluster_autoscaler")},
            # least-waste: pick the group that leaves the least idle capacity (cost); balance spreads
            # similar groups across AZs.
            "extraArgs": {"balance-similar-node-groups": True, "expander": "least-waste"},
            **self._critical(entry),
        }

    def _metrics_server_values(self, entry: CatalogEntry) -> dict[str, Any]:
        return {
            "replicas": 2,
            "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
            "serviceAccount": self._service_account("metrics_server"),
            **self._critical(entry),
        }

    def _external_secrets_values(self, entry: CatalogEntry) -> dict[str, Any]:
        critical = self._critical(entry)
        return {
            "installCRDs": True,
            "serviceAccount": self._service_account("external_secrets"),
            **critical,
            "webhook": dict(critical),
            "certController": dict(critical),
        }

    def _prometheus_values(self, entry: CatalogEntry) -> dict[str, Any]:
        options = self._props.addons.monitoring

        def volume(size_gib: int) -> dict[str, Any]:
            return {
                "volumeClaimTemplate": {
                    "spec": {
                        "storageClassName": GP3_STORAGE_CLASS,
                        "accessModes": ["ReadWriteOnce"],
                        "resources": {"requests": {"storage": f"{size_gib}Gi"}},
                    }
                }
            }

        # Scrape pods that carry the prometheus.io/scrape, /port and /path annotations (the
        # applications' Deployment sets them), like seed 004's kubernetes-pods job.
        annotated_pods = {
            "job_name": "kubernetes-pods",
            "kubernetes_sd_configs": [{"role": "pod"}],
            "relabel_configs": [
                {
                    "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_scrape"],
                    "action": "keep",
                    "regex": "true",
                },
                {
                    "source_labels": ["__meta_kubernetes_pod_annotation_prometheus_io_path"],
                    "action": "replace",
                    "target_label": "__metrics_path__",
                    "regex": "(.+)",
                },
                {
                    "source_labels": ["__address__", "__meta_kubernetes_pod_annotation_prometheus_io_port"],
                    "action": "replace",
                    "regex": "([^:]+)(?::\\d+)?;(\\d+)",
                    "replacement": "$1:$2",
                    "target_label": "__address__",
                },
            ],
        }
        return {
            "prometheus": {
                "prometheusSpec": {
                    "retention": f"{options.retention_days}d",
                    "storageSpec": volume(options.prometheus_storage_gib),
                    "serviceMonitorSelectorNilUsesHelmValues": False,
                    "podMonitorSelectorNilUsesHelmValues": False,
                    "additionalScrapeConfigs": [annotated_pods],
                }
            },
            "alertmanager": {"alertmanagerSpec": {"storage": volume(options.small_volume_gib)}},
            # EKS runs the controller manager, the scheduler and etcd out of the cluster's reach: their
            # scrape targets would stay down and their rules (TargetDown, ...Down) alert forever.
            # kube-proxy binds its metrics to 127.0.0.1:10249 on EKS nodes, so the same holds for it.
            **{component: {"enabled": False} for component in _UNREACHABLE_ON_EKS},
            "defaultRules": {"rules": dict.fromkeys(_UNREACHABLE_ON_EKS_RULES, False)},
            "grafana": {
                # Recreate: the new pod cannot mount the ReadWriteOnce volume the old one still holds,
                # so a rolling update would wait forever on the first upgrade.
                "deploymentStrategy": {"type": "Recreate"},
                "persistence": {
                    "enabled": True,
                    "storageClassName": GP3_STORAGE_CLASS,
                    "size": f"{options.small_volume_gib}Gi",
                },
                # No adminPassword on purpose: the chart then generates a random one into the
                # `kube-prometheus-stack-grafana` secret and keeps it across upgrades, so no password
                # is in this JSON or in terraform state. Read it with
                # kubectl -n kube-prometheus-stack get secret kube-prometheus-stack-grafana \
                #   -o jsonpath='{.data.admin-password}' | base64 -d
            },
        }

    def _cert_manager_values(self, entry: CatalogEntry) -> dict[str, Any]:
        # The chart's values schema rejects unknown keys: the priority class exists only as
        # global.priorityClassName (all components), tolerations per component.
        critical = self._critical(entry)
        values: dict[str, Any] = {
            "crds": {"enabled": True},
            "serviceAccount": self._service_account("cert_manager"),
        }
        if critical:
            tolerations = {"tolerations": critical["tolerations"]}
            values.update(
                {
                    "global": {"priorityClassName": critical["priorityClassName"]},
                    **tolerations,
                    "webhook": dict(tolerations),
                    "cainjector": dict(tolerations),
                    "startupapicheck": dict(tolerations),
                }
            )
        return values

    def _ingress_nginx_values(self, entry: CatalogEntry) -> dict[str, Any]:
        # An NLB in front of the controller, provisioned by the load balancer controller (pod IPs as targets).
        return {
            "controller": {
                "replicaCount": 2,
                "allowSnippetAnnotations": False,
                "metrics": {"enabled": True},
                "service": {
                    "annotations": {
                        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
                    }
                },
            },
            "serviceAccount": self._service_account("ingress_nginx"),
        }

    def _argo_cd_values(self, entry: CatalogEntry) -> dict[str, Any]:
        # No Dex (SSO is configured per organisation), server reachable in-cluster only.
        return {"dex": {"enabled": False}, "server": {"service": {"type": "ClusterIP"}}}

    def _velero_values(self, entry: CatalogEntry) -> dict[str, Any]:
        props = self._props
        return {
            "initContainers": [
                {
                    "name": "velero-plugin-for-aws",
                    "image": VELERO_AWS_PLUGIN_IMAGE,
                    "volumeMounts": [{"mountPath": "/target", "name": "plugins"}],
                }
            ],
            "configuration": {
                "backupStorageLocation": [
                    {
                        "name": "default",
                        "provider": "aws",
                        "bucket": props.backup_bucket_name,
                        "config": {"region": props.region},
                    }
                ],
                "volumeSnapshotLocation": [{"name": "default", "provider": "aws", "config": {"region": props.region}}],
            },
            # IRSA, no static credentials secret.
            "credentials": {"useSecret": False},
            "serviceAccount": {"server": self._service_account("velero")},
            "deployNodeAgent": False,
        }

    def _vertical_pod_autoscaler_values(self, entry: CatalogEntry) -> dict[str, Any]:
        # Recommendations only: the HPAs scale on CPU and memory, and a VPA updater evicting the same
        # pods would fight them.
        return {
            "recommender": dict(self._critical(entry)),
            "updater": {"enabled": False},
            "admissionController": {"enabled": False},
        }

    # ----------------------------------------------------------------------------------------
    def _cluster_secret_store(self) -> dict[str, Any]:
        entry = CATALOG["external_secrets"]
        return {
            "apiVersion": "external-secrets.io/v1",
            "kind": "ClusterSecretStore",
            "metadata": {"name": CLUSTER_SECRET_STORE_NAME},
            "spec": {
                "provider": {
                    "aws": {
                        "service": "SecretsManager",
                        "region": self._props.region,
                        "auth": {
                            "jwt": {"serviceAccountRef": {"name": entry.service_account, "namespace": entry.namespace}}
                        },
                    }
                }
            },
        }

    def _backup_schedule(self) -> dict[str, Any]:
        options = self._props.addons.backup
        return {
            "apiVersion": "velero.io/v1",
            "kind": "Schedule",
            "metadata": {"name": "daily", "namespace": CATALOG["velero"].namespace},
            "spec": {
                "schedule": options.schedule,
                "template": {
                    "ttl": f"{options.retention_days * 24}h0m0s",
                    "includedNamespaces": list(options.included_namespaces) or ["*"],
                    "snapshotVolumes": True,
                    "storageLocation": "default",
                    "volumeSnapshotLocations": ["default"],
                },
            },
        }

    def _cluster_issuer(self) -> dict[str, Any]:
        options = self._props.addons.certificates
        ingress_class = "nginx" if self._props.addons.ingress_nginx else "alb"
        return {
            "apiVersion": "cert-manager.io/v1",
            "kind": "ClusterIssuer",
            "metadata": {"name": CLUSTER_ISSUER_NAME},
            "spec": {
                "acme": {
                    "email": options.acme_email,
                    "server": options.acme_server,
                    "privateKeySecretRef": {"name": f"{CLUSTER_ISSUER_NAME}-account-key"},
                    "solvers": [{"http01": {"ingress": {"ingressClassName": ingress_class}}}],
                }
            },
        }
