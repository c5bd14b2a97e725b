"""Argo CD: the GitOps controller, reachable in-cluster only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs_lib.platform.addon import Addon, AddonContext, ChartFacts, PodSecurityLevel
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource

__all__ = ["ArgoCdAddon"]


class ArgoCdAddon(Addon):
    name = "argo_cd"
    release_name = "argo-cd"
    # 9.5.17 (Argo CD v3.4.3), verified 2026-12-02 (argoproj/argo-helm tag argo-cd-9.5.17). No webhook.
    source = ChartSource("argo-cd", "https://argoproj.github.io/argo-helm", "9.5.17")
    namespace = ADDON_NAMESPACES["argo_cd"]
    service_account = "argocd-server"
    pod_security = PodSecurityLevel.BASELINE
    facts = ChartFacts(
        version="9.5.17",
        repository="argoproj/argo-helm",
        ref="argo-cd-9.5.17",
        chart_path="charts/argo-cd",
        value_paths=frozenset({"dex.enabled", "server.service.type"}),
        notes=("Argo CD v3.4.3; no admission webhook.",),
    )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        # No Dex (SSO is configured per organisation), server reachable in-cluster only.
        return {"dex": {"enabled": False}, "server": {"service": {"type": "ClusterIP"}}}
