"""Own policy checks over every environment's synthesized JSON, and proof that each one can fail.

The reference-stack tests cover whatever resources the stacks hold, so each tier that lands is
checked without new tests; the fixture tests feed every check a hand-written bad stack.
"""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.config import EnvironmentConfig
from tests.quality import checks, fixtures, iam_lint

ENVIRONMENTS = ("dev", "staging", "prod")
Stacks = dict[str, dict[str, Any]]


# --------------------------------------------------------------------------------------------
# The reference stacks
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_irsa_trust_is_exact(stacks_json: Stacks, environment: str) -> None:
    assert checks.check_irsa_trust(stacks_json[environment]) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_action_star(stacks_json: Stacks, environment: str) -> None:
    assert checks.check_no_action_star(stacks_json[environment]) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_policies_are_literal_json(stacks_json: Stacks, environment: str) -> None:
    assert checks.check_policy_attributes_are_literal(stacks_json[environment]) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_parliament_finds_no_error(stacks_json: Stacks, environment: str) -> None:
    assert [str(f) for f in iam_lint.parliament_errors(stacks_json[environment])] == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_namespaces_have_pss_and_default_deny(
    stacks_json: Stacks, configs: dict[str, EnvironmentConfig], environment: str
) -> None:
    applications = frozenset(a.name for a in configs[environment].applications)
    assert checks.check_namespaces(stacks_json[environment], applications) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_application_has_a_namespace(
    stacks_json: Stacks, configs: dict[str, EnvironmentConfig], environment: str
) -> None:
    applications = frozenset(a.name for a in configs[environment].applications)
    assert checks.check_application_namespaces_exist(stacks_json[environment], applications) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_world_ingress_but_alb_web(stacks_json: Stacks, environment: str) -> None:
    assert checks.check_no_world_ingress(stacks_json[environment]) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_security_group_rules_described(stacks_json: Stacks, environment: str) -> None:
    assert checks.check_rule_descriptions(stacks_json[environment]) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_references_resolve(stacks_json: Stacks, environment: str) -> None:
    assert checks.check_references(stacks_json[environment]) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_names_carry_environment(stacks_json: Stacks, environment: str) -> None:
    assert checks.check_names_carry_environment(stacks_json[environment], environment) == []


def test_names_disjoint_across_environments(stacks_json: Stacks) -> None:
    assert checks.check_names_disjoint(stacks_json) == []


def test_prod_stateful_resources_prevent_destroy(stacks_json: Stacks) -> None:
    assert checks.check_prevent_destroy(stacks_json["prod"]) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_kms_keys_rotate_and_wait(stacks_json: Stacks, environment: str) -> None:
    assert checks.check_kms_keys(stacks_json[environment], production=environment == "prod") == []


# --------------------------------------------------------------------------------------------
# Each check rejects its hand-written bad stack
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def irsa_problems() -> str:
    return "\n".join(checks.check_irsa_trust(fixtures.IRSA_STACK))


@pytest.mark.parametrize("role", fixtures.IRSA_BAD_ROLES)
def test_irsa_check_rejects(irsa_problems: str, role: str) -> None:
    assert f"aws_iam_role.{role}.assume_role_policy" in irsa_problems


def test_irsa_check_accepts_exact_trust(irsa_problems: str) -> None:
    assert "aws_iam_role.good." not in irsa_problems


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_pod_identity_trust_is_exact(stacks_json: Stacks, environment: str) -> None:
    assert checks.check_pod_identity_trust(stacks_json[environment]) == []


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_pod_identity_check_sees_the_reference_roles(stacks_json: Stacks, environment: str) -> None:
    found = [
        where
        for where, document in checks.iam_documents(stacks_json[environment])
        for stmt in checks.statements(document)
        if stmt.get("Principal") == {"Service": "pods.eks.amazonaws.com"}
    ]
    roles = {where.split(".")[1].split("_")[0] for where in found}
    # The EBS CSI driver, every add-on that calls AWS (alb-controller in every environment) and the
    # applications with needs_aws (api): all exercise the check.
    assert {"irsa-ebs-csi", "irsa-alb-controller", "irsa-app-api"} <= roles, roles


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_irsa_check_sees_the_reference_cni_role(stacks_json: Stacks, environment: str) -> None:
    found = [
        where
        for where, document in checks.iam_documents(stacks_json[environment])
        for stmt in checks.statements(document)
        if "sts:AssumeRoleWithWebIdentity" in checks._as_list(stmt.get("Action"))
    ]
    assert found, "the vpc-cni role (CniIdentity.IRSA) keeps IRSA in the reference stacks"


