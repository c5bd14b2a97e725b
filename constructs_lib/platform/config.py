"""Typed configuration of the platform layer: which add-ons an environment runs, and their settings."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType

from constructs_lib.validation import (
    frozen_tuple,
    require,
    require_dns_label,
    require_hosted_zone_id,
    require_range,
    require_shape,
    require_unique,
    validated_once,
)

__all__ = [
    "ADDON_NAMESPACES",
    "DEFAULT_PRIORITY_CLASS",
    "LETSENCRYPT_PRODUCTION",
    "PRIORITY_CLASSES",
    "RESERVED_NAMESPACES",
    "SYSTEM_NAMESPACES",
    "AddonsConfig",
    "BackupConfig",
    "CertificateConfig",
    "DnsConfig",
    "DnsPolicy",
    "MonitoringConfig",
    "PriorityClassSpec",
    "ResourceQuotaSpec",
    "cpu_cores",
    "memory_bytes",
    "require_application_namespaces",
    "require_cpu",
    "require_memory",
]

#: The namespace of each add-on (one per add-on; the catalog installs into these). Application
#: namespaces must not reuse them: seed 002's ``monitoring`` application is why Prometheus lives in
#: ``kube-prometheus-stack`` and not in the customary ``monitoring``.
ADDON_NAMESPACES: Mapping[str, str] = MappingProxyType(
    {
        "aws_load_balancer_controller": "aws-load-balancer-controller",
        "cluster_autoscaler": "cluster-autoscaler",
        "metrics_server": "metrics-server",
        "external_secrets": "external-secrets",
        "kube_prometheus_stack": "kube-prometheus-stack",
        "cert_manager": "cert-manager",
        "ingress_nginx": "ingress-nginx",
        "argo_cd": "argocd",
        "velero": "velero",
        "vertical_pod_autoscaler": "vertical-pod-autoscaler",
        "external_dns": "external-dns",
        "karpenter": "karpenter",
    }
)

#: Namespaces Kubernetes itself owns.
SYSTEM_NAMESPACES: tuple[str, ...] = ("default", "kube-node-lease", "kube-public", "kube-system")

#: Namespaces applications must not use: Kubernetes' own and every add-on's (enabled or not, so
#: turning an add-on on later never collides with an application).
RESERVED_NAMESPACES: tuple[str, ...] = (*SYSTEM_NAMESPACES, *ADDON_NAMESPACES.values())


@dataclass(frozen=True)
class PriorityClassSpec:
    """One priority class."""

    value: int
    description: str
    #: Exactly one class is the global default (pods without ``priorityClassName`` get it).
    global_default: bool = False
    #: ``Never``: pods of this class never evict others, they only queue ahead of them.
    preemption_policy: str = "PreemptLowerPriority"


#: critical > normal (the default) > low. Values stay far below ``system-cluster-critical`` (2e9),
#: which the cluster add-ons use.
PRIORITY_CLASSES: Mapping[str, PriorityClassSpec] = MappingProxyType(
    {
        "critical": PriorityClassSpec(100000, "Business-critical workloads; may preempt normal and low pods."),
        "normal": PriorityClassSpec(1000, "Default priority of application pods.", global_default=True),
        "low": PriorityClassSpec(
            100, "Batch and best-effort work; never preempts other pods.", preemption_policy="Never"
        ),
    }
)

#: The class of a pod that names none: the one global default of :data:`PRIORITY_CLASSES`.
DEFAULT_PRIORITY_CLASS = next(name for name, spec in PRIORITY_CLASSES.items() if spec.global_default)


def require_application_namespaces(path: str, names: Iterable[str], *, kind: str = "application") -> None:
    """Cross-tier rule: no workload of ``kind`` (each one is a namespace: an application, a stateful
    workload) takes a system or add-on namespace."""
    for index, name in enumerate(names):
        require(
            name not in RESERVED_NAMESPACES,
            f"{path}[{index}].name",
            f"must not be a Kubernetes or add-on namespace (each {kind} gets its own namespace)",
            name,
            f"rename the {kind}; reserved: {', '.join(sorted(RESERVED_NAMESPACES))}",
        )


#: Let's Encrypt's production ACME directory.
LETSENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory"

#: Five-field cron (minute hour day-of-month month day-of-week), digits, ``*``, ``/``, ``,`` and ``-``.
_CRON = re.compile(r"^[\d*/,-]+( [\d*/,-]+){4}\Z", re.ASCII)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}\Z", re.ASCII)
#: A DNS domain name (lowercase labels, a letter-only top-level label), as external-dns filters take it.
_DOMAIN = re.compile(r"^(?=.{1,253}\Z)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z", re.ASCII)


@dataclass(frozen=True, kw_only=True)
class MonitoringConfig:
    """kube-prometheus-stack's storage (seed 003: persistent storage, 30-day retention)."""

    #: Days Prometheus keeps samples. Default 30 (seed 003).
    retention_days: int = 30
    #: Prometheus volume (gp3, encrypted) in GiB. Default 50: ~30 days of a small cluster's metrics.
    prometheus_storage_gib: int = 50
    #: Alertmanager and Grafana volumes in GiB. Default 10: silences, notification log, dashboards.
    small_volume_gib: int = 10

    def validate(self, path: str) -> None:
        """Check the ranges; raises ConfigError."""
        require_range(f"{path}.retention_days", self.retention_days, 1, 365)
        require_range(f"{path}.prometheus_storage_gib", self.prometheus_storage_gib, 10, 16384)
        require_range(f"{path}.small_volume_gib", self.small_volume_gib, 1, 1024)


