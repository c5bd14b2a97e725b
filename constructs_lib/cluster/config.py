"""Typed configuration of the EKS tier: the cluster and its node-group matrix."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from constructs_lib.cluster.addon_versions import pinned_addon_version
from constructs_lib.cluster.instance_types import AmiType, InstanceNetworkLimits, resolve_ami_type
from constructs_lib.stage import Stage
from constructs_lib.validation import (
    DNS_LABEL,
    default_log_retention_days,
    frozen_mapping,
    frozen_tuple,
    is_rfc1918,
    require,
    require_cidr,
    require_dns_label,
    require_iam_arn,
    require_k8s_label,
    require_log_retention,
    require_range,
    require_security_group_id,
    require_shape,
    require_unique,
    validated_once,
)

__all__ = [
    "ALL_LOG_TYPES",
    "DEFAULT_KUBERNETES_VERSION",
    "DEFAULT_ROLLOUT_PERCENTAGE",
    "LARGE_GROUP_NODES",
    "MAX_NODE_GROUP_NAME_LENGTH",
    "MINUTES_PER_ROLLOUT_BATCH",
    "NODE_ROLE_LABEL",
    "OIDC_CLIENT_ID",
    "SUPPORTED_KUBERNETES_VERSIONS",
    "SYSTEM_NODE_LABELS",
    "SYSTEM_NODE_TAINT",
    "CapacityType",
    "ClusterConfig",
    "CniIdentity",
    "ControlPlaneLogType",
    "IdentityMode",
    "NodeGroupSpec",
    "NodeRole",
    "SupportType",
    "Taint",
    "TaintEffect",
    "node_group_name",
    "principal_slug",
    "require_node_group_name_fits",
    "system_node_group",
    "system_placement",
    "validate_node_groups",
]

#: Audience of the tokens EKS projects into pods for IRSA (the OIDC provider's client id). Defined
#: here, jsii-free, so the identity tier and the cluster tier import it without a cycle.
OIDC_CLIENT_ID = "sts.amazonaws.com"

#: EKS support windows (release, end of standard support, end of extended support), as published
#: by AWS; reviewed 2026-11-25. Versions whose extended support has ended (1.31 and older; the
#: seeds' 1.28 ended in 2025) are rejected. The table is static on purpose: synthesis must not
#: depend on the date it runs.
SUPPORTED_KUBERNETES_VERSIONS: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "1.32": ("2026-03-23", "2027-03-23"),
        "1.33": ("2026-07-29", "2027-07-29"),
        "1.34": ("2026-12-02", "2027-12-02"),
        "1.35": ("2027-03-27", "2028-03-27"),
    }
)

#: Default: 1.35, the newest version in standard support (until 2027-03-27) whose add-ons and
#: cluster-autoscaler image this library has been checked against. 1.32 to 1.34 are accepted but
#: are in, or weeks from, paid extended support.
DEFAULT_KUBERNETES_VERSION = "1.35"


class CapacityType(enum.Enum):
    """How a node group buys its EC2 capacity."""

    ON_DEMAND = "ON_DEMAND"
    SPOT = "SPOT"


class TaintEffect(enum.Enum):
    """Kubernetes taint effects, spelled as the EKS API expects them."""

    NO_SCHEDULE = "NO_SCHEDULE"
    NO_EXECUTE = "NO_EXECUTE"
    PREFER_NO_SCHEDULE = "PREFER_NO_SCHEDULE"


class ControlPlaneLogType(enum.Enum):
    """The five EKS control-plane log streams, spelled as the EKS API expects them."""

    API = "api"
    AUDIT = "audit"
    AUTHENTICATOR = "authenticator"
    CONTROLLER_MANAGER = "controllerManager"
    SCHEDULER = "scheduler"


#: Every control-plane log type, in the order EKS documents them; required in prod.
ALL_LOG_TYPES: tuple[ControlPlaneLogType, ...] = tuple(ControlPlaneLogType)

#: Outside prod: who called the API (api, audit) and who logged in (authenticator). The scheduler and
#: controller-manager streams are chatty and rarely read, and CloudWatch ingestion is billed per GB.
NON_PRODUCTION_LOG_TYPES: tuple[ControlPlaneLogType, ...] = (
    ControlPlaneLogType.API,
    ControlPlaneLogType.AUDIT,
    ControlPlaneLogType.AUTHENTICATOR,
)


#: ``v<major>.<minor>.<patch>-eksbuild.<n>``, the form of every EKS add-on version.
_ARN_PRINCIPAL = re.compile(r"^arn:[^:]+:iam::(\d{12}):(.+)$")
_ADDON_VERSION = re.compile(r"^v\d+\.\d+\.\d+-eksbuild\.\d+\Z", re.ASCII)


class CniIdentity(enum.Enum):
    """Which IAM identity the vpc-cni add-on (the ``aws-node`` daemonset) uses to manage ENIs and IPs.

    ``IRSA``: a dedicated role assumed through the cluster's OIDC provider by
    ``kube-system/aws-node`` only; the node role does not get ``AmazonEKS_CNI_Policy``.
    ``NODE_ROLE``: the node instance role carries ``AmazonEKS_CNI_Policy`` (simplest; every process
    that can reach the node's credentials can also rewire the node's network interfaces).

    There is no Pod Identity choice on purpose. AWS documents that the VPC CNI supports EKS Pod
    Identity, but then ``aws-node`` gets its credentials from the Pod Identity agent daemonset on the
    same node: a new node's pod networking (and so its Ready state) waits on a second daemonset, and a
    missing or broken agent leaves every new node without networking (aws/amazon-vpc-cni-k8s#3840).
    IRSA depends only on STS and the OIDC provider, which exist before the first node.
    """

    IRSA = "IRSA"
    NODE_ROLE = "NODE_ROLE"


class IdentityMode(enum.Enum):
    """How the platform's Helm add-ons and applications that call AWS get their IAM role.

    ``POD_IDENTITY``: an EKS Pod Identity association per service account (the
    ``eks-pod-identity-agent`` add-on hands out the credentials); the role trusts
    ``pods.eks.amazonaws.com`` with session-tag conditions naming the cluster, namespace and service
    account; the service account carries no annotation. ``IRSA``: the role trusts the cluster's OIDC
    provider for ``system:serviceaccount:<ns>:<sa>`` and the service account carries the
    ``eks.amazonaws.com/role-arn`` annotation. Either way the role is ``<prefix>-<name>``, one per
    service account, with the same permissions. (The vpc-cni add-on has its own choice,
    :class:`CniIdentity`; the EBS CSI driver always uses Pod Identity through its managed add-on.)
    """

    POD_IDENTITY = "POD_IDENTITY"
    IRSA = "IRSA"


@dataclass(frozen=True, kw_only=True)
class Taint:
    """A node taint applied by the node group."""

    #: Kubernetes qualified name (optional DNS prefix and '/'), at most 63 characters; not under
    #: kubernetes.io or k8s.io.
    key: str
    #: Empty, or at most 63 letters, digits, '-', '_' and '.'.
    value: str
    #: Default NO_SCHEDULE: pods without a matching toleration are not scheduled on the nodes.
    effect: TaintEffect = TaintEffect.NO_SCHEDULE

    @property
    def kubernetes_effect(self) -> str:
        """The effect as Kubernetes spells it (``NoSchedule``), for taints written as Kubernetes objects."""
        return _TAINT_EFFECT_NAMES[self.effect]


class NodeRole(enum.Enum):
    """What a node group is for; SYSTEM implies the label and taint below."""

    #: Ordinary workloads (applications, most Helm charts). Labels and taints are the group's own.
    WORKLOAD = "WORKLOAD"
    #: Cluster-critical add-ons only: the group gets :data:`SYSTEM_NODE_LABELS` and
    #: :data:`SYSTEM_NODE_TAINT`, and coredns and the EBS CSI controller are pinned to it. At most one
    #: group has this role, and it is never SPOT (a reclaimed node would take cluster DNS with it).
    SYSTEM = "SYSTEM"


#: The label key every group's role is published under (``node-role=system``, ``node-role=application``).
NODE_ROLE_LABEL = "node-role"
#: Labels of the SYSTEM group: what system add-ons select with their nodeSelector.
SYSTEM_NODE_LABELS: Mapping[str, str] = MappingProxyType({NODE_ROLE_LABEL: "system"})
#: Taint of the SYSTEM group. ``CriticalAddonsOnly`` is the key cluster add-ons (coredns, the EBS CSI
#: controller, metrics-server) already tolerate upstream; application pods do not, so they never
#: crowd the group out.
SYSTEM_NODE_TAINT = Taint(key="CriticalAddonsOnly", value="true", effect=TaintEffect.NO_SCHEDULE)

_TAINT_EFFECT_NAMES = {
    TaintEffect.NO_SCHEDULE: "NoSchedule",
    TaintEffect.NO_EXECUTE: "NoExecute",
    TaintEffect.PREFER_NO_SCHEDULE: "PreferNoSchedule",
}


class SupportType(enum.Enum):
    """EKS upgrade policy: what happens when a Kubernetes version leaves standard support."""

    #: EKS upgrades the control plane when standard support ends; never billed extended-support rates.
    STANDARD = "STANDARD"
    #: The version stays on extended support (billed per cluster hour at the extended rate) until
    #: you upgrade it, so no upgrade is ever forced on the cluster.
    EXTENDED = "EXTENDED"


#: An EC2 instance type: ``family.size`` in lowercase ASCII.
_NODE_INSTANCE_TYPE = re.compile(r"^[a-z][a-z0-9-]*\.[a-z0-9]+\Z", re.ASCII)


#: Groups that can grow to this many nodes or more roll by percentage (:data:`DEFAULT_ROLLOUT_PERCENTAGE`).
LARGE_GROUP_NODES = 10
#: Share of a large group replaced at once by default.
DEFAULT_ROLLOUT_PERCENTAGE = 20
#: Minutes one batch of a rolling update may take: EKS drains a node for up to 15 minutes before it
#: gives up on a pod that will not leave (a PodDisruptionBudget), and a new node takes a few to join.
MINUTES_PER_ROLLOUT_BATCH = 20


@dataclass(frozen=True, kw_only=True)
class NodeGroupSpec:
    """One row of the node-group matrix."""

    #: DNS-safe, unique within the cluster; part of the node group's AWS name.
    name: str
    #: Instance types, first one preferred; more than one only makes sense for SPOT.
    instance_types: tuple[str, ...]
    #: Fewest nodes (0-1000); the cluster autoscaler never goes below it.
    min_size: int
    #: Nodes at creation, within [min_size, max_size]; the cluster autoscaler owns it afterwards.
    desired_size: int
    #: Most nodes (1-1000); the cluster autoscaler never goes above it.
    max_size: int
    #: Default ON_DEMAND: SPOT is cheaper but is reclaimed with two minutes' notice.
    capacity_type: CapacityType = CapacityType.ON_DEMAND
    #: Root volume in GiB (gp3, encrypted). Default 50: images for a busy node exceed the AMI's 20.
    disk_size_gib: int = 50
    #: Kubernetes labels of the nodes; keys under kubernetes.io and k8s.io only below
    #: node.kubernetes.io/ and kubelet.kubernetes.io/. Default none.
    labels: Mapping[str, str] = field(default_factory=dict)
    #: Node taints; pods need a matching toleration. Default none.
    taints: tuple[Taint, ...] = ()
    #: Nodes replaced at once during an update. Default None: 1 for groups smaller than
    #: :data:`LARGE_GROUP_NODES` nodes (slow, never drops capacity by more), else the percentage below.
    max_unavailable: int | None = None
    #: Share of the group replaced at once during an update, 1-100. Default None: 20 % for groups that
    #: can grow to :data:`LARGE_GROUP_NODES` nodes or more, so 50 nodes roll in 5 batches instead of 50 (an
    #: update of one node at a time would outlast any timeout). Supply at most one of the two.
    max_unavailable_percentage: int | None = None
    #: IMDS hop limit 2 lets pods reach the node's instance role: only for groups that need it.
    imds_hop_limit_two: bool = False
    #: The AMI the nodes run. Default None: derived from the instance types (ARM for Graviton, NVIDIA
    #: for NVIDIA GPU families, x86_64 STANDARD otherwise), so a Graviton or GPU group gets an AMI
    #: that boots and uses its hardware; a given type must run on every instance type of the group.
    ami_type: AmiType | None = None
    #: ENI limits the IP capacity check uses for every instance type of this group instead of the
    #: network tier's table (give the largest type's). Default None: the table; a type it lacks is
    #: refused until this is set, because an unknown type's pod IPs cannot be counted.
    network_limits: InstanceNetworkLimits | None = None
    #: What the group is for. Default WORKLOAD. SYSTEM adds :data:`SYSTEM_NODE_LABELS` to ``labels``
    #: and :data:`SYSTEM_NODE_TAINT` to ``taints`` (do not repeat them), so the taint that keeps
    #: applications off the group and the selector that pins system add-ons to it have one source.
    role: NodeRole = NodeRole.WORKLOAD

    def __post_init__(self) -> None:
        labels = dict(self.labels) if isinstance(self.labels, Mapping) else self.labels
        taints = tuple(self.taints) if isinstance(self.taints, (tuple, list)) else self.taints
        if self.role is NodeRole.SYSTEM and isinstance(labels, dict) and isinstance(taints, tuple):
            labels = {**labels, **{k: v for k, v in SYSTEM_NODE_LABELS.items() if k not in labels}}
            if not any(isinstance(t, Taint) and t.key == SYSTEM_NODE_TAINT.key for t in taints):
                taints = (*taints, SYSTEM_NODE_TAINT)
        object.__setattr__(self, "labels", frozen_mapping(labels))
        object.__setattr__(self, "instance_types", frozen_tuple(self.instance_types))
        object.__setattr__(self, "taints", frozen_tuple(taints))

    def resolved_rollout(self) -> tuple[int | None, int | None]:
        """``(max_unavailable, max_unavailable_percentage)`` of the update config: exactly one is set."""
        if self.max_unavailable is not None or self.max_unavailable_percentage is not None:
            return self.max_unavailable, self.max_unavailable_percentage
        if self.max_size >= LARGE_GROUP_NODES:
            return None, DEFAULT_ROLLOUT_PERCENTAGE
        return 1, None

    def update_timeout_minutes(self) -> int:
        """How long terraform waits for an update: :data:`MINUTES_PER_ROLLOUT_BATCH` per batch of the
        group at its largest, plus one batch of slack, and never less than the provider's 60 minutes."""
        count, percentage = self.resolved_rollout()
        batch = count if count is not None else max(1, self.max_size * (percentage or 100) // 100)
        batches = -(-self.max_size // batch)
        return max(60, (batches + 1) * MINUTES_PER_ROLLOUT_BATCH)

    @validated_once
    def validate(self, path: str) -> None:
        """Check this row on its own; raises ConfigError."""
        require_shape(path, self, NodeGroupSpec)
        require_dns_label(f"{path}.name", self.name, max_length=32)
        require(
            len(self.instance_types) > 0,
            f"{path}.instance_types",
            "must list at least one EC2 instance type",
            list(self.instance_types),
            "list an instance type such as 'm5.large'",
        )
        for index, instance_type in enumerate(self.instance_types):
            require(
                isinstance(instance_type, str) and _NODE_INSTANCE_TYPE.match(instance_type) is not None,
                f"{path}.instance_types[{index}]",
                "must be an EC2 instance type of the form family.size",
                instance_type,
                "use a type such as 'm5.large'",
            )
        require_unique(f"{path}.instance_types", self.instance_types, "instance type")
        require_range(f"{path}.min_size", self.min_size, 0, 1000)
        require_range(f"{path}.max_size", self.max_size, 1, 1000)
        require_range(f"{path}.desired_size", self.desired_size, 0, 1000)
        require(
            self.min_size <= self.max_size,
            f"{path}.min_size",
            f"must not exceed max_size ({self.max_size})",
            self.min_size,
            "lower min_size or raise max_size",
        )
        require(
            self.min_size <= self.desired_size <= self.max_size,
            f"{path}.desired_size",
            f"must lie between min_size ({self.min_size}) and max_size ({self.max_size})",
            self.desired_size,
            "set desired_size within [min_size, max_size]",
        )
        require(
            isinstance(self.capacity_type, CapacityType),
            f"{path}.capacity_type",
            "must be ON_DEMAND or SPOT",
            self.capacity_type,
            "use CapacityType.ON_DEMAND or CapacityType.SPOT",
        )
        require_range(f"{path}.disk_size_gib", self.disk_size_gib, 20, 16384)
        if self.max_unavailable is not None:
            require_range(f"{path}.max_unavailable", self.max_unavailable, 1, 100)
        if self.max_unavailable_percentage is not None:
            require_range(f"{path}.max_unavailable_percentage", self.max_unavailable_percentage, 1, 100)
        require(
            self.max_unavailable is None or self.max_unavailable_percentage is None,
            f"{path}.max_unavailable_percentage",
            "supply at most one of `max_unavailable` or `max_unavailable_percentage`",
            self.max_unavailable_percentage,
            "keep the count for small groups or the percentage for large ones",
        )
        for key, value in self.labels.items():
            require_k8s_label(f"{path}.labels.{key}", key, value)
        for index, taint in enumerate(self.taints):
            require(
                isinstance(taint.effect, TaintEffect),
                f"{path}.taints[{index}].effect",
                "must be one of NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE",
                taint.effect,
                "use TaintEffect.NO_SCHEDULE",
            )
            require_k8s_label(
                f"{path}.taints[{index}].key",
                taint.key,
                taint.value,
                taint=True,
                value_path=f"{path}.taints[{index}].value",
            )
        resolve_ami_type(path, self.instance_types, self.ami_type)
        if self.network_limits is not None:
            require(
                isinstance(self.network_limits, InstanceNetworkLimits),
                f"{path}.network_limits",
                "must be an InstanceNetworkLimits",
                self.network_limits,
                "use InstanceNetworkLimits(max_enis=..., ipv4_per_eni=..., vcpus=...)",
            )
            self.network_limits.validate(f"{path}.network_limits")
        require_unique(f"{path}.taints", ((t.key, t.effect) for t in self.taints), "taint (key, effect)")
        self._validate_role(path)

    def _validate_role(self, path: str) -> None:
        system_label = SYSTEM_NODE_LABELS[NODE_ROLE_LABEL]
        if self.role is NodeRole.SYSTEM:
            require(
                self.capacity_type is CapacityType.ON_DEMAND,
                f"{path}.capacity_type",
                "must be ON_DEMAND for the SYSTEM group: a Spot reclaim would take coredns and the storage "
                "controller with it",
                self.capacity_type,
                "use CapacityType.ON_DEMAND (run Spot in a WORKLOAD group)",
            )
            require(
                self.labels.get(NODE_ROLE_LABEL) == system_label,
                f"{path}.labels.{NODE_ROLE_LABEL}",
                f"must be {system_label!r} on the SYSTEM group (system add-ons select it)",
                self.labels.get(NODE_ROLE_LABEL),
                f"remove the {NODE_ROLE_LABEL} label: role=NodeRole.SYSTEM sets it",
            )
            system_taints = [t for t in self.taints if t.key == SYSTEM_NODE_TAINT.key]
            require(
                system_taints == [SYSTEM_NODE_TAINT],
                f"{path}.taints",
                f"must carry {SYSTEM_NODE_TAINT.key}={SYSTEM_NODE_TAINT.value}:NoSchedule unchanged on the SYSTEM "
                "group (system add-ons tolerate exactly that)",
                [f"{t.key}={t.value}:{t.effect.value}" for t in system_taints],
                f"remove the {SYSTEM_NODE_TAINT.key} taint: role=NodeRole.SYSTEM sets it",
            )
        else:
            require(
                self.labels.get(NODE_ROLE_LABEL) != system_label,
                f"{path}.labels.{NODE_ROLE_LABEL}",
                "marks the group as the system group, which only role=NodeRole.SYSTEM may do",
                system_label,
                "set role=NodeRole.SYSTEM instead of the label, or give the group another node-role",
            )
            require(
                all(t.key != SYSTEM_NODE_TAINT.key for t in self.taints),
                f"{path}.taints",
                f"must not carry the system taint {SYSTEM_NODE_TAINT.key}: only role=NodeRole.SYSTEM sets it",
                [t.key for t in self.taints],
                "set role=NodeRole.SYSTEM instead of the taint",
            )


@dataclass(frozen=True, kw_only=True)
class ClusterConfig:
    """The EKS control plane of one environment."""

    #: Kubernetes minor version; see :data:`SUPPORTED_KUBERNETES_VERSIONS`.
    version: str = DEFAULT_KUBERNETES_VERSION
    #: Public API endpoint. Default off: reach the API from the VPC (bastion, VPN, CI runners).
    endpoint_public_access: bool = False
    #: CIDRs allowed on the public endpoint when it is on; 0.0.0.0/0 is rejected in prod.
    public_access_cidrs: tuple[str, ...] = ()
    #: IAM roles or users granted cluster-admin through EKS access entries. They must not include the
    #: identity that runs terraform when ``deployer_admin_access`` is on (EKS refuses a second access
    #: entry for the same principal).
    admin_principal_arns: tuple[str, ...] = ()
    #: Grant the identity that runs terraform cluster-admin at creation. Default off: admins are
    #: explicit access entries, so nobody keeps admin because they happened to create the cluster.
    #: EKS reads it only at creation: changing it later replaces the cluster.
    bootstrap_creator_admin: bool = False
    #: An access entry with cluster-admin for the IAM role (or user) that runs terraform, read at plan
    #: time from ``aws_caller_identity`` / ``aws_iam_session_context``. Default on: the same apply
    #: installs Helm charts and Kubernetes objects with that identity. Unlike
    #: ``bootstrap_creator_admin`` it is a visible, revocable terraform resource; the two are exclusive.
    deployer_admin_access: bool = True
    #: Control-plane log streams. Default: all five in prod (required there), api/audit/authenticator
    #: elsewhere (the other two are noisy and billed per GB ingested).
    log_types: tuple[ControlPlaneLogType, ...] | None = None
    #: Days CloudWatch keeps control-plane logs. Default 365 in prod (at least 365 required), 30 elsewhere.
    log_retention_days: int | None = None
    #: Identity of the vpc-cni add-on. Default IRSA: least privilege, as AWS recommends; the node
    #: role then keeps only the worker and ECR policies.
    cni_identity: CniIdentity = CniIdentity.IRSA
    #: How Helm add-ons and applications that call AWS get their roles. Default POD_IDENTITY: what
    #: current EKS recommends; the trust names the cluster, namespace and service account through
    #: session tags, nothing on the service account can point a pod at another role, and the role
    #: needs no per-cluster OIDC trust. IRSA stays available for clusters without the agent's reach.
    workload_identity: IdentityMode = IdentityMode.POD_IDENTITY
    #: Add-on name -> pinned version (``v1.20.4-eksbuild.1``). Default: none pinned; an unpinned
    #: add-on gets the most recent version EKS publishes for the cluster's Kubernetes version
    #: (``data aws_eks_addon_version``), read at plan time, so a new release shows up as an in-place
    #: update in the next plan. Pin versions where plans must only change when the code does.
    addon_versions: Mapping[str, str] = field(default_factory=dict)
    #: CIDRs allowed to the private API endpoint on 443: a deploy runner's subnet inside the VPC, or an
    #: operator network reached through a VPN, peering or a transit gateway (private ranges only).
    #: Default none. With ``public_access_cidrs`` and ``private_access_security_group_ids`` this is how
    #: the machine that runs terraform reaches the API; an environment must declare at least one.
    private_access_cidrs: tuple[str, ...] = ()
    #: Security groups in the VPC (a CI runner's) allowed to the private API endpoint on 443. Default none.
    private_access_security_group_ids: tuple[str, ...] = ()
    #: The IAM role (or user) that runs terraform, e.g. the CI role. It gets the deployer access entry,
    #: and an apply run by any other identity fails a precondition before anything changes, so cluster
    #: admin never moves with whoever ran the last apply. Default None: the caller of each apply (dev
    #: sandboxes only; staging and prod require a fixed deployer).
    deployer_principal_arn: str | None = None
    #: Install managed add-ons at fixed versions (``addon_versions``, else the table in
    #: :mod:`constructs_lib.cluster.addon_versions`), so a plan never picks up a new release on its own.
    #: Default None: on in prod, off elsewhere (dev and staging follow the newest build for the minor).
    pin_addon_versions: bool | None = None
    #: What happens when the Kubernetes version leaves standard support. Default None: EXTENDED in
    #: prod (an upgrade is never forced on it; extended support is billed at a higher hourly rate
    #: while it lasts), STANDARD elsewhere (never pay the extended rate; EKS upgrades the cluster).
    support_type: SupportType | None = None
    #: ARC zonal shift on the cluster: an operator (or zonal autoshift) can move traffic away from an
    #: impaired availability zone. Default None: on in prod (three AZs, a zone can be drained), off
    #: elsewhere (two AZs with one NAT gateway, nothing to shift to). No charge of its own.
    zonal_shift: bool | None = None
    #: The ``amazon-cloudwatch-observability`` managed add-on (CloudWatch agent and Fluent Bit) with
    #: its own Pod Identity role (``CloudWatchAgentServerPolicy``): Container Insights metrics and
    #: container logs leave the cluster, reaching CloudWatch through the network tier's logs VPC
    #: endpoint. Default None: on in staging and prod, off in dev sandboxes
    #: (the DEV stage). Cost: Container Insights with enhanced observability bills
    #: per observation, and container logs per GB ingested and stored.
    cloudwatch_observability: bool | None = None

    def __post_init__(self) -> None:
        for name in (
            "public_access_cidrs",
            "admin_principal_arns",
            "private_access_cidrs",
            "private_access_security_group_ids",
            "log_types",
        ):
            object.__setattr__(self, name, frozen_tuple(getattr(self, name)))
        object.__setattr__(self, "addon_versions", frozen_mapping(self.addon_versions))

    def resolved_log_types(self, *, stage: Stage) -> tuple[ControlPlaneLogType, ...]:
        """The log types to enable: the configured ones in EKS's order, or the stage's default."""
        if self.log_types is None:
            return ALL_LOG_TYPES if stage is Stage.PROD else NON_PRODUCTION_LOG_TYPES
        return tuple(log_type for log_type in ALL_LOG_TYPES if log_type in self.log_types)

    @property
    def declares_deploy_access(self) -> bool:
        """True when the config names a way for the deploy runner to reach the API server."""
        return bool(self.public_access_cidrs or self.private_access_cidrs or self.private_access_security_group_ids)

    def resolved_pin_addon_versions(self, *, stage: Stage) -> bool:
        """Whether managed add-ons are pinned: the configured choice, or the stage's default (prod pins)."""
        return stage is Stage.PROD if self.pin_addon_versions is None else self.pin_addon_versions

    def addon_version(self, name: str, *, stage: Stage) -> str | None:
        """The version add-on ``name`` is installed at: the configured pin, else the table's when pinned,
        else None (the newest build for the minor, read at plan time)."""
        if name in self.addon_versions:
            return self.addon_versions[name]
        if self.resolved_pin_addon_versions(stage=stage):
            return pinned_addon_version(self.version, name)
        return None

    def require_pinned_addons(self, path: str, names: Sequence[str], *, stage: Stage) -> None:
        """A pinned cluster has a version for every add-on in ``names``; raises ConfigError."""
        if not self.resolved_pin_addon_versions(stage=stage):
            return
        for name in names:
            require(
                self.addon_version(name, stage=stage) is not None,
                f"{path}.addon_versions.{name}",
                f"must be pinned: add-on versions are pinned here and the table has no {name} version "
                f"for Kubernetes {self.version}",
                None,
                f"set addon_versions['{name}'] from `aws eks describe-addon-versions --addon-name {name} "
                f"--kubernetes-version {self.version}`",
            )

    def resolved_support_type(self, *, extended_support: bool) -> SupportType:
        """The configured upgrade policy, or the environment's ``Protections.extended_support``
        (EXTENDED when it is on: prod's default)."""
        if self.support_type is not None:
            return self.support_type
        return SupportType.EXTENDED if extended_support else SupportType.STANDARD

    def resolved_zonal_shift(self, *, stage: Stage) -> bool:
        """The configured zonal-shift choice, or the stage's default (on in prod)."""
        return stage is Stage.PROD if self.zonal_shift is None else self.zonal_shift

    def resolved_cloudwatch_observability(self, *, sandbox: bool) -> bool:
        """The configured choice, or the stage's default (off in dev sandboxes, on elsewhere)."""
        return not sandbox if self.cloudwatch_observability is None else self.cloudwatch_observability

    def resolved_log_retention_days(self, *, stage: Stage) -> int:
        """The configured retention, or the stage's default."""
        if self.log_retention_days is not None:
            return self.log_retention_days
        return default_log_retention_days(stage)

    @validated_once
    def validate(self, path: str, *, stage: Stage) -> None:
        """Check the cluster's own rules; raises ConfigError."""
        require_shape(path, self, ClusterConfig)
        supported = ", ".join(SUPPORTED_KUBERNETES_VERSIONS)
        require(
            self.version in SUPPORTED_KUBERNETES_VERSIONS,
            f"{path}.version",
            f"must be a Kubernetes version EKS still supports ({supported}); 1.31 and older are past "
            "the end of extended support",
            self.version,
            f"use {DEFAULT_KUBERNETES_VERSION!r}",
        )
        for index, cidr in enumerate(self.public_access_cidrs):
            require_cidr(f"{path}.public_access_cidrs[{index}]", cidr, allow_any=stage is not Stage.PROD)
        require(
            self.endpoint_public_access or not self.public_access_cidrs,
            f"{path}.public_access_cidrs",
            "only applies when endpoint_public_access is on",
            list(self.public_access_cidrs),
            "set endpoint_public_access=True or remove public_access_cidrs",
        )
        require(
            not (self.endpoint_public_access and not self.public_access_cidrs),
            f"{path}.public_access_cidrs",
            "must list the CIDRs allowed on the public endpoint (an empty list would mean 0.0.0.0/0)",
            list(self.public_access_cidrs),
            "list your office/VPN/CI egress CIDRs, or turn endpoint_public_access off",
        )
        for index, arn in enumerate(self.admin_principal_arns):
            require_iam_arn(f"{path}.admin_principal_arns[{index}]", arn)
            require(
                ":role/" in arn or ":user/" in arn,
                f"{path}.admin_principal_arns[{index}]",
                "must be an IAM role or user ARN (EKS access entries accept no session or account-root ARNs)",
                arn,
                "use the role behind the session, e.g. 'arn:aws:iam::123456789012:role/platform-admin'",
            )
        require_unique(f"{path}.admin_principal_arns", self.admin_principal_arns, "admin principal")
        # Each admin becomes the access entry `admin-<slug>`: two ARNs must not share a slug
        # (`role/a-b` and `role/a/b` would).
        seen: dict[str, str] = {}
        for arn in self.admin_principal_arns:
            slug = principal_slug(arn)
            require(
                slug not in seen,
                f"{path}.admin_principal_arns",
                f"names the same terraform address as {seen.get(slug)!r} (admin-{slug})",
                arn,
                "list each principal once; rename one of the roles if they differ only in '/' versus '-'",
            )
            seen[slug] = arn
        require(
            not (self.bootstrap_creator_admin and self.deployer_admin_access),
            f"{path}.bootstrap_creator_admin",
            "supply at most one of `bootstrap_creator_admin` or `deployer_admin_access`: both grant the "
            "terraform identity admin, and EKS refuses the second access entry",
            True,
            "keep deployer_admin_access (a visible, revocable access entry) and drop bootstrap_creator_admin",
        )
        self._validate_logs(path, stage=stage)
        self._validate_deploy_access(path)
        require(
            isinstance(self.cni_identity, CniIdentity),
            f"{path}.cni_identity",
            "must be IRSA or NODE_ROLE",
            self.cni_identity,
            "use CniIdentity.IRSA",
        )
        for name, version in self.addon_versions.items():
            require(
                isinstance(name, str) and DNS_LABEL.match(name) is not None,
                f"{path}.addon_versions",
                "add-on names must be EKS add-on names such as 'vpc-cni' or 'coredns'",
                name,
                "use the add-on's EKS name",
            )
            require(
                isinstance(version, str) and _ADDON_VERSION.match(version) is not None,
                f"{path}.addon_versions.{name}",
                "must be an EKS add-on version of the form v<major>.<minor>.<patch>-eksbuild.<n>",
                version,
                "copy it from `aws eks describe-addon-versions --addon-name <name>`, e.g. 'v1.19.0-eksbuild.1'",
            )

    def _validate_deploy_access(self, path: str) -> None:
        """The runner's way to the API server, and the identity it deploys as."""
        for index, cidr in enumerate(self.private_access_cidrs):
            network = require_cidr(f"{path}.private_access_cidrs[{index}]", cidr, allow_any=False)
            require(
                is_rfc1918(network),
                f"{path}.private_access_cidrs[{index}]",
                "must be an RFC 1918 private range (the private endpoint is only reachable from the VPC and networks "
                "connected to it)",
                cidr,
                "use the runner subnet's or VPN's private CIDR, or list a public runner in public_access_cidrs",
            )
        require_unique(f"{path}.private_access_cidrs", self.private_access_cidrs, "CIDR")
        for index, group in enumerate(self.private_access_security_group_ids):
            require_security_group_id(
                f"{path}.private_access_security_group_ids[{index}]",
                group,
                fix="use the CI runner's security group id in the cluster's VPC, e.g. 'sg-0a1b2c3d4e5f67890'",
            )
        require_unique(
            f"{path}.private_access_security_group_ids", self.private_access_security_group_ids, "security group"
        )
        if self.deployer_principal_arn is not None:
            arn = self.deployer_principal_arn
            require_iam_arn(f"{path}.deployer_principal_arn", arn)
            require(
                ":role/" in arn or ":user/" in arn,
                f"{path}.deployer_principal_arn",
                "must be an IAM role or user ARN (EKS access entries accept no session or account-root ARNs)",
                arn,
                "use the role terraform runs as, e.g. 'arn:aws:iam::123456789012:role/ci-deployer'",
            )
            require(
                self.deployer_admin_access,
                f"{path}.deployer_principal_arn",
                "only applies when deployer_admin_access is on (it names who gets the deployer's access entry)",
                arn,
                "set deployer_admin_access=True or remove deployer_principal_arn",
            )
            require(
                arn not in self.admin_principal_arns,
                f"{path}.deployer_principal_arn",
                "must not also be listed in admin_principal_arns (EKS refuses a second access entry for it)",
                arn,
                "remove it from admin_principal_arns: the deployer entry already grants cluster-admin",
            )

    def _validate_logs(self, path: str, *, stage: Stage) -> None:
        if self.log_types is not None:
            for index, log_type in enumerate(self.log_types):
                require(
                    isinstance(log_type, ControlPlaneLogType),
                    f"{path}.log_types[{index}]",
                    "must be one of api, audit, authenticator, controllerManager, scheduler",
                    log_type,
                    "use a ControlPlaneLogType member such as ControlPlaneLogType.AUDIT",
                )
            require_unique(f"{path}.log_types", self.log_types, "log type")
            missing = [t.value for t in ALL_LOG_TYPES if t not in self.log_types]
            require(
                not (stage is Stage.PROD and missing),
                f"{path}.log_types",
                f"must enable all five control-plane log types in prod (missing {', '.join(missing)})",
                [t.value for t in self.log_types],
                "remove log_types to use the default, which enables all five in prod",
            )
        if self.log_retention_days is not None:
            require_log_retention(f"{path}.log_retention_days", self.log_retention_days, stage=stage)


#: AWS limit on a managed node group's name, which is ``<cluster name>-<group name>``.
MAX_NODE_GROUP_NAME_LENGTH = 63


def principal_slug(arn: str) -> str:
    """A construct id from an IAM ARN: ``<account>-role-<path-and-name>`` in ``[a-z0-9-]``."""
    match = _ARN_PRINCIPAL.match(arn)
    account, resource = match.groups() if match else ("", arn)
    return re.sub(r"[^a-z0-9]+", "-", f"{account}-{resource}".lower()).strip("-")


def node_group_name(cluster_name: str, group_name: str) -> str:
    """The AWS name of a node group (and of its launch template): ``<cluster>-<group>``."""
    return f"{cluster_name}-{group_name}"


def require_node_group_name_fits(path: str, cluster_name: str, group_name: str) -> str:
    """``<cluster>-<group>`` fits the 63 characters EKS allows; returns that name."""
    name = node_group_name(cluster_name, group_name)
    require(
        len(name) <= MAX_NODE_GROUP_NAME_LENGTH,
        path,
        f"makes the node group name '<cluster>-<group>' longer than {MAX_NODE_GROUP_NAME_LENGTH} characters",
        name,
        "shorten the group name or the project/environment name",
    )
    return name


def validate_node_groups(path: str, groups: Sequence[NodeGroupSpec], *, cluster_name: str | None = None) -> None:
    """Rules across the node-group matrix; ``path`` is the matrix's path (``prod.node_groups``).

    Each row is checked, names are unique, and at least one group has no NoSchedule/NoExecute taint,
    so workloads that tolerate nothing (applications, most Helm charts) have somewhere to run. With
    ``cluster_name`` (the environment prefix) each ``<cluster>-<group>`` name must also fit 63 characters.
    """
    require(
        len(groups) > 0,
        path,
        "must define at least one node group",
        [],
        "add a NodeGroupSpec such as NodeGroupSpec('system', ('m5.large',), 2, 2, 4)",
    )
    for index, group in enumerate(groups):
        group.validate(f"{path}[{index}]")
        if cluster_name is not None:
            require_node_group_name_fits(f"{path}[{index}].name", cluster_name, group.name)
    require_unique(path, (g.name for g in groups), "node group name")
    systems = [g.name for g in groups if g.role is NodeRole.SYSTEM]
    require(
        len(systems) <= 1,
        path,
        "must have at most one node group with role SYSTEM (system add-ons are pinned to exactly one)",
        systems,
        "keep one SYSTEM group and make the others NodeRole.WORKLOAD",
    )
    hard = (TaintEffect.NO_SCHEDULE, TaintEffect.NO_EXECUTE)
    require(
        any(all(t.effect not in hard for t in g.taints) for g in groups),
        path,
        "needs at least one node group without NO_SCHEDULE or NO_EXECUTE taints, or ordinary pods cannot run",
        [g.name for g in groups],
        "remove the taints from one group, e.g. the application group",
    )


def system_node_group(groups: Sequence[NodeGroupSpec]) -> NodeGroupSpec | None:
    """The matrix's SYSTEM group (validated: at most one), or None when it has none."""
    return next((g for g in groups if g.role is NodeRole.SYSTEM), None)


def system_placement() -> dict[str, object]:
    """``nodeSelector`` and ``tolerations`` that put a pod on the SYSTEM group and nowhere else.

    The same two keys exist in the published configuration schemas of the coredns add-on (top
    level) and of the EBS CSI driver add-on (under ``controller``); see
    :data:`constructs_lib.cluster.eks_cluster.SYSTEM_PLACEMENT_PATHS`. A nodeSelector (not only a
    toleration) is what keeps the pods off application and Spot nodes.
    """
    taint = SYSTEM_NODE_TAINT
    return {
        "nodeSelector": dict(SYSTEM_NODE_LABELS),
        "tolerations": [
            {"key": taint.key, "operator": "Equal", "value": taint.value, "effect": _TAINT_EFFECT_NAMES[taint.effect]}
        ],
    }