@pytest.fixture(scope="module")
def pod_identity_problems() -> str:
    return "\n".join(checks.check_pod_identity_trust(fixtures.POD_IDENTITY_STACK))


@pytest.mark.parametrize("role", fixtures.POD_IDENTITY_BAD_ROLES)
def test_pod_identity_check_rejects(pod_identity_problems: str, role: str) -> None:
    assert f"aws_iam_role.{role}.assume_role_policy" in pod_identity_problems


def test_pod_identity_check_accepts_exact_trust(pod_identity_problems: str) -> None:
    assert "aws_iam_role.good." not in pod_identity_problems


def test_irsa_check_rejects_https_issuer() -> None:
    doc = {
        "resource": {
            "aws_iam_role": {
                "r": fixtures._role(
                    fixtures._trust(
                        {
                            "StringEquals": {
                                "https://oidc.example/id/X:sub": "system:serviceaccount:apps:api",
                                "https://oidc.example/id/X:aud": "sts.amazonaws.com",
                            }
                        }
                    )
                )
            }
        }
    }
    assert "without 'https://'" in "\n".join(checks.check_irsa_trust(doc))


@pytest.mark.parametrize(
    "where",
    ["aws_iam_role.admin.inline_policy[0].policy", "aws_kms_key.key.policy"],
)
def test_action_star_check_rejects(where: str) -> None:
    assert any(p.startswith(where) for p in checks.check_no_action_star(fixtures.ACTION_STAR_STACK))


@pytest.mark.parametrize(
    "where", ["data.aws_iam_policy_document.legacy", "aws_iam_policy.rendered_by_data_source.policy"]
)
def test_literal_policy_check_rejects(where: str) -> None:
    assert any(p.startswith(where) for p in checks.check_policy_attributes_are_literal(fixtures.ACTION_STAR_STACK))


@pytest.fixture(scope="module")
def parliament_findings() -> list[iam_lint.Finding]:
    return iam_lint.parliament_errors(fixtures.PARLIAMENT_STACK)


@pytest.mark.parametrize(
    ("policy", "issue"),
    [("typo", "UNKNOWN_ACTION"), ("bad_operator", "UNKNOWN_OPERATOR"), ("mismatch", "RESOURCE_MISMATCH")],
)
def test_parliament_check_rejects(parliament_findings: list[iam_lint.Finding], policy: str, issue: str) -> None:
    assert (f"aws_iam_policy.{policy}.policy", issue) in {(f.where, f.issue) for f in parliament_findings}


@pytest.mark.parametrize(
    ("detail", "excused"),
    [
        ('[{"action": "ecr:BatchImportUpstreamImage", "required_format": "*"}]', True),
        ('[{"action": "ecr:BatchImportUpstreamImage"}, {"action": "ecr:BatchGetImage"}]', False),
    ],
)
def test_parliament_stale_action_exception_is_narrow(detail: str, excused: bool) -> None:
    assert iam_lint._only_stale_actions(detail) is excused


@pytest.mark.parametrize(
    ("excused", "detail"),
    [
        (True, "Unknown condition elasticloadbalancing:CreateAction for action elasticloadbalancing:AddTags"),
        (False, "Unknown condition elasticloadbalancing:CreateAction for action elasticloadbalancing:DeleteRule"),
        (False, "Unknown condition aws:x for action s3:GetObject"),
    ],
)
def test_parliament_newer_condition_key_exception_is_narrow(excused: bool, detail: str) -> None:
    assert iam_lint._newer_condition_key(detail) is excused


