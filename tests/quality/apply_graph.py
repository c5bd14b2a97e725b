"""What ``terraform apply`` (and the next ``plan``) will do, read from a synthesized stack.

Terraform orders creation by the resource graph: an edge for every ``depends_on`` entry and for every
``${...}`` reference (locals expanded to what they reference). Destroy walks the same graph backwards.
These rules are written over that graph, as pure functions ``rule(doc) -> list[str]`` (one readable
violation per problem), so they hold for every resource a tier adds later; ``test_first_apply.py``
runs them over the reference stacks, an every-option variant, and a small bad stack each.

* Kubernetes access: every ``kubernetes_*`` and ``helm_release`` waits for the deployer's cluster-admin
  policy association (else the API answers Unauthorized, and on destroy the association may go first).
* Capacity and DNS: every workload (Deployment, StatefulSet, DaemonSet, Helm release) waits for every
  node group and the coredns add-on.
* Load balancers: an Ingress, a Service of type LoadBalancer or a release that creates one waits for the
  AWS Load Balancer Controller's release, so destroy deletes it while the controller still runs.
* Namespaces: an object in namespace N waits for the namespace resource named N.
* Pod Identity: a pod whose service account has a Pod Identity association (a Deployment, StatefulSet
  or DaemonSet naming it, or a Helm release whose ``serviceAccount`` values name it, in the
  association's namespace) waits for the association and for the ``eks-pod-identity-agent`` add-on:
  a pod started before them gets no credentials until it is restarted.
* Empty registries: a Deployment or StatefulSet never waits for its rollout (images arrive later).
* Volumes: a PersistentVolumeClaim or a StatefulSet's claim template naming a StorageClass the stack
  creates waits for it; a claim on a ``WaitForFirstConsumer`` class never waits until bound (it binds
  only once a pod uses it, which comes later in the same apply).
* Controllers own fields: replicas of a Deployment under an HPA and a node group's desired size are
  ignored by terraform.
* Pinned add-ons: every ``aws_eks_addon`` has a literal version (for pinned stacks).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from tests.quality.checks import Doc, _first

_REFERENCE = re.compile(r"\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)")
_INTERPOLATION = re.compile(r"\$\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}")

#: Resource types whose objects run pods.
WORKLOAD_TYPES = ("kubernetes_deployment_v1", "kubernetes_stateful_set_v1", "kubernetes_daemon_set_v1", "helm_release")
#: Namespaces that exist before any terraform resource.
PREEXISTING_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


class ApplyGraph:
    """The resource graph of one synthesized stack."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.bodies: dict[str, Mapping[str, Any]] = {}
        for resource_type, items in doc.get("resource", {}).items():
            for name, body in items.items():
                self.bodies[f"{resource_type}.{name}"] = body
        for resource_type, items in doc.get("data", {}).items():
            for name, body in items.items():
                self.bodies[f"data.{resource_type}.{name}"] = body
        self.locals: Mapping[str, Any] = doc.get("locals", {})

    def _references(self, value: Any, seen_locals: frozenset[str] = frozenset()) -> set[str]:
        """Addresses ``value`` references, through locals."""
        found: set[str] = set()
        for text in _strings(value):
            for expression in _INTERPOLATION.findall(text):
                for match in _REFERENCE.findall(expression):
                    if match.startswith("local."):
                        name = match.removeprefix("local.")
                        if name in self.locals and name not in seen_locals:
                            found |= self._references(self.locals[name], seen_locals | {name})
                        continue
                    address = self._address(match)
                    if address is not None:
                        found.add(address)
        return found

    def _address(self, reference: str) -> str | None:
        """The resource or data address a reference (``type.name`` or ``data.type.name``) names."""
        if reference.startswith("data."):
            parts = reference.split(".")
            address = ".".join(parts[:3])
        else:
            address = reference
        return address if address in self.bodies else None

    @cached_property
    def edges(self) -> dict[str, set[str]]:
        """Address -> the addresses it directly waits for (depends_on and references)."""
        edges: dict[str, set[str]] = {}
        for address, body in self.bodies.items():
            direct = {
                target
                for entry in body.get("depends_on", [])
                if (target := self._address(str(entry).removeprefix("${").removesuffix("}"))) is not None
            }
            rest = {key: value for key, value in body.items() if key not in ("depends_on", "//")}
            edges[address] = (direct | self._references(rest)) - {address}
        return edges

    def ancestors(self, address: str) -> set[str]:
        """Everything ``address`` transitively waits for."""
        seen: set[str] = set()
        stack = list(self.edges.get(address, ()))
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(self.edges.get(current, ()))
        return seen

    def of_type(self, *types: str) -> list[str]:
        return sorted(a for a in self.bodies if a.split(".")[0] in types)

    def kubernetes_objects(self) -> list[str]:
        return sorted(a for a in self.bodies if a.startswith(("kubernetes_", "helm_release.")))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _missing(graph: ApplyGraph, addresses: Iterable[str], required: Iterable[str], why: str) -> list[str]:
    required = sorted(required)
    problems = []
    for address in addresses:
        absent = [r for r in required if r not in graph.ancestors(address)]
        if absent:
            problems.append(f"{address} does not wait for {', '.join(absent)} ({why})")
    return problems


