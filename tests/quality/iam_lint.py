"""``parliament`` over the IAM documents of a synthesized stack, offline.

Terraform references (``${aws_kms_key.logs_key_1234.arn}``) are replaced by plausible values of the
right shape first (an ARN of the referenced resource type, a 12-digit account, ``aws``), so parliament
checks actions against resources and condition keys as AWS would see them.

Severities: parliament grades findings MUTE < INFO < LOW < MEDIUM < HIGH < CRITICAL (``config.yaml``
in the package; its CLI fails on any finding at or above ``--minimum_severity``, default LOW). We
treat MEDIUM and above as errors (malformed documents, unknown principals, operators or condition
keys, actions that do not apply to the resource), plus the LOW ``UNKNOWN_ACTION`` and
``UNKNOWN_PREFIX``, which are typos. The remaining LOW findings (``RESOURCE_STAR`` on key policies,
which must say ``*``) are not errors. :data:`KNOWN_FALSE_POSITIVES` lists the reviewed exceptions.
"""

from __future__ import annotations

import importlib
import importlib.resources
import json
import re
import sys
import types
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.quality.checks import Doc, iam_documents, statements

__all__ = ["ERROR_SEVERITIES", "Finding", "concretize", "lint_document", "parliament_errors"]

ERROR_SEVERITIES = frozenset({"MEDIUM", "HIGH", "CRITICAL"})
TYPO_ISSUES = frozenset({"UNKNOWN_ACTION", "UNKNOWN_PREFIX"})

ACCOUNT = "123456789012"
REGION = "us-east-1"
OIDC_ISSUER = f"oidc.eks.{REGION}.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"

#: ``.arn`` of a resource type -> a plausible ARN of that type.
ARNS = {
    "aws_s3_bucket": "arn:aws:s3:::eks-platform-placeholder",
    "aws_kms_key": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    "aws_ecr_repository": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/eks-platform/placeholder",
    "aws_iam_role": f"arn:aws:iam::{ACCOUNT}:role/eks-platform-placeholder",
    "aws_iam_policy": f"arn:aws:iam::{ACCOUNT}:policy/eks-platform-placeholder",
    "aws_iam_openid_connect_provider": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC_ISSUER}",
    "aws_eks_cluster": f"arn:aws:eks:{REGION}:{ACCOUNT}:cluster/eks-platform-placeholder",
    "aws_eks_node_group": f"arn:aws:eks:{REGION}:{ACCOUNT}:nodegroup/eks-platform-placeholder/group/uuid",
    "aws_cloudwatch_log_group": f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/eks-platform/placeholder",
    "aws_sqs_queue": f"arn:aws:sqs:{REGION}:{ACCOUNT}:eks-platform-placeholder",
    "aws_sns_topic": f"arn:aws:sns:{REGION}:{ACCOUNT}:eks-platform-placeholder",
    "aws_secretsmanager_secret": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:eks-platform-placeholder-AbCdEf",
    "aws_dynamodb_table": f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/eks-platform-placeholder",
    "aws_route53_zone": "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
    "aws_ssm_parameter": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/eks-platform/placeholder",
    "aws_lb": f"arn:aws:elasticloadbalancing:{REGION}:{ACCOUNT}:loadbalancer/app/eks-platform/0123456789abcdef",
    "aws_vpc": f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-0123456789abcdef0",
    "aws_subnet": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/subnet-0123456789abcdef0",
    "aws_instance": f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0",
    "aws_launch_template": f"arn:aws:ec2:{REGION}:{ACCOUNT}:launch-template/lt-0123456789abcdef0",
    "aws_iam_instance_profile": f"arn:aws:iam::{ACCOUNT}:instance-profile/eks-platform-placeholder",
}

#: Attribute (last part of a reference) -> a plausible value, whatever the resource type.
ATTRIBUTES = {
    "account_id": ACCOUNT,
    "partition": "aws",
    "dns_suffix": "amazonaws.com",
    "region": REGION,
    "name": "eks-platform-placeholder",
    "id": "eks-platform-placeholder",
    "key_id": "1234abcd-12ab-34cd-56ef-1234567890ab",
    "repository_url": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/eks-platform/placeholder",
    "registry_id": ACCOUNT,
    "url": f"https://{OIDC_ISSUER}",
    "issuer": f"https://{OIDC_ISSUER}",
    "bucket": "eks-platform-placeholder",
    "user_id": "AIDAEXAMPLEEXAMPLE",
    # aws_db_instance's master_user_secret[0].secret_arn (the RDS-managed secret, named rds!db-<uuid>)
    "secret_arn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:rds!db-0123abcd-AbCdEf",
}

