"""kube-prometheus-stack: Prometheus, Alertmanager and Grafana on persistent gp3 volumes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs_lib.platform.addon import (
    GP3_STORAGE_CLASS,
    KUBELET_PORT,
    Addon,
    AddonContext,
    ChartFacts,
    PodSecurityLevel,
)
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource

__all__ = ["KubePrometheusStackAddon"]

#: Scrape targets for components EKS keeps out of reach (see values).
_UNREACHABLE_ON_EKS = ("kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy")
#: ... and the default rule groups that alert on them.
_UNREACHABLE_ON_EKS_RULES = (
    "kubeControllerManager",
    "kubeSchedulerAlerting",
    "kubeSchedulerRecording",
    "etcd",
    "kubeProxy",
)


class KubePrometheusStackAddon(Addon):
    name = "kube_prometheus_stack"
    release_name = "kube-prometheus-stack"
    # 88.5.3, verified 2026-12-02 (tag kube-prometheus-stack-88.5.3, 2026-08-21; 88.6.5 not found),
    # with its grafana sub-chart 12.11.1. The operator's admission webhook is on 10250.
    source = ChartSource("kube-prometheus-stack", "https://prometheus-community.github.io/helm-charts", "88.5.3")
    namespace = ADDON_NAMESPACES["kube_prometheus_stack"]
    service_account = "kube-prometheus-stack-prometheus"
    # node-exporter needs the host's network and PID namespaces.
    pod_security = PodSecurityLevel.PRIVILEGED
    control_plane_ports = (KUBELET_PORT,)
    facts = ChartFacts(
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
    )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        options = context.options.monitoring

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
