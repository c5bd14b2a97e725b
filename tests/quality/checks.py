"""Policy checks over a synthesized stack (``cdk.tf.json`` as a dict) that checkov does not make.

Every check is a pure function ``check(doc, ...) -> list[str]`` returning one readable violation per
problem (empty when the stack is clean). They walk whatever the stack holds, so each resource that
lands later is covered without touching this file; ``test_gates_catch.py`` feeds each one a small
hand-written bad stack to prove it can fail.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

Doc = Mapping[str, Any]

# --------------------------------------------------------------------------------------------
# Walking a stack
# --------------------------------------------------------------------------------------------


def resources(doc: Doc) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """``(type, name, body)`` of every resource, sorted by address."""
    for resource_type, items in sorted(doc.get("resource", {}).items()):
        for name, body in sorted(items.items()):
            yield resource_type, name, body


def addresses(doc: Doc) -> list[str]:
    """Every resource address ``<type>.<name>``, sorted."""
    return [f"{resource_type}.{name}" for resource_type, name, _ in resources(doc)]


def _walk_strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """``(path, string)`` of every string inside ``value`` (dict keys included, as conditions use them)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and "${" in key:
                yield f"{path}.<key>", key
            yield from _walk_strings(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk_strings(item, f"{path}[{index}]")


def _first(value: Any) -> Any:
    """cdktf renders single nested blocks either as an object or as a one-element list."""
    if isinstance(value, list):
        return value[0] if value else {}
    return value if value is not None else {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# --------------------------------------------------------------------------------------------
# IAM documents
# --------------------------------------------------------------------------------------------

#: Attributes that hold a JSON document which is NOT an IAM policy (lifecycle rules and the like).
NON_IAM_JSON_ATTRIBUTES = frozenset({"aws_ecr_lifecycle_policy.policy"})


def iam_documents(doc: Doc) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, document)`` for every IAM policy document anywhere in a resource or data source.

    Found by content, not by attribute name: any string that parses as a JSON object with a
    ``Statement`` (``policy``, ``assume_role_policy``, ``inline_policy[].policy``, key policies,
    repository and registry policies, bucket policies, ...).
    """
    for block in ("resource", "data"):
        for resource_type, items in sorted(doc.get(block, {}).items()):
            for name, body in sorted(items.items()):
                prefix = f"{resource_type}.{name}" if block == "resource" else f"data.{resource_type}.{name}"
                for path, text in _walk_strings(body, prefix):
                    stripped = text.lstrip()
                    if not stripped.startswith("{") or '"Statement"' not in stripped:
                        continue
                    try:
                        parsed = json.loads(stripped)
                    except ValueError:
                        continue
                    if isinstance(parsed, dict) and "Statement" in parsed:
                        yield path, parsed


def statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The statements of a document (a single statement object counts as a list of one)."""
    return [s for s in _as_list(document.get("Statement")) if isinstance(s, dict)]


def check_policy_attributes_are_literal(doc: Doc) -> list[str]:
    """Every ``policy`` / ``assume_role_policy`` is a literal IAM JSON document, never a data source."""
    problems = [
        f"data.aws_iam_policy_document.{name}: render IAM documents with constructs_lib.iam.policy_document"
        for name in sorted(doc.get("data", {}).get("aws_iam_policy_document", {}))
    ]
    for resource_type, name, body in resources(doc):
        for attribute in ("policy", "assume_role_policy"):
            value = body.get(attribute)
            if value is None or f"{resource_type}.{attribute}" in NON_IAM_JSON_ATTRIBUTES:
                continue
            try:
                parsed = json.loads(value) if isinstance(value, str) else None
            except ValueError:
                parsed = None
            if not (isinstance(parsed, dict) and "Statement" in parsed):
                problems.append(f"{resource_type}.{name}.{attribute}: not a literal IAM JSON document: {value!r:.120}")
    return problems


def check_no_action_star(doc: Doc) -> list[str]:
    """No statement anywhere allows or denies ``"Action": "*"`` (or ``NotAction``, which is worse)."""
    problems = []
    for where, document in iam_documents(doc):
        for index, stmt in enumerate(statements(document)):
            if "*" in _as_list(stmt.get("Action")):
                problems.append(f"{where} Statement[{index}] ({stmt.get('Sid', 'no Sid')}): Action '*'")
            if stmt.get("Effect") == "Allow" and "NotAction" in stmt:
                problems.append(f"{where} Statement[{index}] ({stmt.get('Sid', 'no Sid')}): Allow with NotAction")
    return problems


_WEB_IDENTITY = "sts:AssumeRoleWithWebIdentity"
_SERVICE_ACCOUNT_SUB = re.compile(
    r"^system:serviceaccount:[a-z0-9]([-a-z0-9]*[a-z0-9])?:[a-z0-9]([-.a-z0-9]*[a-z0-9])?$"
)


def check_irsa_trust(doc: Doc) -> list[str]:
    """Every web-identity trust statement pins exactly one issuer's ``sub`` and ``aud`` with StringEquals.

    Rules: the principal is ``Federated`` (an OIDC provider, never ``*``); the only condition operator
    is ``StringEquals`` (no StringLike, no ForAnyValue); it names ``<issuer>:sub`` with
    ``system:serviceaccount:<namespace>:<name>`` values and ``<issuer>:aud`` = ``sts.amazonaws.com``,
    both for the same issuer, which has no ``https://``; no value contains ``*`` or ``?``.
    """
    problems = []
    for where, document in iam_documents(doc):
        for index, stmt in enumerate(statements(document)):
            if _WEB_IDENTITY not in _as_list(stmt.get("Action")):
                continue
            label = f"{where} Statement[{index}] ({stmt.get('Sid', 'no Sid')})"
            principal = stmt.get("Principal")
            if not (isinstance(principal, dict) and set(principal) == {"Federated"} and "*" not in str(principal)):
                problems.append(f"{label}: Principal must be one Federated OIDC provider, got {principal!r}")
            conditions = stmt.get("Condition") or {}
            other_operators = sorted(op for op in conditions if op != "StringEquals")
            if other_operators:
                problems.append(f"{label}: only StringEquals is allowed, found {other_operators}")
            equals = conditions.get("StringEquals") or {}
            subs = {key[: -len(":sub")]: value for key, value in equals.items() if key.endswith(":sub")}
            auds = {key[: -len(":aud")]: value for key, value in equals.items() if key.endswith(":aud")}
            if len(subs) != 1 or len(auds) != 1 or set(subs) != set(auds):
                problems.append(
                    f"{label}: needs StringEquals on <issuer>:sub and <issuer>:aud of one issuer, got {equals!r}"
                )
                continue
            (issuer,) = subs
            if issuer.startswith("https://"):
                problems.append(f"{label}: condition keys must use the issuer without 'https://', got {issuer!r}")
            if _as_list(auds[issuer]) != ["sts.amazonaws.com"]:
                problems.append(f"{label}: {issuer}:aud must be exactly 'sts.amazonaws.com', got {auds[issuer]!r}")
            for value in _as_list(subs[issuer]):
                if not isinstance(value, str) or "*" in value or "?" in value or not _SERVICE_ACCOUNT_SUB.match(value):
                    problems.append(f"{label}: {issuer}:sub must be system:serviceaccount:<ns>:<name>, got {value!r}")
            for key, value in equals.items():
                if "*" in key or "*" in str(value):
                    problems.append(f"{label}: wildcard in condition {key!r}: {value!r}")
    return problems


_POD_IDENTITY_PRINCIPAL = "pods.eks.amazonaws.com"
_POD_IDENTITY_ACTIONS = ["sts:AssumeRole", "sts:TagSession"]
#: Session tags each Pod Identity trust statement must pin (EKS user guide, pod-id-abac).
_POD_IDENTITY_TAGS = ("eks-cluster-name", "kubernetes-namespace", "kubernetes-service-account")


def _is_pod_identity_statement(stmt: Mapping[str, Any]) -> bool:
    """Trusts the Pod Identity service, or tags sessions (which only Pod Identity trust here needs)."""
    return _POD_IDENTITY_PRINCIPAL in json.dumps(stmt.get("Principal")) or "sts:TagSession" in _as_list(
        stmt.get("Action")
    )


def check_pod_identity_trust(doc: Doc) -> list[str]:
    """Every EKS Pod Identity trust statement is exact.

    Rules: ``Effect`` Allow; the principal is exactly ``{"Service": "pods.eks.amazonaws.com"}`` (no
    other service, no AWS or ``*`` principal beside it); the actions are exactly ``sts:AssumeRole``
    and ``sts:TagSession``; the only condition operator is ``StringEquals``, pinning
    ``aws:RequestTag/`` ``eks-cluster-name``, ``kubernetes-namespace`` and
    ``kubernetes-service-account`` to one value each, without ``*`` or ``?``.
    """
    problems = []
    for where, document in iam_documents(doc):
        for index, stmt in enumerate(statements(document)):
            if not _is_pod_identity_statement(stmt):
                continue
            label = f"{where} Statement[{index}] ({stmt.get('Sid', 'no Sid')})"
            if stmt.get("Effect") != "Allow":
                problems.append(f"{label}: Effect must be Allow, got {stmt.get('Effect')!r}")
            principal = stmt.get("Principal")
            if principal != {"Service": _POD_IDENTITY_PRINCIPAL}:
                problems.append(
                    f"{label}: Principal must be exactly Service {_POD_IDENTITY_PRINCIPAL}, got {principal!r}"
                )
            actions = _as_list(stmt.get("Action"))
            if sorted(actions) != _POD_IDENTITY_ACTIONS:
                problems.append(f"{label}: actions must be exactly {_POD_IDENTITY_ACTIONS}, got {actions!r}")
            conditions = stmt.get("Condition") or {}
            other_operators = sorted(op for op in conditions if op != "StringEquals")
            if other_operators:
                problems.append(f"{label}: only StringEquals is allowed, found {other_operators}")
            equals = conditions.get("StringEquals") or {}
            for tag in _POD_IDENTITY_TAGS:
                values = _as_list(equals.get(f"aws:RequestTag/{tag}"))
                if len(values) != 1 or not isinstance(values[0], str) or not values[0]:
                    problems.append(f"{label}: needs StringEquals aws:RequestTag/{tag} with one value, got {values!r}")
            for key, value in equals.items():
                if any(w in f"{key}{value}" for w in ("*", "?")):
                    problems.append(f"{label}: wildcard in condition {key!r}: {value!r}")
    return problems


# --------------------------------------------------------------------------------------------
# Kubernetes namespaces
# --------------------------------------------------------------------------------------------

NAMESPACE_TYPES = ("kubernetes_namespace_v1", "kubernetes_namespace")
NETWORK_POLICY_TYPES = ("kubernetes_network_policy_v1", "kubernetes_network_policy")
PSS_LEVELS = ("privileged", "baseline", "restricted")
#: Labels every namespace carries; application namespaces must enforce ``restricted``.
PSS_LABELS = (
    "pod-security.kubernetes.io/enforce",
    "pod-security.kubernetes.io/audit",
    "pod-security.kubernetes.io/warn",
)


def check_namespaces(doc: Doc, application_namespaces: frozenset[str]) -> list[str]:
    """Every namespace has Pod Security Standards labels; application namespaces enforce ``restricted``
    and have a default-deny NetworkPolicy (empty pod selector, Ingress and Egress, no rules).

    ``application_namespaces``: names of the environment's applications (``config.applications``).
    A namespace counts as an application's when its literal name is one of them.
    """
    problems = []
    deny_all = _default_deny_namespaces(doc)
    for resource_type, name, body in resources(doc):
        if resource_type not in NAMESPACE_TYPES:
            continue
        metadata = _first(body.get("metadata"))
        namespace = metadata.get("name")
        labels = metadata.get("labels") or {}
        address = f"{resource_type}.{name}"
        for label in PSS_LABELS:
            if labels.get(label) not in PSS_LEVELS:
                problems.append(
                    f"{address} ({namespace}): label {label} must be one of {PSS_LEVELS}, got {labels.get(label)!r}"
                )
        if namespace not in application_namespaces:
            continue
        if labels.get(PSS_LABELS[0]) != "restricted":
            problems.append(f"{address} ({namespace}): application namespaces must enforce 'restricted'")
        if namespace not in deny_all and address not in deny_all:
            problems.append(
                f"{address} ({namespace}): no default-deny NetworkPolicy (empty podSelector, Ingress+Egress)"
            )
    return problems


WORKLOAD_TYPES = ("kubernetes_deployment_v1", "kubernetes_deployment", "kubernetes_stateful_set_v1")


def check_application_namespaces_exist(doc: Doc, application_namespaces: frozenset[str]) -> list[str]:
    """Once workloads are in the stack, every application has its own namespace resource (named after
    it, as ``ApplicationSpec`` says), so :func:`check_namespaces` cannot miss one by its name."""
    if not any(resource_type in WORKLOAD_TYPES for resource_type, _, _ in resources(doc)):
        return []
    present = {
        _first(body.get("metadata")).get("name")
        for resource_type, _, body in resources(doc)
        if resource_type in NAMESPACE_TYPES
    }
    return [
        f"application {name!r} has no kubernetes_namespace_v1 named {name!r}"
        for name in sorted(application_namespaces - present)
    ]


def _default_deny_namespaces(doc: Doc) -> set[str]:
    """Namespaces (literal names or ``<type>.<name>`` addresses) that have a deny-all network policy."""
    found: set[str] = set()
    for resource_type, _name, body in resources(doc):
        if resource_type not in NETWORK_POLICY_TYPES:
            continue
        spec = _first(body.get("spec"))
        selector = _first(spec.get("pod_selector"))
        if selector.get("match_labels") or selector.get("match_expressions"):
            continue
        if set(_as_list(spec.get("policy_types"))) != {"Ingress", "Egress"}:
            continue
        if spec.get("ingress") or spec.get("egress"):
            continue
        namespace = str(_first(body.get("metadata")).get("namespace", "default"))
        found.add(namespace)
        reference = re.fullmatch(
            r"\$\{(kubernetes_namespace(?:_v1)?\.[\w-]+)\.metadata(?:\[0\]|\.0)?\.name\}", namespace
        )
        if reference:
            found.add(reference.group(1))
    return found


# --------------------------------------------------------------------------------------------
# Security groups
# --------------------------------------------------------------------------------------------

_ANYWHERE = ("0.0.0.0/0", "::/0")
_ALB_PORTS = (80, 443)


def _is_alb_group(doc: Doc, group: str) -> bool:
    """``group`` is a security-group address or reference whose name or logical name marks the ALB's."""
    match = re.search(r"aws_security_group\.([\w-]+)", group)
    if not match:
        return False
    name = match.group(1)
    body = doc.get("resource", {}).get("aws_security_group", {}).get(name, {})
    labels = [name, str(body.get("name", "")), str(body.get("name_prefix", ""))]
    return any(re.search(r"(^|[-_])alb([-_]|$)", label) for label in labels)


def _open_to_world(cidrs: list[Any]) -> bool:
    return any(cidr in _ANYWHERE for cidr in cidrs)


def _alb_web_port(from_port: Any, to_port: Any, protocol: Any) -> bool:
    return str(protocol).lower() in ("tcp", "6") and from_port == to_port and from_port in _ALB_PORTS


def check_no_world_ingress(doc: Doc) -> list[str]:
    """No security-group ingress from 0.0.0.0/0 or ::/0, except TCP 80 or 443 on the ALB's group.

    Covers inline ``aws_security_group.ingress``, ``aws_security_group_rule`` (type ingress) and
    ``aws_vpc_security_group_ingress_rule``.
    """
    problems = []
    for resource_type, name, body in resources(doc):
        address = f"{resource_type}.{name}"
        if resource_type == "aws_security_group":
            for index, rule in enumerate(_as_list(body.get("ingress"))):
                cidrs = _as_list(rule.get("cidr_blocks")) + _as_list(rule.get("ipv6_cidr_blocks"))
                if _open_to_world(cidrs) and not (
                    _is_alb_group(doc, address)
                    and _alb_web_port(rule.get("from_port"), rule.get("to_port"), rule.get("protocol"))
                ):
                    problems.append(
                        f"{address}.ingress[{index}]: open to {cidrs} on {rule.get('from_port')}-{rule.get('to_port')}"
                    )
        elif resource_type == "aws_security_group_rule" and body.get("type") == "ingress":
            cidrs = _as_list(body.get("cidr_blocks")) + _as_list(body.get("ipv6_cidr_blocks"))
            if _open_to_world(cidrs) and not (
                _is_alb_group(doc, str(body.get("security_group_id")))
                and _alb_web_port(body.get("from_port"), body.get("to_port"), body.get("protocol"))
            ):
                problems.append(f"{address}: open to {cidrs} on {body.get('from_port')}-{body.get('to_port')}")
        elif resource_type == "aws_vpc_security_group_ingress_rule":
            cidrs = _as_list(body.get("cidr_ipv4")) + _as_list(body.get("cidr_ipv6"))
            if _open_to_world(cidrs) and not (
                _is_alb_group(doc, str(body.get("security_group_id")))
                and _alb_web_port(body.get("from_port"), body.get("to_port"), body.get("ip_protocol"))
            ):
                problems.append(f"{address}: open to {cidrs} on {body.get('from_port')}-{body.get('to_port')}")
    return problems


def check_rule_descriptions(doc: Doc) -> list[str]:
    """Every security group and every rule of one carries a description."""
    problems = []
    for resource_type, name, body in resources(doc):
        address = f"{resource_type}.{name}"
        if resource_type == "aws_security_group":
            if not body.get("description"):
                problems.append(f"{address}: no description")
            for direction in ("ingress", "egress"):
                for index, rule in enumerate(_as_list(body.get(direction))):
                    if not rule.get("description"):
                        problems.append(f"{address}.{direction}[{index}]: no description")
        elif resource_type in (
            "aws_security_group_rule",
            "aws_vpc_security_group_ingress_rule",
            "aws_vpc_security_group_egress_rule",
        ) and not body.get("description"):
            problems.append(f"{address}: no description")
    return problems


# --------------------------------------------------------------------------------------------
# Terraform references
# --------------------------------------------------------------------------------------------

_INTERPOLATION = re.compile(r"(?<!\$)\$\{((?:[^{}\"]|\"(?:[^\"\\]|\\.)*\"|\{[^{}]*\})*)\}")
_STRING_LITERAL = re.compile(r"\"(?:[^\"\\]|\\.)*\"")
_REFERENCE = re.compile(
    r"(?<![\w.\-])(?:(data)\.([a-z][a-z0-9]*_[a-z0-9_]+)\.([\w-]+)|(var|local)\.([\w-]+)|([a-z][a-z0-9]*_[a-z0-9_]+)\.([\w-]+))(?![\w-]*\()"
)


def references(text: str) -> Iterator[str]:
    """Addresses referenced inside ``${...}`` of ``text``: ``aws_x.name``, ``data.aws_y.name``,
    ``var.name``, ``local.name`` (string literals and function names are skipped)."""
    for match in _INTERPOLATION.finditer(text):
        expression = _STRING_LITERAL.sub('""', match.group(1))
        for ref in _REFERENCE.finditer(expression):
            if ref.group(1):
                yield f"data.{ref.group(2)}.{ref.group(3)}"
            elif ref.group(4):
                yield f"{ref.group(4)}.{ref.group(5)}"
            else:
                yield f"{ref.group(6)}.{ref.group(7)}"


def defined_addresses(doc: Doc) -> set[str]:
    """Everything a reference may point at in this stack."""
    defined = {f"{t}.{n}" for t, items in doc.get("resource", {}).items() for n in items}
    defined |= {f"data.{t}.{n}" for t, items in doc.get("data", {}).items() for n in items}
    defined |= {f"var.{n}" for n in doc.get("variable", {})}
    locals_block = doc.get("locals", {})
    for item in _as_list(locals_block):
        defined |= {f"local.{n}" for n in item}
    return defined


def check_references(doc: Doc) -> list[str]:
    """Every ``${...}`` reference and every ``depends_on`` entry points at something in this stack,
    and no unresolved cdktf token (``${TfToken[...]}``) leaked into the JSON."""
    defined = defined_addresses(doc)
    problems = []
    for block in ("resource", "data", "output", "provider", "locals", "module"):
        for path, text in _walk_strings(doc.get(block, {}), block):
            if "TfToken[" in text:
                problems.append(f"{path}: unresolved cdktf token {text!r:.120}")
            for ref in references(text):
                if ref not in defined:
                    problems.append(f"{path}: reference to {ref}, which is not in the stack")
    for block in ("resource", "data"):
        for resource_type, items in sorted(doc.get(block, {}).items()):
            for name, body in sorted(items.items()):
                for dependency in _as_list(body.get("depends_on")):
                    target = str(dependency).removeprefix("${").removesuffix("}")
                    if target not in defined:
                        problems.append(f"{block}.{resource_type}.{name}.depends_on: {dependency} is not in the stack")
    return problems


# --------------------------------------------------------------------------------------------
# AWS-level names
# --------------------------------------------------------------------------------------------

#: Attributes that give a resource its AWS-level name.
NAME_ATTRIBUTES = (
    "name",
    "name_prefix",
    "bucket",
    "bucket_prefix",
    "role_name",
    "policy_name",
    "cluster_name",
    "function_name",
    "identifier",
    "identifier_prefix",
    "repository_name",
    "ecr_repository_prefix",
    "prefix",
    "alias",
    "log_group_name",
    "secret_name",
    "topic_name",
    "queue_name",
    "table_name",
)

#: Resource types whose names are scoped inside another resource of the same environment (role,
#: cluster, VPC, repository), so equal names in two environments cannot clash.
SCOPED_NAME_TYPES = frozenset(
    {
        "aws_iam_role_policy",  # inline policy: unique per role
        "aws_eks_node_group",  # per cluster
        "aws_eks_fargate_profile",  # per cluster
        "aws_eks_addon",  # per cluster
        "aws_eks_access_entry",
        "aws_eks_access_policy_association",
        "aws_eks_pod_identity_association",
        "aws_ecr_lifecycle_policy",
        "aws_ecr_repository_policy",
        "aws_s3_bucket_policy",
    }
)
#: Providers whose objects live inside the environment's own cluster.
IN_CLUSTER_PREFIXES = ("kubernetes_", "helm_", "kubectl_")


def aws_names(doc: Doc) -> dict[tuple[str, str], set[str]]:
    """``(resource type, attribute) -> literal names`` of every AWS-level name in the stack.

    Pure references (``${aws_x.y.id}``) name nothing new and are skipped; names with interpolations
    keep their literal text, which is what would clash.
    """
    names: dict[tuple[str, str], set[str]] = {}
    for resource_type, _name, body in resources(doc):
        if resource_type in SCOPED_NAME_TYPES or resource_type.startswith(IN_CLUSTER_PREFIXES):
            continue
        for attribute in NAME_ATTRIBUTES:
            value = body.get(attribute)
            if isinstance(value, str) and value and not re.fullmatch(r"\$\{[^}]*\}", value):
                names.setdefault((resource_type, attribute), set()).add(value)
    return names


def check_names_carry_environment(doc: Doc, environment: str) -> list[str]:
    """Every AWS-level name contains the environment's name as one of its parts (``eks-platform-dev-x``,
    ``alias/eks-platform-dev-logs``, ``eks-platform/dev/api``), so no two environments share one."""
    problems = []
    for (resource_type, attribute), values in sorted(aws_names(doc).items()):
        for value in sorted(values):
            if environment not in re.split(r"[^a-z0-9]+", value.lower()):
                problems.append(f"{resource_type}.{attribute} = {value!r} does not name environment {environment!r}")
    return problems


def check_names_disjoint(stacks: Mapping[str, Doc]) -> list[str]:
    """No AWS-level name is used by two environments for the same resource type."""
    owners: dict[tuple[str, str], str] = {}
    problems = []
    for environment, doc in sorted(stacks.items()):
        for (resource_type, _attribute), values in sorted(aws_names(doc).items()):
            for value in sorted(values):
                key = (resource_type, value)
                if key in owners and owners[key] != environment:
                    problems.append(f"{resource_type} name {value!r} is used by {owners[key]} and {environment}")
                owners.setdefault(key, environment)
    return problems


# --------------------------------------------------------------------------------------------
# Stateful resources
# --------------------------------------------------------------------------------------------

#: Resource types that hold data a destroy would lose (log groups: flow and control-plane logs are evidence).
STATEFUL_TYPES = (
    "aws_kms_key",
    "aws_ecr_repository",
    "aws_s3_bucket",
    "aws_dynamodb_table",
    "aws_efs_file_system",
    "aws_cloudwatch_log_group",
)
STATEFUL_PREFIXES = ("aws_db_", "aws_rds_cluster", "aws_elasticache_", "aws_docdb_", "aws_msk_cluster")


def _is_stateful(resource_type: str) -> bool:
    return resource_type in STATEFUL_TYPES or resource_type.startswith(STATEFUL_PREFIXES)


def check_prevent_destroy(doc: Doc) -> list[str]:
    """Every stateful resource has ``lifecycle.prevent_destroy = true`` (call it for prod stacks)."""
    return [
        f"{resource_type}.{name}: lifecycle.prevent_destroy is not true"
        for resource_type, name, body in resources(doc)
        if _is_stateful(resource_type) and _first(body.get("lifecycle")).get("prevent_destroy") is not True
    ]


def check_kms_keys(doc: Doc, *, production: bool) -> list[str]:
    """KMS keys rotate, and wait 30 days before deletion in prod and at least 14 days elsewhere."""
    problems = []
    for resource_type, name, body in resources(doc):
        if resource_type != "aws_kms_key":
            continue
        window = body.get("deletion_window_in_days", 30)  # the provider's default is 30
        if production and window != 30:
            problems.append(f"aws_kms_key.{name}: deletion_window_in_days {window}, prod needs 30")
        if not isinstance(window, int) or window < 14:
            problems.append(f"aws_kms_key.{name}: deletion_window_in_days {window}, needs at least 14")
        if (
            body.get("enable_key_rotation") is not True
            and body.get("customer_master_key_spec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
        ):
            problems.append(f"aws_kms_key.{name}: enable_key_rotation is not true")
    return problems
