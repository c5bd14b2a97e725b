"""ClusterConfig.workload_identity in a whole stack: the reference environments give every Helm add-on
that calls AWS and every application with ``needs_aws`` an EKS Pod Identity role; an IRSA variant of
prod gives the same roles (names and addresses) through IRSA instead."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.cluster.config import IdentityMode
from tests.quality import checks

Doc = dict[str, Any]
ENVIRONMENTS = ("dev", "staging", "prod")
ROLE_ARN_ANNOTATION = "eks.amazonaws.com/role-arn"
#: Prod's workloads that call AWS: add-on (namespace, service account) and role name.
PROD_WORKLOADS = {
    ("aws-load-balancer-controller", "aws-load-balancer-controller"): "eks-platform-prod-alb-controller",
    ("cluster-autoscaler", "cluster-autoscaler"): "eks-platform-prod-cluster-autoscaler",
    ("external-secrets", "external-secrets"): "eks-platform-prod-external-secrets",
    ("velero", "velero-server"): "eks-platform-prod-velero",
    ("external-dns", "external-dns"): "eks-platform-prod-external-dns",
    ("api", "api"): "eks-platform-prod-app-api",
}


@pytest.fixture(scope="module")
def irsa_prod(tmp_path_factory: pytest.TempPathFactory) -> Doc:
    from constructs_lib.platform_stack import build_app
    from stacks.environments import PROD

    variant = dataclasses.replace(PROD, cluster=dataclasses.replace(PROD.cluster, workload_identity=IdentityMode.IRSA))
    outdir = tmp_path_factory.mktemp("irsa-prod")
    build_app([variant], outdir=str(outdir)).synth()
    return dict(json.loads((Path(outdir) / "stacks" / "prod" / "cdk.tf.json").read_text("utf-8")))


def _roles(doc: Doc) -> dict[str, dict[str, Any]]:
    """Role address -> body."""
    return dict(doc["resource"]["aws_iam_role"])


def _role_name_by_arn_reference(doc: Doc) -> dict[str, str]:
    return {f"${{aws_iam_role.{address}.arn}}": body["name"] for address, body in _roles(doc).items()}


def _associations(doc: Doc) -> dict[tuple[str, str], str]:
    """(namespace, service account) -> the bound role's name."""
    names = _role_name_by_arn_reference(doc)
    return {
        (body["namespace"], body["service_account"]): names[body["role_arn"]]
        for body in doc["resource"].get("aws_eks_pod_identity_association", {}).values()
    }


def _annotations(doc: Doc) -> int:
    """How many role-arn annotations Helm values and service accounts carry."""
    text = json.dumps(doc["resource"].get("helm_release", {})) + json.dumps(
        doc["resource"].get("kubernetes_service_account_v1", {})
    )
    return text.count(ROLE_ARN_ANNOTATION)


def _secret_store(doc: Doc) -> dict[str, Any]:
    (body,) = [b for b in doc["resource"]["helm_release"].values() if b["name"] == "cluster-secret-store"]
    (manifest,) = json.loads(body["values"][0])["manifests"]
    return dict(manifest["spec"]["provider"]["aws"])


# -- the reference environments: Pod Identity ---------------------------------------------------


def test_prod_binds_every_addon_and_application_role_through_pod_identity(stacks_json: dict[str, Doc]) -> None:
    assert _associations(stacks_json["prod"]) == PROD_WORKLOADS


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_service_account_carries_the_irsa_annotation(stacks_json: dict[str, Doc], environment: str) -> None:
    assert _annotations(stacks_json[environment]) == 0


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_workload_role_trusts_pod_identity_only(stacks_json: dict[str, Doc], environment: str) -> None:
    doc = stacks_json[environment]
    bound = set(_associations(doc).values())
    principals = {
        body["name"]: [s["Principal"] for s in json.loads(body["assume_role_policy"])["Statement"]]
        for body in _roles(doc).values()
        if body["name"] in bound
    }
    assert bound and all(p == [{"Service": "pods.eks.amazonaws.com"}] for p in principals.values()), principals


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_pod_identity_roles_exercise_the_trust_check(stacks_json: dict[str, Doc], environment: str) -> None:
    documents = [where for where, document in checks.iam_documents(stacks_json[environment]) if "irsa-app-" in where]
    assert documents and checks.check_pod_identity_trust(stacks_json[environment]) == []


def test_cluster_secret_store_uses_the_controller_credentials(stacks_json: dict[str, Doc]) -> None:
    assert _secret_store(stacks_json["prod"]) == {"region": "us-east-1", "service": "SecretsManager"}


# -- the IRSA variant ---------------------------------------------------------------------------


def test_irsa_variant_has_no_workload_associations(irsa_prod: Doc) -> None:
    assert _associations(irsa_prod) == {}


def test_irsa_variant_keeps_the_role_names_and_addresses(irsa_prod: Doc, stacks_json: dict[str, Doc]) -> None:
    def names(doc: Doc) -> dict[str, str]:
        return {address: body["name"] for address, body in _roles(doc).items()}

    assert names(irsa_prod) == names(stacks_json["prod"])


def test_irsa_variant_annotates_every_workload_service_account(irsa_prod: Doc) -> None:
    # Five add-on charts and the api application's ServiceAccount.
    assert _annotations(irsa_prod) == len(PROD_WORKLOADS)


def test_irsa_variant_trust_is_exact(irsa_prod: Doc) -> None:
    subjects = {
        condition
        for body in _roles(irsa_prod).values()
        for statement in json.loads(body["assume_role_policy"])["Statement"]
        for key, condition in statement.get("Condition", {}).get("StringEquals", {}).items()
        if key.endswith(":sub")
    }
    assert (checks.check_irsa_trust(irsa_prod), "system:serviceaccount:api:api" in subjects) == ([], True)


def test_irsa_variant_secret_store_authenticates_as_the_controller(irsa_prod: Doc) -> None:
    assert _secret_store(irsa_prod)["auth"] == {
        "jwt": {"serviceAccountRef": {"name": "external-secrets", "namespace": "external-secrets"}}
    }


def test_irsa_variant_application_needs_no_agent_egress(irsa_prod: Doc) -> None:
    (policy,) = [
        b
        for b in irsa_prod["resource"]["kubernetes_network_policy_v1"].values()
        if (b["metadata"].get("namespace"), b["metadata"]["name"]) == ("api", "allow-egress")
    ]
    assert "169.254.170.23/32" not in json.dumps(policy)
