"""EnvironmentStack: validation first, state backend, AWS provider, default tags."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import cdktf
import pytest

from constructs_lib.config import EnvironmentConfig, StateBackend
from constructs_lib.errors import ConfigError
from constructs_lib.stack import EnvironmentStack
from tests.fixtures import DEV, PROD


def _synth(config: EnvironmentConfig) -> dict[str, Any]:
    app = cdktf.Testing.app()
    return dict(json.loads(cdktf.Testing.synth(EnvironmentStack(app, config))))


@pytest.fixture(scope="module")
def remote() -> dict[str, Any]:
    # No applications: prod's example certificate belongs to another account than this one.
    config = dataclasses.replace(
        PROD,
        account_id="012345678901",
        state=StateBackend(bucket="acme-tf-state", key_prefix="platform", region="eu-west-1"),
        applications=(),
    )
    return _synth(config)


@pytest.fixture(scope="module")
def local() -> dict[str, Any]:
    return _synth(dataclasses.replace(DEV, account_id=None))


def test_s3_backend_key_is_per_environment(remote: dict[str, Any]) -> None:
    assert remote["terraform"]["backend"]["s3"]["key"] == "platform/prod/terraform.tfstate"


def test_s3_backend_is_encrypted(remote: dict[str, Any]) -> None:
    assert remote["terraform"]["backend"]["s3"]["encrypt"] is True


def test_s3_backend_uses_native_lock_file(remote: dict[str, Any]) -> None:
    assert remote["terraform"]["backend"]["s3"]["use_lockfile"] is True


def test_s3_backend_bucket_and_region(remote: dict[str, Any]) -> None:
    backend = remote["terraform"]["backend"]["s3"]
    assert (backend["bucket"], backend["region"]) == ("acme-tf-state", "eu-west-1")


def test_s3_backend_region_defaults_to_environment_region() -> None:
    doc = _synth(dataclasses.replace(DEV, state=StateBackend(bucket="acme-tf-state")))
    assert doc["terraform"]["backend"]["s3"]["region"] == "us-east-1"


def test_local_backend_without_state(local: dict[str, Any]) -> None:
    # Terraform runs in cdktf.out/stacks/dev: the state file lands in the project root, outside cdktf.out.
    assert local["terraform"]["backend"] == {"local": {"path": "../../../terraform.dev.tfstate"}}


def test_terraform_version_is_pinned_for_the_s3_lock_file(local: dict[str, Any]) -> None:
    assert local["terraform"]["required_version"] == ">= 1.10"


def test_local_state_is_reported() -> None:
    app = cdktf.Testing.app()
    assert EnvironmentStack(app, DEV).uses_local_state is True


def test_provider_region(local: dict[str, Any]) -> None:
    assert local["provider"]["aws"][0]["region"] == "us-east-1"


def test_default_tags_order_and_content(local: dict[str, Any]) -> None:
    tags = local["provider"]["aws"][0]["default_tags"][0]["tags"]
    assert tags == {
        "environment": "dev",
        "project": "eks-platform",
        "managed-by": "cdktf",
        "cost-center": "platform",
        "owner": "platform-team",
    }


def test_config_tags_are_added() -> None:
    doc = _synth(dataclasses.replace(DEV, tags={"team": "payments"}))
    assert doc["provider"]["aws"][0]["default_tags"][0]["tags"]["team"] == "payments"


def test_config_tags_may_not_override_the_standard_tags() -> None:
    with pytest.raises(ConfigError, match=r"`dev\.tags\.environment`: is set by the stack itself"):
        DEV.__class__(**{**DEV.__dict__, "tags": {"environment": "prod"}}).validate()


def test_allowed_account_ids_when_account_set(remote: dict[str, Any]) -> None:
    assert remote["provider"]["aws"][0]["allowed_account_ids"] == ["012345678901"]


def test_no_allowed_account_ids_without_account(local: dict[str, Any]) -> None:
    assert "allowed_account_ids" not in local["provider"]["aws"][0]


def test_stack_is_named_after_environment() -> None:
    app = cdktf.Testing.app()
    assert EnvironmentStack(app, PROD).node.id == "prod"


def test_invalid_config_raises_before_the_stack_exists() -> None:
    app = cdktf.Testing.app()
    with pytest.raises(ConfigError, match=r"`dev\.region`"):
        EnvironmentStack(app, dataclasses.replace(DEV, region="nowhere"))
    assert app.node.children == []
