"""What we verified about each catalog chart, at the version the catalog pins.

For every add-on this records where the chart was read (repository, tag or commit, chart folder),
when, and the dotted value paths our values builders set that the chart at that version really
has: as keys of its ``values.yaml`` or ``values.schema.json``, or, where the key is only a comment
in ``values.yaml``, read by its templates (the comment next to such a path says so). A path is
recorded where our value stops being the chart's structure: maps and lists the chart passes through
as they are (``annotations``, ``extraArgs``, ``tolerations``, a ``storageSpec`` handed to the
operator's CRD) are one path each. ``tests/platform/test_chart_values.py`` walks the values every
add-on renders and fails on any key not covered here, so a values builder cannot set a key the
pinned chart does not read, and a version bump means reading the new chart again.

These are facts in our words, not copies of the charts' files. Read on 2026-12-02 from the
projects' repositories as they stood then (snapshots of 2026-08 for most of them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["CHART_FACTS", "VERIFIED_ON", "ChartFacts"]

#: The date these facts were read.
VERIFIED_ON = "2026-12-02"


@dataclass(frozen=True)
class ChartFacts:
    """One chart version as we read it."""

    #: The chart version read; the catalog must pin exactly this.
    version: str
    #: GitHub repository holding the chart's source.
    repository: str
    #: Tag (or commit) of that repository the files were read at.
    ref: str
    #: Folder of the chart in that repository.
    chart_path: str
    #: Value paths our builders use that the chart has at ``version`` (see the module docstring).
    value_paths: frozenset[str]
    #: The chart ships a values schema that rejects unknown keys (``additionalProperties: false``),
    #: so a wrong key fails ``helm install`` instead of being ignored.
    closed_schema: bool = False
    #: Other facts that shaped our values, in our words.
    notes: tuple[str, ...] = ()
    verified_on: str = VERIFIED_ON


_SERVICE_ACCOUNT = ("serviceAccount.create", "serviceAccount.name", "serviceAccount.annotations")
_SCHEDULING = ("tolerations", "priorityClassName")

CHART_FACTS: Mapping[str, ChartFacts] = MappingProxyType(
    {
        "aws_load_balancer_controller": ChartFacts(
            version="3.5.0",
            repository="aws/eks-charts",
            ref="5239609242f3430be50fb0b714a24d3ef2b47983",
            chart_path="stable/aws-load-balancer-controller",
            value_paths=frozenset({"clusterName", "region", "vpcId", "replicaCount", *_SERVICE_ACCOUNT, *_SCHEDULING}),
            notes=(
                "3.6.0 (the earlier pin) is not in the repository as read; 3.5.0 (commit of 2026-08-03) is the newest.",
                "The webhook server binds 9443 unless webhookBindPort says otherwise.",
            ),
        ),
        "cluster_autoscaler": ChartFacts(
            version="9.59.0",
            repository="kubernetes/autoscaler",
            ref="cluster-autoscaler-chart-9.59.0",
            chart_path="cluster-autoscaler/charts/cluster-autoscaler",
            value_paths=frozenset(
                {
                    "cloudProvider",
                    "awsRegion",
                    "autoDiscovery.clusterName",
                    "image.tag",
                    "extraArgs",
                    "rbac.serviceAccount.create",
                    "rbac.serviceAccount.name",
                    "rbac.serviceAccount.annotations",
                    *_SCHEDULING,
                }
            ),
            notes=("appVersion 1.35.0; no webhook.",),
        ),
        "metrics_server": ChartFacts(
            version="3.13.1",
            repository="kubernetes-sigs/metrics-server",
            ref="metrics-server-helm-chart-3.13.1",
            chart_path="charts/metrics-server",
            value_paths=frozenset(
                {
                    "replicas",
                    "podDisruptionBudget.enabled",
                    "podDisruptionBudget.minAvailable",
                    "serviceAccount.create",
                    "serviceAccount.name",
                    *_SCHEDULING,
                }
            ),
            notes=(
                "3.14.0 (the earlier pin) is not tagged; 3.13.1 (2026-06-11, metrics-server 0.8.1) is the newest.",
                "The container listens on 10250 (containerPort), not 4443 as in the 2.x charts.",
                "podDisruptionBudget is off by default; the template renders minAvailable when it is set.",
            ),
        ),
        "external_secrets": ChartFacts(
            version="2.9.0",
            repository="external-secrets/external-secrets",
            ref="helm-chart-2.9.0",
            chart_path="deploy/charts/external-secrets",
            value_paths=frozenset(
                {
                    "installCRDs",
                    *_SERVICE_ACCOUNT,
                    *_SCHEDULING,
                    "webhook.tolerations",
                    "webhook.priorityClassName",
                    "certController.tolerations",
                    "certController.priorityClassName",
                }
            ),
            notes=(
                "2.10.0 (the earlier pin) is not in the repository as read; 2.9.0 (2026-08-08) is the newest.",
                "The webhook listens on 10250 (webhook.port).",
                "installCRDs (default true) gates the CRD templates the chart's packaging generates "
                "(hack/helm.generate.sh), so it is in values.yaml but in no template of the source tree.",
            ),
        ),
        "kube_prometheus_stack": ChartFacts(
            version="88.5.3",
            repository="prometheus-community/helm-charts",
            ref="kube-prometheus-stack-88.5.3",
            chart_path="charts/kube-prometheus-stack",
            value_paths=frozenset(
                {
                    "prometheus.prometheusSpec.retention",
                    "prometheus.prometheusSpec.storageSpec",
                    "prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues",
                    "prometheus.prometheusSpec.podMonitorSelectorNilUsesHelmValues",
                    "prometheus.prometheusSpec.additionalScrapeConfigs",
                    "alertmanager.alertmanagerSpec.storage",
                    "kubeControllerManager.enabled",
                    "kubeScheduler.enabled",
                    "kubeEtcd.enabled",
                    "kubeProxy.enabled",
                    "defaultRules.rules.kubeControllerManager",
                    "defaultRules.rules.kubeSchedulerAlerting",
                    "defaultRules.rules.kubeSchedulerRecording",
                    "defaultRules.rules.etcd",
                    "defaultRules.rules.kubeProxy",
                    # The grafana sub-chart (grafana-community/helm-charts, tag grafana-12.11.1, the
                    # version 88.5.3 depends on). storageClassName is a comment in its values.yaml;
                    # templates/pvc.yaml reads it.
                    "grafana.deploymentStrategy.type",
                    "grafana.persistence.enabled",
                    "grafana.persistence.size",
                    "grafana.persistence.storageClassName",
                }
            ),
            notes=(
                "88.6.5 (the earlier pin) is not tagged; 88.5.3 (2026-08-21, operator v0.93.1) is the newest.",
                "The operator's admission webhook is served on 10250 (prometheusOperator.tls.internalPort).",
                "Since 79.0.0 the chart sets no grafana.adminPassword; the grafana sub-chart then generates a "
                "40-character password into the <release>-grafana secret and, on upgrade, reuses the one already "
                "in the cluster (grafana.password helper: lookup of that secret).",
                "The grafana sub-chart's deploymentStrategy defaults to RollingUpdate.",
                "The controller-manager, scheduler and etcd rule templates render only when both the component's "
                "`enabled` and its defaultRules.rules switch are on.",
            ),
        ),
        "cert_manager": ChartFacts(
            version="v1.20.2",
            repository="cert-manager/cert-manager",
            ref="v1.20.2",
            chart_path="deploy/charts/cert-manager",
            value_paths=frozenset(
                {
                    "crds.enabled",
                    "global.priorityClassName",
                    "serviceAccount.create",
                    "serviceAccount.name",
                    "tolerations",
                    "webhook.tolerations",
                    "cainjector.tolerations",
                    "startupapicheck.tolerations",
                }
            ),
            closed_schema=True,
            notes=(
                "values.schema.json forbids unknown keys at the top level and in webhook, cainjector, "
                "startupapicheck and serviceAccount: a top-level priorityClassName fails the install; "
                "only global.priorityClassName exists.",
                "The webhook listens on 10250 (webhook.securePort).",
            ),
        ),
        "ingress_nginx": ChartFacts(
            version="4.15.1",
            repository="kubernetes/ingress-nginx",
            ref="helm-chart-4.15.1",
            chart_path="charts/ingress-nginx",
            value_paths=frozenset(
                {
                    "controller.replicaCount",
                    "controller.allowSnippetAnnotations",
                    "controller.metrics.enabled",
                    "controller.service.annotations",
                    "serviceAccount.create",
                    "serviceAccount.name",
                }
            ),
            notes=("The admission webhook is on by default and listens on 8443 (controller.admissionWebhooks.port).",),
        ),
        "argo_cd": ChartFacts(
            version="9.5.17",
            repository="argoproj/argo-helm",
            ref="argo-cd-9.5.17",
            chart_path="charts/argo-cd",
            value_paths=frozenset({"dex.enabled", "server.service.type"}),
            notes=("Argo CD v3.4.3; no admission webhook.",),
        ),
        "velero": ChartFacts(
            version="12.1.0",
            repository="vmware-tanzu/helm-charts",
            ref="velero-12.1.0",
            chart_path="charts/velero",
            value_paths=frozenset(
                {
                    "initContainers",
                    "configuration.backupStorageLocation",
                    "configuration.volumeSnapshotLocation",
                    "credentials.useSecret",
                    "serviceAccount.server.create",
                    "serviceAccount.server.name",
                    "serviceAccount.server.annotations",
                    "deployNodeAgent",
                }
            ),
            notes=(
                "12.2.0 (the earlier pin) is not tagged; 12.1.0 (2026-06-25, velero 1.18.1) is the newest.",
                "velero-plugin-for-aws 1.14.x is the line for velero 1.18.x (the plugin's compatibility table on "
                "its release-1.14 branch); the chart ships no plugin by default.",
            ),
        ),
        "vertical_pod_autoscaler": ChartFacts(
            version="0.9.0",
            repository="kubernetes/autoscaler",
            ref="vertical-pod-autoscaler-chart-0.9.0",
            chart_path="vertical-pod-autoscaler/charts/vertical-pod-autoscaler",
            value_paths=frozenset(
                {
                    "recommender.tolerations",
                    "recommender.priorityClassName",
                    "updater.enabled",
                    "admissionController.enabled",
                }
            ),
            notes=(
                "VPA 1.6.0. With admissionController.enabled false the chart renders no webhook, service or "
                "certificate job.",
            ),
        ),
    }
)
