"""Snapshots of each environment's synthesized JSON: every infrastructure change is a reviewed diff.

After an intended change run ``make snapshots`` (``pytest tests/test_snapshots.py --snapshot-update``)
and review ``git diff tests/__snapshots__``.
"""

from __future__ import annotations

from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.conftest import ENVIRONMENT_NAMES


@pytest.fixture
def json_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.mark.parametrize("environment", ENVIRONMENT_NAMES)
def test_stack_matches_snapshot(
    environment: str, stacks_json: dict[str, dict[str, Any]], json_snapshot: SnapshotAssertion
) -> None:
    assert stacks_json[environment] == json_snapshot
