"""external-secrets: syncs AWS Secrets Manager into Kubernetes secrets through one ClusterSecretStore."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from constructs_lib.identity import presets
from constructs_lib.identity.irsa import Permissions
from constructs_lib.platform.addon import (
    KUBELET_PORT,
    Addon,
    AddonContext,
    ChartFacts,
    CustomResources,
    PermissionsContext,
    PodSecurityLevel,
)
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource

__all__ = ["CLUSTER_SECRET_STORE_NAME", "CLUSTER_SECRET_STORE_RELEASE", "ExternalSecretsAddon", "SecretStoreRef"]

#: The ClusterSecretStore every application's ExternalSecret reads from.
CLUSTER_SECRET_STORE_NAME = "aws-secrets-manager"
#: The release (and construct id) of that store.
CLUSTER_SECRET_STORE_RELEASE = "cluster-secret-store"


@dataclass(frozen=True)
class SecretStoreRef:
    """A ClusterSecretStore that exists already, by name: what a stack that only targets an existing
    cluster gives its applications (``ApplicationProps.secret_store``). Their ExternalSecrets read
    from it and wait for nothing; a stack that creates the store passes its release instead
    (``PlatformAddons.secret_store_release``), so they wait for it."""

    #: The store's name. Default: the one this library's external-secrets add-on creates.
    name: str = CLUSTER_SECRET_STORE_NAME


class ExternalSecretsAddon(Addon):
    name = "external_secrets"
    release_name = "external-secrets"
    # 2.9.0, verified 2026-12-02 (tag helm-chart-2.9.0, 2026-08-08; 2.10.0 not found); the
    # external-secrets.io/v1 API. Webhook on 10250.
    source = ChartSource("external-secrets", "https://charts.external-secrets.io", "2.9.0")
    namespace = ADDON_NAMESPACES["external_secrets"]
    service_account = "external-secrets"
    pod_security = PodSecurityLevel.BASELINE
    critical = True
    control_plane_ports = (KUBELET_PORT,)
    role_name = "external-secrets"
    facts = ChartFacts(
        version="2.9.0",
        repository="external-secrets/external-secrets",
        ref="helm-chart-2.9.0",
        chart_path="deploy/charts/external-secrets",
        value_paths=frozenset(
            {
                "installCRDs",
                "serviceAccount.create",
                "serviceAccount.name",
                "serviceAccount.annotations",
                "tolerations",
                "nodeSelector",
                "priorityClassName",
                "webhook.tolerations",
                "webhook.nodeSelector",
                "webhook.priorityClassName",
                "certController.tolerations",
                "certController.nodeSelector",
                "certController.priorityClassName",
            }
        ),
        notes=(
            "2.10.0 (the earlier pin) is not in the repository as read; 2.9.0 (2026-08-08) is the newest.",
            "The webhook listens on 10250 (webhook.port).",
            "installCRDs (default true) gates the CRD templates the chart's packaging generates "
            "(hack/helm.generate.sh), so it is in values.yaml but in no template of the source tree.",
        ),
    )

    def permissions(self, context: PermissionsContext) -> Permissions:
        return presets.external_secrets(
            context.aws,
            name_prefix=context.name_prefix,
            database_secret_arn=context.database_secret_arn,
            database_kms_key_arn=context.database_kms_key_arn,
        )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        critical = self.critical_scheduling()
        return {
            "installCRDs": True,
            "serviceAccount": self.service_account_values(context),
            **critical,
            "webhook": dict(critical),
            "certController": dict(critical),
        }

    def custom_resources(self, context: AddonContext) -> Sequence[CustomResources]:
        aws: dict[str, Any] = {"service": "SecretsManager", "region": context.region}
        if context.uses_irsa:
            # IRSA: the controller requests a token for its own service account and exchanges it for
            # the annotated role's credentials.
            aws["auth"] = {"jwt": {"serviceAccountRef": {"name": self.service_account, "namespace": self.namespace}}}
        # With EKS Pod Identity there is no auth block: the provider then uses the controller pod's
        # own credentials (the AWS SDK's default chain, which reads the Pod Identity agent).
        store = {
            "apiVersion": "external-secrets.io/v1",
            "kind": "ClusterSecretStore",
            "metadata": {"name": CLUSTER_SECRET_STORE_NAME},
            "spec": {"provider": {"aws": aws}},
        }
        return (CustomResources(CLUSTER_SECRET_STORE_RELEASE, (store,)),)
