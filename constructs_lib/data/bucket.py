"""Seed 002's ``my-app-bucket``: one private, encrypted, versioned S3 bucket per application that asks.

The IAM side is :func:`constructs_lib.identity.presets.application_bucket_access`, given this
construct's ``bucket_arn`` and ``kms_key_arn``.
"""

from __future__ import annotations

from dataclasses import dataclass

from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from cdktf_cdktf_provider_aws.s3_bucket_notification import S3BucketNotification
from constructs import Construct

from constructs_lib.data.config import MAX_BUCKET_NAME_LENGTH, require_application_bucket_name
from constructs_lib.data.secure_bucket import harden_bucket
from constructs_lib.protections import Protections, require_protections
from constructs_lib.security import AwsContext, KmsKey, KmsKeyProps
from constructs_lib.stack import NAME_PREFIX, PROTECTIONS, from_environment
from constructs_lib.validation import require, require_dns_label, require_name_prefix, require_range

__all__ = ["DEFAULT_NONCURRENT_VERSION_DAYS", "MAX_BUCKET_NAME_LENGTH", "ApplicationBucket", "ApplicationBucketProps"]

#: Days an overwritten or deleted object stays recoverable. Default 30: a month to notice a bad
#: deploy or a mistaken delete, while old versions of busy objects stop costing after that.
DEFAULT_NONCURRENT_VERSION_DAYS = 30


@dataclass(frozen=True, kw_only=True)
class ApplicationBucketProps:
    """The bucket of one application."""

    #: The application's name (a DNS label).
    app_name: str
    #: Environment prefix of every AWS name, e.g. ``eks-platform-prod`` (at most 40 characters).
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack``
    #: a ConfigError.
    name_prefix: str | None = None
    #: ``prevent_destroy`` on the bucket and its key, and ``force_destroy`` (emptied on destroy).
    #: Default None: the stack's environment's (``config.resolved_protections``); outside an
    #: ``EnvironmentStack`` a ConfigError, so a prod bucket wired by hand never gets dev protections by omission.
    protections: Protections | None = None
    #: Days an overwritten or deleted object stays recoverable (1-3650). Default
    #: :data:`DEFAULT_NONCURRENT_VERSION_DAYS`.
    noncurrent_version_days: int = DEFAULT_NONCURRENT_VERSION_DAYS
    #: The name's last part (a DNS label). Default None: the stack's account id (names are global).
    name_suffix: str | None = None
    #: Send object events to EventBridge. Default on (free for S3; rules bill only matched events).
    event_bridge: bool = True


class ApplicationBucket(Construct):
    """``<name_prefix>-<app_name>-<suffix>``; the suffix defaults to the account id (names are global).

    * SSE-KMS with the application's own customer-managed key (rotation on) and S3 bucket keys;
    * versioning, non-current versions expiring after ``noncurrent_version_days``, incomplete
      multipart uploads aborted after 7 days;
    * all public access blocked, ACLs disabled (bucket owner enforced), a policy refusing non-TLS requests;
    * ``protections``: ``prevent_destroy`` on the bucket and its key, and ``force_destroy`` (prod's
      defaults: protected, never emptied on destroy, so deleting the application's data is a
      deliberate change; dev and staging: emptied on destroy, because they hold test data and a
      versioned bucket cannot otherwise be destroyed without emptying every version by hand first,
      which would make ``terraform destroy`` of an environment fail);
    * ``event_bridge`` (default on): S3 sends object events to EventBridge, so consumers subscribe
      with rules instead of bucket notifications (free for S3; EventBridge bills only matched events).

    Attributes: ``bucket_name``, ``bucket_arn``, ``kms_key_arn``.
    """

    def __init__(self, scope: Construct, id: str, *, props: ApplicationBucketProps) -> None:
        name_prefix = from_environment(scope, "name_prefix", props.name_prefix, NAME_PREFIX)
        protections = from_environment(scope, "protections", props.protections, PROTECTIONS)
        app_name = props.app_name
        noncurrent_version_days, name_suffix, event_bridge = (
            props.noncurrent_version_days,
            props.name_suffix,
            props.event_bridge,
        )
        require_name_prefix("name_prefix", name_prefix)
        require_dns_label("app_name", app_name)
        if name_suffix is not None:
            require_dns_label("name_suffix", name_suffix)
        require_range("noncurrent_version_days", noncurrent_version_days, 1, 3650)
        require_protections("protections", protections)
        require(
            isinstance(event_bridge, bool), "event_bridge", "must be true or false", event_bridge, "use True or False"
        )
        require_application_bucket_name("app_name", name_prefix=name_prefix, app_name=app_name, name_suffix=name_suffix)
        super().__init__(scope, id)
        suffix = AwsContext.of(self).account_id if name_suffix is None else name_suffix
        name = f"{name_prefix}-{app_name}-{suffix}"
        self.key = KmsKey(
            self,
            "key",
            props=KmsKeyProps(
                alias=f"{name_prefix}/{app_name}-bucket",
                description=f"Encrypts the S3 bucket of application {app_name} in {name_prefix}",
                protections=protections,
            ),
        )
        self.bucket = S3Bucket(
            self, "bucket", bucket=name, force_destroy=protections.force_destroy, lifecycle=protections.lifecycle()
        )
        harden_bucket(self, self.bucket, kms_key_arn=self.key.key_arn, noncurrent_version_days=noncurrent_version_days)
        if event_bridge:
            S3BucketNotification(self, "notifications", bucket=self.bucket.id, eventbridge=True)
        self.bucket_name: str = self.bucket.bucket
        self.bucket_arn: str = self.bucket.arn
        self.kms_key_arn: str = self.key.key_arn
        self.noncurrent_version_days = noncurrent_version_days
        self.event_bridge = event_bridge
