"""The add-on catalog: each add-on's chart, official repository, pinned version and namespace.

Every pinned version was read in the chart's own repository on 2026-12-02 (values, schema and the
templates behind the keys we set): :mod:`constructs_lib.platform.chart_facts` records where, and the
value paths we use that the chart has; ``tests/platform/test_chart_values.py`` holds the pins and
the values to those facts. Five versions pinned earlier from release notes (3.6.0, 3.14.0, 2.10.0,
88.6.5, 12.2.0) were not in the repositories as read; the catalog pins the newest verified instead.
Bump deliberately, one chart at a time: read the chart's upgrade notes and the new version's values,
then update the facts. A chart version is never a range: the same config must always install the
same software.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from constructs_lib.platform.config import ADDON_NAMESPACES, AddonsConfig
from constructs_lib.platform.helm import ChartSource

__all__ = [
    "API_SERVER_WEBHOOK_PORT",
    "CATALOG",
    "CLUSTER_AUTOSCALER_IMAGE_TAGS",
    "CRITICAL_ADDONS_TOLERATION",
    "KUBELET_PORT",
    "VELERO_AWS_PLUGIN_IMAGE",
    "CatalogEntry",
    "PodSecurityLevel",
    "control_plane_ports",
]


class PodSecurityLevel(enum.Enum):
    """Pod Security Standards profile enforced on a namespace."""

    RESTRICTED = "restricted"
    BASELINE = "baseline"
    PRIVILEGED = "privileged"


@dataclass(frozen=True)
class CatalogEntry:
    """One add-on of the catalog."""

    release_name: str
    source: ChartSource
    #: The add-on's own namespace.
    namespace: str
    #: Service account the chart creates; an IRSA role's trust policy names ``namespace:service_account``.
    service_account: str
    #: PSS profile enforced on the namespace (warn and audit are always ``restricted``).
    pod_security: PodSecurityLevel
    #: Cluster-critical: tolerates the system node group's taint, runs with ``system-cluster-critical``.
    critical: bool
    #: Calls AWS APIs, so an IRSA role ARN is required.
    needs_aws: bool
    #: TCP ports the control plane calls on the add-on's pods (admission webhooks, aggregated APIs),
    #: as the pinned chart configures them (chart_facts notes each). Default none.
    control_plane_ports: tuple[int, ...] = ()


#: The system node group's taint (``stacks/environments.py``); cluster-critical add-ons tolerate it.
CRITICAL_ADDONS_TOLERATION: Mapping[str, str] = MappingProxyType(
    {"key": "CriticalAddonsOnly", "operator": "Equal", "value": "true", "effect": "NoSchedule"}
)

#: cluster-autoscaler image per Kubernetes minor: the autoscaler must match the control plane's minor.
#: 1.35.0 is the chart's default since kubernetes/autoscaler#9193 (2026-02); 1.34.2 and 1.33.0 are the
#: images of charts 9.53.0 and 9.51.0 (kubernetes/autoscaler#8891); 1.32.1 is the last 1.32 patch.
CLUSTER_AUTOSCALER_IMAGE_TAGS: Mapping[str, str] = MappingProxyType(
    {"1.32": "v1.32.1", "1.33": "v1.33.0", "1.34": "v1.34.2", "1.35": "v1.35.0"}
)

#: The kubelet's port (logs, exec, metrics). Several charts serve their webhook on it by default, so
#: that node firewalls which already let the control plane reach the kubelet need no extra rule.
KUBELET_PORT = 10250
#: HTTPS: webhooks served on the standard port.
API_SERVER_WEBHOOK_PORT = 443

CATALOG: Mapping[str, CatalogEntry] = MappingProxyType(
    {
        # 3.5.0, verified 2026-12-02 (aws/eks-charts at 5239609, 2026-08-03; 3.6.0 not found). Since v3
        # the chart version equals the controller version. Webhook on 9443.
        "aws_load_balancer_controller": CatalogEntry(
            release_name="aws-load-balancer-controller",
            source=ChartSource("aws-load-balancer-controller", "https://aws.github.io/eks-charts", "3.5.0"),
            namespace=ADDON_NAMESPACES["aws_load_balancer_controller"],
            service_account="aws-load-balancer-controller",
            pod_security=PodSecurityLevel.BASELINE,
            critical=True,
            needs_aws=True,
            control_plane_ports=(9443,),
        ),
        # 9.59.0 (appVersion 1.35.0), verified 2026-12-02 (tag cluster-autoscaler-chart-9.59.0). No webhook.
        "cluster_autoscaler": CatalogEntry(
            release_name="cluster-autoscaler",
            source=ChartSource("cluster-autoscaler", "https://kubernetes.github.io/autoscaler", "9.59.0"),
            namespace=ADDON_NAMESPACES["cluster_autoscaler"],
            service_account="cluster-autoscaler",
            pod_security=PodSecurityLevel.BASELINE,
            critical=True,
            needs_aws=True,
        ),
        # 3.13.1 (metrics-server 0.8.1), verified 2026-12-02 (tag metrics-server-helm-chart-3.13.1;
        # 3.14.0 not found). The aggregated metrics API is served on 10250.
        "metrics_server": CatalogEntry(
            release_name="metrics-server",
            source=ChartSource("metrics-server", "https://kubernetes-sigs.github.io/metrics-server/", "3.13.1"),
            namespace=ADDON_NAMESPACES["metrics_server"],
            service_account="metrics-server",
            pod_security=PodSecurityLevel.BASELINE,
            critical=True,
            needs_aws=False,
            control_plane_ports=(KUBELET_PORT,),
        ),
        # 2.9.0, verified 2026-12-02 (tag helm-chart-2.9.0, 2026-08-08; 2.10.0 not found); the
        # external-secrets.io/v1 API. Webhook on 10250.
        "external_secrets": CatalogEntry(
            release_name="external-secrets",
            source=ChartSource("external-secrets", "https://charts.external-secrets.io", "2.9.0"),
            namespace=ADDON_NAMESPACES["external_secrets"],
            service_account="external-secrets",
            pod_security=PodSecurityLevel.BASELINE,
            critical=True,
            needs_aws=True,
            control_plane_ports=(KUBELET_PORT,),
        ),
        # 88.5.3, verified 2026-12-02 (tag kube-prometheus-stack-88.5.3, 2026-08-21; 88.6.5 not found),
        # with its grafana sub-chart 12.11.1. The operator's admission webhook is on 10250.
        "kube_prometheus_stack": CatalogEntry(
            release_name="kube-prometheus-stack",
            source=ChartSource("kube-prometheus-stack", "https://prometheus-community.github.io/helm-charts", "88.5.3"),
            namespace=ADDON_NAMESPACES["kube_prometheus_stack"],
            service_account="kube-prometheus-stack-prometheus",
            # node-exporter needs the host's network and PID namespaces.
            pod_security=PodSecurityLevel.PRIVILEGED,
            critical=False,
            needs_aws=False,
            control_plane_ports=(KUBELET_PORT,),
        ),
        # v1.20.2 (2026-04), verified 2026-12-02 (tag v1.20.2); 1.19 left support on 2026-06-24. Its
        # values schema rejects unknown keys. Webhook on 10250.
        "cert_manager": CatalogEntry(
            release_name="cert-manager",
            source=ChartSource("cert-manager", "https://charts.jetstack.io", "v1.20.2"),
            namespace=ADDON_NAMESPACES["cert_manager"],
            service_account="cert-manager",
            pod_security=PodSecurityLevel.BASELINE,
            critical=True,
            needs_aws=False,
            control_plane_ports=(KUBELET_PORT,),
        ),
        # 4.15.1 (controller 1.15.1) is the last release: ingress-nginx was retired in March 2026 and gets
        # no more security fixes. Kept for seed 000's nginx ingress; prefer the AWS Load Balancer Controller.
        # Verified 2026-12-02 (tag helm-chart-4.15.1). Admission webhook on 8443.
        "ingress_nginx": CatalogEntry(
            release_name="ingress-nginx",
            source=ChartSource("ingress-nginx", "https://kubernetes.github.io/ingress-nginx", "4.15.1"),
            namespace=ADDON_NAMESPACES["ingress_nginx"],
            service_account="ingress-nginx",
            pod_security=PodSecurityLevel.BASELINE,
            critical=False,
            needs_aws=False,
            control_plane_ports=(8443,),
        ),
        # 9.5.17 (Argo CD v3.4.3), verified 2026-12-02 (argoproj/argo-helm tag argo-cd-9.5.17). No webhook.
        "argo_cd": CatalogEntry(
            release_name="argo-cd",
            source=ChartSource("argo-cd", "https://argoproj.github.io/argo-helm", "9.5.17"),
            namespace=ADDON_NAMESPACES["argo_cd"],
            service_account="argocd-server",
            pod_security=PodSecurityLevel.BASELINE,
            critical=False,
            needs_aws=False,
        ),
        # 12.1.0 (velero 1.18.1), verified 2026-12-02 (tag velero-12.1.0, 2026-06-25; 12.2.0 not found).
        "velero": CatalogEntry(
            release_name="velero",
            source=ChartSource("velero", "https://vmware-tanzu.github.io/helm-charts", "12.1.0"),
            namespace=ADDON_NAMESPACES["velero"],
            service_account="velero-server",
            pod_security=PodSecurityLevel.BASELINE,
            critical=False,
            needs_aws=True,
        ),
        # The autoscaler project's own VPA chart, 0.9.0 (VPA 1.6.0), verified 2026-12-02 (tag
        # vertical-pod-autoscaler-chart-0.9.0). Its admission webhook is off (recommendations only).
        "vertical_pod_autoscaler": CatalogEntry(
            release_name="vertical-pod-autoscaler",
            source=ChartSource("vertical-pod-autoscaler", "https://kubernetes.github.io/autoscaler", "0.9.0"),
            namespace=ADDON_NAMESPACES["vertical_pod_autoscaler"],
            service_account="vpa-recommender",
            pod_security=PodSecurityLevel.BASELINE,
            critical=True,
            needs_aws=False,
        ),
    }
)

#: velero's AWS object-store/snapshot plugin: the 1.14 line is the one for velero 1.18 (the plugin's
#: compatibility table, release-1.14 branch, read 2026-12-02); the velero chart ships no plugin itself.
VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.0"


def control_plane_ports(addons: AddonsConfig) -> tuple[int, ...]:
    """Ports the node security group must open to the control plane for ``addons``: the kubelet's,
    443, and every port the enabled add-ons' webhooks and APIs listen on, sorted."""
    ports = {KUBELET_PORT, API_SERVER_WEBHOOK_PORT}
    for name in addons.enabled():
        ports.update(CATALOG[name].control_plane_ports)
    return tuple(sorted(ports))
