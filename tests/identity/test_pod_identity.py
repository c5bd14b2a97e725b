"""PodIdentityRole: exact trust policy, associations per service account, ADDON mode, every error."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import TerraformStack
from cdktf import Testing as CdktfTesting

from constructs_lib.errors import ConfigError
from constructs_lib.iam import statement
from constructs_lib.identity.irsa import Permissions
from constructs_lib.identity.pod_identity import (
    AssociationMode,
    PodIdentityRole,
    PodIdentityRoleProps,
    ServiceAccountRef,
)
from tests.helpers import Synth, resources, synth
from tests.quality import checks

READ = statement("ReadBucket", ["s3:GetObject"], ["arn:aws:s3:::eks-platform-dev-api/*"])
EBS = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
ROLES: dict[str, PodIdentityRole] = {}


def _props(**overrides: Any) -> PodIdentityRoleProps:
    values: dict[str, Any] = {
        "name_prefix": "eks-platform-dev",
        "name": "app-api",
        "cluster_name": "eks-platform-dev",
        "service_accounts": (ServiceAccountRef("api", "api"), ServiceAccountRef("jobs", "worker")),
        "permissions": Permissions(statements=(READ,)),
    }
    values.update(overrides)
    return PodIdentityRoleProps(**values)


def _build(stack: TerraformStack) -> None:
    ROLES["app"] = PodIdentityRole(stack, "app", props=_props())
    ROLES["ebs"] = PodIdentityRole(
        stack,
        "ebs",
        props=_props(
            name="ebs-csi",
            service_accounts=(ServiceAccountRef("kube-system", "ebs-csi-controller-sa"),),
            permissions=Permissions(managed_policy_arns=(EBS,)),
            association_mode=AssociationMode.ADDON,
            description="EBS CSI driver",
        ),
    )


@pytest.fixture(scope="module")
def doc() -> Synth:
    return synth(_build)


def _role(doc: Synth, id: str) -> Any:
    (body,) = [v for k, v in resources(doc, "aws_iam_role").items() if k.startswith(f"{id}_")]
    return body


def _trust(doc: Synth, id: str) -> Any:
    return json.loads(_role(doc, id)["assume_role_policy"])


def test_trust_has_one_statement_per_service_account(doc: Synth) -> None:
    assert len(_trust(doc, "app")["Statement"]) == 2


def test_trust_principal_is_the_pod_identity_service(doc: Synth) -> None:
    assert {json.dumps(s["Principal"]) for s in _trust(doc, "app")["Statement"]} == {
        '{"Service": "pods.eks.amazonaws.com"}'
    }


def test_trust_actions_are_assume_role_and_tag_session(doc: Synth) -> None:
    assert _trust(doc, "app")["Statement"][0]["Action"] == ["sts:AssumeRole", "sts:TagSession"]


def test_trust_pins_cluster_namespace_and_service_account(doc: Synth) -> None:
    assert _trust(doc, "app")["Statement"][1]["Condition"] == {
        "StringEquals": {
            "aws:RequestTag/eks-cluster-name": "eks-platform-dev",
            "aws:RequestTag/kubernetes-namespace": "jobs",
            "aws:RequestTag/kubernetes-service-account": "worker",
        }
    }


def test_trust_passes_the_quality_check(doc: Synth) -> None:
    assert checks.check_pod_identity_trust(doc) == []


def test_role_name_and_default_description(doc: Synth) -> None:
    role = _role(doc, "app")
    assert (role["name"], role["description"]) == (
        "eks-platform-dev-app-api",
        "EKS Pod Identity role of service account api/api, jobs/worker",
    )


def test_inline_permissions(doc: Synth) -> None:
    (policy,) = [v for k, v in resources(doc, "aws_iam_role_policy").items() if k.startswith("app_")]
    assert json.loads(policy["policy"])["Statement"] == [READ]


def test_managed_permissions(doc: Synth) -> None:
    (attachment,) = resources(doc, "aws_iam_role_policy_attachment").values()
    assert attachment["policy_arn"] == EBS


def test_one_association_per_service_account(doc: Synth) -> None:
    associations = sorted(
        (a["namespace"], a["service_account"], a["cluster_name"])
        for a in resources(doc, "aws_eks_pod_identity_association").values()
    )
    assert associations == [("api", "api", "eks-platform-dev"), ("jobs", "worker", "eks-platform-dev")]


def test_association_uses_the_role(doc: Synth) -> None:
    (key,) = [k for k in resources(doc, "aws_iam_role") if k.startswith("app_")]
    roles = {a["role_arn"] for a in resources(doc, "aws_eks_pod_identity_association").values()}
    assert roles == {f"${{aws_iam_role.{key}.arn}}"}


def test_addon_mode_creates_no_association(doc: Synth) -> None:
    assert not [k for k in resources(doc, "aws_eks_pod_identity_association") if k.startswith("ebs_")]


def test_typed_attributes() -> None:
    app, ebs = ROLES["app"], ROLES["ebs"]
    assert (app.role_name, sorted(app.associations), sorted(app.association_ids), dict(ebs.associations)) == (
        "eks-platform-dev-app-api",
        ["api/api", "jobs/worker"],
        ["api/api", "jobs/worker"],
        {},
    )


def _fresh() -> TerraformStack:
    return TerraformStack(CdktfTesting.app(), "errors")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"service_accounts": ()}, r"`pod_identity\[app-api\]\.service_accounts`: must name at least one"),
        (
            {"service_accounts": (ServiceAccountRef("api", "*"),)},
            r"`pod_identity\[app-api\]\.service_accounts\[0\]\.name`: must not contain wildcards",
        ),
        (
            {"service_accounts": (ServiceAccountRef("Api", "api"),)},
            r"`pod_identity\[app-api\]\.service_accounts\[0\]\.namespace`",
        ),
        (
            {"service_accounts": (ServiceAccountRef("api", "api"), ServiceAccountRef("api", "api"))},
            r"`pod_identity\[app-api\]\.service_accounts`: service account must be unique",
        ),
        (
            {"association_mode": AssociationMode.ADDON},
            r"`pod_identity\[app-api\]\.service_accounts`: must name exactly one service account in ADDON mode",
        ),
        ({"permissions": Permissions()}, r"`pod_identity\[app-api\]\.permissions`: must grant something"),
        ({"name": "x" * 48}, r"`pod_identity\[x+\]\.name`: the role name `<name_prefix>-<name>` must be at most 64"),
        ({"cluster_name": "Bad Cluster"}, r"`pod_identity\[app-api\]\.cluster_name`"),
        ({"association_mode": "ADDON"}, r"`pod_identity\[app-api\]\.association_mode`: must be CREATE or ADDON"),
    ],
)
def test_errors(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        PodIdentityRole(_fresh(), "role", props=_props(**overrides))
