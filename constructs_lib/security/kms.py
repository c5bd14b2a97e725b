"""Customer-managed KMS keys with rotation, an alias and a least-privilege key policy."""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey as _KmsKey
from constructs import Construct

from constructs_lib.iam import policy_document, statement
from constructs_lib.protections import Protections, require_protections
from constructs_lib.security.context import AwsContext

__all__ = ["KmsKey"]


class KmsKey(Construct):
    """A symmetric KMS key with yearly rotation and alias ``alias/<alias>``; ``protections`` gives its
    deletion window (``key_deletion_window_days``) and ``prevent_destroy``.

    The key policy gives the account (through IAM) administration and use of the key; when
    ``log_group_name_prefixes`` is set it also lets CloudWatch Logs in this region use the key, but
    only for log groups whose name starts with one of those prefixes (encryption-context condition).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        context: AwsContext,
        alias: str,
        description: str,
        protections: Protections,
        log_group_name_prefixes: Sequence[str] = (),
    ) -> None:
        require_protections("protections", protections)
        super().__init__(scope, id)
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
            description=description,
            enable_key_rotation=True,
            deletion_window_in_days=protections.key_deletion_window_days,
            policy=policy_document(*statements),
            lifecycle=protections.lifecycle(),
        )
        self.alias = KmsAlias(self, "alias", name=f"alias/{alias}", target_key_id=self.key.key_id)
        self.key_arn: str = self.key.arn
        self.key_id: str = self.key.key_id
        self.alias_name: str = f"alias/{alias}"
