"""identity.presets.application_bucket_access: exactly what an application needs on its own bucket."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.data.bucket import ApplicationBucket, ApplicationBucketProps
from constructs_lib.errors import ConfigError
from constructs_lib.identity import presets
from constructs_lib.security import AwsContext
from tests.helpers import DEV, synth


@dataclass(frozen=True)
class Context:
    """Literal stand-in for AwsContext (the four attributes presets read)."""

    partition: str = "aws"
    account_id: str = "111122223333"
    region: str = "us-east-1"
    dns_suffix: str = "amazonaws.com"


CTX = Context()

BUCKET = "arn:aws:s3:::eks-platform-dev-api-111122223333"
KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="module")
def access() -> dict[str, Any]:
    permissions = presets.application_bucket_access(CTX, bucket_arn=BUCKET, kms_key_arn=KEY)
    return {s["Sid"]: s for s in permissions.statements}


def test_exactly_three_statements_and_no_managed_policy(access: dict[str, Any]) -> None:
    assert sorted(access) == ["ListOwnBucket", "ReadWriteOwnObjects", "UseBucketKeyThroughS3"]


def test_lists_its_bucket_only(access: dict[str, Any]) -> None:
    assert (access["ListOwnBucket"]["Action"], access["ListOwnBucket"]["Resource"]) == ("s3:ListBucket", BUCKET)


def test_reads_writes_deletes_its_objects_only(access: dict[str, Any]) -> None:
    statement = access["ReadWriteOwnObjects"]
    assert (statement["Action"], statement["Resource"]) == (
        ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        f"{BUCKET}/*",
    )


def test_uses_the_bucket_key_through_s3_only(access: dict[str, Any]) -> None:
    statement = access["UseBucketKeyThroughS3"]
    assert (statement["Action"], statement["Resource"], statement["Condition"]) == (
        ["kms:Decrypt", "kms:GenerateDataKey"],
        KEY,
        {"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}},
    )


def test_takes_the_constructs_attributes() -> None:
    found: list[int] = []

    def _build(stack: TerraformStack) -> None:
        bucket = ApplicationBucket(
            stack, "bucket", props=ApplicationBucketProps(name_prefix="eks-platform-dev", app_name="api", protections=DEV)
        )
        context = AwsContext.of(stack)
        permissions = presets.application_bucket_access(
            context, bucket_arn=bucket.bucket_arn, kms_key_arn=bucket.kms_key_arn
        )
        found.append(len(permissions.statements))

    synth(_build)
    assert found == [3]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"bucket_arn": "my-app-bucket"}, r"`presets.application_bucket_access.bucket_arn`: must be an S3 bucket"),
        ({"kms_key_arn": "alias/app"}, r"`presets.application_bucket_access.kms_key_arn`: must be a KMS key ARN"),
    ],
)
def test_errors(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        presets.application_bucket_access(CTX, **{"bucket_arn": BUCKET, "kms_key_arn": KEY, **arguments})
