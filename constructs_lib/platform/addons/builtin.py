"""The built-in add-ons, one instance each, in :class:`~constructs_lib.platform.config.AddonsConfig`
toggle order (the load balancer controller first: every later release waits for its webhook)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from constructs_lib.platform.addon import Addon
from constructs_lib.platform.addons.alb_controller import AwsLoadBalancerControllerAddon
from constructs_lib.platform.addons.argo_cd import ArgoCdAddon
from constructs_lib.platform.addons.cert_manager import CertManagerAddon
from constructs_lib.platform.addons.cluster_autoscaler import ClusterAutoscalerAddon
from constructs_lib.platform.addons.external_dns import ExternalDnsAddon
from constructs_lib.platform.addons.external_secrets import ExternalSecretsAddon
from constructs_lib.platform.addons.ingress_nginx import IngressNginxAddon
from constructs_lib.platform.addons.karpenter import KarpenterAddon
from constructs_lib.platform.addons.kube_prometheus_stack import KubePrometheusStackAddon
from constructs_lib.platform.addons.metrics_server import MetricsServerAddon
from constructs_lib.platform.addons.velero import VeleroAddon
from constructs_lib.platform.addons.vertical_pod_autoscaler import VerticalPodAutoscalerAddon

__all__ = ["BUILTIN_ADDONS"]

BUILTIN_ADDONS: Mapping[str, Addon] = MappingProxyType(
    {
        addon.name: addon
        for addon in (
            AwsLoadBalancerControllerAddon(),
            ClusterAutoscalerAddon(),
            KarpenterAddon(),
            MetricsServerAddon(),
            ExternalSecretsAddon(),
            KubePrometheusStackAddon(),
            CertManagerAddon(),
            IngressNginxAddon(),
            ArgoCdAddon(),
            VeleroAddon(),
            VerticalPodAutoscalerAddon(),
            ExternalDnsAddon(),
        )
    }
)
