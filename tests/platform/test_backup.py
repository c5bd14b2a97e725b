"""BackupBucket: velero's S3 bucket, encrypted, versioned, private, TLS-only, protected in prod."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConfigError
from constructs_lib.platform.backup import BackupBucket, BackupBucketProps
from constructs_lib.platform.config import BackupConfig
from constructs_lib.protections import Protections
from constructs_lib.security import AwsContext
from tests.helpers import DEV, PROD, Synth, only, synth


def build(*, protections: Protections, **options: Any) -> Synth:
    def _build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        BackupBucket(
            stack,
            "backup",
            props=BackupBucketProps(name_prefix="eks-platform-prod", protections=protections, **options),
        )

    return synth(_build)


@pytest.fixture(scope="module")
def prod() -> Synth:
    return build(protections=PROD)


@pytest.fixture(scope="module")
def dev() -> Synth:
    return build(protections=DEV, noncurrent_version_days=7)


def test_name_carries_prefix_and_account(prod: Synth) -> None:
    bucket = only(prod, "aws_s3_bucket")["bucket"]
    assert re.fullmatch(r"eks-platform-prod-velero-\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}", bucket)


def test_bucket_is_never_force_destroyed(prod: Synth) -> None:
    assert only(prod, "aws_s3_bucket")["force_destroy"] is False


def test_prod_bucket_prevents_destroy(prod: Synth) -> None:
    assert only(prod, "aws_s3_bucket")["lifecycle"] == {"prevent_destroy": True}


def test_prod_key_prevents_destroy(prod: Synth) -> None:
    assert only(prod, "aws_kms_key")["lifecycle"] == {"prevent_destroy": True}


def test_dev_bucket_can_be_destroyed(dev: Synth) -> None:
    assert "lifecycle" not in only(dev, "aws_s3_bucket")


def test_key_rotates(prod: Synth) -> None:
    assert only(prod, "aws_kms_key")["enable_key_rotation"] is True


def test_key_alias_carries_prefix(prod: Synth) -> None:
    assert only(prod, "aws_kms_alias")["name"] == "alias/eks-platform-prod/velero-backups"


def test_encrypted_with_its_key_and_bucket_keys(prod: Synth) -> None:
    rule = only(prod, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert (rule["apply_server_side_encryption_by_default"]["sse_algorithm"], rule["bucket_key_enabled"]) == (
        "aws:kms",
        True,
    )


def test_versioned(prod: Synth) -> None:
    assert only(prod, "aws_s3_bucket_versioning")["versioning_configuration"] == {"status": "Enabled"}


def test_public_access_blocked(prod: Synth) -> None:
    block = only(prod, "aws_s3_bucket_public_access_block")
    assert all(
        block[k] is True
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    )


def test_acls_disabled(prod: Synth) -> None:
    assert only(prod, "aws_s3_bucket_ownership_controls")["rule"] == {"object_ownership": "BucketOwnerEnforced"}


def test_noncurrent_versions_expire_after_30_days_by_default(prod: Synth) -> None:
    rule = only(prod, "aws_s3_bucket_lifecycle_configuration")["rule"][0]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 30}]


def test_noncurrent_version_days_option(dev: Synth) -> None:
    rule = only(dev, "aws_s3_bucket_lifecycle_configuration")["rule"][0]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 7}]


def test_policy_denies_insecure_transport(prod: Synth) -> None:
    (statement,) = json.loads(only(prod, "aws_s3_bucket_policy")["policy"])["Statement"]
    assert (statement["Effect"], statement["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"name_prefix": "Eks_Platform"}, r"`name_prefix`: must be a DNS-1123 label"),
        ({"noncurrent_version_days": 0}, r"`noncurrent_version_days`: must be a whole number from 1 to 3650"),
    ],
)
def test_errors(options: dict[str, Any], message: str) -> None:
    def _build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        arguments: dict[str, Any] = {"name_prefix": "eks-platform-dev", **options}
        BackupBucket(stack, "backup", props=BackupBucketProps(protections=DEV, **arguments))

    with pytest.raises(ConfigError, match=message):
        synth(_build)


def test_whole_stack_keeps_deleted_backups_for_the_backup_retention(tmp_path: Path) -> None:
    from constructs_lib.platform_stack import build_app
    from tests.fixtures import PROD

    addons = dataclasses.replace(PROD.addons, backup=BackupConfig(retention_days=14))
    build_app((dataclasses.replace(PROD, addons=addons),), outdir=str(tmp_path)).synth()
    doc = json.loads((tmp_path / "stacks" / "prod" / "cdk.tf.json").read_text())
    (configuration,) = [
        c
        for c in doc["resource"]["aws_s3_bucket_lifecycle_configuration"].values()
        if c["bucket"].startswith("${aws_s3_bucket.backup_")
    ]
    (rule,) = [r for r in configuration["rule"] if "noncurrent_version_expiration" in r]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 14}]


def test_backup_events_reach_eventbridge(prod: Synth) -> None:
    assert only(prod, "aws_s3_bucket_notification")["eventbridge"] is True
