"""cert-manager: certificates from ACME issuers, with one ClusterIssuer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from constructs_lib.platform.addon import (
    KUBELET_PORT,
    Addon,
    AddonContext,
    ChartFacts,
    CustomResources,
    PodSecurityLevel,
)
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource

__all__ = ["CLUSTER_ISSUER_NAME", "CertManagerAddon"]

#: The cert-manager ClusterIssuer (seed 000's ``letsencrypt-prod``).
CLUSTER_ISSUER_NAME = "letsencrypt"


class CertManagerAddon(Addon):
    name = "cert_manager"
    release_name = "cert-manager"
    # v1.20.2 (2026-04), verified 2026-12-02 (tag v1.20.2); 1.19 left support on 2026-06-24. Its
    # values schema rejects unknown keys. Webhook on 10250.
    source = ChartSource("cert-manager", "https://charts.jetstack.io", "v1.20.2")
    namespace = ADDON_NAMESPACES["cert_manager"]
    service_account = "cert-manager"
    pod_security = PodSecurityLevel.BASELINE
    critical = True
    control_plane_ports = (KUBELET_PORT,)
    facts = ChartFacts(
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
                "nodeSelector",
                "webhook.tolerations",
                "webhook.nodeSelector",
                "cainjector.tolerations",
                "cainjector.nodeSelector",
                "startupapicheck.tolerations",
                "startupapicheck.nodeSelector",
            }
        ),
        closed_schema=True,
        notes=(
            "values.schema.json forbids unknown keys at the top level and in webhook, cainjector, "
            "startupapicheck and serviceAccount: a top-level priorityClassName fails the install; "
            "only global.priorityClassName exists.",
            "The webhook listens on 10250 (webhook.securePort).",
        ),
    )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        # The chart's values schema rejects unknown keys: the priority class exists only as
        # global.priorityClassName (all components), node selector and tolerations per component.
        critical = self.critical_scheduling()
        values: dict[str, Any] = {
            "crds": {"enabled": True},
            "serviceAccount": self.service_account_values(context),
        }
        if critical:
            tolerations = {"nodeSelector": critical["nodeSelector"], "tolerations": critical["tolerations"]}
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

    def custom_resources(self, context: AddonContext) -> Sequence[CustomResources]:
        options = context.options.certificates
        ingress_class = "nginx" if context.options.ingress_nginx else "alb"
        issuer = {
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
        return (CustomResources("cluster-issuer", (issuer,)),)
