"""tools/apidocs.py: the API reference covers every public name, one page per tier, reproducibly."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

_spec = importlib.util.spec_from_file_location("apidocs", REPO_ROOT / "tools" / "apidocs.py")
assert _spec is not None and _spec.loader is not None
apidocs = importlib.util.module_from_spec(_spec)
sys.modules["apidocs"] = apidocs  # dataclasses look their module up while the file executes
_spec.loader.exec_module(apidocs)

#: Every subpackage of the library gets a page.
TIERS = tuple(sorted(p.parent.name for p in (REPO_ROOT / "constructs_lib").glob("*/__init__.py")))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("api")
    run = subprocess.run(
        [sys.executable, str(REPO_ROOT / "tools" / "apidocs.py"), "--out", str(out)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "wrote" in run.stdout
    return out


def test_one_page_per_tier_plus_top_level_and_index(written: Path) -> None:
    assert sorted(p.name for p in written.glob("*.md")) == sorted(
        ["README.md", "constructs_lib.md", *(f"{tier}.md" for tier in TIERS)]
    )


def _section(page: str, module: str) -> str:
    """The part of ``page`` that documents ``module`` (up to the next module heading)."""
    start = page.index(f"## `{module}`\n")
    end = page.find("\n## `", start + 1)
    return page[start : end if end != -1 else len(page)]


@pytest.mark.parametrize("module", [m.name for m in apidocs.modules()])
def test_every_name_in_all_is_documented(written: Path, module: str) -> None:
    # `__all__` as the imported module declares it, not as the generator parsed it.
    public = getattr(importlib.import_module(module), "__all__", [])
    section = _section((written / f"{apidocs.page_of(module)}.md").read_text(), module)
    missing = [name for name in public if f"### `{name}`\n" not in section]
    assert not missing, missing


def test_signatures_and_docstrings_are_shown(written: Path) -> None:
    cluster = (written / "cluster.md").read_text()
    assert "def resolve_ami_type(path: str, instance_types: Sequence[str], ami_type: AmiType | None=None) -> AmiType" in cluster
    assert "The AMI type of a node group with ``instance_types``" in cluster


def test_dataclass_fields_carry_their_comments(written: Path) -> None:
    assert "- `disk_size_gib: int = 50`: Root volume in GiB" in (written / "cluster.md").read_text()


def test_enum_members_are_listed(written: Path) -> None:
    assert "- `AL2023_ARM_64_STANDARD = 'AL2023_ARM_64_STANDARD'`" in (written / "cluster.md").read_text()


def test_output_is_reproducible(written: Path) -> None:
    assert apidocs.render() == {p.name: p.read_text() for p in written.glob("*.md")}


def test_check_flags_a_stale_page(tmp_path: Path) -> None:
    assert apidocs.main(["--out", str(tmp_path)]) == 0
    assert apidocs.main(["--out", str(tmp_path), "--check"]) == 0
    (tmp_path / "network.md").write_text("stale\n")
    assert apidocs.main(["--out", str(tmp_path), "--check"]) == 1


def test_a_name_in_all_without_a_definition_fails(tmp_path: Path) -> None:
    package = tmp_path / "constructs_lib"
    package.mkdir()
    (package / "__init__.py").write_text('"""Doc."""\n__all__ = ["missing"]\n')
    with pytest.raises(LookupError, match="names 'missing'"):
        apidocs.render(package)
