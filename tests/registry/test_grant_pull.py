"""EcrRegistry.grant_pull: an inline pull policy on a role of the account (aws-cdk's grantPull)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConfigError
from constructs_lib.protections import Protections, Stage
from constructs_lib.registry.config import RegistryConfig, RepositorySpec
from constructs_lib.registry.ecr import PULL_ACTIONS, EcrRegistry, EcrRegistryProps
from constructs_lib.security.context import AwsContext
from tests.helpers import Synth, resources, synth

NODE_ROLE = "arn:aws:iam::111122223333:role/eks-platform-dev-node"


def _registry(stack: TerraformStack, *repositories: RepositorySpec) -> EcrRegistry:
    AwsContext(stack, region="us-east-1")
    return EcrRegistry(
        stack,
        "registry",
        props=EcrRegistryProps(
            name_prefix="eks-platform-dev",
            stage=Stage.DEV,
            protections=Protections.for_stage(Stage.DEV),
            node_role_arn=NODE_ROLE,
            repositories=repositories,
            config=RegistryConfig(),
        ),
    )


def _grant(*grants: tuple[str, str | None]) -> Synth:
    def build(stack: TerraformStack) -> None:
        registry = _registry(stack, RepositorySpec(name="apps/api"), RepositorySpec(name="apps/worker"))
        for role, id in grants:
            registry.grant_pull(role, id=id)

    return synth(build)


def _policies(doc: Synth) -> dict[str, Any]:
    return {key: body for key, body in resources(doc, "aws_iam_role_policy").items() if "grant-pull" in key}


@pytest.fixture(scope="module")
def doc() -> Synth:
    return _grant(
        ("ci-deployer", None),
        ("arn:aws:iam::111122223333:role/teams/data/batch-runner", None),
        ("${aws_iam_role.reporter.name}", "reporter"),
    )


def test_one_policy_per_grant(doc: Synth) -> None:
    assert sorted(b["role"] for b in _policies(doc).values()) == [
        "${aws_iam_role.reporter.name}",
        "batch-runner",
        "ci-deployer",
    ]


def test_the_policy_is_named_after_the_environment(doc: Synth) -> None:
    assert {b["name"] for b in _policies(doc).values()} == {"eks-platform-dev-ecr-pull"}


def test_pull_actions_on_the_repositories_only(doc: Synth) -> None:
    (body,) = [b for b in _policies(doc).values() if b["role"] == "ci-deployer"]
    pull = json.loads(body["policy"])["Statement"][0]
    assert (sorted(pull["Action"]), len(pull["Resource"]), all("${aws_ecr_repository." in r for r in pull["Resource"])) == (
        sorted(PULL_ACTIONS),
        2,
        True,
    )


def test_registry_login_is_granted(doc: Synth) -> None:
    (body,) = [b for b in _policies(doc).values() if b["role"] == "ci-deployer"]
    login = json.loads(body["policy"])["Statement"][1]
    assert (login["Action"], login["Resource"]) == ("ecr:GetAuthorizationToken", "*")


def test_grant_ids_are_literal_addresses(doc: Synth) -> None:
    assert sorted(k.split("_")[1] for k in _policies(doc)) == [
        "grant-pull-batch-runner",
        "grant-pull-ci-deployer",
        "grant-pull-reporter",
    ]


@pytest.mark.parametrize(
    ("grants", "message"),
    [
        ((("", None),), r"`grant_pull\.role`: must be an IAM role name, a role ARN or a reference"),
        ((("ci deployer", None),), r"`grant_pull\.role`: must be an IAM role name \(1-64"),
        ((("arn:aws:iam::111122223333:user/alice", None),), r"`grant_pull\.role`: must be an IAM role name"),
        ((("${aws_iam_role.reporter.name}", None),), r"`grant_pull\.id`: is required when the role is a terraform"),
        ((("ci-deployer", "ci/deployer"),), r"`grant_pull\.id`: must be 1-64 of letters"),
        ((("ci-deployer", None), ("ci-deployer", None)), r"`grant_pull\.id`: must not repeat an earlier grant"),
    ],
)
def test_errors(grants: tuple[tuple[str, str | None], ...], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _grant(*grants)


def test_a_registry_without_repositories_has_nothing_to_grant() -> None:
    with pytest.raises(ConfigError, match=r"`grant_pull`: needs at least one repository"):
        synth(lambda stack: _registry(stack).grant_pull("ci-deployer"))
