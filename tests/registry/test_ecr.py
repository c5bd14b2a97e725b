"""EcrRegistry / Repository: names, protection, encryption, policies, cache rules, typed attributes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConfigError
from constructs_lib.protections import Protections, Stage
from constructs_lib.registry.config import (
    DEFAULT_LIFECYCLE_RULES,
    CacheUpstream,
    LifecycleRule,
    RegistryConfig,
    RepositoryEncryption,
    RepositorySpec,
    TagMutability,
    TagStatus,
)
from constructs_lib.registry.ecr import EcrRegistry, EcrRegistryProps, Repository, RepositoryProps
from constructs_lib.security.context import AwsContext
from tests.helpers import Synth, resources, synth

NODE_ROLE = "arn:aws:iam::111122223333:role/eks-platform-prod-node"
DOCKER_HUB = "arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-pullthroughcache/docker-hub-AbCdEf"
KAFKA_RULES = (LifecycleRule(description="keep 3 releases", tag_status=TagStatus.TAGGED, tag_prefixes=("7.",), keep_count=3),)
ATTRIBUTES: dict[str, Any] = {}


def _registry(stack: TerraformStack, props: EcrRegistryProps) -> EcrRegistry:
    AwsContext(stack, region="us-east-1")
    return EcrRegistry(stack, "registry", props=props)


def _build_prod(stack: TerraformStack) -> None:
    registry = _registry(
        stack,
        EcrRegistryProps(
            name_prefix="eks-platform-prod",
            stage=Stage.PROD,
            protections=Protections.for_stage(Stage.PROD),
            node_role_arn=NODE_ROLE,
            repositories=(RepositorySpec(name="apps/api"), RepositorySpec(name="kafka", lifecycle_rules=KAFKA_RULES)),
            config=RegistryConfig(
                cross_account_pull_principals=("444455556666", "arn:aws:iam::777788889999:role/ci"),
                docker_hub_credential_arn=DOCKER_HUB,
            ),
            node_role_name="eks-platform-prod-node",
        ),
    )
    ATTRIBUTES["prod"] = registry


def _build_dev(stack: TerraformStack) -> None:
    ATTRIBUTES["dev"] = _registry(
        stack,
        EcrRegistryProps(
            name_prefix="eks-platform-dev",
            stage=Stage.DEV,
            protections=Protections.for_stage(Stage.DEV),
            node_role_arn=NODE_ROLE,
            repositories=(RepositorySpec(name="apps/api", tag_mutability=TagMutability.MUTABLE),),
        ),
    )


@pytest.fixture(scope="module")
def prod() -> Synth:
    return synth(_build_prod)


@pytest.fixture(scope="module")
def dev() -> Synth:
    return synth(_build_dev)


def _by_repo(doc: Synth, resource_type: str, construct_id: str) -> Any:
    (found,) = [r for key, r in resources(doc, resource_type).items() if f"_{construct_id}_" in key]
    return found


def _repo(doc: Synth, construct_id: str) -> Any:
    return _by_repo(doc, "aws_ecr_repository", construct_id)


# --- names and ids -----------------------------------------------------------------------------


def test_repository_name_is_prefixed(prod: Synth) -> None:
    assert _repo(prod, "apps--api")["name"] == "eks-platform-prod/apps/api"


def test_construct_id_is_derived_from_spec_name(prod: Synth) -> None:
    assert sorted(r["name"] for r in resources(prod, "aws_ecr_repository").values()) == [
        "eks-platform-prod/apps/api",
        "eks-platform-prod/kafka",
    ]


# --- protection and scanning -------------------------------------------------------------------


def test_scan_on_push(dev: Synth) -> None:
    assert _repo(dev, "apps--api")["image_scanning_configuration"] == {"scan_on_push": True}


def test_prod_prevents_destroy(prod: Synth) -> None:
    assert _repo(prod, "apps--api")["lifecycle"] == {"prevent_destroy": True}


def test_prod_never_force_deletes(prod: Synth) -> None:
    assert _repo(prod, "apps--api")["force_delete"] is False


def test_dev_force_deletes_and_is_destroyable(dev: Synth) -> None:
    repo = _repo(dev, "apps--api")
    assert (repo["force_delete"], "lifecycle" in repo) == (True, False)


def test_prod_tags_are_immutable(prod: Synth) -> None:
    assert _repo(prod, "apps--api")["image_tag_mutability"] == "IMMUTABLE"


def test_dev_allows_mutable_by_config(dev: Synth) -> None:
    assert _repo(dev, "apps--api")["image_tag_mutability"] == "MUTABLE"


# --- encryption --------------------------------------------------------------------------------


def test_prod_encrypts_with_own_kms_key(prod: Synth) -> None:
    (encryption,) = _repo(prod, "apps--api")["encryption_configuration"]
    assert encryption["encryption_type"] == "KMS" and encryption["kms_key"].startswith("${aws_kms_key.registry_key")


def test_prod_key_alias_is_prefixed(prod: Synth) -> None:
    assert [a["name"] for a in resources(prod, "aws_kms_alias").values()] == ["alias/eks-platform-prod-ecr"]


def test_prod_key_is_protected_with_30_day_window(prod: Synth) -> None:
    (key,) = resources(prod, "aws_kms_key").values()
    assert (key["deletion_window_in_days"], key["enable_key_rotation"], key["lifecycle"]) == (
        30,
        True,
        {"prevent_destroy": True},
    )


def test_dev_uses_aes256_and_no_key(dev: Synth) -> None:
    (encryption,) = _repo(dev, "apps--api")["encryption_configuration"]
    assert (encryption, resources(dev, "aws_kms_key")) == ({"encryption_type": "AES256"}, {})


def test_kms_by_config_outside_prod() -> None:
    doc = synth(
        lambda stack: _registry(
            stack,
            EcrRegistryProps(
                name_prefix="eks-platform-dev",
                stage=Stage.DEV,
                protections=Protections.for_stage(Stage.DEV),
                node_role_arn=NODE_ROLE,
                repositories=(RepositorySpec(name="api"),),
                config=RegistryConfig(encryption=RepositoryEncryption.KMS, pull_through_cache=()),
            ),
        )
    )
    (key,) = resources(doc, "aws_kms_key").values()
    assert (key["deletion_window_in_days"], "lifecycle" in key) == (14, False)


def test_kms_attribute(prod: Synth) -> None:
    assert ATTRIBUTES["prod"].encryption is RepositoryEncryption.KMS and ATTRIBUTES["dev"].kms_key_arn is None


# --- lifecycle ---------------------------------------------------------------------------------


def test_default_lifecycle_is_seed_000(prod: Synth) -> None:
    policy = json.loads(_by_repo(prod, "aws_ecr_lifecycle_policy", "apps--api")["policy"])
    assert [r["description"] for r in policy["rules"]] == [
        "keep the last 5 images tagged v*",
        "expire untagged images after 14 days",
    ]


def test_repository_lifecycle_override(prod: Synth) -> None:
    policy = json.loads(_by_repo(prod, "aws_ecr_lifecycle_policy", "kafka")["policy"])
    assert policy["rules"] == [
        {
            "rulePriority": 1,
            "description": "keep 3 releases",
            "selection": {
                "tagStatus": "tagged",
                "tagPrefixList": ["7."],
                "countType": "imageCountMoreThan",
                "countNumber": 3,
            },
            "action": {"type": "expire"},
        }
    ]


# --- repository policy -------------------------------------------------------------------------


def test_repository_policy_grants_pull_only_to_node_and_cross_account(prod: Synth) -> None:
    document = json.loads(_by_repo(prod, "aws_ecr_repository_policy", "apps--api")["policy"])
    partition = next(iter(prod["data"]["aws_partition"]))
    assert document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PullOnly",
                "Effect": "Allow",
                "Principal": {
                    "AWS": [
                        NODE_ROLE,
                        f"arn:${{data.aws_partition.{partition}.partition}}:iam::444455556666:root",
                        "arn:aws:iam::777788889999:role/ci",
                    ]
                },
                "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ],
    }


def test_dev_repository_policy_grants_node_role_only(dev: Synth) -> None:
    document = json.loads(_by_repo(dev, "aws_ecr_repository_policy", "apps--api")["policy"])
    assert document["Statement"][0]["Principal"] == {"AWS": NODE_ROLE}


# --- pull-through cache ------------------------------------------------------------------------


def test_dev_cache_rules_need_no_credentials(dev: Synth) -> None:
    rules = resources(dev, "aws_ecr_pull_through_cache_rule").values()
    assert sorted((r["ecr_repository_prefix"], r["upstream_registry_url"], "credential_arn" in r) for r in rules) == [
        ("eks-platform-dev-ecrpublic", "public.ecr.aws", False),
        ("eks-platform-dev-k8s", "registry.k8s.io", False),
        ("eks-platform-dev-quay", "quay.io", False),
    ]


def test_docker_hub_rule_uses_the_credential(prod: Synth) -> None:
    (rule,) = [
        r for r in resources(prod, "aws_ecr_pull_through_cache_rule").values()
        if r["upstream_registry_url"] == "registry-1.docker.io"
    ]
    assert (rule["ecr_repository_prefix"], rule["credential_arn"]) == ("eks-platform-prod-dockerhub", DOCKER_HUB)


def test_no_cache_rules_when_disabled() -> None:
    doc = synth(
        lambda stack: _registry(
            stack,
            EcrRegistryProps(
                name_prefix="eks-platform-dev",
                stage=Stage.DEV,
                protections=Protections.for_stage(Stage.DEV),
                node_role_arn=NODE_ROLE,
                config=RegistryConfig(pull_through_cache=()),
                node_role_name="node",
            ),
        )
    )
    kinds = ("aws_ecr_pull_through_cache_rule", "aws_ecr_repository_creation_template", "aws_iam_role_policy")
    assert [resources(doc, kind) for kind in kinds] == [{}, {}, {}]


def test_cache_rules_can_be_narrowed() -> None:
    doc = synth(
        lambda stack: _registry(
            stack,
            EcrRegistryProps(
                name_prefix="eks-platform-dev",
                stage=Stage.DEV,
                protections=Protections.for_stage(Stage.DEV),
                node_role_arn=NODE_ROLE,
                config=RegistryConfig(pull_through_cache=(CacheUpstream.KUBERNETES,)),
            ),
        )
    )
    rules = resources(doc, "aws_ecr_pull_through_cache_rule").values()
    assert [r["ecr_repository_prefix"] for r in rules] == ["eks-platform-dev-k8s"]


def test_each_cache_prefix_has_a_creation_template(dev: Synth) -> None:
    templates = resources(dev, "aws_ecr_repository_creation_template").values()
    assert sorted((t["prefix"], t["applied_for"]) for t in templates) == [
        ("eks-platform-dev-ecrpublic", ["PULL_THROUGH_CACHE"]),
        ("eks-platform-dev-k8s", ["PULL_THROUGH_CACHE"]),
        ("eks-platform-dev-quay", ["PULL_THROUGH_CACHE"]),
    ]


def test_cache_template_follows_upstream_tags_with_aes256(dev: Synth) -> None:
    template = next(iter(resources(dev, "aws_ecr_repository_creation_template").values()))
    assert (template["image_tag_mutability"], template["encryption_configuration"], "custom_role_arn" in template) == (
        "MUTABLE",
        [{"encryption_type": "AES256"}],
        False,
    )


def test_cache_template_default_lifecycle(dev: Synth) -> None:
    template = next(iter(resources(dev, "aws_ecr_repository_creation_template").values()))
    rules = json.loads(template["lifecycle_policy"])["rules"]
    selections = [(r["selection"]["tagStatus"], r["selection"]["countNumber"]) for r in rules]
    assert selections == [("untagged", 14), ("any", 10)]


def test_cache_template_grants_pull_to_the_same_principals(prod: Synth) -> None:
    template = next(iter(resources(prod, "aws_ecr_repository_creation_template").values()))
    assert len(json.loads(template["repository_policy"])["Statement"][0]["Principal"]["AWS"]) == 3


def test_cache_lifecycle_is_configurable() -> None:
    rules = (LifecycleRule(description="keep 2", tag_status=TagStatus.ANY, keep_count=2),)
    doc = synth(
        lambda stack: _registry(
            stack,
            EcrRegistryProps(
                name_prefix="eks-platform-dev",
                stage=Stage.DEV,
                protections=Protections.for_stage(Stage.DEV),
                node_role_arn=NODE_ROLE,
                config=RegistryConfig(pull_through_cache=(CacheUpstream.QUAY,), cache_lifecycle_rules=rules),
            ),
        )
    )
    (template,) = resources(doc, "aws_ecr_repository_creation_template").values()
    assert json.loads(template["lifecycle_policy"])["rules"][0]["selection"]["countNumber"] == 2


def test_node_role_may_import_into_own_cache_prefixes_only(prod: Synth) -> None:
    (policy,) = resources(prod, "aws_iam_role_policy").values()
    statement = json.loads(policy["policy"])["Statement"][0]
    repositories = [r.rsplit(":", 1)[1] for r in statement["Resource"]]
    assert (policy["name"], policy["role"], statement["Action"], repositories) == (
        "eks-platform-prod-ecr-pull-through-cache",
        "eks-platform-prod-node",
        ["ecr:BatchImportUpstreamImage", "ecr:CreateRepository"],
        [
            "repository/eks-platform-prod-ecrpublic/*",
            "repository/eks-platform-prod-k8s/*",
            "repository/eks-platform-prod-quay/*",
            "repository/eks-platform-prod-dockerhub/*",
        ],
    )


def test_no_node_policy_without_node_role_name(dev: Synth) -> None:
    assert resources(dev, "aws_iam_role_policy") == {}


def test_no_registry_wide_scanning_configuration(prod: Synth) -> None:
    assert resources(prod, "aws_ecr_registry_scanning_configuration") == {}


# --- typed attributes --------------------------------------------------------------------------


def test_repository_urls_by_spec_name(prod: Synth) -> None:
    assert sorted(ATTRIBUTES["prod"].repository_urls) == ["apps/api", "kafka"]


def test_repository_arns_by_spec_name(prod: Synth) -> None:
    assert sorted(ATTRIBUTES["prod"].repository_arns) == ["apps/api", "kafka"]


def test_repository_names_by_spec_name(prod: Synth) -> None:
    assert ATTRIBUTES["prod"].repository_names["apps/api"] == "eks-platform-prod/apps/api"


def test_cache_prefixes_attribute(dev: Synth) -> None:
    assert dict(ATTRIBUTES["dev"].cache_prefixes) == {
        "ecrpublic": "eks-platform-dev-ecrpublic",
        "k8s": "eks-platform-dev-k8s",
        "quay": "eks-platform-dev-quay",
    }


# --- errors (raised before any resource exists) -------------------------------------------------


def _fails(props: EcrRegistryProps) -> None:
    """Build the registry and check that the ConfigError left the construct without any resource."""

    def build(stack: TerraformStack) -> None:
        try:
            _registry(stack, props)
        finally:
            registry = stack.node.try_find_child("registry")
            assert registry is None or registry.node.children == []

    synth(build)


def test_mutable_in_prod_is_refused() -> None:
    props = EcrRegistryProps(
        name_prefix="eks-platform-prod",
        stage=Stage.PROD,
        protections=Protections.for_stage(Stage.PROD),
        node_role_arn=NODE_ROLE,
        repositories=(RepositorySpec(name="api", tag_mutability=TagMutability.MUTABLE),),
    )
    with pytest.raises(ConfigError, match=r"`registry.repositories\[api\].tag_mutability`: must be IMMUTABLE in prod"):
        _fails(props)


def test_duplicate_repository_is_refused() -> None:
    props = EcrRegistryProps(
        name_prefix="eks-platform-dev",
        stage=Stage.DEV,
        protections=Protections.for_stage(Stage.DEV),
        node_role_arn=NODE_ROLE,
        repositories=(RepositorySpec(name="api"), RepositorySpec(name="api")),
    )
    with pytest.raises(ConfigError, match=r"`registry.repositories`: repository name must be unique"):
        _fails(props)


def test_bad_name_prefix_is_refused() -> None:
    props = EcrRegistryProps(name_prefix="EKS_dev", stage=Stage.DEV, protections=Protections.for_stage(Stage.DEV), node_role_arn=NODE_ROLE)
    with pytest.raises(ConfigError, match=r"`registry.name_prefix`: must be a DNS-1123 label"):
        _fails(props)


def test_empty_node_role_is_refused() -> None:
    props = EcrRegistryProps(name_prefix="eks-platform-dev", stage=Stage.DEV, protections=Protections.for_stage(Stage.DEV), node_role_arn="")
    with pytest.raises(ConfigError, match=r"`registry.node_role_arn`: must be the ARN of the cluster's node role"):
        _fails(props)


def test_aes256_in_prod_is_refused_by_the_construct() -> None:
    props = EcrRegistryProps(
        name_prefix="eks-platform-prod",
        stage=Stage.PROD,
        protections=Protections.for_stage(Stage.PROD),
        node_role_arn=NODE_ROLE,
        config=RegistryConfig(encryption=RepositoryEncryption.AES256),
    )
    with pytest.raises(ConfigError, match=r"`registry.encryption`: must be KMS in prod"):
        _fails(props)


def _repository_fails(**overrides: Any) -> None:
    values: dict[str, Any] = {
        "name_prefix": "eks-platform-prod",
        "spec": RepositorySpec(name="api"),
        "stage": Stage.PROD,
        "protections": Protections.for_stage(Stage.PROD),
        "lifecycle_rules": DEFAULT_LIFECYCLE_RULES,
        "pull_principal_arns": (NODE_ROLE,),
        "kms_key_arn": "arn:aws:kms:us-east-1:111122223333:key/k",
    }
    values.update(overrides)

    def build(stack: TerraformStack) -> None:
        try:
            Repository(stack, "repository", props=RepositoryProps(**values))
        finally:
            repository = stack.node.try_find_child("repository")
            assert repository is None or repository.node.children == []

    synth(build)


def test_repository_without_pull_principal_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`repository.pull_principal_arns`: must name at least one principal"):
        _repository_fails(pull_principal_arns=())


def test_prod_repository_without_kms_key_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`repository.kms_key_arn`: is required in prod"):
        _repository_fails(kms_key_arn=None)


def test_repository_lifecycle_is_validated() -> None:
    with pytest.raises(ConfigError, match=r"`repositories\[api\].lifecycle_rules`: must hold at least one rule"):
        _repository_fails(lifecycle_rules=())


def test_repository_name_prefix_is_validated() -> None:
    with pytest.raises(ConfigError, match=r"`repository.name_prefix`: must be a DNS-1123 label"):
        _repository_fails(name_prefix="Prod")
