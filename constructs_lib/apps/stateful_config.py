"""Typed configuration of a stateful workload (seed 000's MongoDB and Kafka, seed 004's StatefulSet).

Jsii-free like :mod:`constructs_lib.apps.config`, whose rules it reuses (image tag, HTTP path,
resources), so a tag or a path means the same thing for an application and a data store.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from constructs_lib.apps.config import (
    MAX_VOLUME_SIZE,
    MIN_VOLUME_SIZE,
    TMP_MOUNT_PATH,
    Resources,
    VolumeSpec,
    _require_absolute_path,
    _require_http_path,
)
from constructs_lib.validation import (
    frozen_mapping,
    frozen_tuple,
    require,
    require_dns_label,
    require_image_tag,
    require_range,
    require_shape,
    require_unique,
)

__all__ = [
    "CLIENT_PORT_NAME",
    "CLUSTER_DOMAIN",
    "MAX_VOLUME_SIZE",
    "METRICS_PORT_NAME",
    "MIN_VOLUME_SIZE",
    "BackupHooks",
    "DisruptionPolicy",
    "NamedPort",
    "PodManagementPolicy",
    "ProbeAction",
    "ProbeSpec",
    "StatefulProbes",
    "StatefulWorkloadSpec",
    "VolumeSpec",
]

#: EKS's cluster DNS domain: members are ``<name>-<i>.<name>-headless.<namespace>.svc.cluster.local``.
CLUSTER_DOMAIN = "cluster.local"
#: Name of the client port on the container and both Services.
CLIENT_PORT_NAME = "client"
#: Name of the metrics port on the container (when ``metrics_port`` is set).
METRICS_PORT_NAME = "metrics"

#: IANA service name, as Kubernetes requires for port names: at most 15 characters, lowercase
#: letters, digits and single '-', at least one letter.
_PORT_NAME = re.compile(r"^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*$")
_DATA_KEY = re.compile(r"^[-._a-zA-Z0-9]{1,253}$")


class ProbeAction(Enum):
    """How a probe checks the container."""

    #: A TCP connection to the port: for wire protocols (MongoDB, Kafka) that speak no HTTP.
    TCP = "tcp"
    #: An HTTP GET on ``path``: 2xx/3xx is healthy.
    HTTP = "http"


class PodManagementPolicy(Enum):
    """How the StatefulSet starts and stops its members."""

    #: One at a time, each Ready before the next starts: safe for replica sets that join one by one.
    ORDERED_READY = "OrderedReady"
    #: All at once: needed when readiness itself needs a quorum (a KRaft controller quorum), which
    #: ``OrderedReady`` would deadlock.
    PARALLEL = "Parallel"


class DisruptionPolicy(Enum):
    """What the PodDisruptionBudget keeps during voluntary disruptions (drains, node upgrades)."""

    #: ``maxUnavailable: 1``: drains take one member at a time.
    ONE_AT_A_TIME = "one-at-a-time"
    #: ``minAvailable: replicas // 2 + 1``: a drain never breaks the majority a quorum system needs.
    QUORUM = "quorum"


@dataclass(frozen=True, kw_only=True)
class NamedPort:
    """A container port members use with each other (replication, controller quorum)."""

    #: IANA service name, e.g. ``controller``.
    name: str
    #: Unprivileged port (the container has no NET_BIND_SERVICE).
    port: int

    def validate(self, path: str) -> None:
        """Check the name and number; raises ConfigError."""
        _require_port_name(f"{path}.name", self.name)
        _require_port(f"{path}.port", self.port)


@dataclass(frozen=True, kw_only=True)
class ProbeSpec:
    """One probe: a TCP connect or an HTTP GET on one of the workload's named ports."""

    #: TCP connect (default: the wire protocols of data stores speak no HTTP) or HTTP GET.
    action: ProbeAction = ProbeAction.TCP
    #: Port name probed. Default the client port.
    port: str = CLIENT_PORT_NAME
    #: HTTP path; required for HTTP probes, refused for TCP ones.
    path: str | None = None
    #: Seconds before the first probe. Default 0: the startup probe covers slow starts.
    initial_delay_seconds: int = 0
    #: Seconds between probes. Default 10.
    period_seconds: int = 10
    #: Must not exceed the period (probes would overlap).
    timeout_seconds: int = 5
    #: Failures in a row before the probe acts (restart, or out of the Service). Default 3.
    failure_threshold: int = 3

    def validate(self, path: str, *, port_names: tuple[str, ...]) -> None:
        """Check the action, port and timings against the workload's ``port_names``; raises ConfigError."""
        require(
            isinstance(self.action, ProbeAction),
            f"{path}.action",
            "must be a ProbeAction",
            self.action,
            "use ProbeAction.TCP or ProbeAction.HTTP",
        )
        require(
            self.port in port_names,
            f"{path}.port",
            "must name one of the workload's ports",
            self.port,
            f"use one of {sorted(port_names)}",
        )
        if self.action is ProbeAction.HTTP:
            require(
                self.path is not None,
                f"{path}.path",
                "is required for an HTTP probe",
                self.path,
                "set a path such as '/health', or use ProbeAction.TCP",
            )
            _require_http_path(f"{path}.path", self.path or "")
        else:
            require(
                self.path is None,
                f"{path}.path",
                "only applies to HTTP probes",
                self.path,
                "drop the path or use ProbeAction.HTTP",
            )
        require_range(f"{path}.initial_delay_seconds", self.initial_delay_seconds, 0, 3600)
        require_range(f"{path}.period_seconds", self.period_seconds, 1, 300)
        require_range(f"{path}.timeout_seconds", self.timeout_seconds, 1, 300)
        require(
            self.timeout_seconds <= self.period_seconds,
            f"{path}.timeout_seconds",
            f"must not exceed period_seconds ({self.period_seconds})",
            self.timeout_seconds,
            "lower the timeout or raise the period",
        )
        require_range(f"{path}.failure_threshold", self.failure_threshold, 1, 100)