@dataclass(frozen=True, kw_only=True)
class BackupConfig:
    """Velero's backup schedule (seed 004: daily at 02:00, 30-day retention)."""

    #: Cron schedule (UTC). Default ``0 2 * * *``: daily at 02:00, outside business hours.
    schedule: str = "0 2 * * *"
    #: Days a backup is kept. Default 30 (seed 004's ttl 720h).
    retention_days: int = 30
    #: Namespaces to back up. Default empty: all namespaces.
    included_namespaces: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "included_namespaces", frozen_tuple(self.included_namespaces))

    def validate(self, path: str) -> None:
        """Check the schedule, retention and namespaces; raises ConfigError."""
        require(
            isinstance(self.schedule, str) and _CRON.match(self.schedule) is not None,
            f"{path}.schedule",
            "must be a five-field cron expression",
            self.schedule,
            "use e.g. '0 2 * * *' (daily at 02:00 UTC)",
        )
        require_range(f"{path}.retention_days", self.retention_days, 1, 3650)
        for index, namespace in enumerate(self.included_namespaces):
            require_dns_label(f"{path}.included_namespaces[{index}]", namespace)
        require_unique(f"{path}.included_namespaces", self.included_namespaces, "namespace")


@dataclass(frozen=True, kw_only=True)
class CertificateConfig:
    """cert-manager's ACME ClusterIssuer (seed 000's ``letsencrypt-prod``)."""

    #: Contact address registered with the ACME server; required when cert_manager is on.
    acme_email: str | None = None
    #: ACME directory. Default: Let's Encrypt production.
    acme_server: str = LETSENCRYPT_PRODUCTION

    def validate(self, path: str, *, enabled: bool) -> None:
        """Check the issuer settings; raises ConfigError."""
        if enabled:
            require(
                isinstance(self.acme_email, str) and _EMAIL.match(self.acme_email) is not None,
                f"{path}.acme_email",
                "must be the e-mail address registered with the ACME server when cert_manager is on",
                self.acme_email,
                "set acme_email='platform-team@example.com'",
            )
        require(
            isinstance(self.acme_server, str) and self.acme_server.startswith("https://"),
            f"{path}.acme_server",
            "must be an https:// ACME directory URL",
            self.acme_server,
            f"use {LETSENCRYPT_PRODUCTION!r}",
        )


class DnsPolicy(enum.Enum):
    """How external-dns reconciles records (its ``policy`` value)."""

    #: Create and update records, never delete them.
    UPSERT_ONLY = "upsert-only"
    #: Also delete the records it owns when their source goes away.
    SYNC = "sync"


