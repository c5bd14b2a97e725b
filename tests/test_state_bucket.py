"""The stack that creates an environment's state bucket (``make state-bucket``)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cdktf import Testing as CdktfTesting

from constructs_lib.errors import ConfigError
from constructs_lib.state import StateBucketStack
from tests.conftest import REPO_ROOT
from tests.fixtures import DEV, PROD


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    app = CdktfTesting.app()
    return dict(json.loads(CdktfTesting.synth(StateBucketStack(app, PROD))))


def _one(doc: dict[str, Any], resource_type: str) -> Any:
    (body,) = doc["resource"][resource_type].values()
    return body


def test_bucket_is_the_one_the_environment_names(doc: dict[str, Any]) -> None:
    assert _one(doc, "aws_s3_bucket")["bucket"] == PROD.state.bucket  # type: ignore[union-attr]


def test_bucket_survives_a_destroy(doc: dict[str, Any]) -> None:
    bucket = _one(doc, "aws_s3_bucket")
    assert (bucket["lifecycle"], bucket["force_destroy"]) == ({"prevent_destroy": True}, False)


def test_state_versions_are_kept_and_encrypted_with_its_own_key(doc: dict[str, Any]) -> None:
    assert _one(doc, "aws_s3_bucket_versioning")["versioning_configuration"]["status"] == "Enabled"
    rule = _one(doc, "aws_s3_bucket_server_side_encryption_configuration")["rule"][0]
    assert rule["apply_server_side_encryption_by_default"]["sse_algorithm"] == "aws:kms"
    assert _one(doc, "aws_kms_key")["lifecycle"] == {"prevent_destroy": True}


def test_bucket_is_private(doc: dict[str, Any]) -> None:
    block = _one(doc, "aws_s3_bucket_public_access_block")
    assert all(block[k] for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"))


def test_own_state_is_local_in_the_project_root(doc: dict[str, Any]) -> None:
    assert PROD.state is not None
    assert doc["terraform"]["backend"] == {"local": {"path": f"../../../terraform.state-bucket-{PROD.state.bucket}.tfstate"}}
    assert doc["terraform"]["required_version"] == ">= 1.10"


def test_a_vpc_only_environment_gets_its_state_bucket() -> None:
    config = dataclasses.replace(PROD, node_groups=(), applications=(), repositories=())
    doc = json.loads(CdktfTesting.synth(StateBucketStack(CdktfTesting.app(), config)))
    assert PROD.state is not None
    assert _one(doc, "aws_s3_bucket")["bucket"] == PROD.state.bucket


def test_a_state_bucket_still_checks_the_base_tier() -> None:
    with pytest.raises(ConfigError, match=r"^`prod\.region`"):
        StateBucketStack(CdktfTesting.app(), dataclasses.replace(PROD, region="mars-1"))


def test_an_environment_without_state_has_no_bucket_to_create() -> None:
    with pytest.raises(ConfigError, match=r"^`dev\.state`: must name the state bucket to create"):
        StateBucketStack(CdktfTesting.app(), DEV)


def test_main_synthesizes_only_the_state_bucket_stack(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, str(REPO_ROOT / "main.py"), "--state-bucket", "prod"],
        cwd=REPO_ROOT,
        env={**os.environ, "CDKTF_OUTDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert [p.name for p in (tmp_path / "stacks").iterdir()] == ["state-bucket"]