_INTERPOLATION = re.compile(r"\$\{((?:[^{}\"]|\"(?:[^\"\\]|\\.)*\"|\{[^{}]*\})*)\}")
_TYPED_REFERENCE = re.compile(r"(?:data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.[\w-]+((?:\.[\w-]+|\[\d+\])*)")


def _placeholder(expression: str) -> str:
    """A plausible value for one ``${...}`` expression."""
    stripped = re.search(r"\b(replace|trimprefix)\(", expression) is not None
    reference = _TYPED_REFERENCE.search(expression)
    resource_type = reference.group(1) if reference else ""
    attribute_path = reference.group(2) if reference else ""
    attributes = re.findall(r"[a-z_]+", attribute_path)
    attribute = attributes[-1] if attributes else ""
    if attribute in ("url", "issuer") and stripped:
        return OIDC_ISSUER
    if not reference and re.search(r"oidc|issuer", expression):  # e.g. ${local.cluster_oidc-issuer-host_1234}
        return OIDC_ISSUER
    if attribute == "arn":
        return ARNS.get(
            resource_type,
            f"arn:aws:{resource_type.split('_')[1] if '_' in resource_type else 'iam'}:{REGION}:{ACCOUNT}:placeholder",
        )
    if resource_type == "aws_region" or resource_type == "aws_region_name":
        return REGION
    return ATTRIBUTES.get(attribute, "eks-platform-placeholder")


def concretize(value: Any) -> Any:
    """``value`` (a document, or any part of one) with every ``${...}`` in its strings and keys
    replaced by a plausible value of the right shape."""
    if isinstance(value, str):
        return _INTERPOLATION.sub(lambda m: _placeholder(m.group(1)), value)
    if isinstance(value, dict):
        return {concretize(key): concretize(item) for key, item in value.items()}
    if isinstance(value, list):
        return [concretize(item) for item in value]
    return value


@dataclass(frozen=True)
class Finding:
    """One parliament finding on one document."""

    where: str
    issue: str
    severity: str
    detail: str

    def __str__(self) -> str:
        return f"{self.where}: {self.issue} ({self.severity}): {self.detail}"


def _is_resource_policy(document: dict[str, Any]) -> bool:
    return all("Principal" in s or "NotPrincipal" in s for s in statements(document))


def _oidc_federation(detail: str) -> bool:
    return (
        re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:oidc-provider/oidc\.eks\.[a-z0-9-]+\.amazonaws\.com/id/\w+", detail)
        is not None
    )


#: Actions whose resource types parliament 1.6.4's bundled IAM database gets wrong (it lists none, so
#: it wants ``*``); the AWS Service Authorization Reference scopes them to a repository ARN.
STALE_RESOURCE_DEFINITIONS = frozenset({"ecr:BatchImportUpstreamImage"})
#: Actions newer than parliament's database, each checked against the AWS Load Balancer Controller's
#: published iam_policy.json (ModifyIpPools: ALB IPAM pools, controller v2.13+).
NEWER_ACTIONS = frozenset({"elasticloadbalancing:modifyippools"})
#: (condition key, action) pairs AWS supports that parliament's database lacks; the controller's
#: published policy tags new load balancers only ``elasticloadbalancing:CreateAction``-conditioned.
NEWER_CONDITION_KEYS = frozenset({("elasticloadbalancing:createaction", "elasticloadbalancing:addtags")})


def _newer_action(detail: str) -> bool:
    match = re.fullmatch(r"Unknown action (\S+)", detail)
    return match is not None and match.group(1).lower() in NEWER_ACTIONS


def _newer_condition_key(detail: str) -> bool:
    match = re.fullmatch(r"Unknown condition (\S+) for action (\S+)", detail)
    return match is not None and (match.group(1).lower(), match.group(2).lower()) in NEWER_CONDITION_KEYS


def _only_stale_actions(detail: str) -> bool:
    try:
        mismatches = json.loads(detail)
    except ValueError:
        return False
    return isinstance(mismatches, list) and all(
        isinstance(m, dict) and m.get("action") in STALE_RESOURCE_DEFINITIONS for m in mismatches
    )


#: Actions whose request names several resource types, each checked against the policy on its own:
#: a policy may allow them type by type, each statement with the conditions that fit that type.
SPLIT_BY_RESOURCE_TYPE = frozenset({"ec2:RunInstances", "ec2:CreateFleet"})


