"""Customer-managed KMS keys with rotation, an alias and a least-privilege key policy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey as _KmsKey
from constructs import Construct

from constructs_lib.iam import policy_document, statement
from constructs_lib.protections import Protections, require_protections
from constructs_lib.security.context import AwsContext
from constructs_lib.stack import PROTECTIONS, from_environment

__all__ = ["KmsKey", "KmsKeyProps"]


@dataclass(frozen=True, kw_only=True)
class KmsKeyProps:
    """A customer-managed key of :class:`KmsKey`."""

    #: The alias without ``alias/`` (``<name_prefix>/<purpose>`` by convention).
    alias: str
    #: What the key encrypts, shown in the console and in CloudTrail.
    description: str
    #: The key's deletion window (``key_deletion_window_days``) and ``prevent_destroy``. Default None:
    #: the stack's environment's (``EnvironmentStack``: ``config.resolved_protections``); outside one
    #: it is a ConfigError, so a prod key wired by hand never gets dev protections by omission.
    protections: Protections | None = None
    #: Log group name prefixes CloudWatch Logs may use the key for. Default: none (no logs statement).
    log_group_name_prefixes: Sequence[str] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "log_group_name_prefixes", tuple(self.log_group_name_prefixes))


class KmsKey(Construct):
    """A symmetric KMS key with yearly rotation and alias ``alias/<alias>``; ``protections`` (default:
    the environment's) gives its deletion window (``key_deletion_window_days``) and ``prevent_destroy``.

    The key policy gives the account of the stack (:meth:`AwsContext.of`, through IAM) administration
    and use of the key; when ``log_group_name_prefixes`` is set it also lets CloudWatch Logs in this
    region use the key, but only for log groups whose name starts with one of those prefixes
    (encryption-context condition).
    """

    def __init__(self, scope: Construct, id: str, *, props: KmsKeyProps) -> None:
        protections = require_protections(
            "protections", from_environment(scope, "protections", props.protections, PROTECTIONS)
        )
        super().__init__(scope, id)
        context = AwsContext.of(self)
        alias, log_group_name_prefixes = props.alias, props.log_group_name_prefixes
        statements = [
            statement(
                "AccountAdministersKeyThroughIam",
                ["kms:*"],
                ["*"],
                principals={"AWS": context.arn("iam", "root", region=False)},
            )
        ]
        if log_group_name_prefixes:
            log_group_arns = [context.arn("logs", f"log-group:{prefix}*") for prefix in log_group_name_prefixes]
            logs = {"Service": f"logs.{context.region}.{context.dns_suffix}"}
            statements += [
                statement(
                    "CloudWatchLogsUsesKeyForOwnLogGroups",
                    ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
                    ["*"],
                    principals=logs,
                    conditions={"ArnLike": {"kms:EncryptionContext:aws:logs:arn": log_group_arns}},
                ),
                # DescribeKey takes no encryption context, so it cannot carry the condition above.
                statement("CloudWatchLogsDescribesKey", ["kms:DescribeKey"], ["*"], principals=logs),
            ]
        self.key = _KmsKey(
            self,
            "key",
            description=props.description,
            enable_key_rotation=True,
            deletion_window_in_days=protections.key_deletion_window_days,
            policy=policy_document(*statements),
            lifecycle=protections.lifecycle(),
        )
        self.alias = KmsAlias(self, "alias", name=f"alias/{alias}", target_key_id=self.key.key_id)
        self.key_arn: str = self.key.arn
        self.key_id: str = self.key.key_id
        self.alias_name: str = f"alias/{alias}"
