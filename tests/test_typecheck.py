"""pyproject's mypy settings skip only the provider packages' ``__init__``: a binding our code imports
stays fully typed, so a wrong argument to a resource is still a type error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

_BAD = '''
from cdktf import TerraformStack
from cdktf_cdktf_provider_aws.vpc import Vpc


def build(stack: TerraformStack) -> str:
    vpc = Vpc(stack, "vpc", cidr_block=10)
    reveal_type(vpc.id)
    return vpc.cidr_block_input
'''


@pytest.mark.slow
def test_mypy_still_type_checks_the_bindings_we_import(tmp_path: Path) -> None:
    (tmp_path / "bad.py").write_text(_BAD)
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO_ROOT / "pyproject.toml"),
         "--cache-dir", str(tmp_path / "cache"), "--no-error-summary", "bad.py"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.splitlines() == [
        'bad.py:7: error: Argument "cidr_block" to "Vpc" has incompatible type "int"; expected "str | None"  [arg-type]',
        'bad.py:8: note: Revealed type is "str"',
        'bad.py:9: error: Incompatible return value type (got "str | None", expected "str")  [return-value]',
    ]