def _covered_elsewhere(document: dict[str, Any], detail: str) -> bool:
    """Every format parliament misses in one statement is allowed, for the same action, by some statement
    of ``document`` (so the split is by resource type, not a hole)."""
    try:
        mismatches = json.loads(detail)
    except ValueError:
        return False
    if not isinstance(mismatches, list) or not mismatches:
        return False
    allowed: list[tuple[set[str], list[str]]] = []
    for item in statements(document):
        if item.get("Effect") != "Allow":
            continue
        actions = item.get("Action", [])
        resources = item.get("Resource", [])
        allowed.append(
            (
                {actions} if isinstance(actions, str) else set(actions),
                [resources] if isinstance(resources, str) else list(resources),
            )
        )

    def covered(action: str, required: str) -> bool:
        resource_type = required.split(":", 5)[5].split("/", 1)[0]
        return any(
            action in actions and any(r.split(":", 5)[5].split("/", 1)[0] == resource_type for r in resources)
            for actions, resources in allowed
        )

    return all(
        isinstance(m, dict)
        and m.get("action") in SPLIT_BY_RESOURCE_TYPE
        and covered(str(m["action"]), str(m.get("required_format", "")))
        for m in mismatches
    )


#: Reviewed parliament false positives: (issue, predicate on (document, detail), reason).
KNOWN_FALSE_POSITIVES: tuple[tuple[str, Callable[[dict[str, Any], str], bool], str], ...] = (
    (
        "MALFORMED",
        lambda document, detail: _is_resource_policy(document) and "neither Resource nor NotResource" in detail,
        "trust, repository and other resource-based policies have a Principal and no Resource by design",
    ),
    (
        "UNKNOWN_FEDERATION_SOURCE",
        lambda document, detail: _oidc_federation(detail),
        "parliament only knows Cognito/SAML/web providers; an EKS cluster's OIDC provider is the IRSA principal",
    ),
    (
        "MISMATCHED_TYPE",
        lambda document, detail: (
            "ArnLike requires a value of type Arn but given String" in detail
            and "kms:EncryptionContext:aws:logs:arn" in json.dumps(document)
        ),
        "parliament types every kms:EncryptionContext key as String; AWS documents ArnLike on "
        "kms:EncryptionContext:aws:logs:arn for CloudWatch Logs keys",
    ),
    ("UNKNOWN_ACTION", lambda document, detail: _newer_action(detail), "newer than parliament's database"),
    (
        "UNKNOWN_CONDITION_FOR_ACTION",
        lambda document, detail: _newer_condition_key(detail),
        "condition key newer than parliament's database (see NEWER_CONDITION_KEYS)",
    ),
    (
        "RESOURCE_MISMATCH",
        _covered_elsewhere,
        "parliament wants every resource type of RunInstances/CreateFleet in each statement; IAM checks each "
        "type of the request on its own, so a policy may allow them type by type (see SPLIT_BY_RESOURCE_TYPE)",
    ),
    (
        "RESOURCE_MISMATCH",
        lambda document, detail: _only_stale_actions(detail),
        "parliament's database is older than these actions' repository resource type (see STALE_RESOURCE_DEFINITIONS)",
    ),
)


def _parliament() -> Any:
    """Import parliament; it still reads its data files through ``pkg_resources``, which setuptools
    81+ no longer ships (and 80 warns about). Without it, a one-function stand-in is installed only
    for the import, then removed."""
    if "parliament" in sys.modules:
        return sys.modules["parliament"]
    shim_installed = False
    try:
        with warnings.catch_warnings():  # setuptools 80 warns that pkg_resources is deprecated
            warnings.simplefilter("ignore", UserWarning)
            importlib.import_module("pkg_resources")
    except ModuleNotFoundError:
        shim = types.ModuleType("pkg_resources")
        shim.resource_filename = lambda package, resource: str(importlib.resources.files(package) / resource)  # type: ignore[attr-defined]
        sys.modules["pkg_resources"] = shim
        shim_installed = True
    try:
        return importlib.import_module("parliament")
    finally:
        if shim_installed:
            del sys.modules["pkg_resources"]


def lint_document(where: str, document: dict[str, Any]) -> list[Finding]:
    """parliament's errors for one document (already concretized), false positives removed."""
    parliament = _parliament()
    policy = parliament.analyze_policy_string(json.dumps(document))
    errors = []
    for finding in policy.findings:
        parliament.enhance_finding(finding)
        detail = json.dumps(finding.detail) if not isinstance(finding.detail, str) else finding.detail
        if finding.severity not in ERROR_SEVERITIES and finding.issue not in TYPO_ISSUES:
            continue
        if any(issue == finding.issue and applies(document, detail) for issue, applies, _ in KNOWN_FALSE_POSITIVES):
            continue
        errors.append(Finding(where, finding.issue, finding.severity, detail))
    return errors


def parliament_errors(doc: Doc) -> list[Finding]:
    """parliament's errors for every IAM document of a synthesized stack."""
    findings = []
    for where, document in iam_documents(doc):
        concrete = concretize(document)
        leftover = re.findall(r"\$\{[^}]*\}", json.dumps(concrete))
        if leftover:
            findings.append(Finding(where, "UNRESOLVED_REFERENCE", "HIGH", f"could not substitute {leftover}"))
            continue
        findings.extend(lint_document(where, concrete))
    return findings
