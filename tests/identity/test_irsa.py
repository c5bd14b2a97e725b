"""IrsaRole: exact trust policy, role naming, inline and managed permissions, service-account modes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider

from constructs_lib.errors import ConfigError
from constructs_lib.iam import statement
from constructs_lib.identity.irsa import (
    IrsaRole,
    IrsaRoleProps,
    Permissions,
    ServiceAccountMode,
)
from tests.helpers import Synth, resources, synth

PROVIDER = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71"
READ = statement("ReadBucket", ["s3:GetObject"], ["arn:aws:s3:::eks-platform-dev-api/*"])
EBS = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"
ROLES: dict[str, IrsaRole] = {}


def _props(**overrides: Any) -> IrsaRoleProps:
    values: dict[str, Any] = {
        "name_prefix": "eks-platform-dev",
        "name": "app-api",
        "oidc_provider_arn": PROVIDER,
        "oidc_issuer_host": ISSUER,
        "namespace": "api",
        "service_account": "api",
        "permissions": Permissions(statements=(READ,)),
    }
    values.update(overrides)
    return IrsaRoleProps(**values)


def _build(stack: TerraformStack) -> None:
    ROLES["app"] = IrsaRole(
        stack,
        "app",
        props=_props(service_account_mode=ServiceAccountMode.CREATE, service_account_labels={"app": "api"}),
    )
    ROLES["ebs"] = IrsaRole(
        stack,
        "ebs",
        props=_props(
            name="ebs-csi",
            namespace="kube-system",
            service_account="ebs-csi-controller-sa",
            permissions=Permissions(managed_policy_arns=(EBS,)),
            description="EBS CSI driver",
        ),
    )


@pytest.fixture(scope="module")
def doc() -> Synth:
    return synth(_build)


def _one(doc: Synth, resource_type: str, construct_id: str) -> Any:
    (found,) = [r for key, r in resources(doc, resource_type).items() if key.startswith(f"{construct_id}_")]
    return found


def test_trust_policy_is_exact(doc: Synth) -> None:
    assert json.loads(_one(doc, "aws_iam_role", "app")["assume_role_policy"]) == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AssumeFromOneServiceAccount",
                "Effect": "Allow",
                "Principal": {"Federated": PROVIDER},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:sub": "system:serviceaccount:api:api",
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }


def test_trust_policy_binds_the_given_namespace_and_account(doc: Synth) -> None:
    trust = json.loads(_one(doc, "aws_iam_role", "ebs")["assume_role_policy"])
    assert trust["Statement"][0]["Condition"]["StringEquals"][f"{ISSUER}:sub"] == (
        "system:serviceaccount:kube-system:ebs-csi-controller-sa"
    )


def test_role_name_is_prefixed(doc: Synth) -> None:
    assert _one(doc, "aws_iam_role", "app")["name"] == "eks-platform-dev-app-api"


def test_default_description_names_the_service_account(doc: Synth) -> None:
    assert _one(doc, "aws_iam_role", "app")["description"] == "IRSA role of service account api/api"


def test_description_override(doc: Synth) -> None:
    assert _one(doc, "aws_iam_role", "ebs")["description"] == "EBS CSI driver"


def test_inline_statements_become_one_policy(doc: Synth) -> None:
    policy = _one(doc, "aws_iam_role_policy", "app")
    assert (policy["name"], json.loads(policy["policy"])["Statement"]) == ("eks-platform-dev-app-api", [READ])


def test_managed_policy_is_attached(doc: Synth) -> None:
    assert _one(doc, "aws_iam_role_policy_attachment", "ebs")["policy_arn"] == EBS


def test_managed_attachment_id_comes_from_the_policy_name(doc: Synth) -> None:
    (key,) = resources(doc, "aws_iam_role_policy_attachment")
    assert key.startswith("ebs_managed--service-role--AmazonEBSCSIDriverPolicy_")


def test_no_inline_policy_without_statements(doc: Synth) -> None:
    assert [key for key in resources(doc, "aws_iam_role_policy") if key.startswith("ebs_")] == []


def test_create_mode_creates_the_annotated_service_account(doc: Synth) -> None:
    metadata = _one(doc, "kubernetes_service_account_v1", "app")["metadata"]
    assert (metadata["name"], metadata["namespace"], metadata["labels"]) == ("api", "api", {"app": "api"})


def test_create_mode_annotation_points_at_the_role(doc: Synth) -> None:
    annotation = _one(doc, "kubernetes_service_account_v1", "app")["metadata"]["annotations"]
    (role_key,) = [key for key in resources(doc, "aws_iam_role") if key.startswith("app_")]
    assert annotation == {"eks.amazonaws.com/role-arn": f"${{aws_iam_role.{role_key}.arn}}"}


def test_external_mode_creates_no_service_account(doc: Synth) -> None:
    assert [k for k in resources(doc, "kubernetes_service_account_v1") if k.startswith("ebs_")] == []


def test_external_mode_exposes_annotations(doc: Synth) -> None:
    assert list(ROLES["ebs"].service_account_annotations) == ["eks.amazonaws.com/role-arn"]


def test_typed_attributes(doc: Synth) -> None:
    role = ROLES["ebs"]
    assert (role.role_name, role.namespace, role.service_account_name, role.service_account) == (
        "eks-platform-dev-ebs-csi",
        "kube-system",
        "ebs-csi-controller-sa",
        None,
    )


def test_terraform_references_are_accepted_for_the_provider() -> None:
    def build(stack: TerraformStack) -> None:
        provider = IamOpenidConnectProvider(
            stack, "oidc", url="https://" + ISSUER, client_id_list=["sts.amazonaws.com"]
        )
        IrsaRole(stack, "role", props=_props(oidc_provider_arn=provider.arn))

    trust = json.loads(next(iter(resources(synth(build), "aws_iam_role").values()))["assume_role_policy"])
    assert trust["Statement"][0]["Principal"]["Federated"].startswith("${aws_iam_openid_connect_provider.oidc")


# --- errors --------------------------------------------------------------------------------------


def _fails(props: IrsaRoleProps) -> None:
    def build(stack: TerraformStack) -> None:
        try:
            IrsaRole(stack, "role", props=props)
        finally:
            role = stack.node.try_find_child("role")
            assert role is None or role.node.children == []

    synth(build)


def test_wildcard_namespace_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].namespace`: must not contain wildcards"):
        _fails(_props(namespace="*"))


def test_wildcard_service_account_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].service_account`: must not contain wildcards"):
        _fails(_props(service_account="api-?"))


def test_non_dns_namespace_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].namespace`: must be a DNS-1123 label"):
        _fails(_props(namespace="Kube_System"))


def test_non_dns_service_account_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].service_account`: must be a DNS-1123 label"):
        _fails(_props(service_account="a" * 64))


def test_bad_role_name_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[App\].name`: must be a DNS-1123 label"):
        _fails(_props(name="App"))


def test_bad_name_prefix_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].name_prefix`: must be a DNS-1123 label"):
        _fails(_props(name_prefix="EKS"))


def test_too_long_role_name_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"the role name `<name_prefix>-<name>` must be at most 64 characters"):
        _fails(_props(name_prefix="a" * 40, name="b" * 30))


def test_bad_provider_arn_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].oidc_provider_arn`: must be the ARN of an IAM OIDC"):
        _fails(_props(oidc_provider_arn="arn:aws:iam::111122223333:role/not-a-provider"))


def test_issuer_with_scheme_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].oidc_issuer_host`: must be the issuer host"):
        _fails(_props(oidc_issuer_host="https://" + ISSUER))


def test_issuer_with_trailing_slash_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"oidc_issuer_host`: must be the issuer host and path without"):
        _fails(_props(oidc_issuer_host=ISSUER + "/"))


def test_no_permissions_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].permissions`: must grant something"):
        _fails(_props(permissions=Permissions()))


def test_bad_managed_policy_arn_is_refused() -> None:
    permissions = Permissions(managed_policy_arns=("AmazonEBSCSIDriverPolicy",))
    with pytest.raises(ConfigError, match=r"permissions.managed_policy_arns\[0\]`: must be an IAM managed policy ARN"):
        _fails(_props(permissions=permissions))


def test_duplicate_managed_policy_is_refused() -> None:
    permissions = Permissions(managed_policy_arns=(EBS, EBS))
    with pytest.raises(ConfigError, match=r"permissions.managed_policy_arns`: policy ARN must be unique"):
        _fails(_props(permissions=permissions))


def test_duplicate_sid_is_refused() -> None:
    permissions = Permissions(statements=(READ, READ))
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].permissions.statements`: Sid must be unique"):
        _fails(_props(permissions=permissions))


def test_mode_must_be_the_enum() -> None:
    with pytest.raises(ConfigError, match=r"`irsa\[app-api\].service_account_mode`: must be EXTERNAL or CREATE"):
        _fails(_props(service_account_mode="CREATE"))


def test_labels_without_create_mode_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"service_account_labels`: only apply when the construct creates"):
        _fails(_props(service_account_labels={"app": "api"}))