@dataclass(frozen=True, kw_only=True)
class StatefulProbes:
    """Startup, liveness and readiness probes. Defaults: TCP on the client port."""

    #: Up to 5 minutes (30 x 10 s) before liveness takes over: a member may replay its journal or
    #: log segments after a crash, and killing it then restarts the replay.
    startup: ProbeSpec = field(default_factory=lambda: ProbeSpec(period_seconds=10, failure_threshold=30))
    #: Restarts a member that stops answering for 30 s.
    liveness: ProbeSpec = field(default_factory=lambda: ProbeSpec(period_seconds=10, timeout_seconds=5))
    #: Takes a member out of the client Service after 15 s without an answer.
    readiness: ProbeSpec = field(default_factory=lambda: ProbeSpec(period_seconds=5, timeout_seconds=3))

    def validate(self, path: str, *, port_names: tuple[str, ...]) -> None:
        """Check the three probes; raises ConfigError."""
        for name in ("startup", "liveness", "readiness"):
            getattr(self, name).validate(f"{path}.{name}", port_names=port_names)


@dataclass(frozen=True, kw_only=True)
class BackupHooks:
    """Commands velero runs in the container around its volume snapshot, so the snapshot is
    application-consistent (e.g. MongoDB's ``fsyncLock`` before, ``fsyncUnlock`` after)."""

    #: Command run before the snapshot (exec form, no shell unless you call one).
    pre: tuple[str, ...]
    #: Command run after the snapshot. Default none.
    post: tuple[str, ...] = ()
    #: How long velero waits for each command. Default 30 s.
    timeout_seconds: int = 30

    def __post_init__(self) -> None:
        object.__setattr__(self, "pre", frozen_tuple(self.pre))
        object.__setattr__(self, "post", frozen_tuple(self.post))

    def validate(self, path: str) -> None:
        """Check the commands and timeout; raises ConfigError."""
        for name, command, needed in (("pre", self.pre, True), ("post", self.post, False)):
            require(
                (bool(command) or not needed) and all(isinstance(a, str) and a for a in command),
                f"{path}.{name}",
                "must be a command in exec form: a non-empty list of non-empty strings"
                if needed
                else "must be empty or a list of non-empty strings",
                list(command),
                "write e.g. ('mongosh', '--quiet', '--eval', 'db.fsyncLock()')",
            )
        require_range(f"{path}.timeout_seconds", self.timeout_seconds, 1, 3600)