@dataclass(frozen=True, kw_only=True)
class DnsConfig:
    """external-dns: the Route 53 zones it may change and the domains it publishes."""

    #: Hosted zone ids (bare, ``Z...``) it may change; required when external_dns is on. Its IAM role
    #: can change records in these zones only.
    hosted_zone_ids: tuple[str, ...] = ()
    #: Domains whose hosts it publishes (its ``domainFilters``); required when external_dns is on, so an
    #: ingress host outside them is never published.
    domains: tuple[str, ...] = ()
    #: Default ``UPSERT_ONLY``: a deleted or renamed Ingress never removes a record (a typo cannot take a
    #: live name down); SYNC also deletes the records it owns.
    policy: DnsPolicy = DnsPolicy.UPSERT_ONLY

    def __post_init__(self) -> None:
        object.__setattr__(self, "hosted_zone_ids", frozen_tuple(self.hosted_zone_ids))
        object.__setattr__(self, "domains", frozen_tuple(self.domains))

    def validate(self, path: str, *, enabled: bool) -> None:
        """Check the zones and domains (AddonsConfig's shape check covers the policy); raises ConfigError."""
        if enabled:
            require(
                len(self.hosted_zone_ids) > 0,
                f"{path}.hosted_zone_ids",
                "must name at least one hosted zone when external_dns is on",
                list(self.hosted_zone_ids),
                "add the id of the zone of your ingress hosts, e.g. 'Z0123456789ABCDEFGHIJ'",
            )
            require(
                len(self.domains) > 0,
                f"{path}.domains",
                "must name at least one domain when external_dns is on",
                list(self.domains),
                "add the domain of your ingress hosts, e.g. 'example.com'",
            )
        for index, zone in enumerate(self.hosted_zone_ids):
            require_hosted_zone_id(f"{path}.hosted_zone_ids[{index}]", zone)
        require_unique(f"{path}.hosted_zone_ids", self.hosted_zone_ids, "hosted zone id")
        for index, domain in enumerate(self.domains):
            require(
                isinstance(domain, str) and _DOMAIN.match(domain) is not None,
                f"{path}.domains[{index}]",
                "must be a lowercase DNS domain name",
                domain,
                "write e.g. 'example.com' (no scheme, no trailing dot)",
            )
        require_unique(f"{path}.domains", self.domains, "domain")


@dataclass(frozen=True, kw_only=True)
class AddonsConfig:
    """Add-on toggles and settings. Defaults are the add-ons every environment needs to run the applications."""

    #: Provisions ALBs for Ingresses. Default on: the applications' ingress needs it.
    aws_load_balancer_controller: bool = True
    #: Scales node groups. Default on: node groups' desired size is left to it.
    cluster_autoscaler: bool = True
    #: Karpenter launches the application nodes (NodePools from the non-SYSTEM node groups) instead of
    #: cluster-autoscaler scaling managed node groups; the SYSTEM group stays managed. Default off.
    #: Installed right after the load balancer controller: the add-ons that need application nodes wait
    #: for its NodePools.
    #: Exclusive with cluster_autoscaler (two autoscalers would race for the same pending pods).
    karpenter: bool = False
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
    #: Publishes ingress hosts in Route 53 (zones and domains in ``dns``). Default off: it needs zones.
    external_dns: bool = False
    #: Settings of kube_prometheus_stack (used when it is on).
    monitoring: MonitoringConfig = field(default_factory=MonitoringConfig)
    #: Settings of velero (used when it is on).
    backup: BackupConfig = field(default_factory=BackupConfig)
    #: Settings of cert_manager (used when it is on).
    certificates: CertificateConfig = field(default_factory=CertificateConfig)
    #: Settings of external_dns (used when it is on).
    dns: DnsConfig = field(default_factory=DnsConfig)

    def toggles(self) -> tuple[str, ...]:
        """Names of all add-on toggles, in declaration order."""
        return tuple(f.name for f in fields(self) if f.type in ("bool", bool))

    def enabled(self) -> tuple[str, ...]:
        """Names of the enabled add-ons, in declaration order."""
        return tuple(name for name in self.toggles() if getattr(self, name))

    @validated_once
    def validate(self, path: str) -> None:
        """Check the toggles and the options; raises ConfigError."""
        require_shape(path, self, AddonsConfig)
        for name in self.toggles():
            value = getattr(self, name)
            require(isinstance(value, bool), f"{path}.{name}", "must be true or false", value, "use True or False")
        require(
            not (self.ingress_nginx and not self.aws_load_balancer_controller),
            f"{path}.ingress_nginx",
            "needs aws_load_balancer_controller, which provisions its network load balancer",
            self.ingress_nginx,
            "turn aws_load_balancer_controller on, or ingress_nginx off",
        )
        require(
            not (self.karpenter and self.cluster_autoscaler),
            f"{path}.karpenter",
            "supply at most one of `karpenter` or `cluster_autoscaler` (both would scale for the same pods)",
            self.karpenter,
            "set cluster_autoscaler=False to use Karpenter, or karpenter=False",
        )
        self.monitoring.validate(f"{path}.monitoring")
        self.backup.validate(f"{path}.backup")
        self.certificates.validate(f"{path}.certificates", enabled=self.cert_manager)
        self.dns.validate(f"{path}.dns", enabled=self.external_dns)


