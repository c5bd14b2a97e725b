"""``validation.require_arn``: the one home of "an ARN of this service, or a terraform reference to one"."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.errors import ConfigError
from constructs_lib.identity import presets
from constructs_lib.validation import require_arn
from tests.identity.test_presets import Context


def _check(value: Any, service: str = "kms") -> str:
    return require_arn("props.key_arn", value, what="a KMS key", service=service, fix="pass the KmsKey's `key_arn`")


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        # Every partition: GovCloud and China keys are KMS keys too.
        "arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        # Known at plan time only: a cdktf token or a ${...} expression.
        "${TfToken[TOKEN.42]}",
        "${aws_kms_key.app.arn}",
    ],
)
def test_an_arn_of_the_service_or_a_reference_passes(value: str) -> None:
    assert _check(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "alias/app",  # an alias is not a key ARN
        "arn:aws:s3:::my-bucket",  # another service
        "arn::kms:eu-west-1:111122223333:key/x",  # no partition
        "arn:aws:kms",  # cut short
        "kms:aws:arn:x",
        "",
        None,
        42,
    ],
)
def test_anything_else_names_the_field_the_service_and_the_fix(value: Any) -> None:
    with pytest.raises(ConfigError) as caught:
        _check(value)
    message = str(caught.value)
    assert message.startswith("`props.key_arn`: must be a KMS key ARN (arn:<partition>:kms:...) or a terraform reference")
    assert "pass the KmsKey's `key_arn`" in message


def test_the_presets_ask_the_one_home() -> None:
    """A preset refuses an ARN of the wrong service with the same rule (it once accepted any 'arn:')."""
    with pytest.raises(ConfigError, match=r"`presets.velero.bucket_arn`: must be an S3 bucket ARN \(arn:<partition>:s3:"):
        presets.velero(Context(), bucket_arn="arn:aws:kms:eu-west-1:111122223333:key/x")
