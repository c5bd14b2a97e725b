"""The files a library ships besides its code: one version, the license, the changelog."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import constructs_lib
from tests.conftest import REPO_ROOT

_READ_VERSION = """
import sys
from setuptools.config.expand import read_attr
print(read_attr("constructs_lib.__version__", package_dir={}, root_dir=sys.argv[1]))
print(sorted(m for m in sys.modules if m.startswith(("constructs_lib", "cdktf", "jsii"))))
"""


def test_pyproject_takes_the_version_from_the_package() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "constructs_lib.__version__"}


def test_setuptools_reads_the_version_without_importing_the_package() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _READ_VERSION, str(REPO_ROOT)],
        cwd="/",
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    version, imported = run.stdout.splitlines()
    assert (version, imported) == (constructs_lib.__version__, "[]")


def test_license_is_the_apache_license_pyproject_declares() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert project["project"]["license"] == {"text": "Apache-2.0"}
    text = (REPO_ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text


def test_changelog_has_unreleased_and_the_current_version() -> None:
    headings = [line for line in (REPO_ROOT / "CHANGELOG.md").read_text().splitlines() if line.startswith("## ")]
    assert headings[0] == "## Unreleased"
    assert any(h.startswith(f"## {constructs_lib.__version__} - ") for h in headings)
