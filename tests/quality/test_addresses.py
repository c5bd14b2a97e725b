"""Address stability: every resource address per environment is committed, so a rename (which
replaces the resource, data and all) is always a deliberate, reviewed diff.

After an intended change regenerate the lists and review the diff::

    UPDATE_ADDRESSES=1 .venv/bin/pytest tests/quality/test_addresses.py
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.quality import checks

ADDRESSES_DIR = Path(__file__).resolve().parent / "addresses"
UPDATE = os.environ.get("UPDATE_ADDRESSES") == "1"
HEADER = (
    "# Every resource address of the {environment} stack, one per line, sorted. Checked by\n"
    "# tests/quality/test_addresses.py; regenerate with UPDATE_ADDRESSES=1 and review the diff:\n"
    "# a removed line destroys that resource on the next apply.\n"
)


def render(environment: str, addresses: list[str]) -> str:
    return HEADER.format(environment=environment) + "".join(f"{address}\n" for address in addresses)


def parse(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def differences(committed: list[str], current: list[str]) -> list[str]:
    """``+ address`` for new resources, ``- address`` for resources that would be destroyed."""
    return [f"- {a}" for a in sorted(set(committed) - set(current))] + [
        f"+ {a}" for a in sorted(set(current) - set(committed))
    ]


@pytest.mark.parametrize("environment", ["dev", "staging", "prod"])
def test_addresses_match_committed_list(stacks_json: dict[str, dict[str, Any]], environment: str) -> None:
    file = ADDRESSES_DIR / f"{environment}.txt"
    current = checks.addresses(stacks_json[environment])
    if UPDATE:
        file.write_text(render(environment, current), encoding="utf-8")
    assert file.exists(), f"{file} is missing; create it with UPDATE_ADDRESSES=1"
    changed = differences(parse(file.read_text(encoding="utf-8")), current)
    assert changed == [], (
        f"resource addresses of {environment} changed ({', '.join(changed)}); if intended, regenerate with "
        "UPDATE_ADDRESSES=1 .venv/bin/pytest tests/quality/test_addresses.py and commit the reviewed diff"
    )


def test_a_rename_shows_as_destroy_and_create() -> None:
    assert differences(["aws_vpc.vpc_1A2B"], ["aws_vpc.network_vpc_3C4D"]) == [
        "- aws_vpc.vpc_1A2B",
        "+ aws_vpc.network_vpc_3C4D",
    ]


def test_committed_file_round_trips() -> None:
    assert parse(render("dev", ["aws_kms_key.a", "aws_vpc.b"])) == ["aws_kms_key.a", "aws_vpc.b"]
