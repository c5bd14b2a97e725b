"""cluster-autoscaler: scales the node groups (auto-discovered by the cluster's tags)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from constructs_lib.identity import presets
from constructs_lib.identity.irsa import Permissions
from constructs_lib.platform.addon import Addon, AddonContext, ChartFacts, PermissionsContext, PodSecurityLevel
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource

__all__ = ["CLUSTER_AUTOSCALER_IMAGE_TAGS", "ClusterAutoscalerAddon"]

#: cluster-autoscaler image per Kubernetes minor: the autoscaler must match the control plane's minor.
#: 1.35.0 is the chart's default since kubernetes/autoscaler#9193 (2026-02); 1.34.2 and 1.33.0 are the
#: images of charts 9.53.0 and 9.51.0 (kubernetes/autoscaler#8891); 1.32.1 is the last 1.32 patch.
CLUSTER_AUTOSCALER_IMAGE_TAGS: Mapping[str, str] = MappingProxyType(
    {"1.32": "v1.32.1", "1.33": "v1.33.0", "1.34": "v1.34.2", "1.35": "v1.35.0"}
)


class ClusterAutoscalerAddon(Addon):
    name = "cluster_autoscaler"
    release_name = "cluster-autoscaler"
    # 9.59.0 (appVersion 1.35.0), verified 2026-12-02 (tag cluster-autoscaler-chart-9.59.0). No webhook.
    source = ChartSource("cluster-autoscaler", "https://kubernetes.github.io/autoscaler", "9.59.0")
    namespace = ADDON_NAMESPACES["cluster_autoscaler"]
    service_account = "cluster-autoscaler"
    pod_security = PodSecurityLevel.BASELINE
    critical = True
    role_name = "cluster-autoscaler"
    facts = ChartFacts(
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
                "tolerations",
                "nodeSelector",
                "priorityClassName",
            }
        ),
        notes=("appVersion 1.35.0; no webhook.",),
    )

    def permissions(self, context: PermissionsContext) -> Permissions:
        return presets.cluster_autoscaler(context.aws, cluster_name=context.cluster_name)

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        return {
            "cloudProvider": "aws",
            "awsRegion": context.region,
            "autoDiscovery": {"clusterName": context.cluster_name},
            "image": {"tag": CLUSTER_AUTOSCALER_IMAGE_TAGS[context.kubernetes_version]},
            "rbac": {"serviceAccount": self.service_account_values(context)},
            # least-waste: pick the group that leaves the least idle capacity (cost); balance spreads
            # similar groups across AZs.
            "extraArgs": {"balance-similar-node-groups": True, "expander": "least-waste"},
            **self.critical_scheduling(),
        }
