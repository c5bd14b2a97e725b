"""Shared security building blocks: the account context and customer-managed KMS keys."""

from constructs_lib.security.context import AwsContext
from constructs_lib.security.kms import KmsKey

__all__ = ["AwsContext", "KmsKey"]
