"""The kubernetes and helm providers, configured from the EKS cluster of the same stack.

Both providers authenticate with a short-lived token from ``aws eks get-token`` (exec plugin,
``client.authentication.k8s.io/v1beta1``): no static token, no kubeconfig file, nothing secret in the
state or the synthesized JSON. The machine that runs terraform needs the AWS CLI and credentials
that map to a cluster access entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf import Fn
from cdktf_cdktf_provider_helm.provider import HelmProvider, HelmProviderKubernetes, HelmProviderKubernetesExec
from cdktf_cdktf_provider_kubernetes.provider import KubernetesProvider, KubernetesProviderExec
from constructs import Construct

from constructs_lib.validation import is_reference, require, require_region

__all__ = ["EXEC_API_VERSION", "ClusterConnection", "KubernetesProviders", "KubernetesProvidersProps"]

#: The client-authentication API that ``aws eks get-token`` speaks.
EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


@dataclass(frozen=True)
class ClusterConnection:
    """How to reach the cluster's API server; plain values or terraform references from the EKS tier."""

    #: EKS cluster name (``aws eks get-token --cluster-name``).
    cluster_name: str
    #: API server URL (``https://...``), usually the cluster's ``endpoint`` attribute.
    endpoint: str
    #: The cluster CA certificate, base64-encoded as EKS returns it.
    certificate_authority_data: str
    #: Region of the cluster.
    region: str

    def validate(self, path: str) -> None:
        """Check the values that are known at synth time; raises ConfigError."""
        require(
            isinstance(self.cluster_name, str) and bool(self.cluster_name),
            f"{path}.cluster_name",
            "must be the non-empty EKS cluster name",
            self.cluster_name,
            "pass the cluster tier's `cluster_name` attribute",
        )
        require(
            isinstance(self.endpoint, str) and (self.endpoint.startswith("https://") or is_reference(self.endpoint)),
            f"{path}.endpoint",
            "must be the https:// API server URL (or a terraform reference to it)",
            self.endpoint,
            "pass the cluster tier's `endpoint` attribute",
        )
        require(
            isinstance(self.certificate_authority_data, str) and bool(self.certificate_authority_data),
            f"{path}.certificate_authority_data",
            "must be the cluster's base64-encoded CA certificate",
            self.certificate_authority_data,
            "pass the cluster tier's `certificate_authority_data` attribute",
        )
        require_region(f"{path}.region", self.region)

    def exec_args(self) -> list[str]:
        """Arguments of the ``aws`` command that prints a cluster token."""
        return ["eks", "get-token", "--cluster-name", self.cluster_name, "--region", self.region, "--output", "json"]


@dataclass(frozen=True, kw_only=True)
class KubernetesProvidersProps:
    """The providers of one cluster."""

    #: The cluster they talk to.
    connection: ClusterConnection


class KubernetesProviders(Construct):
    """A ``kubernetes`` and a ``helm`` provider for one cluster.

    Attributes: ``kubernetes`` and ``helm`` (the providers; pass them as ``provider=`` only when a
    stack holds several clusters, otherwise resources pick them up by default).
    """

    def __init__(self, scope: Construct, id: str, *, props: KubernetesProvidersProps) -> None:
        connection = props.connection
        connection.validate("connection")
        super().__init__(scope, id)
        ca_certificate = Fn.base64decode(connection.certificate_authority_data)
        self.kubernetes = KubernetesProvider(
            self,
            "kubernetes",
            host=connection.endpoint,
            cluster_ca_certificate=ca_certificate,
            exec=[KubernetesProviderExec(api_version=EXEC_API_VERSION, command="aws", args=connection.exec_args())],
        )
        self.helm = HelmProvider(
            self,
            "helm",
            kubernetes=HelmProviderKubernetes(
                host=connection.endpoint,
                cluster_ca_certificate=ca_certificate,
                exec=HelmProviderKubernetesExec(
                    api_version=EXEC_API_VERSION, command="aws", args=connection.exec_args()
                ),
            ),
        )
