"""checkov over the three synthesized stacks: no parse error, checks ran, every failure reviewed."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from tests.quality import checkov_gate
from tests.quality.checkov_gate import AllowlistEntry, FileResult

ENVIRONMENTS = ("dev", "staging", "prod")


@pytest.fixture(scope="module")
def allowlist() -> tuple[AllowlistEntry, ...]:
    return checkov_gate.load_allowlist()


def test_installed_checkov_is_the_pinned_one(checkov_run: tuple[str, dict[str, FileResult]]) -> None:
    assert checkov_run[0] == checkov_gate.pinned_version(), "the checkov venv is stale: `make test` reinstalls it"


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_stack_parses(checkov_results: dict[str, FileResult], environment: str) -> None:
    assert not checkov_results[environment].parsing_error


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_checks_ran(checkov_results: dict[str, FileResult], environment: str) -> None:
    assert checkov_results[environment].passed > 0


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_every_failure_is_reviewed(
    checkov_results: dict[str, FileResult], allowlist: tuple[AllowlistEntry, ...], environment: str
) -> None:
    unreviewed = checkov_gate.unreviewed_failures(checkov_results[environment], allowlist, environment)
    assert unreviewed == [], (
        f"checkov fails on {environment}: fix the construct, or add a reviewed entry to "
        f"tools/checkov/allowlist.toml: {unreviewed}"
    )


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_no_stale_allowlist_entry(
    checkov_results: dict[str, FileResult], allowlist: tuple[AllowlistEntry, ...], environment: str
) -> None:
    stale = checkov_gate.stale_entries(checkov_results[environment], allowlist, environment)
    assert stale == [], f"these checks pass now on {environment}; delete their allowlist entries: {stale}"


def test_allowlist_entries_are_reviewable(allowlist: tuple[AllowlistEntry, ...]) -> None:
    assert checkov_gate.allowlist_problems(allowlist, ENVIRONMENTS) == []


# The gate itself: it must see failures and parse errors, and judge the allowlist both ways.


def test_gate_sees_a_failed_check(checkov_results: dict[str, FileResult]) -> None:
    assert ("CKV_AWS_24", "aws_security_group.ssh_open") in checkov_results["bad"].failed


def test_gate_refuses_an_unreviewed_failure(checkov_results: dict[str, FileResult]) -> None:
    assert "CKV_AWS_24 on aws_security_group.ssh_open" in checkov_gate.unreviewed_failures(
        checkov_results["bad"], (), "dev"
    )


def test_gate_sees_a_parse_error(checkov_results: dict[str, FileResult]) -> None:
    assert checkov_results["unparsable"].parsing_error


def test_allowlisted_failure_passes(checkov_results: dict[str, FileResult]) -> None:
    entry = AllowlistEntry("CKV_AWS_24", "aws_security_group.ssh_open", ("dev",), "reason")
    assert "CKV_AWS_24 on aws_security_group.ssh_open" not in checkov_gate.unreviewed_failures(
        checkov_results["bad"], (entry,), "dev"
    )


def test_allowlist_entry_is_per_environment(checkov_results: dict[str, FileResult]) -> None:
    entry = AllowlistEntry("CKV_AWS_24", "aws_security_group.ssh_open", ("dev",), "reason")
    assert "CKV_AWS_24 on aws_security_group.ssh_open" in checkov_gate.unreviewed_failures(
        checkov_results["bad"], (entry,), "prod"
    )


def test_stale_entry_is_reported() -> None:
    entry = AllowlistEntry("CKV_AWS_7", "aws_kms_key.gone", ("prod",), "reason")
    assert checkov_gate.stale_entries(FileResult(passed=3), (entry,), "prod") == ["CKV_AWS_7 on aws_kms_key.gone"]


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        (
            AllowlistEntry("AWS_7", "aws_kms_key.k", ("prod",), "a reason long enough to read as a sentence here"),
            "checkov id",
        ),
        (AllowlistEntry("CKV_AWS_7", "k", ("prod",), "a reason long enough to read as a sentence here"), "address"),
        (
            AllowlistEntry("CKV_AWS_7", "aws_kms_key.k", ("qa",), "a reason long enough to read as a sentence here"),
            "subset",
        ),
        (AllowlistEntry("CKV_AWS_7", "aws_kms_key.k", ("prod",), "accepted"), "why the risk is accepted"),
    ],
)
def test_unreviewable_entry_is_refused(entry: AllowlistEntry, problem: str) -> None:
    assert problem in " ".join(checkov_gate.allowlist_problems((entry,), ENVIRONMENTS))


def test_scannable_copy_drops_only_required_version(stacks_json: dict[str, dict[str, Any]]) -> None:
    prod = stacks_json["prod"]
    assert prod["terraform"]["required_version"] == ">= 1.10"
    copy = checkov_gate.scannable(prod)
    assert "required_version" not in copy["terraform"]
    assert copy["resource"] == prod["resource"]
    assert prod["terraform"]["required_version"] == ">= 1.10"  # the original is untouched


#: Issue 11's bound: prod runs with at most this many reviewed exceptions (one table, one reason each).
MAX_PROD_EXCEPTIONS = 5


def test_prod_allowlist_stays_short() -> None:
    tables = tomllib.loads(checkov_gate.ALLOWLIST.read_text("utf-8"))["exception"]
    prod = [t["check"] for t in tables if "prod" in t.get("environments", ENVIRONMENTS)]
    assert len(prod) <= MAX_PROD_EXCEPTIONS, prod
