"""`python main.py`: synthesizes every stack, or prints one line and exits 2 on bad config."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ENVIRONMENT_NAMES, REPO_ROOT


def _run_main(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO_ROOT / "main.py"), *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def bad_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("config") / "bad.json"
    path.write_text(
        json.dumps(
            {
                "environments": [
                    {
                        "name": "sandbox",
                        "stage": "dev",
                        "region": "eu-west-1",
                        "network": {"vpc_cidr": "10.50.0.0/33", "availability_zones": ["eu-west-1a", "eu-west-1b"]},
                        "cluster": {"endpoint_public_access": True, "public_access_cidrs": ["198.51.100.0/24"]},
                        "node_groups": [
                            {
                                "name": "a",
                                "instance_types": ["m5.large"],
                                "min_size": 1,
                                "desired_size": 1,
                                "max_size": 1,
                            }
                        ],
                    }
                ]
            }
        )
    )
    return path


@pytest.fixture(scope="module")
def bad_run(bad_config: Path, tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return _run_main(tmp_path_factory.mktemp("bad"), "--config", str(bad_config))


def test_bad_config_exits_2(bad_run: subprocess.CompletedProcess[str]) -> None:
    assert bad_run.returncode == 2


def test_bad_config_prints_one_line_naming_field_and_value(bad_run: subprocess.CompletedProcess[str]) -> None:
    assert bad_run.stderr.splitlines() == [
        "config error: `sandbox.network.vpc_cidr`: must be an IPv4 CIDR with its host bits zero "
        "(got '10.50.0.0/33'); fix: write the network address, e.g. '10.40.0.0/16' (not '10.40.1.0/16')"
    ]


def test_bad_config_prints_nothing_on_stdout(bad_run: subprocess.CompletedProcess[str]) -> None:
    assert bad_run.stdout == ""


def test_config_file_from_environment_variable(bad_config: Path, tmp_path: Path) -> None:
    run = _run_main(tmp_path, env={"EKS_PLATFORM_CONFIG": str(bad_config)})
    assert (run.returncode, run.stderr.count("\n")) == (2, 1)


@pytest.fixture(scope="module")
def good_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    cwd = tmp_path_factory.mktemp("good")
    return _run_main(cwd), cwd


def test_synth_succeeds(good_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    run, _ = good_run
    assert run.returncode == 0, run.stderr


def test_synth_writes_one_stack_per_environment(good_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, cwd = good_run
    assert sorted(p.name for p in (cwd / "cdktf.out" / "stacks").iterdir()) == sorted(ENVIRONMENT_NAMES)


def test_synth_prints_one_local_state_notice_naming_the_stacks(good_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    run, _ = good_run
    notices = [line for line in run.stdout.splitlines() if line.startswith("notice:")]
    # dev only: staging and prod keep their state in S3.
    assert notices == [
        "notice: terraform state in local files in the project root (terraform.<stack>.tfstate) for: dev; set "
        "`state=StateBackend(bucket=...)` in an environment for shared, locked S3 state"
    ]


def test_synth_output_is_quiet_about_node(good_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    run, _ = good_run
    assert "end-of-life" not in run.stderr.lower()


def test_synth_prints_a_summary_line_per_stack_and_the_output_folder(
    good_run: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    run, _ = good_run
    lines = [line for line in run.stdout.splitlines() if not line.startswith("notice: ")]
    assert [line.split(":")[0] for line in lines[:3]] == [f"synthesized {name}" for name in ENVIRONMENT_NAMES]
    assert len(lines) == 4 and lines[3].startswith("terraform JSON in cdktf.out/stacks/")
