"""Pinned EKS managed add-on versions per Kubernetes minor: what a pinned cluster installs.

A pinned cluster (``ClusterConfig.pin_addon_versions``, on by default in prod) installs exactly these
versions unless ``ClusterConfig.addon_versions`` names another, so a ``terraform plan`` only changes
an add-on when this table or the config changes, never because AWS published a new build overnight.
Unpinned clusters read the newest version for their Kubernetes minor at plan time instead
(``data aws_eks_addon_version``).

Source: the versions ``aws eks describe-addon-versions`` returned for each minor, as recorded by
public EKS configurations in the second half of 2026 (reviewed 2026-12-02). vpc-cni, the EBS CSI
driver, the Pod Identity agent and the CloudWatch observability add-on publish one build line for
every supported minor; kube-proxy and coredns follow the minor. AWS retires old builds over time:
when an apply answers ``InvalidParameterException ... addon version``, run ``aws eks
describe-addon-versions --addon-name <name> --kubernetes-version <minor>`` and update this table
(README, "Upgrading").
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["PINNED_ADDON_VERSIONS", "REVIEWED", "pinned_addon_version"]

#: When the table was last checked against published versions.
REVIEWED = "2026-12-02"

_SAME_FOR_EVERY_MINOR = {
    "vpc-cni": "v1.22.4-eksbuild.3",
    "aws-ebs-csi-driver": "v1.57.1-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.3",
    # Container Insights and Fluent Bit (ClusterConfig.cloudwatch_observability). One build line for
    # every supported minor; v6.7.0-eksbuild.1 as recorded by a public EKS configuration's resolved
    # add-on versions in late 2026 (reviewed 2026-12-02). Pod Identity needs 3.1.0 or later.
    "amazon-cloudwatch-observability": "v6.7.0-eksbuild.1",
}

#: Kubernetes minor -> EKS add-on name -> version.
PINNED_ADDON_VERSIONS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        minor: MappingProxyType({**_SAME_FOR_EVERY_MINOR, "kube-proxy": kube_proxy, "coredns": coredns})
        for minor, kube_proxy, coredns in (
            ("1.32", "v1.32.13-eksbuild.24", "v1.11.4-eksbuild.51"),
            ("1.33", "v1.33.10-eksbuild.21", "v1.12.4-eksbuild.29"),
            ("1.34", "v1.34.6-eksbuild.21", "v1.12.4-eksbuild.29"),
            ("1.35", "v1.35.3-eksbuild.21", "v1.13.2-eksbuild.21"),
        )
    }
)


def pinned_addon_version(kubernetes_version: str, addon: str) -> str | None:
    """The table's version of ``addon`` for ``kubernetes_version``, or None when the table has none."""
    return PINNED_ADDON_VERSIONS.get(kubernetes_version, {}).get(addon)
