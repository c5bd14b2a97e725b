"""An application's namespace: Pod Security Standards, default-deny network policies, quota and limits."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_kubernetes.limit_range_v1 import (
    LimitRangeV1,
    LimitRangeV1Metadata,
    LimitRangeV1Spec,
    LimitRangeV1SpecLimit,
)
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1, NamespaceV1Metadata
from cdktf_cdktf_provider_kubernetes.network_policy_v1 import (
    NetworkPolicyV1,
    NetworkPolicyV1Metadata,
    NetworkPolicyV1Spec,
    NetworkPolicyV1SpecEgress,
    NetworkPolicyV1SpecEgressPorts,
    NetworkPolicyV1SpecEgressTo,
    NetworkPolicyV1SpecEgressToIpBlock,
    NetworkPolicyV1SpecEgressToNamespaceSelector,
    NetworkPolicyV1SpecEgressToPodSelector,
    NetworkPolicyV1SpecIngress,
    NetworkPolicyV1SpecIngressFrom,
    NetworkPolicyV1SpecIngressFromIpBlock,
    NetworkPolicyV1SpecIngressFromNamespaceSelector,
    NetworkPolicyV1SpecIngressPorts,
    NetworkPolicyV1SpecPodSelector,
)
from cdktf_cdktf_provider_kubernetes.resource_quota_v1 import (
    ResourceQuotaV1,
    ResourceQuotaV1Metadata,
    ResourceQuotaV1Spec,
)
from constructs import Construct

from constructs_lib.platform.addons import pod_security_labels
from constructs_lib.platform.catalog import PodSecurityLevel
from constructs_lib.platform.config import ResourceQuotaSpec, require_cpu, require_memory
from constructs_lib.validation import require, require_cidr, require_dns_label, require_range, require_unique

__all__ = [
    "IMDS_CIDR",
    "POD_IDENTITY_AGENT_CIDRS",
    "POD_IDENTITY_AGENT_PORT",
    "ApplicationNamespace",
    "ApplicationNamespaceProps",
    "LimitRangeSpec",
]

#: The instance metadata service; egress to it is always excluded (pods use their own role, never the node's).
IMDS_CIDR = "169.254.169.254/32"
#: Where the ``eks-pod-identity-agent`` daemonset (host network) serves credentials on every node: a
#: link-local address for IPv4 clusters and one for IPv6 clusters (EKS user guide, Pod Identity
#: considerations), on HTTP port 80. A default-deny egress policy blocks it unless allowed.
POD_IDENTITY_AGENT_CIDRS = ("169.254.170.23/32", "fd00:ec2::23/128")
POD_IDENTITY_AGENT_PORT = 80
_NAME_LABEL = "kubernetes.io/metadata.name"


@dataclass(frozen=True)
class LimitRangeSpec:
    """Per-container defaults and ceiling of a namespace (for pods that omit requests or limits)."""

    #: Default request. 100m / 128Mi: small, so a forgotten request does not eat the quota.
    default_request_cpu: str = "100m"
    default_request_memory: str = "128Mi"
    #: Default limit. 500m / 512Mi (seed 004's limits).
    default_limit_cpu: str = "500m"
    default_limit_memory: str = "512Mi"
    #: Largest limit a single container may ask for. 2 cores / 4Gi.
    max_cpu: str = "2"
    max_memory: str = "4Gi"

    def validate(self, path: str) -> None:
        """Check the quantities and their order (request <= limit <= max); raises ConfigError."""
        cpu = [
            require_cpu(f"{path}.{n}", getattr(self, n))
            for n in ("default_request_cpu", "default_limit_cpu", "max_cpu")
        ]
        memory = [
            require_memory(f"{path}.{n}", getattr(self, n))
            for n in ("default_request_memory", "default_limit_memory", "max_memory")
        ]
        require(
            cpu[0] <= cpu[1] <= cpu[2] and memory[0] <= memory[1] <= memory[2],
            path,
            "defaults must be ordered: default request <= default limit <= max, for cpu and for memory",
            (self.default_request_cpu, self.default_limit_cpu, self.max_cpu),
            "raise the max or lower the defaults",
        )


@dataclass(frozen=True, kw_only=True)
class ApplicationNamespaceProps:
    """The namespace of one application and the traffic it accepts and sends."""

    #: Namespace name (the application's name).
    name: str
    #: The application's container port; the only port peers and load balancers may reach.
    port: int
    #: PSS profile enforced. Default RESTRICTED (staging and prod); dev may use BASELINE. Warn and
    #: audit are always restricted, so violations show up before enforcement is tightened.
    pod_security: PodSecurityLevel = PodSecurityLevel.RESTRICTED
    #: Default: seed 003's production quota.
    quota: ResourceQuotaSpec = field(default_factory=ResourceQuotaSpec)
    limits: LimitRangeSpec = field(default_factory=LimitRangeSpec)
    #: CIDRs an ALB in IP target mode connects from (the VPC's CIDR). Default none: not exposed.
    load_balancer_cidrs: tuple[str, ...] = ()
    #: Namespace of an in-cluster ingress controller (ingress-nginx) allowed in. Default none.
    ingress_controller_namespace: str | None = None
    #: Namespaces (applications) whose pods may call ``port``.
    allowed_peers: tuple[str, ...] = ()
    #: Namespaces (applications) this one calls, with their ports.
    egress_peers: Mapping[str, int] = field(default_factory=dict)
    #: HTTPS (443) to anywhere but IMDS: AWS APIs through IRSA, external APIs. Default off.
    allow_https_egress: bool = False
    #: Egress to the node's EKS Pod Identity agent (:data:`POD_IDENTITY_AGENT_CIDRS`, TCP 80), where
    #: pods with a Pod Identity role get their credentials. Default off: only such pods need it.
    allow_pod_identity_agent: bool = False
    #: Namespace of Prometheus, allowed to scrape ``port``. Default none.
    monitoring_namespace: str | None = None
    #: The database subnets' CIDRs this namespace may reach on ``database_port`` (an application with
    #: a database). Default none: no egress to the database subnets.
    database_cidrs: tuple[str, ...] = ()
    #: The database's port; required with ``database_cidrs``.
    database_port: int | None = None
    #: Further (CIDR, TCP port) destinations the namespace may reach (``ApplicationSpec.egress``); the
    #: instance metadata service is excluded from each. Default none.
    egress_destinations: tuple[tuple[str, int], ...] = ()
    depends_on: Sequence[ITerraformDependable] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "egress_peers", MappingProxyType(dict(self.egress_peers)))
        for name in ("load_balancer_cidrs", "allowed_peers", "database_cidrs", "egress_destinations", "depends_on"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def validate(self, path: str) -> None:
        """Check names, port, CIDRs and budgets; raises ConfigError."""
        require_dns_label(f"{path}.name", self.name)
        require_range(f"{path}.port", self.port, 1, 65535)
        require(
            isinstance(self.pod_security, PodSecurityLevel),
            f"{path}.pod_security",
            "must be a PodSecurityLevel",
            self.pod_security,
            "use PodSecurityLevel.RESTRICTED",
        )
        self.quota.validate(f"{path}.quota")
        self.limits.validate(f"{path}.limits")
        for index, cidr in enumerate(self.load_balancer_cidrs):
            require_cidr(f"{path}.load_balancer_cidrs[{index}]", cidr, allow_any=False)
        for index, peer in enumerate(self.allowed_peers):
            require_dns_label(f"{path}.allowed_peers[{index}]", peer)
        require_unique(f"{path}.allowed_peers", self.allowed_peers, "peer")
        for peer, port in self.egress_peers.items():
            require_dns_label(f"{path}.egress_peers", peer)
            require_range(f"{path}.egress_peers.{peer}", port, 1, 65535)
        for label in ("ingress_controller_namespace", "monitoring_namespace"):
            if getattr(self, label) is not None:
                require_dns_label(f"{path}.{label}", getattr(self, label))
        require(
            (self.database_port is None) == (not self.database_cidrs),
            f"{path}.database_port",
            "must be given together with database_cidrs (both or neither)",
            self.database_port,
            "pass the database's port and its subnets' CIDRs, or neither",
        )
        if self.database_port is not None:
            require_range(f"{path}.database_port", self.database_port, 1, 65535)
        for index, cidr in enumerate(self.database_cidrs):
            require_cidr(f"{path}.database_cidrs[{index}]", cidr, allow_any=False)
        require_unique(f"{path}.database_cidrs", self.database_cidrs, "CIDR")
        for index, (cidr, port) in enumerate(self.egress_destinations):
            require_cidr(f"{path}.egress_destinations[{index}]", cidr)
            require_range(f"{path}.egress_destinations[{index}].port", port, 1, 65535)


class ApplicationNamespace(Construct):
    """Namespace ``name`` with:

    * PSS labels (``enforce`` as configured, ``warn``/``audit`` restricted);
    * ``default-deny``: every pod, ingress and egress denied unless another policy allows it;
    * ``allow-dns``: egress to kube-dns (UDP and TCP 53) in kube-system;
    * ``allow-ingress``: ``port`` from the load balancer CIDRs, the ingress controller's namespace,
      the allowed peers' namespaces and Prometheus' namespace (each only when configured);
    * ``allow-egress``: to each egress peer's namespace on its port, to the database subnets on the
      database port (when ``database_cidrs``), to each of ``egress_destinations`` (except IMDS), HTTPS
      anywhere except IMDS when ``allow_https_egress``, and the node's Pod Identity agent when
      ``allow_pod_identity_agent``;
    * a ResourceQuota and a LimitRange.

    Attributes: ``name`` (the namespace name) and ``namespace`` (the resource, for ``depends_on``).
    """

    def __init__(self, scope: Construct, id: str, *, props: ApplicationNamespaceProps) -> None:
        props.validate("props")
        super().__init__(scope, id)
        self.name = props.name
        after = list(props.depends_on) or None
        self.namespace = NamespaceV1(
            self,
            "namespace",
            metadata=NamespaceV1Metadata(
                name=props.name,
                labels={"app.kubernetes.io/name": props.name, **pod_security_labels(props.pod_security)},
            ),
            depends_on=after,
        )
        name = props.name
        inside = [self.namespace]

        def network_policy(
            policy_name: str,
            policy_types: list[str],
            *,
            ingress: list[NetworkPolicyV1SpecIngress] | None = None,
            egress: list[NetworkPolicyV1SpecEgress] | None = None,
        ) -> None:
            """A NetworkPolicy over every pod of the namespace; its construct id is its name."""
            NetworkPolicyV1(
                self,
                policy_name,
                metadata=NetworkPolicyV1Metadata(name=policy_name, namespace=name),
                spec=NetworkPolicyV1Spec(
                    pod_selector=NetworkPolicyV1SpecPodSelector(),
                    policy_types=policy_types,
                    ingress=ingress,
                    egress=egress,
                ),
                depends_on=inside,
            )

        network_policy("default-deny", ["Ingress", "Egress"])
        network_policy(
            "allow-dns",
            ["Egress"],
            egress=[
                NetworkPolicyV1SpecEgress(
                    to=[
                        NetworkPolicyV1SpecEgressTo(
                            namespace_selector=NetworkPolicyV1SpecEgressToNamespaceSelector(
                                match_labels={_NAME_LABEL: "kube-system"}
                            ),
                            pod_selector=NetworkPolicyV1SpecEgressToPodSelector(match_labels={"k8s-app": "kube-dns"}),
                        )
                    ],
                    ports=[
                        NetworkPolicyV1SpecEgressPorts(port="53", protocol="UDP"),
                        NetworkPolicyV1SpecEgressPorts(port="53", protocol="TCP"),
                    ],
                )
            ],
        )

        sources = [
            NetworkPolicyV1SpecIngressFrom(ip_block=NetworkPolicyV1SpecIngressFromIpBlock(cidr=cidr))
            for cidr in props.load_balancer_cidrs
        ]
        namespaces = [
            n
            for n in (props.ingress_controller_namespace, *props.allowed_peers, props.monitoring_namespace)
            if n is not None
        ]
        sources += [
            NetworkPolicyV1SpecIngressFrom(
                namespace_selector=NetworkPolicyV1SpecIngressFromNamespaceSelector(match_labels={_NAME_LABEL: n})
            )
            for n in namespaces
        ]
        if sources:
            network_policy(
                "allow-ingress",
                ["Ingress"],
                ingress=[
                    NetworkPolicyV1SpecIngress(
                        from_=sources,
                        ports=[NetworkPolicyV1SpecIngressPorts(port=str(props.port), protocol="TCP")],
                    )
                ],
            )

        egress = [
            NetworkPolicyV1SpecEgress(
                to=[
                    NetworkPolicyV1SpecEgressTo(
                        namespace_selector=NetworkPolicyV1SpecEgressToNamespaceSelector(
                            match_labels={_NAME_LABEL: peer}
                        )
                    )
                ],
                ports=[NetworkPolicyV1SpecEgressPorts(port=str(port), protocol="TCP")],
            )
            for peer, port in sorted(props.egress_peers.items())
        ]
        if props.database_cidrs:
            egress.append(
                NetworkPolicyV1SpecEgress(
                    to=[
                        NetworkPolicyV1SpecEgressTo(ip_block=NetworkPolicyV1SpecEgressToIpBlock(cidr=cidr))
                        for cidr in props.database_cidrs
                    ],
                    ports=[NetworkPolicyV1SpecEgressPorts(port=str(props.database_port), protocol="TCP")],
                )
            )
        # HTTPS anywhere (the AWS APIs) is one more destination, first; the instance metadata service
        # stays out of reach of every range that holds it.
        https = (("0.0.0.0/0", 443),) if props.allow_https_egress else ()
        for cidr, port in (*https, *props.egress_destinations):
            metadata = ipaddress.IPv4Network(IMDS_CIDR).subnet_of(ipaddress.IPv4Network(cidr))
            egress.append(
                NetworkPolicyV1SpecEgress(
                    to=[
                        NetworkPolicyV1SpecEgressTo(
                            ip_block=NetworkPolicyV1SpecEgressToIpBlock(
                                cidr=cidr, except_=[IMDS_CIDR] if metadata else None
                            )
                        )
                    ],
                    ports=[NetworkPolicyV1SpecEgressPorts(port=str(port), protocol="TCP")],
                )
            )
        if props.allow_pod_identity_agent:
            egress.append(
                NetworkPolicyV1SpecEgress(
                    to=[
                        NetworkPolicyV1SpecEgressTo(ip_block=NetworkPolicyV1SpecEgressToIpBlock(cidr=cidr))
                        for cidr in POD_IDENTITY_AGENT_CIDRS
                    ],
                    ports=[NetworkPolicyV1SpecEgressPorts(port=str(POD_IDENTITY_AGENT_PORT), protocol="TCP")],
                )
            )
        if egress:
            network_policy("allow-egress", ["Egress"], egress=egress)

        ResourceQuotaV1(
            self,
            "quota",
            metadata=ResourceQuotaV1Metadata(name="quota", namespace=name),
            spec=ResourceQuotaV1Spec(hard=props.quota.hard()),
            depends_on=inside,
        )
        limits = props.limits
        LimitRangeV1(
            self,
            "limits",
            metadata=LimitRangeV1Metadata(name="limits", namespace=name),
            spec=LimitRangeV1Spec(
                limit=[
                    LimitRangeV1SpecLimit(
                        type="Container",
                        default_request={"cpu": limits.default_request_cpu, "memory": limits.default_request_memory},
                        default={"cpu": limits.default_limit_cpu, "memory": limits.default_limit_memory},
                        max={"cpu": limits.max_cpu, "memory": limits.max_memory},
                    )
                ]
            ),
            depends_on=inside,
        )
