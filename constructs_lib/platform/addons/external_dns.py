"""external-dns: publishes the ingress hosts of the environment's domains in its Route 53 zones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs_lib.identity import presets
from constructs_lib.identity.irsa import Permissions
from constructs_lib.platform.addon import Addon, AddonContext, ChartFacts, PermissionsContext
from constructs_lib.platform.config import ADDON_NAMESPACES, DnsConfig
from constructs_lib.platform.helm import ChartSource

__all__ = ["ExternalDnsAddon"]


class ExternalDnsAddon(Addon):
    """Reads Ingresses and writes their hosts into the zones of ``AddonsConfig.dns``.

    Its role may change records only in those zones (``presets.external_dns``), the zone-id filter keeps
    the controller itself to them, and the TXT owner id (the cluster's name) keeps two clusters
    sharing a zone from touching each other's records.
    """

    name = "external_dns"
    release_name = "external-dns"
    # 1.21.1 (external-dns 0.21.0), verified 2026-12-02 (tag external-dns-helm-chart-1.21.1, 2026-04-30,
    # the newest chart tag). No webhook: the controller only calls out.
    source = ChartSource("external-dns", "https://kubernetes-sigs.github.io/external-dns/", "1.21.1")
    namespace = ADDON_NAMESPACES["external_dns"]
    service_account = "external-dns"
    role_name = "external-dns"
    facts = ChartFacts(
        version="1.21.1",
        repository="kubernetes-sigs/external-dns",
        ref="external-dns-helm-chart-1.21.1",
        chart_path="charts/external-dns",
        value_paths=frozenset(
            {
                "provider.name",
                "sources",
                "policy",
                "registry",
                "txtOwnerId",
                "domainFilters",
                "extraArgs",
                "env",
                "serviceAccount.create",
                "serviceAccount.name",
                "serviceAccount.annotations",
            }
        ),
        notes=(
            "appVersion 0.21.0; values.schema.json allows only create-only, sync and upsert-only as policy.",
            "A map in extraArgs becomes --key=value arguments, one per item of a list value "
            "(--zone-id-filter takes one zone per flag).",
            "The container runs as non-root with a read-only root filesystem and drops all capabilities "
            "by default: the restricted profile admits it.",
            "replicaCount is capped at 1 by the schema (one writer per owner id).",
        ),
    )

    def permissions(self, context: PermissionsContext) -> Permissions:
        return presets.external_dns(context.aws, hosted_zone_ids=context.hosted_zone_ids)

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        dns: DnsConfig = context.options.dns
        return {
            "provider": {"name": "aws"},
            "sources": ["ingress"],
            "policy": dns.policy.value,
            "registry": "txt",
            "txtOwnerId": context.cluster_name,
            "domainFilters": list(dns.domains),
            "extraArgs": {"zone-id-filter": list(dns.hosted_zone_ids)},
            # IMDS is closed to pods, so the SDK learns the region from the environment.
            "env": [{"name": "AWS_DEFAULT_REGION", "value": context.region}],
            "serviceAccount": self.service_account_values(context),
        }