@pytest.mark.parametrize(
    ("excused", "detail"),
    [(True, "Unknown action elasticloadbalancing:ModifyIpPools"), (False, "Unknown action s3:GetObjekt")],
)
def test_parliament_newer_action_exception_is_narrow(excused: bool, detail: str) -> None:
    assert iam_lint._newer_action(detail) is excused


_SUBNETS = "arn:aws:ec2:us-east-1:123456789012:subnet/*"
_INSTANCES = "arn:aws:ec2:us-east-1:123456789012:instance/*"
_RUN_INSTANCES_MISSES_SUBNET = '[{"action": "ec2:RunInstances", "required_format": "arn:*:ec2:*:*:subnet/*"}]'


def _launch_policy(*resources_per_statement: list[str]) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["ec2:RunInstances"], "Resource": resources}
            for resources in resources_per_statement
        ],
    }


@pytest.mark.parametrize(
    ("document", "detail", "excused"),
    [
        # The subnet is allowed by another statement: a split by resource type.
        (_launch_policy([_INSTANCES], [_SUBNETS]), _RUN_INSTANCES_MISSES_SUBNET, True),
        # No statement allows the subnet: a real hole.
        (_launch_policy([_INSTANCES]), _RUN_INSTANCES_MISSES_SUBNET, False),
        # Only RunInstances and CreateFleet are excused.
        (
            _launch_policy([_INSTANCES], [_SUBNETS]),
            '[{"action": "ssm:GetParameter", "required_format": "arn:*:ssm:*:*:parameter/*"}]',
            False,
        ),
    ],
)
def test_parliament_split_by_resource_type_exception_is_narrow(
    document: dict[str, Any], detail: str, excused: bool
) -> None:
    assert iam_lint._covered_elsewhere(document, detail) is excused


def test_parliament_accepts_exact_irsa_trust() -> None:
    assert [
        str(f)
        for f in iam_lint.parliament_errors(
            {"resource": {"aws_iam_role": {"good": fixtures.IRSA_STACK["resource"]["aws_iam_role"]["good"]}}}
        )
    ] == []


def test_parliament_accepts_a_key_policy() -> None:
    """A real KmsKey construct: ``kms:*`` on ``*`` for the account root is how key policies read."""
    from cdktf import TerraformStack

    from constructs_lib.security import AwsContext, KmsKey, KmsKeyProps
    from tests.helpers import DEV, synth

    def build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        KmsKey(stack, "key", props=KmsKeyProps(alias="eks-platform-dev-key", description="test", protections=DEV))

    assert [str(f) for f in iam_lint.parliament_errors(synth(build))] == []


def test_concretize_fills_issuer_locals_with_an_issuer_host() -> None:
    assert iam_lint.concretize("${local.cluster_oidc-issuer-host_60B46FF4}:sub") == f"{iam_lint.OIDC_ISSUER}:sub"


def test_concretize_fills_references_with_plausible_arns() -> None:
    assert iam_lint.concretize("${aws_kms_key.k_1234.arn}").startswith("arn:aws:kms:us-east-1:123456789012:key/")


@pytest.fixture(scope="module")
def namespace_problems() -> str:
    return "\n".join(checks.check_namespaces(fixtures.NAMESPACE_STACK, fixtures.NAMESPACE_APPLICATIONS))


@pytest.mark.parametrize(
    "expected",
    [
        "kubernetes_namespace_v1.worker (worker): no default-deny",
        "kubernetes_namespace_v1.admin (admin): no default-deny",
        "kubernetes_namespace_v1.billing (billing): label pod-security.kubernetes.io/enforce",
        "kubernetes_namespace_v1.billing (billing): application namespaces must enforce 'restricted'",
        "kubernetes_namespace_v1.tools (tools): label pod-security.kubernetes.io/audit",
    ],
)
def test_namespace_check_rejects(namespace_problems: str, expected: str) -> None:
    assert expected in namespace_problems


def test_namespace_check_accepts_denied_namespace(namespace_problems: str) -> None:
    assert "(api)" not in namespace_problems


