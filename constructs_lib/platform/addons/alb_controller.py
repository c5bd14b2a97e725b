"""The AWS Load Balancer Controller: ALBs for Ingresses, NLBs for Services of type LoadBalancer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from constructs_lib.identity import presets
from constructs_lib.identity.irsa import Permissions
from constructs_lib.platform.addon import (
    Addon,
    AddonContext,
    ChartFacts,
    PermissionsContext,
    PodSecurityLevel,
)
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource

__all__ = ["AwsLoadBalancerControllerAddon"]

_SERVICE_ACCOUNT = ("serviceAccount.create", "serviceAccount.name", "serviceAccount.annotations")
_SCHEDULING = ("tolerations", "nodeSelector", "priorityClassName")


class AwsLoadBalancerControllerAddon(Addon):
    """Installed first: its webhook intercepts every Service, so every other release waits for it."""

    name = "aws_load_balancer_controller"
    release_name = "aws-load-balancer-controller"
    # 3.5.0, verified 2026-12-02 (aws/eks-charts at 5239609, 2026-08-03; 3.6.0 not found). Since v3
    # the chart version equals the controller version. Webhook on 9443.
    source = ChartSource("aws-load-balancer-controller", "https://aws.github.io/eks-charts", "3.5.0")
    namespace = ADDON_NAMESPACES["aws_load_balancer_controller"]
    service_account = "aws-load-balancer-controller"
    pod_security = PodSecurityLevel.BASELINE
    critical = True
    control_plane_ports = (9443,)
    role_name = "alb-controller"
    intercepts_services = True
    facts = ChartFacts(
        version="3.5.0",
        repository="aws/eks-charts",
        ref="5239609242f3430be50fb0b714a24d3ef2b47983",
        chart_path="stable/aws-load-balancer-controller",
        value_paths=frozenset({"clusterName", "region", "vpcId", "replicaCount", *_SERVICE_ACCOUNT, *_SCHEDULING}),
        notes=(
            "3.6.0 (the earlier pin) is not in the repository as read; 3.5.0 (commit of 2026-08-03) is the newest.",
            "The webhook server binds 9443 unless webhookBindPort says otherwise.",
        ),
    )

    def permissions(self, context: PermissionsContext) -> Permissions:
        return presets.aws_load_balancer_controller(context.aws, cluster_name=context.cluster_name)

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        # clusterName, region and vpcId are explicit: with IMDS closed to pods (hop limit 1) the
        # controller cannot discover them.
        return {
            "clusterName": context.cluster_name,
            "region": context.region,
            "vpcId": context.vpc_id,
            "replicaCount": 2,
            "serviceAccount": self.service_account_values(context),
            **self.critical_scheduling(),
        }
