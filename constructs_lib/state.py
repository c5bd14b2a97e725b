"""The S3 bucket the environments keep their terraform state in, as a stack of its own.

Remote state (:class:`~constructs_lib.config.StateBackend`) needs a bucket that exists before the first
``terraform init`` of an environment, so it cannot live in the environment's own stack.
:class:`StateBucketStack` creates it once, with local state of its own in the project root
(``terraform.state-bucket-<bucket>.tfstate``: keep that file, or import the bucket again later):
``make state-bucket ENV=prod`` runs ``python main.py --state-bucket prod`` through the cdktf CLI.

The bucket is versioned (every state version recoverable for :data:`STATE_VERSION_DAYS`), encrypted
with its own KMS key, private, TLS-only and protected by ``prevent_destroy``: losing it orphans
every resource of every environment that keeps its state there.
"""

from __future__ import annotations

from cdktf import LocalBackend, TerraformOutput, TerraformResourceLifecycle, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
from constructs import Construct

from constructs_lib.config import ConfigTier, EnvironmentConfig
from constructs_lib.data.secure_bucket import harden_bucket
from constructs_lib.errors import ConfigError
from constructs_lib.protections import Protections, Stage
from constructs_lib.security import AwsContext, KmsKey, KmsKeyProps
from constructs_lib.stack import MANAGED_BY, REQUIRED_TERRAFORM_VERSION, local_state_path

__all__ = ["STATE_BUCKET_STACK", "STATE_VERSION_DAYS", "StateBucketStack"]

#: The stack's name (``cdktf deploy state-bucket``).
STATE_BUCKET_STACK = "state-bucket"
#: Days an overwritten state file stays recoverable. Default 90: long enough to notice a bad apply
#: after a holiday; state files are small, so versions cost next to nothing.
STATE_VERSION_DAYS = 90


class StateBucketStack(TerraformStack):
    """The state bucket named by ``config.state`` (raises ConfigError when the environment has none);
    only the config's BASE tier is checked.

    Attributes: ``bucket_name``, ``bucket_arn``, ``kms_key_arn``.
    """

    def __init__(self, scope: Construct, config: EnvironmentConfig) -> None:
        # The bucket needs only the BASE tier (name, region, tags, state): a VPC-only environment's
        # config, with no node groups, has a state bucket too.
        config.validate(tier=ConfigTier.BASE)
        if config.state is None:
            raise ConfigError(
                f"{config.name}.state",
                "must name the state bucket to create",
                None,
                "set state=StateBackend(bucket=...) in the environment",
            )
        super().__init__(scope, STATE_BUCKET_STACK)
        state = config.state
        region = state.region or config.region
        LocalBackend(self, path=local_state_path(f"{STATE_BUCKET_STACK}-{state.bucket}"))
        self.add_override("terraform.required_version", REQUIRED_TERRAFORM_VERSION)
        AwsProvider(
            self,
            "aws",
            region=region,
            default_tags=[
                AwsProviderDefaultTags(tags={"project": config.project, "managed-by": MANAGED_BY, **config.tags})
            ],
            allowed_account_ids=[config.account_id] if config.account_id else None,
        )
        # The stack's context, in the bucket's region (not an EnvironmentStack: AwsContext.of would
        # read the region from a data source).
        AwsContext(self, region=region)
        key = KmsKey(
            self,
            "key",
            props=KmsKeyProps(
                alias=f"{config.project}/terraform-state",
                description=f"Encrypts the terraform state in s3://{state.bucket}",
                # Always prod's protections: the state of every environment that uses the bucket depends on it.
                protections=Protections.for_stage(Stage.PROD),
            ),
        )
        bucket = S3Bucket(
            self,
            "bucket",
            bucket=state.bucket,
            force_destroy=False,
            lifecycle=TerraformResourceLifecycle(prevent_destroy=True),
        )
        harden_bucket(self, bucket, kms_key_arn=key.key_arn, noncurrent_version_days=STATE_VERSION_DAYS)
        self.bucket_name: str = bucket.bucket
        self.bucket_arn: str = bucket.arn
        self.kms_key_arn: str = key.key_arn
        TerraformOutput(self, "state_bucket", value=bucket.bucket, description="S3 bucket holding terraform state")
