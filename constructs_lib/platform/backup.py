"""The S3 bucket velero writes cluster backups to: KMS-encrypted, versioned, private, TLS-only."""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_notification import S3BucketNotification
from constructs import Construct

from constructs_lib.data.secure_bucket import harden_bucket
from constructs_lib.protections import Protections, require_protections
from constructs_lib.security import AwsContext, KmsKey, KmsKeyProps
from constructs_lib.stack import NAME_PREFIX, PROTECTIONS, from_environment
from constructs_lib.validation import require_name_prefix, require_range

__all__ = ["BackupBucket", "BackupBucketProps"]

#: Days an overwritten or deleted backup object stays recoverable. Default 30: the default backup
#: retention (``BackupConfig.retention_days``; the reference stack passes the configured one), so a
#: mistaken ``velero backup delete`` can be undone for as long as the backup would have lived.
DEFAULT_NONCURRENT_VERSION_DAYS = 30


@dataclass(frozen=True, kw_only=True)
class BackupBucketProps:
    """velero's bucket in one environment."""

    #: Environment prefix of every AWS name, e.g. ``eks-platform-prod`` (at most 43 characters).
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack``
    #: a ConfigError.
    name_prefix: str | None = None
    #: ``prevent_destroy`` on the bucket and its key (the bucket is never emptied on destroy, whatever
    #: ``force_destroy`` says). Default None: the stack's environment's (``config.resolved_protections``);
    #: outside an ``EnvironmentStack`` a ConfigError, so prod backups wired by hand never get dev
    #: protections by omission.
    protections: Protections | None = None
    #: Days an overwritten or deleted backup object stays recoverable (1-3650). Default
    #: :data:`DEFAULT_NONCURRENT_VERSION_DAYS`.
    noncurrent_version_days: int = DEFAULT_NONCURRENT_VERSION_DAYS


class BackupBucket(Construct):
    """``<name_prefix>-velero-<account id>`` (S3 names are global; the account id keeps them unique).

    * SSE-KMS with its own customer-managed key (rotation on) and S3 bucket keys (fewer KMS calls);
    * versioning, with non-current versions expiring after ``noncurrent_version_days``;
    * all public access blocked, ACLs disabled (bucket owner enforced), a policy refusing non-TLS requests;
    * object events sent to EventBridge, so deleted or missing backups can raise an alert;
    * ``protections.prevent_destroy`` (on in prod) on the bucket and its key, so ``terraform destroy``
      cannot take the backups with the cluster; the bucket is never emptied on destroy, whatever
      ``protections.force_destroy`` says (backups are what a destroyed environment is restored from).

    Attributes: ``bucket_name``, ``bucket_arn``, ``kms_key_arn`` (velero's IRSA policy needs all three).
    """

    def __init__(self, scope: Construct, id: str, *, props: BackupBucketProps) -> None:
        name_prefix = from_environment(scope, "name_prefix", props.name_prefix, NAME_PREFIX)
        protections = from_environment(scope, "protections", props.protections, PROTECTIONS)
        noncurrent_version_days = props.noncurrent_version_days
        require_name_prefix("name_prefix", name_prefix)
        require_range("noncurrent_version_days", noncurrent_version_days, 1, 3650)
        require_protections("protections", protections)
        super().__init__(scope, id)
        context = AwsContext.of(self)
        self.key = KmsKey(
            self,
            "key",
            props=KmsKeyProps(
                alias=f"{name_prefix}/velero-backups",
                description=f"Encrypts the velero backups of {name_prefix}",
                protections=protections,
            ),
        )
        self.bucket = S3Bucket(
            self,
            "bucket",
            bucket=f"{name_prefix}-velero-{context.account_id}",
            force_destroy=False,
            lifecycle=protections.lifecycle(),
        )
        harden_bucket(self, self.bucket, kms_key_arn=self.key.key_arn, noncurrent_version_days=noncurrent_version_days)
        # Object events go to EventBridge (free for S3), so an alert on deleted or missing backups is one
        # rule away; nothing consumes them by default.
        S3BucketNotification(self, "notifications", bucket=self.bucket.id, eventbridge=True)
        self.bucket_name: str = self.bucket.bucket
        self.bucket_arn: str = self.bucket.arn
        self.kms_key_arn: str = self.key.key_arn
        self.noncurrent_version_days = noncurrent_version_days
