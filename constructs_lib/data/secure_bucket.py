"""The hardening every S3 bucket of the library gets, in one place.

:func:`harden_bucket` adds, as children of ``scope`` with fixed construct ids (so the terraform
addresses of a bucket that uses it never change): versioning, SSE-KMS with S3 bucket keys, all four
public-access blocks, ACLs disabled (``BucketOwnerEnforced``), a lifecycle rule expiring non-current
versions and aborting incomplete multipart uploads, and a policy refusing requests without TLS.
``platform.backup.BackupBucket`` (velero) and ``data.bucket.ApplicationBucket`` both use it.
"""

from __future__ import annotations

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_lifecycle_configuration import (
    S3BucketLifecycleConfiguration,
    S3BucketLifecycleConfigurationRule,
    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload,
    S3BucketLifecycleConfigurationRuleFilter,
    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration,
)
from cdktf_cdktf_provider_aws.s3_bucket_ownership_controls import (
    S3BucketOwnershipControls,
    S3BucketOwnershipControlsRule,
)
from cdktf_cdktf_provider_aws.s3_bucket_policy import S3BucketPolicy
from cdktf_cdktf_provider_aws.s3_bucket_public_access_block import S3BucketPublicAccessBlock
from cdktf_cdktf_provider_aws.s3_bucket_server_side_encryption_configuration import (
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
)
from cdktf_cdktf_provider_aws.s3_bucket_versioning import (
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs import Construct

from constructs_lib.iam import policy_document, statement

__all__ = ["ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS", "harden_bucket"]

#: Parts of an upload that never completed are billed until deleted; a week covers any real upload.
ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS = 7


def harden_bucket(scope: Construct, bucket: S3Bucket, *, kms_key_arn: str, noncurrent_version_days: int) -> None:
    """Versioning, SSE-KMS, no public access, no ACLs, non-current expiry and TLS-only for ``bucket``.

    The resources are children of ``scope`` with the ids ``versioning``, ``encryption``,
    ``public-access-block``, ``ownership``, ``lifecycle`` and ``policy``. ``noncurrent_version_days``
    is trusted (callers validate it).
    """
    bucket_id = bucket.id
    S3BucketVersioningA(
        scope,
        "versioning",
        bucket=bucket_id,
        versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"),
    )
    S3BucketServerSideEncryptionConfigurationA(
        scope,
        "encryption",
        bucket=bucket_id,
        rule=[
            S3BucketServerSideEncryptionConfigurationRuleA(
                apply_server_side_encryption_by_default=(
                    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                        sse_algorithm="aws:kms", kms_master_key_id=kms_key_arn
                    )
                ),
                # One data key per bucket instead of per object: far fewer KMS requests (and charges).
                bucket_key_enabled=True,
            )
        ],
    )
    S3BucketPublicAccessBlock(
        scope,
        "public-access-block",
        bucket=bucket_id,
        block_public_acls=True,
        block_public_policy=True,
        ignore_public_acls=True,
        restrict_public_buckets=True,
    )
    S3BucketOwnershipControls(
        scope,
        "ownership",
        bucket=bucket_id,
        rule=S3BucketOwnershipControlsRule(object_ownership="BucketOwnerEnforced"),
    )
    S3BucketLifecycleConfiguration(
        scope,
        "lifecycle",
        bucket=bucket_id,
        rule=[
            S3BucketLifecycleConfigurationRule(
                id="expire-noncurrent-versions",
                status="Enabled",
                filter=[S3BucketLifecycleConfigurationRuleFilter(prefix="")],
                noncurrent_version_expiration=[
                    S3BucketLifecycleConfigurationRuleNoncurrentVersionExpiration(
                        noncurrent_days=noncurrent_version_days
                    )
                ],
                abort_incomplete_multipart_upload=[
                    S3BucketLifecycleConfigurationRuleAbortIncompleteMultipartUpload(
                        days_after_initiation=ABORT_INCOMPLETE_UPLOADS_AFTER_DAYS
                    )
                ],
            )
        ],
    )
    S3BucketPolicy(
        scope,
        "policy",
        bucket=bucket_id,
        policy=policy_document(
            statement(
                "DenyInsecureTransport",
                ["s3:*"],
                [bucket.arn, f"{bucket.arn}/*"],
                effect="Deny",
                principals={"AWS": "*"},
                conditions={"Bool": {"aws:SecureTransport": "false"}},
            )
        ),
    )