# --------------------------------------------------------------------------------------------
# Rules
# --------------------------------------------------------------------------------------------


def deployer_associations(graph: ApplyGraph) -> list[str]:
    """The cluster-admin policy associations of the identity that runs terraform."""
    return [a for a in graph.of_type("aws_eks_access_policy_association") if "deployer" in a]


def kubernetes_waits_for_access(doc: Doc) -> list[str]:
    graph = ApplyGraph(doc)
    objects = graph.kubernetes_objects()
    if objects and not deployer_associations(graph):
        return ["the stack installs Kubernetes objects but grants the deployer no cluster-admin association"]
    return _missing(graph, objects, deployer_associations(graph), "the API refuses it before the deployer's access")


def workloads_wait_for_nodes_and_dns(doc: Doc) -> list[str]:
    graph = ApplyGraph(doc)
    required = graph.of_type("aws_eks_node_group") + [
        a for a in graph.of_type("aws_eks_addon") if graph.bodies[a].get("addon_name") == "coredns"
    ]
    return _missing(graph, graph.of_type(*WORKLOAD_TYPES), required, "pods need nodes and cluster DNS")


def _creates_load_balancer(graph: ApplyGraph, address: str) -> bool:
    body = graph.bodies[address]
    kind = address.split(".")[0]
    if kind == "kubernetes_ingress_v1":
        return True
    if kind == "kubernetes_service_v1":
        return _first(body.get("spec")).get("type") == "LoadBalancer"
    if kind == "helm_release":
        return "aws-load-balancer-type" in str(body.get("values", ""))
    return False


def load_balancers_wait_for_controller(doc: Doc) -> list[str]:
    graph = ApplyGraph(doc)
    controllers = [a for a in graph.of_type("helm_release") if graph.bodies[a].get("chart") == "aws-load-balancer-controller"]
    creators = [a for a in graph.kubernetes_objects() if _creates_load_balancer(graph, a)]
    if creators and not controllers:
        return [f"{', '.join(creators)} need the AWS Load Balancer Controller, which the stack does not install"]
    return _missing(graph, creators, controllers, "destroy must delete the load balancer while the controller runs")


def _namespace_of(body: Mapping[str, Any]) -> str | None:
    metadata = _first(body.get("metadata"))
    namespace = metadata.get("namespace") if isinstance(metadata, Mapping) else None
    return str(namespace) if namespace else None


def objects_wait_for_their_namespace(doc: Doc) -> list[str]:
    graph = ApplyGraph(doc)
    namespaces: dict[str, str] = {}
    for address in graph.of_type("kubernetes_namespace_v1", "kubernetes_namespace"):
        namespaces[str(_first(graph.bodies[address].get("metadata")).get("name"))] = address
    problems = []
    for address in graph.kubernetes_objects():
        body = graph.bodies[address]
        namespace = body.get("namespace") if address.startswith("helm_release.") else _namespace_of(body)
        if namespace is None or namespace in PREEXISTING_NAMESPACES or body.get("create_namespace"):
            continue
        owner = namespaces.get(str(namespace))
        if owner is None:
            problems.append(f"{address} lives in namespace {namespace!r}, which nothing in the stack creates")
        elif owner not in graph.ancestors(address):
            problems.append(f"{address} does not wait for its namespace {owner}")
    return problems


#: The EKS add-on that serves Pod Identity credentials on every node.
POD_IDENTITY_AGENT = "eks-pod-identity-agent"


def _named_in_service_account_values(value: Any, name: str, inside: bool = False) -> bool:
    """True when a ``serviceAccount`` block of Helm values (at any depth, e.g. velero's
    ``serviceAccount.server``) has ``name: <name>``."""
    if isinstance(value, Mapping):
        if inside and value.get("name") == name:
            return True
        return any(
            _named_in_service_account_values(item, name, inside or key == "serviceAccount")
            for key, item in value.items()
        )
    if isinstance(value, list):
        return any(_named_in_service_account_values(item, name, inside) for item in value)
    return False


def _runs_service_account(graph: ApplyGraph, address: str, namespace: str, name: str) -> bool:
    """Does the workload at ``address`` run pods as ``namespace/name``?"""
    body = graph.bodies[address]
    if address.startswith("helm_release."):
        if body.get("namespace") != namespace:
            return False
        values = []
        for text in body.get("values", []) or []:
            try:
                values.append(json.loads(text))
            except (TypeError, ValueError):
                continue
        return _named_in_service_account_values(values, name)
    pod = _first(_first(_first(body.get("spec")).get("template")).get("spec"))
    return _namespace_of(body) == namespace and pod.get("service_account_name") == name


