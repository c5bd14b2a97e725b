"""Typed configuration of the application workloads of an environment."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from constructs_lib.platform.config import (
    DEFAULT_PRIORITY_CLASS,
    PRIORITY_CLASSES,
    memory_bytes,
    require_cpu,
    require_memory,
)
from constructs_lib.stage import Stage
from constructs_lib.validation import (
    frozen_mapping,
    frozen_tuple,
    parse_acm_certificate_arn,
    require,
    require_cidr,
    require_dns_label,
    require_image_tag,
    require_range,
    require_shape,
    require_unique,
    validated_once,
)

__all__ = [
    "BUCKET_CONFIG_KEY",
    "DATABASE_CONFIG_KEYS",
    "DATABASE_SECRET_KEYS",
    "MAX_VOLUME_SIZE",
    "MIN_VOLUME_SIZE",
    "SECRETS_MOUNT_PATH",
    "TMP_MOUNT_PATH",
    "ApplicationSpec",
    "EgressSpec",
    "IngressSpec",
    "Probes",
    "Resources",
    "SecretRef",
    "VolumeSpec",
]

#: ConfigMap keys the platform sets for an application with a ``database``: where and how to connect.
DATABASE_CONFIG_KEYS: tuple[str, ...] = ("DB_HOST", "DB_PORT", "DB_NAME", "DB_SSLMODE")
#: Secret keys (files under ``/etc/secrets``) the platform sets for an application with a ``database``,
#: from the RDS-managed master secret's JSON properties ``username`` and ``password``.
DATABASE_SECRET_KEYS: tuple[str, ...] = ("DB_USERNAME", "DB_PASSWORD")
#: Where the application's Secret is mounted, one file per key (read-only, mode 0400). Files, not
#: environment variables: they are not inherited by child processes nor printed in crash dumps, and
#: a rotated secret reaches a running pod.
SECRETS_MOUNT_PATH = "/etc/secrets"
#: The writable scratch directory every workload gets (an emptyDir; the root filesystem is read-only).
TMP_MOUNT_PATH = "/tmp"
#: gp3's smallest and largest volume (1 GiB, 16 TiB).
MIN_VOLUME_SIZE = "1Gi"
MAX_VOLUME_SIZE = "16Ti"
#: ConfigMap key holding the name of the application's own bucket (``bucket=True``).
BUCKET_CONFIG_KEY = "BUCKET_NAME"

#: Keys of ConfigMaps and Secrets.
_DATA_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}\Z", re.ASCII)
#: Secrets Manager secret names (and ARNs).
_REMOTE_KEY = re.compile(r"^[A-Za-z0-9/_+=.@:-]{1,512}\Z", re.ASCII)
_HOST = re.compile(r"^(?=.{1,253}\Z)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z", re.ASCII)
_ABSOLUTE_PATH = re.compile(r"^(/[A-Za-z0-9._-]+)+$")
_HTTP_PATH = re.compile(r"^/[A-Za-z0-9._~!$&'()*+,;=:@/-]*\Z", re.ASCII)


def _require_http_path(path: str, value: str) -> None:
    require(
        isinstance(value, str) and _HTTP_PATH.match(value) is not None,
        path,
        "must be an absolute HTTP path",
        value,
        "use a path such as '/health'",
    )


def _require_absolute_path(path: str, value: str) -> None:
    require(
        isinstance(value, str) and _ABSOLUTE_PATH.match(value) is not None,
        path,
        "must be an absolute directory path other than '/'",
        value,
        "use a path such as '/data/db'",
    )


@dataclass(frozen=True, kw_only=True)
class Resources:
    """Container requests and limits. Defaults: seed 001's requests, seed 004's limits."""

    #: Guaranteed CPU. Default 250m (seed 001).
    cpu_request: str = "250m"
    #: CPU ceiling. Default 500m (seed 004): with the default max of 10 replicas plus one surge pod
    #: the namespace stays inside seed 003's quota (limits.cpu 8).
    cpu_limit: str = "500m"
    #: Guaranteed memory. Default 256Mi (seed 001).
    memory_request: str = "256Mi"
    #: Memory ceiling; the container is OOM-killed above it. Default 512Mi (seeds 001 and 004).
    memory_limit: str = "512Mi"

    def validate(self, path: str) -> None:
        """Check the quantities and that each request fits under its limit; raises ConfigError."""
        cpu_request = require_cpu(f"{path}.cpu_request", self.cpu_request)
        cpu_limit = require_cpu(f"{path}.cpu_limit", self.cpu_limit)
        memory_request = require_memory(f"{path}.memory_request", self.memory_request)
        memory_limit = require_memory(f"{path}.memory_limit", self.memory_limit)
        require(
            cpu_request <= cpu_limit,
            f"{path}.cpu_request",
            f"must not exceed cpu_limit ({self.cpu_limit})",
            self.cpu_request,
            "lower the request or raise the limit",
        )
        require(
            memory_request <= memory_limit,
            f"{path}.memory_request",
            f"must not exceed memory_limit ({self.memory_limit})",
            self.memory_request,
            "lower the request or raise the limit",
        )


@dataclass(frozen=True, kw_only=True)
class Probes:
    """HTTP paths of the three probes (seed 002's /startup, /health, /ready)."""

    #: Startup probe: the other probes wait until it succeeds (slow starts are not killed).
    startup_path: str = "/startup"
    #: Liveness probe: the container restarts when it fails.
    liveness_path: str = "/health"
    #: Readiness probe: the pod leaves the Service and the ALB target group when it fails.
    readiness_path: str = "/ready"

    def validate(self, path: str) -> None:
        """Check the paths; raises ConfigError."""
        for name in ("startup_path", "liveness_path", "readiness_path"):
            _require_http_path(f"{path}.{name}", getattr(self, name))


@dataclass(frozen=True, kw_only=True)
class IngressSpec:
    """Public HTTP(S) access through an ALB (AWS Load Balancer Controller)."""

    #: Host name the ALB routes to this application, e.g. ``api.example.com``.
    host: str
    #: Path prefix. Default ``/``.
    path: str = "/"
    #: ACM certificate for HTTPS; required in production (HTTP is then redirected to HTTPS).
    certificate_arn: str | None = None
    #: ALB health-check path. Default: the readiness probe's path.
    healthcheck_path: str | None = None

    def validate(self, path: str, *, stage: Stage) -> None:
        """Check host, paths and certificate; raises ConfigError."""
        require(
            isinstance(self.host, str) and _HOST.match(self.host) is not None,
            f"{path}.host",
            "must be a fully qualified lowercase DNS name",
            self.host,
            "use a host such as 'api.example.com'",
        )
        _require_http_path(f"{path}.path", self.path)
        if self.healthcheck_path is not None:
            _require_http_path(f"{path}.healthcheck_path", self.healthcheck_path)
        if self.certificate_arn is not None:
            # Region and account are checked against the environment's in EnvironmentConfig.
            parse_acm_certificate_arn(f"{path}.certificate_arn", self.certificate_arn)
        require(
            stage is not Stage.PROD or self.certificate_arn is not None,
            f"{path}.certificate_arn",
            "is required in production: public traffic must be HTTPS",
            self.certificate_arn,
            "issue an ACM certificate for the host and set certificate_arn",
        )


@dataclass(frozen=True, kw_only=True)
class SecretRef:
    """One key of the application's Secret, synced from AWS Secrets Manager by an ExternalSecret."""

    #: Key in the Kubernetes Secret ``<app>-secrets``: the file ``/etc/secrets/<name>`` in the container.
    name: str
    #: Secrets Manager secret name, e.g. ``eks-platform-prod/api/database``.
    remote_key: str
    #: JSON property inside the secret. Default None: the whole secret string.
    remote_property: str | None = None


@dataclass(frozen=True, kw_only=True)
class EgressSpec:
    """One destination outside the cluster an application may reach: a CIDR on a TCP port."""

    #: IPv4 range, e.g. a database subnet ``10.30.224.0/24``; ``0.0.0.0/0`` for anywhere (the
    #: instance metadata service is excluded all the same).
    cidr: str
    #: TCP port, e.g. 5432.
    port: int

    def validate(self, path: str) -> None:
        """Check the CIDR and the port; raises ConfigError."""
        require_cidr(f"{path}.cidr", self.cidr)
        require_range(f"{path}.port", self.port, 1, 65535)


@dataclass(frozen=True, kw_only=True)
class VolumeSpec:
    """A persistent volume on the baseline's encrypted gp3 class: one per member of a
    ``StatefulWorkload`` (its ``volumeClaimTemplates``), or the one claim of an application
    (``ApplicationSpec.volume``).

    A StatefulWorkload's claim templates are immutable: changing a volume (or adding one) makes
    terraform replace the StatefulSet. Members then get their old claims back by name only where
    claims are retained on delete (``protections.retain_volumes``, on in prod); grow a volume by
    resizing its claims, not by editing ``size``.
    """

    #: DNS label. A StatefulWorkload member's claim is ``<name>-<workload>-<ordinal>``; an
    #: application's claim is ``<application>-<name>``.
    name: str
    #: Where the container mounts it, e.g. ``/data/db``.
    mount_path: str
    #: Requested size, a binary quantity from 1Gi to 16Ti (gp3's range). Default 10Gi: small and
    #: cheap to start; the gp3 class allows expansion, shrinking is impossible.
    size: str = "10Gi"

    def validate(self, path: str) -> None:
        """Check name, path and size; raises ConfigError."""
        require_dns_label(f"{path}.name", self.name, max_length=40)
        _require_absolute_path(f"{path}.mount_path", self.mount_path)
        size = memory_bytes(self.size) if isinstance(self.size, str) else None
        low, high = memory_bytes(MIN_VOLUME_SIZE) or 0, memory_bytes(MAX_VOLUME_SIZE) or 0
        require(
            size is not None and low <= size <= high,
            f"{path}.size",
            f"must be a storage quantity with a binary suffix from {MIN_VOLUME_SIZE} to {MAX_VOLUME_SIZE} "
            "(gp3's range)",
            self.size,
            "write e.g. '20Gi' or '1Ti'",
        )


@dataclass(frozen=True, kw_only=True)
class ApplicationSpec:
    """One application (seed 002's api / admin / worker / monitoring)."""

    #: DNS-1123 label; also the application's namespace and service-account name.
    name: str
    #: Name of a repository in the environment's ``repositories`` that holds its image.
    repository: str
    #: Pinned image tag; ``latest`` is refused because it makes rollouts unrepeatable.
    image_tag: str
    #: Container port the application listens on. Default 8080: unprivileged, no NET_BIND_SERVICE.
    port: int = 8080
    #: Replicas when the autoscaler is not yet active, and the HPA's floor. Default 2: survives a node.
    replicas: int = 2
    #: HPA floor. Default None: ``replicas``.
    min_replicas: int | None = None
    #: HPA ceiling. Default 10 (seed 001).
    max_replicas: int = 10
    #: Container requests and limits. Default: 250m / 256Mi requested, 500m / 512Mi limit.
    resources: Resources = field(default_factory=Resources)
    #: HTTP paths of the startup, liveness and readiness probes. Default /startup, /health, /ready.
    probes: Probes = field(default_factory=Probes)
    #: Public access through the ALB. Default None: reachable in-cluster only (seed 000: ingress only where needed).
    ingress: IngressSpec | None = None
    #: Non-secret settings, mounted as environment variables from the ConfigMap ``<app>-config``.
    config: Mapping[str, str] = field(default_factory=dict)
    #: Secrets from AWS Secrets Manager, as files under ``/etc/secrets`` from the Secret ``<app>-secrets``.
    secrets: tuple[SecretRef, ...] = ()
    #: Applications allowed to call this one on ``port`` (network policy). Default none.
    allowed_peers: tuple[str, ...] = ()
    #: Calls AWS APIs: gets an IRSA role annotation and HTTPS egress. Default off (no token mounted).
    needs_aws: bool = False
    #: UID and GID the container runs as. Default 10001: non-root, outside the host's system range.
    run_as_user: int = 10001
    #: Name of the environment's database (``EnvironmentConfig.database.name``) the application uses.
    #: It then gets egress to the database port and subnets, ``DB_HOST``/``DB_PORT``/``DB_NAME``/
    #: ``DB_SSLMODE`` in its ConfigMap and ``DB_USERNAME``/``DB_PASSWORD`` from the RDS-managed secret
    #: (needs the external_secrets add-on). A name, not a flag, so a second database later does not
    #: change the model. Default None: no database access at all.
    database: str | None = None
    #: The application's own S3 bucket (``data.ApplicationBucket``: KMS, versioned, private), its name
    #: as ``BUCKET_NAME`` in the ConfigMap and Get/Put/Delete on its objects plus List on the bucket
    #: for the IRSA role. Requires ``needs_aws`` (stated, not implied: the role, the mounted token and
    #: HTTPS egress should be visible in the config). Default off: no bucket, no cost.
    bucket: bool = False
    #: A dedicated node group (compute, memory, GPU) the pods must run on: they select its labels and
    #: tolerate its taints. Default None: any untainted group (the application group). Tainted groups
    #: admit only the workloads that name them.
    node_group: str | None = None
    #: The pods' priority class, one of the baseline's ``PRIORITY_CLASSES``: ``critical`` may preempt
    #: the others when the cluster is full, ``low`` never preempts (batch work). Default ``normal``,
    #: the cluster's global default: an application outranks no other one unless it is declared so.
    #: None: no ``priorityClassName`` (the cluster's own default applies), for a cluster without the
    #: library's baseline, whose API server would refuse pods naming a class it does not have.
    priority_class: str | None = DEFAULT_PRIORITY_CLASS
    #: A persistent volume (a gp3 EBS volume: one zone, one node at a time) mounted at
    #: ``volume.mount_path``, for an application that keeps state on disk (seed 000's Home Assistant
    #: keeps its configuration and history in ``/config``). The application then runs exactly one pod
    #: (``replicas`` and ``max_replicas`` 1) and is updated by ``Recreate`` (the new pod can only
    #: mount the volume once the old one let it go). Its data outlives the claim where the gp3 class
    #: retains volumes (``protections.retain_volumes``, on in prod). Several pods with a volume each
    #: are a ``StatefulWorkload``. Default None: no volume, only the ``/tmp`` scratch directory.
    volume: VolumeSpec | None = None
    #: Destinations outside the cluster the pods may reach besides their peers, the environment's
    #: database and (with ``needs_aws``) HTTPS: e.g. a database outside the platform (seed 001's
    #: ``DATABASE_URL``) or a partner API. Each is a CIDR and a TCP port; the instance metadata
    #: service is always excluded. Default none: default-deny stays deny.
    egress: tuple[EgressSpec, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "config", frozen_mapping(self.config))
        object.__setattr__(self, "secrets", frozen_tuple(self.secrets))
        object.__setattr__(self, "allowed_peers", frozen_tuple(self.allowed_peers))
        object.__setattr__(self, "egress", frozen_tuple(self.egress))

    @property
    def volume_claim_name(self) -> str | None:
        """``<name>-<volume.name>``: the PersistentVolumeClaim of :attr:`volume`, or None without one."""
        return f"{self.name}-{self.volume.name}" if self.volume is not None else None

    @property
    def hpa_min_replicas(self) -> int:
        """The HPA's floor: ``min_replicas`` or ``replicas``."""
        return self.min_replicas if self.min_replicas is not None else self.replicas

    @validated_once
    def validate(self, path: str, *, stage: Stage) -> None:
        """Check the application's own rules (``stage``: its policy, a certificate for an ingress in
        prod); raises ConfigError."""
        require_shape(path, self, ApplicationSpec)
        require_dns_label(f"{path}.name", self.name, max_length=40)
        if self.node_group is not None:
            require_dns_label(f"{path}.node_group", self.node_group, max_length=32)
        require_image_tag(f"{path}.image_tag", self.image_tag, example="v1.4.2")
        require(
            self.priority_class is None or self.priority_class in PRIORITY_CLASSES,
            f"{path}.priority_class",
            "must be one of the baseline's priority classes, or None for the cluster's default",
            self.priority_class,
            f"use one of {sorted(PRIORITY_CLASSES)}, or None on a cluster without the baseline",
        )
        require_range(f"{path}.port", self.port, 1024, 65535, fix="listen on an unprivileged port such as 8080")
        require_range(f"{path}.replicas", self.replicas, 1, 100)
        if self.min_replicas is not None:
            require_range(f"{path}.min_replicas", self.min_replicas, 1, 100)
        require_range(f"{path}.max_replicas", self.max_replicas, 1, 100)
        require(
            self.hpa_min_replicas <= self.max_replicas,
            f"{path}.max_replicas",
            f"must be at least the HPA floor ({self.hpa_min_replicas})",
            self.max_replicas,
            "raise max_replicas or lower min_replicas / replicas",
        )
        self.resources.validate(f"{path}.resources")
        self.probes.validate(f"{path}.probes")
        if self.ingress is not None:
            self.ingress.validate(f"{path}.ingress", stage=stage)
        for key, value in self.config.items():
            require(
                isinstance(key, str) and _DATA_KEY.match(key) is not None and isinstance(value, str),
                f"{path}.config.{key}",
                "keys must be letters, digits, '-', '_' or '.', and values strings",
                key,
                "rename the key or quote the value",
            )
        for index, secret in enumerate(self.secrets):
            require(
                isinstance(secret.name, str) and _DATA_KEY.match(secret.name) is not None,
                f"{path}.secrets[{index}].name",
                "must be a Secret key: letters, digits, '-', '_' or '.'",
                secret.name,
                "use a key such as 'DATABASE_URL'",
            )
            require(
                isinstance(secret.remote_key, str) and _REMOTE_KEY.match(secret.remote_key) is not None,
                f"{path}.secrets[{index}].remote_key",
                "must be a Secrets Manager secret name",
                secret.remote_key,
                "use a name such as 'eks-platform-prod/api/database'",
            )
        require_unique(f"{path}.secrets", (s.name for s in self.secrets), "secret name")
        for index, peer in enumerate(self.allowed_peers):
            require_dns_label(f"{path}.allowed_peers[{index}]", peer, max_length=40)
            require(
                peer != self.name,
                f"{path}.allowed_peers[{index}]",
                "must name another application (an application always reaches itself)",
                peer,
                "remove the application's own name",
            )
        require_unique(f"{path}.allowed_peers", self.allowed_peers, "peer")
        require_range(f"{path}.run_as_user", self.run_as_user, 1000, 2**31 - 1, fix="use a non-root UID such as 10001")
        self._validate_volume(path)
        for index, rule in enumerate(self.egress):
            rule.validate(f"{path}.egress[{index}]")
        require_unique(f"{path}.egress", ((r.cidr, r.port) for r in self.egress), "egress destination")
        self._validate_data(path)

    def _validate_volume(self, path: str) -> None:
        """The volume: its own rules, one pod, and a mount path clear of the platform's mounts."""
        volume = self.volume
        if volume is None:
            return
        volume.validate(f"{path}.volume")
        require(
            self.replicas == 1 and self.max_replicas == 1,
            f"{path}.volume",
            "needs exactly one pod (replicas=1, max_replicas=1): the volume is one EBS volume in one zone, "
            "attached to one node at a time, so a second pod could never start",
            f"replicas={self.replicas}, max_replicas={self.max_replicas}",
            "set replicas=1 and max_replicas=1, or run the pods as a StatefulWorkload (a volume per member)",
        )
        reserved = (TMP_MOUNT_PATH, SECRETS_MOUNT_PATH)
        require(
            not any(volume.mount_path == r or volume.mount_path.startswith(f"{r}/") for r in reserved),
            f"{path}.volume.mount_path",
            f"must not be or lie under the platform's mounts {list(reserved)}",
            volume.mount_path,
            "mount the volume at its own directory, e.g. '/data' or '/config'",
        )

    def _validate_data(self, path: str) -> None:
        """The database and bucket options, and the config and secret keys they reserve."""
        if self.database is not None:
            require_dns_label(f"{path}.database", self.database, max_length=30)
            for key in DATABASE_CONFIG_KEYS:
                require(
                    key not in self.config,
                    f"{path}.config.{key}",
                    "is set by the platform for an application with a database",
                    self.config.get(key),
                    f"remove `{key}` from config",
                )
            for index, secret in enumerate(self.secrets):
                require(
                    secret.name not in DATABASE_SECRET_KEYS,
                    f"{path}.secrets[{index}].name",
                    "is set by the platform from the database's managed secret",
                    secret.name,
                    "remove this secret: the credentials come from the database's managed secret",
                )
        if self.bucket:
            require(
                self.needs_aws,
                f"{path}.bucket",
                "needs needs_aws=True: the bucket is reached with the application's IRSA role over HTTPS",
                self.bucket,
                "set needs_aws=True or remove the bucket",
            )
            require(
                BUCKET_CONFIG_KEY not in self.config,
                f"{path}.config.{BUCKET_CONFIG_KEY}",
                "is set by the platform for an application with a bucket",
                self.config.get(BUCKET_CONFIG_KEY),
                f"remove `{BUCKET_CONFIG_KEY}` from config",
            )
