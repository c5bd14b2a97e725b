"""Run checkov over synthesized stacks and hold its failures against the reviewed allowlist.

checkov lives in its own virtualenv (``.tools/checkov``, from ``tools/checkov/requirements.txt``)
because its pins make pipenv's resolver spin for many minutes; ``make test`` installs it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.quality.checks import Doc

REPO_ROOT = Path(__file__).resolve().parents[2]
CHECKOV = REPO_ROOT / ".tools" / "checkov" / "bin" / "checkov"
ALLOWLIST = REPO_ROOT / "tools" / "checkov" / "allowlist.toml"
REQUIREMENTS = REPO_ROOT / "tools" / "checkov" / "requirements.txt"
INSTALL_HINT = (
    f"checkov is not installed at {CHECKOV.relative_to(REPO_ROOT)}; `make test` installs it "
    "(python3 -m venv .tools/checkov && .tools/checkov/bin/pip install -r tools/checkov/requirements.txt)"
)
#: Offline and quiet: no Bridgecrew platform mapping download, no PyPI version check.
CHECKOV_ENV = {"BC_SKIP_MAPPING": "TRUE", "CKV_SKIP_PACKAGE_UPDATE_CHECK": "True", "LOG_LEVEL": "ERROR"}

_CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
_ADDRESS = re.compile(r"^[a-z][a-z0-9_]*\.[\w-]+$")


@dataclass
class FileResult:
    """checkov's verdict on one file."""

    passed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (check id, resource address)
    parsing_error: bool = False


@dataclass(frozen=True)
class AllowlistEntry:
    """One reviewed exception: this check may fail on this resource in these environments."""

    check: str
    resource: str
    environments: tuple[str, ...]
    reason: str


def pinned_version(requirements: Path = REQUIREMENTS) -> str:
    """The checkov version ``tools/checkov/requirements.txt`` pins."""
    match = re.search(r"^checkov==([\w.]+)\s*$", requirements.read_text(encoding="utf-8"), re.MULTILINE)
    if match is None:
        raise ValueError(f"{requirements} must pin checkov exactly (checkov==X.Y.Z)")
    return match.group(1)


def scannable(doc: Doc) -> Doc:
    """A copy of a synthesized stack checkov can parse: checkov 3 skips, with a parse error and exit 0,
    any file whose ``terraform`` block sets ``required_version``; nothing else is changed."""
    copy = json.loads(json.dumps(doc))
    copy.get("terraform", {}).pop("required_version", None)
    return copy


def run_checkov(files: Sequence[Path]) -> dict[str, Any]:
    """One checkov process over ``files`` (terraform_json framework, offline); its JSON report."""
    if not CHECKOV.exists():
        raise FileNotFoundError(INSTALL_HINT)
    command = [str(CHECKOV), "--framework", "terraform_json", "-o", "json", "--skip-download"]
    for file in files:
        command += ["-f", str(file)]
    completed = subprocess.run(
        command,
        env={**os.environ, **CHECKOV_ENV},
        cwd=str(REPO_ROOT),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # Exit status 1 only says some check failed; the JSON tells which.
    if completed.returncode not in (0, 1) or not completed.stdout.strip():
        raise RuntimeError(f"checkov exited {completed.returncode}: {completed.stderr[-2000:]}")
    report = json.loads(completed.stdout)
    if isinstance(report, list):  # one report per framework; we ask for one
        (report,) = [r for r in report if r.get("check_type") == "terraform_json"]
    return dict(report)


def _address(resource: str, doc: Doc) -> str:
    """checkov names some resources ``resource.<name>`` (type lost); restore ``<type>.<name>``."""
    if not resource.startswith("resource."):
        return resource
    name = resource.removeprefix("resource.")
    types = [t for t, items in doc.get("resource", {}).items() if name in items]
    return f"{types[0]}.{name}" if len(types) == 1 else resource


def per_file(report: Mapping[str, Any], docs: Mapping[Path, Doc]) -> dict[Path, FileResult]:
    """The report split per scanned file (keyed by resolved path), failures as ``(check, address)``."""
    results = {path.resolve(): FileResult() for path in docs}
    by_path = {path.resolve(): doc for path, doc in docs.items()}
    body = report.get("results", {})

    def key(check: Mapping[str, Any]) -> Path:
        return (REPO_ROOT / str(check.get("file_abs_path") or check["file_path"])).resolve()

    for check in body.get("passed_checks", []):
        results.setdefault(key(check), FileResult()).passed += 1
    for check in body.get("failed_checks", []):
        path = key(check)
        address = _address(str(check["resource"]), by_path.get(path, {}))
        results.setdefault(path, FileResult()).failed.append((str(check["check_id"]), address))
    for error in body.get("parsing_errors", []):
        results.setdefault((REPO_ROOT / str(error)).resolve(), FileResult()).parsing_error = True
    return results


def load_allowlist(file: Path = ALLOWLIST) -> tuple[AllowlistEntry, ...]:
    """The reviewed exceptions in ``tools/checkov/allowlist.toml``."""
    data = tomllib.loads(file.read_text(encoding="utf-8"))
    entries = []
    for item in data.get("exception", []):
        # ``resources = [...]`` lists several exact addresses under one check and reason.
        addresses = item["resources"] if "resources" in item else [item.get("resource", "")]
        for address in addresses:
            entries.append(
                AllowlistEntry(
                    check=str(item.get("check", "")),
                    resource=str(address),
                    environments=tuple(item.get("environments", ("dev", "staging", "prod"))),
                    reason=str(item.get("reason", "")),
                )
            )
    return tuple(entries)


def allowlist_problems(entries: Iterable[AllowlistEntry], environments: Sequence[str]) -> list[str]:
    """Entries a reviewer could not accept: bad check id or address, unknown environment, thin reason."""
    problems = []
    seen: set[tuple[str, str, str]] = set()
    for entry in entries:
        label = f"{entry.check} on {entry.resource}"
        if not _CHECK_ID.match(entry.check):
            problems.append(f"{label}: check must be a checkov id such as CKV_AWS_39")
        if not _ADDRESS.match(entry.resource):
            problems.append(f"{label}: resource must be a terraform address <type>.<name>")
        if not entry.environments or not set(entry.environments) <= set(environments):
            problems.append(f"{label}: environments must be a non-empty subset of {list(environments)}")
        if len(entry.reason.split()) < 8:
            problems.append(f"{label}: the reason must explain in a sentence why the risk is accepted")
        for environment in entry.environments:
            if (entry.check, entry.resource, environment) in seen:
                problems.append(f"{label}: listed twice for {environment}")
            seen.add((entry.check, entry.resource, environment))
    return problems


def unreviewed_failures(result: FileResult, entries: Iterable[AllowlistEntry], environment: str) -> list[str]:
    """Failed checks of one environment's stack that no allowlist entry covers."""
    allowed = {(e.check, e.resource) for e in entries if environment in e.environments}
    return sorted(f"{check} on {address}" for check, address in result.failed if (check, address) not in allowed)


def stale_entries(result: FileResult, entries: Iterable[AllowlistEntry], environment: str) -> list[str]:
    """Allowlist entries for ``environment`` whose check no longer fails there: delete them."""
    failing = set(result.failed)
    return sorted(
        f"{e.check} on {e.resource}"
        for e in entries
        if environment in e.environments and (e.check, e.resource) not in failing
    )