def pods_wait_for_their_pod_identity(doc: Doc) -> list[str]:
    graph = ApplyGraph(doc)
    agents = [a for a in graph.of_type("aws_eks_addon") if graph.bodies[a].get("addon_name") == POD_IDENTITY_AGENT]
    problems = []
    for association in graph.of_type("aws_eks_pod_identity_association"):
        body = graph.bodies[association]
        namespace, name = str(body.get("namespace")), str(body.get("service_account"))
        workloads = [a for a in graph.of_type(*WORKLOAD_TYPES) if _runs_service_account(graph, a, namespace, name)]
        if workloads and not agents:
            problems.append(
                f"{association} binds {namespace}/{name}, but the stack installs no {POD_IDENTITY_AGENT} add-on"
            )
        problems += _missing(
            graph,
            workloads,
            [association, *agents],
            "a pod gets Pod Identity credentials only if its association and the agent exist when it starts",
        )
    return problems


def rollouts_never_block(doc: Doc) -> list[str]:
    graph = ApplyGraph(doc)
    return [
        f"{address} waits for its rollout (images are pushed after the first apply); set wait_for_rollout = false"
        for address in graph.of_type("kubernetes_deployment_v1", "kubernetes_stateful_set_v1")
        if graph.bodies[address].get("wait_for_rollout") is not False
    ]


def _claimed_classes(graph: ApplyGraph, address: str) -> list[str]:
    """The StorageClasses a PersistentVolumeClaim or a StatefulSet's claim templates name."""
    body = graph.bodies[address]
    if address.startswith("kubernetes_persistent_volume_claim"):
        specs = [_first(body.get("spec"))]
    else:
        templates = _first(body.get("spec")).get("volume_claim_template") or []
        templates = [templates] if isinstance(templates, Mapping) else templates
        specs = [_first(t.get("spec")) for t in templates if isinstance(t, Mapping)]
    return [str(s["storage_class_name"]) for s in specs if s.get("storage_class_name")]


def claims_wait_for_their_storage_class(doc: Doc) -> list[str]:
    graph = ApplyGraph(doc)
    classes: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for address in graph.of_type("kubernetes_storage_class_v1", "kubernetes_storage_class"):
        body = graph.bodies[address]
        classes[str(_first(body.get("metadata")).get("name"))] = (address, body)
    problems = []
    claims = graph.of_type("kubernetes_persistent_volume_claim_v1", "kubernetes_stateful_set_v1")
    for address in claims:
        for name in _claimed_classes(graph, address):
            if name not in classes:
                continue
            owner, body = classes[name]
            if owner not in graph.ancestors(address):
                problems.append(f"{address} does not wait for its StorageClass {owner} (the claim stays Pending)")
            if (
                address.startswith("kubernetes_persistent_volume_claim")
                and body.get("volume_binding_mode") == "WaitForFirstConsumer"
                and graph.bodies[address].get("wait_until_bound") is not False
            ):
                problems.append(
                    f"{address} waits until bound on the WaitForFirstConsumer class {name}: it binds only when a "
                    "pod uses it, so the apply hangs; set wait_until_bound = false"
                )
    return problems


def _ignored(body: Mapping[str, Any]) -> list[str]:
    return list(_first(body.get("lifecycle")).get("ignore_changes", []) or [])


def controller_fields_are_ignored(doc: Doc) -> list[str]:
    graph = ApplyGraph(doc)
    problems = []
    scaled: set[tuple[str, str, str]] = set()
    for address in graph.of_type("kubernetes_horizontal_pod_autoscaler_v2"):
        body = graph.bodies[address]
        target = _first(_first(body.get("spec")).get("scale_target_ref"))
        scaled.add((str(target.get("kind")), str(_namespace_of(body)), str(target.get("name"))))
    for address in graph.of_type("kubernetes_deployment_v1", "kubernetes_stateful_set_v1"):
        body = graph.bodies[address]
        kind = "Deployment" if address.startswith("kubernetes_deployment") else "StatefulSet"
        key = (kind, str(_namespace_of(body)), str(_first(body.get("metadata")).get("name")))
        if key in scaled and "spec[0].replicas" not in _ignored(body):
            problems.append(f"{address} is scaled by an HPA but terraform owns spec[0].replicas")
    for address in graph.of_type("aws_eks_node_group"):
        if "scaling_config[0].desired_size" not in _ignored(graph.bodies[address]):
            problems.append(f"{address}: the autoscaler owns desired_size, but terraform resets it on every apply")
    return problems


def addons_are_pinned(doc: Doc) -> list[str]:
    graph = ApplyGraph(doc)
    return [
        f"{address} installs whatever version is newest at plan time ({graph.bodies[address].get('addon_version')})"
        for address in graph.of_type("aws_eks_addon")
        if "${" in str(graph.bodies[address].get("addon_version", "${}"))
    ]


RULES = (
    kubernetes_waits_for_access,
    workloads_wait_for_nodes_and_dns,
    load_balancers_wait_for_controller,
    objects_wait_for_their_namespace,
    pods_wait_for_their_pod_identity,
    rollouts_never_block,
    claims_wait_for_their_storage_class,
    controller_fields_are_ignored,
)
