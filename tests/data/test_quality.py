"""The project's own policy checks (tests/quality/checks.py, parliament) over small data-tier stacks.

The reference stacks hold the data tier too (tests/data/test_environments.py), but without a pods
security group; these stacks hold a database with one and an application bucket per stage.
"""

from __future__ import annotations

import pytest
from cdktf import TerraformStack

from constructs_lib.data.bucket import ApplicationBucket, ApplicationBucketProps
from constructs_lib.data.config import DatabaseSpec
from constructs_lib.data.postgres import PostgresDatabase, PostgresDatabaseProps
from constructs_lib.protections import Protections, Stage
from constructs_lib.security import AwsContext
from tests.helpers import Synth, synth
from tests.quality import checks, iam_lint

STAGES = ("dev", "prod")


def build(stage: str) -> Synth:
    def _build(stack: TerraformStack) -> None:
        prefix = f"eks-platform-{stage}"
        AwsContext(stack, region="us-east-1")
        PostgresDatabase(
            stack,
            "database",
            props=PostgresDatabaseProps(
                spec=DatabaseSpec(name="orders"),
                stage=Stage(stage),
                protections=Protections.for_stage(Stage(stage)),
                name_prefix=prefix,
                vpc_id="vpc-0123456789abcdef0",
                db_subnet_group_name=f"{prefix}-database",
                database_subnet_cidrs=("10.30.224.0/24", "10.30.225.0/24"),
                source_security_group_ids={"nodes": "sg-0123456789abcdef0"},
                pod_security_group_applications=("api",),
            ),
        )
        protections = Protections.for_stage(Stage(stage))
        ApplicationBucket(
            stack, "bucket", props=ApplicationBucketProps(name_prefix=prefix, app_name="api", protections=protections)
        )

    return synth(_build)


@pytest.fixture(scope="module")
def stacks() -> dict[str, Synth]:
    return {stage: build(stage) for stage in STAGES}


@pytest.mark.parametrize("stage", STAGES)
def test_parliament_finds_no_error(stacks: dict[str, Synth], stage: str) -> None:
    assert iam_lint.parliament_errors(stacks[stage]) == []


@pytest.mark.parametrize("stage", STAGES)
def test_no_action_star(stacks: dict[str, Synth], stage: str) -> None:
    assert checks.check_no_action_star(stacks[stage]) == []


@pytest.mark.parametrize("stage", STAGES)
def test_no_world_ingress(stacks: dict[str, Synth], stage: str) -> None:
    assert checks.check_no_world_ingress(stacks[stage]) == []


@pytest.mark.parametrize("stage", STAGES)
def test_security_group_rules_described(stacks: dict[str, Synth], stage: str) -> None:
    assert checks.check_rule_descriptions(stacks[stage]) == []


@pytest.mark.parametrize("stage", STAGES)
def test_references_resolve(stacks: dict[str, Synth], stage: str) -> None:
    assert checks.check_references(stacks[stage]) == []


@pytest.mark.parametrize("stage", STAGES)
def test_kms_keys_rotate_and_wait(stacks: dict[str, Synth], stage: str) -> None:
    assert checks.check_kms_keys(stacks[stage], production=stage == "prod") == []


def test_prod_stateful_resources_prevent_destroy(stacks: dict[str, Synth]) -> None:
    assert checks.check_prevent_destroy(stacks["prod"]) == []


def test_dev_stateful_resources_can_be_destroyed(stacks: dict[str, Synth]) -> None:
    assert len(checks.check_prevent_destroy(stacks["dev"])) > 0
