"""AwsContext.of: one account context per stack, found or created by whichever construct asks first."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import App, TerraformStack
from cdktf import Testing as CdktfTesting
from cdktf_cdktf_provider_aws.provider import AwsProvider
from constructs import Construct

from constructs_lib import EnvironmentConfig, Stage
from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec
from constructs_lib.data.bucket import ApplicationBucket, ApplicationBucketProps
from constructs_lib.errors import ConfigError
from constructs_lib.network.config import NetworkConfig
from constructs_lib.registry.config import RepositorySpec
from constructs_lib.registry.ecr import EcrRegistry, EcrRegistryProps
from constructs_lib.security import AwsContext, KmsKey, KmsKeyProps
from constructs_lib.stack import EnvironmentStack
from tests.helpers import DEV, PROD, Synth, data_sources, only, resources, synth

NODE_ROLE = "arn:aws:iam::111122223333:role/eks-platform-dev-node"
SANDBOX = EnvironmentConfig(
    name="sandbox",
    stage=Stage.DEV,
    region="eu-west-1",
    network=NetworkConfig(vpc_cidr="10.60.0.0/16", availability_zones=("eu-west-1a", "eu-west-1b")),
    cluster=ClusterConfig(endpoint_public_access=True, public_access_cidrs=("198.51.100.0/24",)),
    node_groups=(NodeGroupSpec(name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=3),),
)


def _registry_and_bucket(stack: TerraformStack) -> None:
    """Two constructs that each ask for the context (the registry's KMS key and its ARNs, the bucket's name)."""
    EcrRegistry(
        stack,
        "registry",
        props=EcrRegistryProps(
            name_prefix="eks-platform-dev",
            stage=Stage.PROD,
            protections=PROD,
            node_role_arn=NODE_ROLE,
            node_role_name="eks-platform-dev-node",
            repositories=(RepositorySpec(name="apps/api"),),
        ),
    )
    ApplicationBucket(
        stack, "bucket", props=ApplicationBucketProps(name_prefix="eks-platform-dev", app_name="api", protections=DEV)
    )


@pytest.fixture(scope="module")
def bare() -> Synth:
    """A plain TerraformStack with an AWS provider: the region comes from a data source."""

    def build(stack: TerraformStack) -> None:
        AwsProvider(stack, "aws", region="eu-central-1")
        _registry_and_bucket(stack)

    return synth(build)


@pytest.fixture(scope="module")
def environment() -> Synth:
    """The same constructs in an EnvironmentStack: the region is its config's, no data source."""
    app = CdktfTesting.app()
    stack = EnvironmentStack(app, SANDBOX)
    _registry_and_bucket(stack)
    return dict(json.loads(CdktfTesting.synth(stack)))


@pytest.mark.parametrize("data_type", ["aws_caller_identity", "aws_partition", "aws_region"])
def test_a_plain_stack_gets_one_data_source_of_each_kind(bare: Synth, data_type: str) -> None:
    assert [name.split("_")[0] for name in data_sources(bare, data_type)] == ["aws-context"]


def test_two_constructs_in_a_plain_stack_share_the_context(bare: Synth) -> None:
    (identity,) = data_sources(bare, "aws_caller_identity")
    assert (
        only(bare, "aws_s3_bucket")["bucket"]
        == f"eks-platform-dev-api-${{data.aws_caller_identity.{identity}.account_id}}"
    )
    keys = resources(bare, "aws_kms_key").values()
    assert len(keys) == 2 and all(identity in key["policy"] for key in keys)


def test_a_plain_stack_reads_the_region_from_the_provider(bare: Synth) -> None:
    (region,) = data_sources(bare, "aws_region")
    (policy,) = resources(bare, "aws_iam_role_policy").values()
    assert f"${{data.aws_region.{region}.region}}" in policy["policy"]


def test_an_environment_stack_knows_its_region(environment: Synth) -> None:
    (policy,) = resources(environment, "aws_iam_role_policy").values()
    assert data_sources(environment, "aws_region") == {}
    assert ":ecr:eu-west-1:" in policy["policy"]


@pytest.mark.parametrize("data_type", ["aws_caller_identity", "aws_partition"])
def test_an_environment_stack_gets_one_data_source_of_each_kind(environment: Synth, data_type: str) -> None:
    assert [name.split("_")[0] for name in data_sources(environment, data_type)] == ["aws-context"]


def test_of_finds_the_same_context_from_any_depth() -> None:
    stack = TerraformStack(CdktfTesting.app(), "s")
    deep = Construct(Construct(stack, "a"), "b")
    first = AwsContext.of(deep)
    assert AwsContext.of(stack) is first
    assert first.node.path == "s/aws-context"


def test_contexts_of_two_stacks_are_separate() -> None:
    app: App = CdktfTesting.app()
    one, two = TerraformStack(app, "one"), EnvironmentStack(app, SANDBOX)
    KmsKey(one, "key", props=KmsKeyProps(alias="one/key", description="one", protections=DEV))
    KmsKey(two, "key", props=KmsKeyProps(alias="two/key", description="two", protections=DEV))
    assert AwsContext.of(one) is not AwsContext.of(two)
    assert (AwsContext.of(one).node.scope, AwsContext.of(two).node.scope) == (one, two)
    for stack in (one, two):
        doc: dict[str, Any] = json.loads(CdktfTesting.synth(stack))
        assert len(doc["data"]["aws_caller_identity"]) == 1


def test_a_context_created_with_a_region_is_the_one_of_finds() -> None:
    def build(stack: TerraformStack) -> None:
        AwsContext(stack, region="ap-southeast-2")
        KmsKey(
            stack,
            "key",
            props=KmsKeyProps(alias="a/key", description="k", protections=DEV, log_group_name_prefixes=["/a/"]),
        )

    doc = synth(build)
    assert data_sources(doc, "aws_region") == {}
    assert "logs.ap-southeast-2." in only(doc, "aws_kms_key")["policy"]


def test_a_second_context_in_a_stack_is_refused() -> None:
    stack = TerraformStack(CdktfTesting.app(), "s")
    AwsContext.of(stack)
    with pytest.raises(
        ConfigError,
        match=r"^`s\.aws-context`: must be created once per stack \(got 'AwsContext'\); fix: create the context "
        r"before the constructs that use it, or use AwsContext\.of\(scope\)$",
    ):
        AwsContext(stack, region="us-east-1")


def test_another_construct_under_the_reserved_id_is_refused() -> None:
    stack = TerraformStack(CdktfTesting.app(), "s")
    Construct(stack, "aws-context")
    with pytest.raises(
        ConfigError,
        match=r"^`s\.aws-context`: must be the stack's AwsContext \(the id is reserved for it\) \(got 'Construct'\); "
        r"fix: give the construct another id than 'aws-context'$",
    ):
        AwsContext.of(stack)
