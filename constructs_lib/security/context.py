"""Account, partition and region of the stack, read once and shared by every tier."""

from __future__ import annotations

from typing import Protocol

from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from constructs import Construct

__all__ = ["ArnContext", "AwsContext", "arn"]


class ArnContext(Protocol):
    """Account, partition, region and DNS suffix of the stack (``AwsContext`` has all four)."""

    @property
    def partition(self) -> str: ...

    @property
    def account_id(self) -> str: ...

    @property
    def region(self) -> str: ...

    @property
    def dns_suffix(self) -> str: ...


def arn(context: ArnContext, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
    """``arn:<partition>:<service>:<region>:<account>:<resource>`` for a resource of ``context``'s stack."""
    return ":".join(
        (
            "arn",
            context.partition,
            service,
            context.region if region else "",
            context.account_id if account else "",
            resource,
        )
    )


class AwsContext(Construct):
    """Data sources for the current account and partition (one of each per stack).

    Attributes are terraform references, resolved at plan time: ``account_id`` (12 digits),
    ``caller_arn`` (who runs terraform),
    ``partition`` (``aws``, ``aws-cn``, ``aws-us-gov``), and ``region`` (the environment's region,
    known at synth time), plus ``dns_suffix`` (``amazonaws.com``).
    """

    def __init__(self, scope: Construct, id: str, *, region: str) -> None:
        super().__init__(scope, id)
        identity = DataAwsCallerIdentity(self, "caller")
        partition = DataAwsPartition(self, "partition")
        self.account_id: str = identity.account_id
        #: ARN of the identity running terraform (an assumed-role session ARN for roles).
        self.caller_arn: str = identity.arn
        self.partition: str = partition.partition
        self.dns_suffix: str = partition.dns_suffix
        self.region: str = region

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>`` for a resource of this stack."""
        return arn(self, service, resource, region=region, account=account)
