"""Account, partition and region of the stack, read once and shared by every tier."""

from __future__ import annotations

from typing import Protocol

from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity
from cdktf_cdktf_provider_aws.data_aws_partition import DataAwsPartition
from cdktf_cdktf_provider_aws.data_aws_region import DataAwsRegion
from constructs import Construct, IConstruct

from constructs_lib.errors import ConfigError
from constructs_lib.stack import EnvironmentStack
from constructs_lib.validation import require

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

    Get it with :meth:`AwsContext.of` from any construct: the first call in a stack creates it as the
    stack's child ``aws-context`` (so its data sources are ``data.aws_caller_identity.aws-context_caller_...``
    and ``data.aws_partition.aws-context_partition_...``), every later call returns the same one. No
    props object takes it: each construct asks for the context of its own stack.

    Attributes are terraform references, resolved at plan time: ``account_id`` (12 digits),
    ``caller_arn`` (who runs terraform),
    ``partition`` (``aws``, ``aws-cn``, ``aws-us-gov``), and ``region``, plus ``dns_suffix``
    (``amazonaws.com``). ``region`` is a literal when the stack knows it (an
    :class:`~constructs_lib.stack.EnvironmentStack`: its config's region, or ``region=`` given to the
    constructor); otherwise it is read from an ``aws_region`` data source (the AWS provider's region)
    created only in that case.
    """

    #: The construct id of a stack's context, a child of the stack itself. Part of the terraform
    #: addresses of its data sources: never change it.
    ID = "aws-context"

    def __init__(self, scope: Construct, *, region: str | None = None) -> None:
        """The context of ``scope``'s stack, created as that stack's child :attr:`ID`.

        ``region``: the stack's region when it is known at synth time; default None reads it from an
        ``aws_region`` data source. Use :meth:`of` instead, unless the stack knows a region that is
        not its config's. Raises ConfigError when the stack has a context already (one per stack).
        """
        stack = TerraformStack.of(scope)
        existing = stack.node.try_find_child(AwsContext.ID)
        require(
            existing is None,
            f"{stack.node.id}.{AwsContext.ID}",
            "must be created once per stack",
            type(existing).__name__,
            "create the context before the constructs that use it, or use AwsContext.of(scope)",
        )
        super().__init__(stack, AwsContext.ID)
        identity = DataAwsCallerIdentity(self, "caller")
        partition = DataAwsPartition(self, "partition")
        self.account_id: str = identity.account_id
        #: ARN of the identity running terraform (an assumed-role session ARN for roles).
        self.caller_arn: str = identity.arn
        self.partition: str = partition.partition
        self.dns_suffix: str = partition.dns_suffix
        # Only a stack that does not know its region pays for (and shows) the data source.
        self.region: str = region if region is not None else DataAwsRegion(self, "region").region

    @classmethod
    def of(cls, scope: IConstruct) -> AwsContext:
        """The context of the stack that holds ``scope``, created on first use (aws-cdk's ``Stack.of``).

        The region of a new context: ``config.region`` in an
        :class:`~constructs_lib.stack.EnvironmentStack`, else an ``aws_region`` data source. Raises
        ConfigError when the stack has a child ``aws-context`` that is not an ``AwsContext``.
        """
        stack = TerraformStack.of(scope)
        found = stack.node.try_find_child(AwsContext.ID)
        if found is None:
            return cls(stack, region=stack.config.region if isinstance(stack, EnvironmentStack) else None)
        if not isinstance(found, AwsContext):
            raise ConfigError(
                f"{stack.node.id}.{AwsContext.ID}",
                "must be the stack's AwsContext (the id is reserved for it)",
                type(found).__name__,
                f"give the construct another id than {AwsContext.ID!r}",
            )
        return found

    def arn(self, service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>`` for a resource of this stack."""
        return arn(self, service, resource, region=region, account=account)
