"""ingress-nginx: an in-cluster ingress controller behind an NLB (retired upstream; see the pin)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs_lib.platform.addon import Addon, AddonContext, ChartFacts, PodSecurityLevel
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource

__all__ = ["IngressNginxAddon"]


class IngressNginxAddon(Addon):
    name = "ingress_nginx"
    release_name = "ingress-nginx"
    # 4.15.1 (controller 1.15.1) is the last release: ingress-nginx was retired in March 2026 and gets
    # no more security fixes. Kept for seed 000's nginx ingress; prefer the AWS Load Balancer Controller.
    # Verified 2026-12-02 (tag helm-chart-4.15.1). Admission webhook on 8443.
    source = ChartSource("ingress-nginx", "https://kubernetes.github.io/ingress-nginx", "4.15.1")
    namespace = ADDON_NAMESPACES["ingress_nginx"]
    service_account = "ingress-nginx"
    pod_security = PodSecurityLevel.BASELINE
    control_plane_ports = (8443,)
    facts = ChartFacts(
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
    )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
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
            "serviceAccount": self.service_account_values(context),
        }
