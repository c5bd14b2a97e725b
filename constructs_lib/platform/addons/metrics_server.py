"""metrics-server: the resource metrics API the HPAs read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs_lib.platform.addon import KUBELET_PORT, Addon, AddonContext, ChartFacts, PodSecurityLevel
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource

__all__ = ["MetricsServerAddon"]


class MetricsServerAddon(Addon):
    name = "metrics_server"
    release_name = "metrics-server"
    # 3.13.1 (metrics-server 0.8.1), verified 2026-12-02 (tag metrics-server-helm-chart-3.13.1;
    # 3.14.0 not found). The aggregated metrics API is served on 10250.
    source = ChartSource("metrics-server", "https://kubernetes-sigs.github.io/metrics-server/", "3.13.1")
    namespace = ADDON_NAMESPACES["metrics_server"]
    service_account = "metrics-server"
    pod_security = PodSecurityLevel.BASELINE
    critical = True
    control_plane_ports = (KUBELET_PORT,)
    facts = ChartFacts(
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
                "tolerations",
                "nodeSelector",
                "priorityClassName",
            }
        ),
        notes=(
            "3.14.0 (the earlier pin) is not tagged; 3.13.1 (2026-06-11, metrics-server 0.8.1) is the newest.",
            "The container listens on 10250 (containerPort), not 4443 as in the 2.x charts.",
            "podDisruptionBudget is off by default; the template renders minAvailable when it is set.",
        ),
    )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        return {
            "replicas": 2,
            "podDisruptionBudget": {"enabled": True, "minAvailable": 1},
            "serviceAccount": self.service_account_values(context),
            **self.critical_scheduling(),
        }
