"""IAM policy documents as plain JSON strings.

The library renders every IAM document (trust policies, inline policies, key policies) with
:func:`policy_document`, not with the ``aws_iam_policy_document`` data source: the JSON is in the
synthesized stack itself, so tests and ``parliament`` can read exactly what AWS will receive, and the
plan needs no data-source round trip. Terraform references (``${aws_s3_bucket.x.arn}``) inside the
strings are resolved by terraform at plan time.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["policy_document", "statement"]

IAM_VERSION = "2012-10-17"


def statement(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[str] | None = None,
    *,
    effect: str = "Allow",
    principals: Mapping[str, Sequence[str] | str] | None = None,
    conditions: Mapping[str, Mapping[str, Sequence[str] | str]] | None = None,
) -> dict[str, Any]:
    """One policy statement; ``resources`` is omitted for trust policies."""
    if any(action == "*" for action in actions):
        raise ValueError(f"statement {sid!r}: Action '*' is never allowed")  # library bug, not input
    result: dict[str, Any] = {"Sid": sid, "Effect": effect}
    if principals is not None:
        result["Principal"] = {key: _one_or_many(value) for key, value in principals.items()}
    result["Action"] = _one_or_many(list(actions))
    if resources is not None:
        result["Resource"] = _one_or_many(list(resources))
    if conditions:
        result["Condition"] = {
            operator: {key: _one_or_many(value) for key, value in values.items()}
            for operator, values in conditions.items()
        }
    return result


def policy_document(*statements: Mapping[str, Any]) -> str:
    """A complete policy document as compact, deterministic JSON."""
    return json.dumps({"Version": IAM_VERSION, "Statement": list(statements)}, separators=(",", ":"))


def _one_or_many(value: Sequence[str] | str) -> str | list[str]:
    if isinstance(value, str):
        return value
    return value[0] if len(value) == 1 else list(value)
