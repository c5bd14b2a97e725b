"""ApplicationBucket: seed 002's per-application bucket, encrypted, versioned, private, TLS-only."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.data.bucket import ApplicationBucket, ApplicationBucketProps
from constructs_lib.errors import ConfigError
from constructs_lib.protections import Protections
from constructs_lib.security import AwsContext
from tests.helpers import DEV, PROD, Synth, only, resources, synth

built: dict[str, ApplicationBucket] = {}


def build(key: str, *, protections: Protections, **options: Any) -> Synth:
    def _build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        arguments: dict[str, Any] = {"name_prefix": "eks-platform-prod", "app_name": "api", **options}
        built[key] = ApplicationBucket(stack, "bucket", props=ApplicationBucketProps(protections=protections, **arguments))

    return synth(_build)


@pytest.fixture(scope="module")
def prod() -> Synth:
    return build("prod", protections=PROD)


@pytest.fixture(scope="module")
def dev() -> Synth:
    return build("dev", protections=DEV, noncurrent_version_days=7, name_suffix="media", event_bridge=False)


def test_name_is_prefix_app_and_account(prod: Synth) -> None:
    bucket = only(prod, "aws_s3_bucket")["bucket"]
    assert re.fullmatch(r"eks-platform-prod-api-\$\{data\.aws_caller_identity\.[\w-]+\.account_id\}", bucket)


def test_name_suffix_option(dev: Synth) -> None:
    assert only(dev, "aws_s3_bucket")["bucket"] == "eks-platform-prod-api-media"


def test_prod_bucket_is_protected(prod: Synth) -> None:
    bucket = only(prod, "aws_s3_bucket")
    assert (bucket["force_destroy"], bucket["lifecycle"]) == (False, {"prevent_destroy": True})


def test_prod_key_prevents_destroy(prod: Synth) -> None:
    assert only(prod, "aws_kms_key")["lifecycle"] == {"prevent_destroy": True}


def test_dev_bucket_can_be_destroyed_with_its_versions(dev: Synth) -> None:
    bucket = only(dev, "aws_s3_bucket")
    assert (bucket["force_destroy"], "lifecycle" in bucket) == (True, False)


def test_key_rotates_and_alias_names_the_app(prod: Synth) -> None:
    assert (only(prod, "aws_kms_key")["enable_key_rotation"], only(prod, "aws_kms_alias")["name"]) == (
        True,
        "alias/eks-platform-prod/api-bucket",
    )


def test_sse_kms_with_its_key_and_bucket_keys(prod: Synth) -> None:
    rule = only(prod, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    default = rule["apply_server_side_encryption_by_default"]
    key = next(iter(resources(prod, "aws_kms_key")))
    assert (default["sse_algorithm"], default["kms_master_key_id"], rule["bucket_key_enabled"]) == (
        "aws:kms",
        f"${{aws_kms_key.{key}.arn}}",
        True,
    )


def test_versioned(prod: Synth) -> None:
    assert only(prod, "aws_s3_bucket_versioning")["versioning_configuration"] == {"status": "Enabled"}


def test_public_access_blocked(prod: Synth) -> None:
    block = only(prod, "aws_s3_bucket_public_access_block")
    keys = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    assert [block[k] for k in keys] == [True] * 4


def test_acls_disabled(prod: Synth) -> None:
    assert only(prod, "aws_s3_bucket_ownership_controls")["rule"] == {"object_ownership": "BucketOwnerEnforced"}


def test_noncurrent_versions_expire_after_30_days_by_default(prod: Synth) -> None:
    rule = only(prod, "aws_s3_bucket_lifecycle_configuration")["rule"][0]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 30}]


def test_noncurrent_version_days_option(dev: Synth) -> None:
    rule = only(dev, "aws_s3_bucket_lifecycle_configuration")["rule"][0]
    assert rule["noncurrent_version_expiration"] == [{"noncurrent_days": 7}]


def test_incomplete_uploads_aborted(prod: Synth) -> None:
    rule = only(prod, "aws_s3_bucket_lifecycle_configuration")["rule"][0]
    assert rule["abort_incomplete_multipart_upload"] == [{"days_after_initiation": 7}]


def test_policy_denies_insecure_transport(prod: Synth) -> None:
    (statement,) = json.loads(only(prod, "aws_s3_bucket_policy")["policy"])["Statement"]
    assert (statement["Effect"], statement["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})


def test_eventbridge_notifications_on_by_default(prod: Synth) -> None:
    assert only(prod, "aws_s3_bucket_notification")["eventbridge"] is True


def test_eventbridge_option(dev: Synth) -> None:
    assert resources(dev, "aws_s3_bucket_notification") == {}


def test_attributes(prod: Synth) -> None:
    bucket = built["prod"]
    assert all("${TfToken" in v for v in (bucket.bucket_name, bucket.bucket_arn, bucket.kms_key_arn))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"name_prefix": "Eks_Platform"}, r"`name_prefix`: must be a DNS-1123 label"),
        ({"app_name": "API"}, r"`app_name`: must be a DNS-1123 label"),
        ({"name_suffix": "-x"}, r"`name_suffix`: must be a DNS-1123 label"),
        ({"noncurrent_version_days": 0}, r"`noncurrent_version_days`: must be a whole number from 1 to 3650"),
        ({"event_bridge": "yes"}, r"`event_bridge`: must be true or false"),
        (
            {"app_name": "a" * 34},
            r"`app_name`: makes the bucket name 64 characters long \('eks-platform-dev-a+-<suffix>', the suffix 12\)",
        ),
        ({"app_name": "a" * 40, "name_suffix": "x" * 6}, r"`app_name`: makes the bucket name 64 characters long"),
    ],
)
def test_errors(options: dict[str, Any], message: str) -> None:
    def _build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        arguments: dict[str, Any] = {"name_prefix": "eks-platform-dev", "app_name": "api", **options}
        ApplicationBucket(stack, "bucket", props=ApplicationBucketProps(protections=DEV, **arguments))

    with pytest.raises(ConfigError, match=message):
        synth(_build)


def test_longest_name_fits() -> None:
    doc = build("longest", protections=DEV, app_name="a" * 32)
    assert len(only(doc, "aws_s3_bucket")["bucket"].split("${")[0]) + 12 == 63
