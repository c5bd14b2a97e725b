"""Typed configuration of the platform layer: which add-ons an environment runs."""

from __future__ import annotations

from dataclasses import dataclass, fields

from constructs_lib.validation import require

__all__ = ["AddonsConfig"]


@dataclass(frozen=True)
class AddonsConfig:
    """Add-on toggles. Defaults are the add-ons every environment needs to run the applications."""

    #: Provisions ALBs for Ingresses. Default on: the applications' ingress needs it.
    aws_load_balancer_controller: bool = True
    #: Scales node groups. Default on: node groups' desired size is left to it.
    cluster_autoscaler: bool = True
    #: Resource metrics for the HPAs. Default on: every application has an HPA.
    metrics_server: bool = True
    #: Syncs AWS Secrets Manager into Kubernetes secrets. Default on: applications read secrets so.
    external_secrets: bool = True
    #: Prometheus, Alertmanager, Grafana. Default off: costly; on in staging and prod.
    kube_prometheus_stack: bool = False
    #: Certificates from ACME issuers. Default off: ALB ingresses use ACM certificates.
    cert_manager: bool = False
    #: An in-cluster ingress controller. Default off: the AWS Load Balancer Controller serves ingress.
    ingress_nginx: bool = False
    #: GitOps controller. Default off: deployments come from this stack.
    argo_cd: bool = False
    #: Daily backups to S3. Default off: it creates a bucket; on in prod.
    velero: bool = False
    #: Right-sizing recommendations. Default off.
    vertical_pod_autoscaler: bool = False

    def enabled(self) -> tuple[str, ...]:
        """Names of the enabled add-ons, in declaration order."""
        return tuple(f.name for f in fields(self) if getattr(self, f.name))

    def validate(self, path: str) -> None:
        """Check the add-on combination; raises ConfigError."""
        for f in fields(self):
            value = getattr(self, f.name)
            require(isinstance(value, bool), f"{path}.{f.name}", "must be true or false", value, "use True or False")