@dataclass(frozen=True, kw_only=True)
class StatefulWorkloadSpec:
    """One stateful workload: a StatefulSet with a volume per member (seed 000's MongoDB and Kafka)."""

    #: DNS-1123 label; the namespace, the StatefulSet, the client Service and the service account.
    name: str
    #: Name of a repository in the environment's ``repositories`` that holds its image.
    repository: str
    #: Pinned image tag; ``latest`` is refused because it makes rollouts unrepeatable.
    image_tag: str
    #: Port clients connect to (27017 for MongoDB, 9092 for Kafka); named ``client``.
    port: int
    #: Persistent volumes, one claim per member each; at least one.
    volumes: tuple[VolumeSpec, ...]
    #: Ports only members use with each other (e.g. Kafka's controller port). Default none.
    peer_ports: tuple[NamedPort, ...] = ()
    #: Port of a Prometheus endpoint (``/metrics``). Default None: not scraped.
    metrics_port: int | None = None
    #: Members. Default 3: a majority survives the loss of one member or one zone.
    replicas: int = 3
    #: Container requests and limits. Default: 250m / 256Mi requested, 500m / 512Mi limit.
    resources: Resources = field(default_factory=Resources)
    #: Startup, liveness and readiness probes. Default: TCP on the client port.
    probes: StatefulProbes = field(default_factory=StatefulProbes)
    #: Default ORDERED_READY; PARALLEL for systems whose readiness needs a quorum.
    pod_management_policy: PodManagementPolicy = PodManagementPolicy.ORDERED_READY
    #: Default ONE_AT_A_TIME; QUORUM (3 replicas or more) keeps a majority up during drains.
    disruption: DisruptionPolicy = DisruptionPolicy.ONE_AT_A_TIME
    #: Publish members in DNS before they are Ready. Default off; on when members find each other
    #: through the headless Service before they can be Ready (MongoDB replica-set initiation, a
    #: Kafka controller quorum).
    publish_not_ready_addresses: bool = False
    #: A ClusterIP Service ``<name>`` on the client port. Default on; off when clients address
    #: members only through the headless Service.
    client_service: bool = True
    #: Namespaces (applications) allowed to connect to the client port. Default none.
    allowed_peers: tuple[str, ...] = ()
    #: Non-secret settings, as environment variables from the ConfigMap ``<name>-config``.
    config: Mapping[str, str] = field(default_factory=dict)
    #: Writable scratch directories besides ``/tmp`` (the root filesystem is read-only), e.g. a
    #: config directory the image renders at start. Each is an emptyDir of at most 64Mi.
    writable_paths: tuple[str, ...] = ()
    #: UID and GID the container runs as. Default 10001: non-root; the volumes get it as fsGroup.
    run_as_user: int = 10001
    #: Seconds a member gets to flush and step down before it is killed. Default 60: twice an
    #: application's, data stores close files and hand over leadership.
    termination_grace_period_seconds: int = 60
    #: An autoscaler outside this stack (HPA, KEDA) owns ``replicas``: terraform sets the first
    #: count and then ignores it. Default off: a data store is scaled deliberately, by config.
    external_scaling: bool = False
    #: Commands velero runs around the snapshot; used when backups are on. Default none.
    backup_hooks: BackupHooks | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "config", frozen_mapping(self.config))
        for name in ("volumes", "peer_ports", "allowed_peers", "writable_paths"):
            object.__setattr__(self, name, frozen_tuple(getattr(self, name)))

    @property
    def port_names(self) -> tuple[str, ...]:
        """Names of the container's ports: client, the peer ports, and metrics when set."""
        names = (CLIENT_PORT_NAME, *(p.name for p in self.peer_ports))
        return (*names, METRICS_PORT_NAME) if self.metrics_port is not None else names

    @property
    def member_ports(self) -> tuple[int, ...]:
        """Ports members reach each other on: the client port and the peer ports."""
        return (self.port, *(p.port for p in self.peer_ports))

    @property
    def quorum(self) -> int:
        """A majority of the members."""
        return self.replicas // 2 + 1

    @property
    def headless_service_name(self) -> str:
        """``<name>-headless``: the Service that gives each member its stable DNS name."""
        return f"{self.name}-headless"

    @property
    def pod_dns_names(self) -> tuple[str, ...]:
        """The stable DNS name of each member, in ordinal order (the namespace is the workload's name),
        known before the stack exists: an application's config can name them."""
        domain = f"{self.headless_service_name}.{self.name}.svc.{CLUSTER_DOMAIN}"
        return tuple(f"{self.name}-{i}.{domain}" for i in range(self.replicas))

    @property
    def client_endpoint(self) -> str:
        """``host:port`` of the client Service, or of the first member without one."""
        if self.client_service:
            return f"{self.name}.{self.name}.svc.{CLUSTER_DOMAIN}:{self.port}"
        return f"{self.pod_dns_names[0]}:{self.port}"

    def validate(self, path: str) -> None:
        """Check the workload's own rules; raises ConfigError."""
        # Types first: a None or a string where a tuple belongs is named, not a TypeError further down.
        require_shape(path, self, StatefulWorkloadSpec)
        require_dns_label(f"{path}.name", self.name, max_length=40)
        require_image_tag(f"{path}.image_tag", self.image_tag, example="7.0.14")
        _require_port(f"{path}.port", self.port)
        require(
            bool(self.volumes),
            f"{path}.volumes",
            "must list at least one volume (a workload without state is an Application)",
            list(self.volumes),
            "add VolumeSpec(name='data', mount_path='/data', size='20Gi')",
        )
        for index, volume in enumerate(self.volumes):
            volume.validate(f"{path}.volumes[{index}]")
        require_unique(f"{path}.volumes", (v.name for v in self.volumes), "volume name")
        for index, peer_port in enumerate(self.peer_ports):
            peer_port.validate(f"{path}.peer_ports[{index}]")
        if self.metrics_port is not None:
            _require_port(f"{path}.metrics_port", self.metrics_port)
        require_unique(f"{path}.peer_ports", self.port_names, "port name")
        numbers = (*self.member_ports, *((self.metrics_port,) if self.metrics_port is not None else ()))
        require_unique(f"{path}.peer_ports", numbers, "port number (client, peer and metrics ports)")
        require_range(f"{path}.replicas", self.replicas, 1, 15, fix="choose 1 to 15 members (odd for a quorum)")
        self.resources.validate(f"{path}.resources")
        self.probes.validate(f"{path}.probes", port_names=self.port_names)
        for name, kind in (
            ("pod_management_policy", PodManagementPolicy),
            ("disruption", DisruptionPolicy),
        ):
            require(
                isinstance(getattr(self, name), kind),
                f"{path}.{name}",
                f"must be a {kind.__name__}",
                getattr(self, name),
                f"use one of {', '.join(f'{kind.__name__}.{m.name}' for m in kind)}",
            )
        require(
            self.disruption is not DisruptionPolicy.QUORUM or self.replicas >= 3,
            f"{path}.disruption",
            "QUORUM needs at least 3 replicas: with fewer, the budget allows no drain at all",
            self.replicas,
            "run 3 or more replicas, or use DisruptionPolicy.ONE_AT_A_TIME",
        )
        for index, peer in enumerate(self.allowed_peers):
            require_dns_label(f"{path}.allowed_peers[{index}]", peer, max_length=40)
            require(
                peer != self.name,
                f"{path}.allowed_peers[{index}]",
                "must name another namespace (members always reach each other)",
                peer,
                "remove the workload's own name",
            )
        require_unique(f"{path}.allowed_peers", self.allowed_peers, "peer")
        for key, value in self.config.items():
            require(
                isinstance(key, str) and _DATA_KEY.match(key) is not None and isinstance(value, str),
                f"{path}.config.{key}",
                "keys must be letters, digits, '-', '_' or '.', and values strings",
                key,
                "rename the key or quote the value",
            )
        mounts = [(TMP_MOUNT_PATH, f"{path}.writable_paths")]
        mounts += [(v.mount_path, f"{path}.volumes[{i}].mount_path") for i, v in enumerate(self.volumes)]
        for index, writable in enumerate(self.writable_paths):
            _require_absolute_path(f"{path}.writable_paths[{index}]", writable)
            mounts.append((writable, f"{path}.writable_paths[{index}]"))
        for index, (mount, where) in enumerate(mounts):
            for other, _ in mounts[:index]:
                require(
                    mount != other and not mount.startswith(f"{other}/") and not other.startswith(f"{mount}/"),
                    where,
                    "must not equal or contain another mount path (volumes, writable_paths and /tmp)",
                    mount,
                    f"move it away from {other!r}",
                )
        require_range(f"{path}.run_as_user", self.run_as_user, 1000, 2**31 - 1, fix="use a non-root UID such as 10001")
        require_range(f"{path}.termination_grace_period_seconds", self.termination_grace_period_seconds, 10, 3600)
        if self.backup_hooks is not None:
            self.backup_hooks.validate(f"{path}.backup_hooks")


def _require_port(path: str, value: int) -> None:
    require_range(path, value, 1024, 65535, fix="use an unprivileged port (the container drops all capabilities)")


def _require_port_name(path: str, value: str) -> None:
    require(
        isinstance(value, str) and _PORT_NAME.match(value) is not None,
        path,
        "must be an IANA service name: at most 15 lowercase letters, digits and single '-', with a letter",
        value,
        "use a name such as 'controller' or 'replication'",
    )