# --------------------------------------------------------------------------------------------
# Namespace budgets (pure data, so a config can be validated without loading any provider)
# --------------------------------------------------------------------------------------------

_CPU = re.compile(r"^(\d+(\.\d+)?)(m?)\Z", re.ASCII)
_MEMORY = re.compile(r"^(\d+)(Ki|Mi|Gi|Ti)?\Z", re.ASCII)
_MEMORY_UNITS = {None: 1, "Ki": 1024, "Mi": 1024**2, "Gi": 1024**3, "Ti": 1024**4}


def cpu_cores(quantity: str) -> float | None:
    """``'250m'`` -> 0.25, ``'2'`` -> 2.0; None if ``quantity`` is not a CPU quantity."""
    match = _CPU.match(quantity) if isinstance(quantity, str) else None
    if match is None:
        return None
    value = float(match.group(1))
    return value / 1000 if match.group(3) else value


def memory_bytes(quantity: str) -> int | None:
    """``'256Mi'`` -> 268435456; None if ``quantity`` is not a binary-suffixed memory quantity."""
    match = _MEMORY.match(quantity) if isinstance(quantity, str) else None
    if match is None:
        return None
    return int(match.group(1)) * _MEMORY_UNITS[match.group(2)]


def require_cpu(path: str, quantity: str) -> float:
    """``quantity`` is a CPU quantity such as ``250m`` or ``2``; returns cores."""
    cores = cpu_cores(quantity)
    require(
        cores is not None and cores > 0,
        path,
        "must be a positive CPU quantity in cores or millicores",
        quantity,
        "write e.g. '250m' or '2'",
    )
    return float(cores or 0)


def require_memory(path: str, quantity: str) -> int:
    """``quantity`` is a memory quantity such as ``256Mi``; returns bytes."""
    size = memory_bytes(quantity)
    require(
        size is not None and size > 0,
        path,
        "must be a positive memory quantity with a binary suffix (Ki, Mi, Gi, Ti)",
        quantity,
        "write e.g. '256Mi' or '8Gi'",
    )
    return int(size or 0)


@dataclass(frozen=True)
class ResourceQuotaSpec:
    """The hard limits of one application namespace. Defaults: seed 003's production quota."""

    requests_cpu: str = "4"
    requests_memory: str = "8Gi"
    limits_cpu: str = "8"
    limits_memory: str = "16Gi"
    pods: int = 20
    services: int = 10

    def validate(self, path: str) -> None:
        """Check the quantities and that requests fit under limits; raises ConfigError."""
        requests_cpu = require_cpu(f"{path}.requests_cpu", self.requests_cpu)
        limits_cpu = require_cpu(f"{path}.limits_cpu", self.limits_cpu)
        requests_memory = require_memory(f"{path}.requests_memory", self.requests_memory)
        limits_memory = require_memory(f"{path}.limits_memory", self.limits_memory)
        require(
            requests_cpu <= limits_cpu,
            f"{path}.requests_cpu",
            f"must not exceed limits_cpu ({self.limits_cpu})",
            self.requests_cpu,
            "lower requests_cpu or raise limits_cpu",
        )
        require(
            requests_memory <= limits_memory,
            f"{path}.requests_memory",
            f"must not exceed limits_memory ({self.limits_memory})",
            self.requests_memory,
            "lower requests_memory or raise limits_memory",
        )
        require_range(f"{path}.pods", self.pods, 1, 1000)
        require_range(f"{path}.services", self.services, 1, 100)

    def hard(self) -> dict[str, str]:
        """The ``spec.hard`` map of the ResourceQuota."""
        return {
            "requests.cpu": self.requests_cpu,
            "requests.memory": self.requests_memory,
            "limits.cpu": self.limits_cpu,
            "limits.memory": self.limits_memory,
            "pods": str(self.pods),
            "services": str(self.services),
        }
