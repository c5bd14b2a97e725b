"""The Vertical Pod Autoscaler, recommendations only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs_lib.platform.addon import Addon, AddonContext, ChartFacts, PodSecurityLevel
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource

__all__ = ["VerticalPodAutoscalerAddon"]


class VerticalPodAutoscalerAddon(Addon):
    name = "vertical_pod_autoscaler"
    release_name = "vertical-pod-autoscaler"
    # The autoscaler project's own VPA chart, 0.9.0 (VPA 1.6.0), verified 2026-12-02 (tag
    # vertical-pod-autoscaler-chart-0.9.0). Its admission webhook is off (recommendations only).
    source = ChartSource("vertical-pod-autoscaler", "https://kubernetes.github.io/autoscaler", "0.9.0")
    namespace = ADDON_NAMESPACES["vertical_pod_autoscaler"]
    service_account = "vpa-recommender"
    pod_security = PodSecurityLevel.BASELINE
    critical = True
    facts = ChartFacts(
        version="0.9.0",
        repository="kubernetes/autoscaler",
        ref="vertical-pod-autoscaler-chart-0.9.0",
        chart_path="vertical-pod-autoscaler/charts/vertical-pod-autoscaler",
        value_paths=frozenset(
            {
                "recommender.tolerations",
                "recommender.nodeSelector",
                "recommender.priorityClassName",
                "updater.enabled",
                "admissionController.enabled",
            }
        ),
        notes=(
            "VPA 1.6.0. With admissionController.enabled false the chart renders no webhook, service or "
            "certificate job.",
        ),
    )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        # Recommendations only: the HPAs scale on CPU and memory, and a VPA updater evicting the same
        # pods would fight them.
        return {
            "recommender": dict(self.critical_scheduling()),
            "updater": {"enabled": False},
            "admissionController": {"enabled": False},
        }