def test_namespace_presence_check_rejects_missing_namespace() -> None:
    applications = fixtures.NAMESPACE_APPLICATIONS | {"payments"}
    assert checks.check_application_namespaces_exist(fixtures.WORKLOAD_STACK, applications) == [
        "application 'payments' has no kubernetes_namespace_v1 named 'payments'"
    ]


@pytest.fixture(scope="module")
def ingress_problems() -> list[str]:
    return checks.check_no_world_ingress(fixtures.SECURITY_GROUP_STACK)


@pytest.mark.parametrize("address", fixtures.SECURITY_GROUP_VIOLATIONS)
def test_world_ingress_check_rejects(ingress_problems: list[str], address: str) -> None:
    assert any(p.startswith(f"{address}:") for p in ingress_problems)


def test_world_ingress_check_allows_alb_web_ports(ingress_problems: list[str]) -> None:
    assert len(ingress_problems) == len(fixtures.SECURITY_GROUP_VIOLATIONS)


def test_description_check_rejects_bare_rule() -> None:
    assert checks.check_rule_descriptions(fixtures.SECURITY_GROUP_STACK) == [
        "aws_security_group_rule.ssh: no description"
    ]


@pytest.fixture(scope="module")
def reference_problems() -> str:
    return "\n".join(checks.check_references(fixtures.REFERENCE_STACK))


@pytest.mark.parametrize("reference", fixtures.REFERENCE_VIOLATIONS)
def test_reference_check_rejects(reference_problems: str, reference: str) -> None:
    assert reference in reference_problems


def test_reference_check_accepts_existing_references(reference_problems: str) -> None:
    assert "aws_s3_bucket_policy.ok" not in reference_problems


def test_references_skip_escaped_interpolation() -> None:
    assert list(checks.references("$${grafana_dashboard.uid.value} ${aws_vpc.main.id}")) == ["aws_vpc.main"]


def test_references_skip_functions_and_string_literals() -> None:
    assert list(checks.references('${replace(aws_iam_openid_connect_provider.oidc.url, "https://a.b", "")}')) == [
        "aws_iam_openid_connect_provider.oidc"
    ]


def test_name_clash_check_rejects_shared_names() -> None:
    problems = checks.check_names_disjoint({"dev": fixtures.NAMES_DEV, "prod": fixtures.NAMES_PROD})
    assert problems == [
        "aws_cloudwatch_log_group name '/eks-platform/vpc/flow-logs' is used by dev and prod",
        "aws_iam_role name 'ci-deployer' is used by dev and prod",
    ]


def test_name_check_rejects_names_without_environment() -> None:
    assert checks.check_names_carry_environment(fixtures.NAMES_DEV, "dev") == [
        "aws_cloudwatch_log_group.name = '/eks-platform/vpc/flow-logs' does not name environment 'dev'",
        "aws_iam_role.name = 'ci-deployer' does not name environment 'dev'",
    ]


def test_prevent_destroy_check_rejects_unprotected_data() -> None:
    assert checks.check_prevent_destroy(fixtures.STATEFUL_STACK) == [
        "aws_db_instance.db: lifecycle.prevent_destroy is not true",
        "aws_ecr_repository.api: lifecycle.prevent_destroy is not true",
        "aws_s3_bucket.backups: lifecycle.prevent_destroy is not true",
    ]


def test_kms_check_rejects_short_windows_in_prod() -> None:
    assert checks.check_kms_keys(fixtures.STATEFUL_STACK, production=True) == [
        "aws_kms_key.fourteen: deletion_window_in_days 14, prod needs 30",
        "aws_kms_key.fourteen: enable_key_rotation is not true",
        "aws_kms_key.short: deletion_window_in_days 7, prod needs 30",
        "aws_kms_key.short: deletion_window_in_days 7, needs at least 14",
    ]


def test_kms_check_allows_fourteen_days_outside_prod() -> None:
    assert "aws_kms_key.fourteen: deletion_window" not in "\n".join(
        checks.check_kms_keys(fixtures.STATEFUL_STACK, production=False)
    )
