"""RegistryConfig and RepositorySpec rules: defaults, resolved encryption, cache prefixes, every error."""

from __future__ import annotations

import pytest

from constructs_lib.errors import ConfigError
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
from constructs_lib.stage import Stage

_PREFIX = "eks-platform-dev"
_DOCKER_HUB = "arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-pullthroughcache/docker-hub-AbCdEf"


def _validate(config: RegistryConfig, *, stage: Stage = Stage.DEV, name_prefix: str = _PREFIX) -> None:
    config.validate("dev.registry", stage=stage, name_prefix=name_prefix)


def test_defaults_are_valid_in_prod() -> None:
    _validate(RegistryConfig(), stage=Stage.PROD, name_prefix="eks-platform-prod")


def test_default_lifecycle_is_seed_000() -> None:
    assert RegistryConfig().lifecycle_rules == DEFAULT_LIFECYCLE_RULES


def test_encryption_defaults_to_kms_in_prod() -> None:
    assert RegistryConfig().resolved_encryption(stage=Stage.PROD) is RepositoryEncryption.KMS


def test_encryption_defaults_to_aes256_elsewhere() -> None:
    assert RegistryConfig().resolved_encryption(stage=Stage.DEV) is RepositoryEncryption.AES256


def test_encryption_kms_can_be_chosen_outside_prod() -> None:
    config = RegistryConfig(encryption=RepositoryEncryption.KMS)
    assert config.resolved_encryption(stage=Stage.DEV) is RepositoryEncryption.KMS


def test_default_cache_prefixes_are_environment_unique() -> None:
    assert RegistryConfig().cache_prefixes(_PREFIX) == {
        "ecrpublic": ("eks-platform-dev-ecrpublic", "public.ecr.aws"),
        "k8s": ("eks-platform-dev-k8s", "registry.k8s.io"),
        "quay": ("eks-platform-dev-quay", "quay.io"),
    }


def test_docker_hub_rule_only_with_credential() -> None:
    config = RegistryConfig(docker_hub_credential_arn=_DOCKER_HUB)
    assert config.cache_prefixes(_PREFIX)["dockerhub"] == ("eks-platform-dev-dockerhub", "registry-1.docker.io")


def test_cache_prefix_override() -> None:
    config = RegistryConfig(cache_prefix="plat-stg", pull_through_cache=(CacheUpstream.QUAY,))
    assert config.cache_prefixes("a-very-long-project-name-staging") == {"quay": ("plat-stg-quay", "quay.io")}


def test_staging_prefix_fits_ecr_limit() -> None:
    _validate(RegistryConfig(docker_hub_credential_arn=_DOCKER_HUB), name_prefix="eks-platform-staging")


def test_aes256_in_prod_is_refused() -> None:
    config = RegistryConfig(encryption=RepositoryEncryption.AES256)
    with pytest.raises(ConfigError, match=r"`dev.registry.encryption`: must be KMS in prod"):
        _validate(config, stage=Stage.PROD)


def test_encryption_must_be_the_enum() -> None:
    with pytest.raises(ConfigError, match=r"`dev.registry.encryption`: must be one of KMS, AES256"):
        _validate(RegistryConfig(encryption="KMS"))  # type: ignore[arg-type]


def test_registry_lifecycle_rules_are_validated() -> None:
    config = RegistryConfig(lifecycle_rules=(LifecycleRule(description="x", tag_status=TagStatus.TAGGED, keep_count=5),))
    with pytest.raises(ConfigError, match=r"`dev.registry.lifecycle_rules\[0\].tag_prefixes`"):
        _validate(config)


def test_cross_account_account_id_accepted() -> None:
    _validate(RegistryConfig(cross_account_pull_principals=("444455556666",)))


def test_cross_account_short_account_id_is_refused() -> None:
    config = RegistryConfig(cross_account_pull_principals=("4444",))
    with pytest.raises(ConfigError, match=r"`dev.registry.cross_account_pull_principals\[0\]`: must be a 12-digit"):
        _validate(config)


def test_cross_account_bad_arn_is_refused() -> None:
    config = RegistryConfig(cross_account_pull_principals=("arn:aws:s3:::bucket",))
    with pytest.raises(ConfigError, match=r"cross_account_pull_principals\[0\]`: must be an IAM role or user ARN"):
        _validate(config)


def test_cross_account_duplicate_is_refused() -> None:
    config = RegistryConfig(cross_account_pull_principals=("444455556666", "444455556666"))
    with pytest.raises(ConfigError, match=r"`dev.registry.cross_account_pull_principals`: principal must be unique"):
        _validate(config)


def test_cache_upstream_must_be_the_enum() -> None:
    config = RegistryConfig(pull_through_cache=("docker.io",))  # type: ignore[arg-type]
    with pytest.raises(
        ConfigError, match=r"`dev.registry.pull_through_cache\[0\]`: must be one of ECR_PUBLIC, KUBERNETES, QUAY"
    ):
        _validate(config)


def test_duplicate_cache_upstream_is_refused() -> None:
    config = RegistryConfig(pull_through_cache=(CacheUpstream.QUAY, CacheUpstream.QUAY))
    with pytest.raises(ConfigError, match=r"`dev.registry.pull_through_cache`: upstream must be unique"):
        _validate(config)


def test_docker_hub_credential_name_must_have_ecr_prefix() -> None:
    config = RegistryConfig(docker_hub_credential_arn="arn:aws:secretsmanager:us-east-1:111122223333:secret:dh-AbC")
    with pytest.raises(ConfigError, match=r"docker_hub_credential_arn`: must be the ARN of a Secrets Manager secret"):
        _validate(config)


def test_invalid_cache_prefix_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`dev.registry.cache_prefix`: must be lowercase letters"):
        _validate(RegistryConfig(cache_prefix="Dev_"))


def test_too_long_cache_prefix_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"the ecrpublic cache prefix must be a valid ECR repository prefix of 2-30"):
        _validate(RegistryConfig(), name_prefix="long-project-name-staging")


def test_repository_lifecycle_override_is_validated() -> None:
    spec = RepositorySpec(name="kafka", lifecycle_rules=(LifecycleRule(description="x", tag_status=TagStatus.UNTAGGED, tag_prefixes=("v",), max_age_days=1),))
    with pytest.raises(ConfigError, match=r"`dev.repositories\[0\].lifecycle_rules\[0\].tag_prefixes`"):
        spec.validate("dev.repositories[0]", stage=Stage.DEV)


def test_repository_mutable_refused_in_prod() -> None:
    spec = RepositorySpec(name="kafka", tag_mutability=TagMutability.MUTABLE)
    with pytest.raises(ConfigError, match=r"`prod.repositories\[0\].tag_mutability`: must be IMMUTABLE in prod"):
        spec.validate("prod.repositories[0]", stage=Stage.PROD)


def test_cache_lifecycle_rules_are_validated() -> None:
    config = RegistryConfig(cache_lifecycle_rules=(LifecycleRule(description="x", tag_status=TagStatus.ANY, keep_count=0),))
    with pytest.raises(ConfigError, match=r"`dev.registry.cache_lifecycle_rules\[0\].keep_count`"):
        _validate(config)
