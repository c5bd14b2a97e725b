"""Generation end to end: files, determinism, the committed docs are current, the command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from constructs_lib.docs.generate import GeneratedDocs, generate_docs
from tests.conftest import ENVIRONMENT_NAMES, REPO_ROOT

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's `dot` is not installed (make docs / make test install it)"
)


def _generate(synth_dir: Path, out: Path, *, images: bool) -> GeneratedDocs:
    from stacks.environments import ENVIRONMENTS

    return generate_docs(synth_dir=synth_dir, environments=ENVIRONMENTS, out_dir=out, render_images=images)


def _tree(root: Path, suffixes: tuple[str, ...]) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.suffix in suffixes}


@pytest.fixture(scope="module")
def text_docs(synth_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    _generate(synth_dir, out, images=False)
    return out


def test_writes_the_documented_layout(text_docs: Path) -> None:
    expected = ["comparison.md"] + [
        f"{env}/{name}" for env in ENVIRONMENT_NAMES for name in ("architecture.dot", "cost.md")
    ]
    assert sorted(_tree(text_docs, (".md", ".dot"))) == sorted(expected)


def test_text_output_is_byte_identical_on_a_second_run(synth_dir: Path, text_docs: Path, tmp_path: Path) -> None:
    _generate(synth_dir, tmp_path, images=False)
    assert _tree(tmp_path, (".md", ".dot")) == _tree(text_docs, (".md", ".dot"))


@needs_dot
def test_svg_is_byte_identical_on_a_second_run(synth_dir: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "1", tmp_path / "2"
    _generate(synth_dir, first, images=True)
    _generate(synth_dir, second, images=True)
    assert _tree(first, (".svg",)) == _tree(second, (".svg",)) and len(_tree(first, (".svg",))) == 3


def test_committed_docs_are_current(text_docs: Path) -> None:
    """docs/generated is committed; after a change to the stacks, run `make docs` and commit it."""
    committed = REPO_ROOT / "docs" / "generated"
    assert _tree(committed, (".md", ".dot")) == _tree(text_docs, (".md", ".dot"))


def test_committed_docs_have_both_images_per_environment() -> None:
    committed = REPO_ROOT / "docs" / "generated"
    assert [
        (committed / env / f"architecture.{fmt}").is_file() for env in ENVIRONMENT_NAMES for fmt in ("svg", "png")
    ] == [True] * 6


def test_comparison_lists_differences_side_by_side(text_docs: Path) -> None:
    text = (text_docs / "comparison.md").read_text()
    assert "| NAT | SINGLE (1 gateway) | SINGLE (1 gateway) | PER_AZ (3 gateways) |" in text
    assert "| cluster deletion protection | no | no | yes |" in text
    assert "| log retention (days) | 30 | 30 | 365 |" in text


def test_comparison_lists_equal_settings_once(text_docs: Path) -> None:
    text = (text_docs / "comparison.md").read_text()
    assert "* Kubernetes version: 1.35" in text and "| Kubernetes version |" not in text


def test_comparison_ends_with_the_cost_totals_of_each_cost_file(text_docs: Path) -> None:
    rows = (text_docs / "comparison.md").read_text().split("\n\nSame in every environment")[0].splitlines()
    totals = [
        next(line for line in (text_docs / env / "cost.md").read_text().splitlines() if "total per month" in line)
        for env in ENVIRONMENT_NAMES
    ]
    # A total with an unpriced item is marked incomplete in both files.
    cells = [
        " / ".join(part.strip("* ") for part in line.split("|")[3:5])
        + (" (incomplete)" if "incomplete" in line else "")
        for line in totals
    ]
    assert rows[-1] == "| monthly cost (low / high) | " + " | ".join(cells) + " |"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "constructs_lib.docs", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_command_line_writes_the_files(synth_dir: Path, tmp_path: Path) -> None:
    run = _cli("--synth-dir", str(synth_dir), "--out", str(tmp_path), "--no-images")
    assert (run.returncode, run.stdout) == (0, f"wrote 7 files under {tmp_path}\n")


def test_command_line_reports_a_bad_config_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"environments": [{"name": "x", "stage": "nope"}]}')
    run = _cli("--config", str(bad), "--out", str(tmp_path / "out"), "--no-images")
    assert (run.returncode, run.stderr.startswith("config error: `"), run.stderr.count("\n")) == (2, True, 1)
