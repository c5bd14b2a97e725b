"""The base stack of one environment: validated config, terraform state, the AWS provider and tags."""

from __future__ import annotations

from typing import ClassVar

from cdktf import LocalBackend, S3Backend, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from constructs import Construct

from constructs_lib.config import ConfigTier, EnvironmentConfig

__all__ = ["MANAGED_BY", "REQUIRED_TERRAFORM_VERSION", "EnvironmentStack", "local_state_path"]

#: Value of the ``managed-by`` tag on every AWS resource.
MANAGED_BY = "cdktf"
#: Terraform versions the stacks accept: 1.10 brought the S3 backend's lock file (``use_lockfile``).
REQUIRED_TERRAFORM_VERSION = ">= 1.10"


def local_state_path(name: str) -> str:
    """Where local state lives, relative to the stack's folder ``cdktf.out/stacks/<name>`` (terraform's
    working directory): ``terraform.<name>.tfstate`` in the project root, three levels up, so
    ``make clean`` or a fresh ``cdktf synth`` never deletes a deployed environment's state."""
    return f"../../../terraform.{name}.tfstate"


class EnvironmentStack(TerraformStack):
    """A cdktf stack for one environment, named after it (``dev``, ``staging``, ``prod``).

    On construction it validates the config up to :attr:`config_tier` (the whole config here;
    ``NetworkStack`` and ``ClusterStack`` check only the tiers they build), raising ConfigError before
    any resource exists, then configures:

    * state: S3 with encryption and S3-native locking (``use_lockfile``, terraform >= 1.10, pinned in
      ``required_version``) at ``<key_prefix>/<name>/terraform.tfstate`` when ``config.state`` is set
      (required in staging and prod); otherwise the local file ``terraform.<name>.tfstate`` in the
      project root, outside ``cdktf.out`` (``uses_local_state`` tells the app to print a notice);
    * the AWS provider in the environment's region, with ``default_tags`` (environment, project,
      managed-by, then ``config.tags``) and ``allowed_account_ids`` when ``config.account_id`` is set,
      so a plan against the wrong account fails before it changes anything.
    """

    #: The tiers of the config this stack checks (:meth:`EnvironmentConfig.validate`). Default: all of them.
    config_tier: ClassVar[ConfigTier] = ConfigTier.PLATFORM

    def __init__(self, scope: Construct, config: EnvironmentConfig) -> None:
        config.validate(tier=self.config_tier)
        super().__init__(scope, config.name)
        self.config = config
        self.uses_local_state = config.state is None
        # S3's native lock file (use_lockfile) needs terraform 1.10; older versions stop at init.
        self.add_override("terraform.required_version", REQUIRED_TERRAFORM_VERSION)
        if config.state is None:
            LocalBackend(self, path=local_state_path(config.name))
        else:
            S3Backend(
                self,
                bucket=config.state.bucket,
                key=f"{config.state.key_prefix}/{config.name}/terraform.tfstate",
                region=config.state.region or config.region,
                encrypt=True,
            )
            # cdktf 0.21's S3Backend has no use_lockfile argument yet; terraform >= 1.10 reads it.
            self.add_override("terraform.backend.s3.use_lockfile", True)
        self.default_tags: dict[str, str] = {
            "environment": config.name,
            "project": config.project,
            "managed-by": MANAGED_BY,
            **config.tags,
        }
        self.aws_provider = AwsProvider(
            self,
            "aws",
            region=config.region,
            default_tags=[AwsProviderDefaultTags(tags=self.default_tags)],
            allowed_account_ids=[config.account_id] if config.account_id else None,
        )
