"""Shared security building blocks: the account context of each stack (``AwsContext.of``) and
customer-managed KMS keys (``KmsKey`` / ``KmsKeyProps``)."""

from constructs_lib.security.context import AwsContext
from constructs_lib.security.kms import KmsKey, KmsKeyProps

__all__ = ["AwsContext", "KmsKey", "KmsKeyProps"]
