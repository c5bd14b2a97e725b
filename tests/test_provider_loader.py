"""The fast provider loading is taken, and synthesizes exactly what the eager import does."""

from __future__ import annotations

import ast
import filecmp
import importlib
import importlib.abc
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from constructs_lib import provider_loader
from tests.conftest import ENVIRONMENT_NAMES, REPO_ROOT

_PROBE = """
import sys
import constructs_lib
from stacks.environments import ENVIRONMENTS
from constructs_lib.platform_stack import build_app
build_app(ENVIRONMENTS, outdir=sys.argv[1]).synth()
modes = constructs_lib.provider_loader.install()
loaded = sum(1 for m in sys.modules if m.startswith("cdktf_cdktf_provider_aws."))
print(modes["cdktf_cdktf_provider_aws"], modes["cdktf_cdktf_provider_kubernetes"], modes["cdktf_cdktf_provider_helm"], loaded)
"""


REPORT_ENV_VAR = "CONSTRUCTS_LIB_NODE_LOADER_REPORT"


def _synth_in_subprocess(outdir: Path, *, eager: bool) -> list[str]:
    """Synthesize the reference app in a fresh process; the jsii kernel writes its Node-side report."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), REPORT_ENV_VAR: str(outdir / "node-loader.json")}
    env.pop(provider_loader.EAGER_ENV_VAR, None)
    if eager:
        env[provider_loader.EAGER_ENV_VAR] = "1"
    run = subprocess.run(
        [sys.executable, "-c", _PROBE, str(outdir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return run.stdout.split()


def test_this_process_uses_the_fast_path() -> None:
    assert {provider_loader.loaded_mode(p) for p in provider_loader.PROVIDER_PACKAGES} == {"light"}


def test_this_process_loaded_the_kernel_side_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from cdktf_cdktf_provider_aws.vpc import Vpc  # noqa: F401  (a provider assembly is loaded by now)

    assert provider_loader.node_loader_mode() == "lazy"
    # The finder stays registered but is inert: another provider's assembly loads nothing more.
    monkeypatch.setattr(provider_loader, "_load_node_loader", _must_not_run)
    (finder,) = [f for f in sys.meta_path if isinstance(f, provider_loader._BeforeProviderAssemblies)]
    assert finder.find_spec("cdktf_cdktf_provider_other._jsii", None) is None


def _must_not_run() -> None:
    raise AssertionError("the kernel half was loaded twice")


class _Recorder(importlib.abc.MetaPathFinder):
    """A finder that finds nothing and remembers what it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def find_spec(self, fullname: str, path: object, target: object = None) -> None:
        self.asked.append(fullname)


def test_the_finder_after_ours_is_still_consulted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A fake provider whose `_jsii` import triggers our finder; the stub stands in for the kernel.
    package = tmp_path / "cdktf_cdktf_provider_probe"
    (package / "_jsii").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "_jsii" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    loads: list[str] = []  # the module's mode list, so the stub marks the work done as the real one does
    monkeypatch.setattr(provider_loader, "_NODE_MODE", loads)
    monkeypatch.setattr(provider_loader, "_load_node_loader", lambda: loads.append("lazy"))
    recorder = _Recorder()
    monkeypatch.setattr(sys, "meta_path", [provider_loader._BeforeProviderAssemblies(), recorder, *sys.meta_path])
    try:
        importlib.import_module("cdktf_cdktf_provider_probe._jsii")
    finally:
        sys.modules.pop("cdktf_cdktf_provider_probe._jsii", None)
        sys.modules.pop("cdktf_cdktf_provider_probe", None)
    assert loads == ["lazy"]
    assert "cdktf_cdktf_provider_probe._jsii" in recorder.asked


@pytest.fixture(scope="module")
def fast_synth(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], dict[str, dict[str, int]]]:
    outdir = tmp_path_factory.mktemp("fast")
    probe = _synth_in_subprocess(outdir, eager=False)
    return probe, json.loads((outdir / "node-loader.json").read_text())


def test_fast_path_loads_few_aws_submodules(fast_synth: tuple[list[str], dict[str, dict[str, int]]]) -> None:
    mode_aws, mode_k8s, mode_helm, loaded = fast_synth[0]
    assert (mode_aws, mode_k8s, mode_helm) == ("light", "light", "light")
    assert int(loaded) < 150  # the eager import loads all 2,214


def test_fast_path_kernel_compiles_few_provider_modules(fast_synth: tuple[list[str], dict[str, dict[str, int]]]) -> None:
    report = fast_synth[1]
    assert set(report) == {"@cdktf/provider-aws", "@cdktf/provider-kubernetes", "@cdktf/provider-helm"}
    aws = report["@cdktf/provider-aws"]
    assert aws["reexports"] > 2000
    assert 0 < aws["loaded"] < 100
    assert report["@cdktf/provider-kubernetes"]["loaded"] < report["@cdktf/provider-kubernetes"]["reexports"]


@pytest.mark.slow
def test_eager_import_synthesizes_identical_json(tmp_path: Path, synth_dir: Path) -> None:
    mode_aws, _, _, loaded = _synth_in_subprocess(tmp_path, eager=True)
    assert (mode_aws, int(loaded) > 2000) == ("eager", True)
    assert not (tmp_path / "node-loader.json").exists()  # the kernel loaded every module, as shipped
    for name in ENVIRONMENT_NAMES:
        assert filecmp.cmp(
            tmp_path / "stacks" / name / "cdk.tf.json", synth_dir / "stacks" / name / "cdk.tf.json", shallow=False
        ), name


def test_light_package_loads_submodules_on_attribute_access() -> None:
    import cdktf_cdktf_provider_aws

    assert cdktf_cdktf_provider_aws.data_aws_region.DataAwsRegion.__name__ == "DataAwsRegion"


def test_light_package_lists_its_submodules_in_all() -> None:
    import cdktf_cdktf_provider_helm

    assert cdktf_cdktf_provider_helm.__all__ == ["data_helm_template", "provider", "release"]


def test_star_import_from_a_light_package_binds_its_submodules() -> None:
    namespace: dict[str, object] = {}
    exec("from cdktf_cdktf_provider_helm import *", namespace)
    assert {"data_helm_template", "provider", "release"} <= set(namespace)


def test_light_package_all_matches_the_real_package() -> None:
    import cdktf_cdktf_provider_aws

    real = Path(cdktf_cdktf_provider_aws.__file__).read_text()
    declared = ast.literal_eval(
        next(
            node.value
            for node in ast.parse(real).body
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets)
        )
    )
    assert cdktf_cdktf_provider_aws.__all__ == sorted(declared)


def test_light_package_reports_unknown_attribute() -> None:
    import cdktf_cdktf_provider_aws

    with pytest.raises(AttributeError, match="has no attribute 'not_a_resource'"):
        cdktf_cdktf_provider_aws.not_a_resource  # noqa: B018


def test_unknown_layout_falls_back_to_eager_import(tmp_path: Path) -> None:
    package = tmp_path / "fake_provider"
    package.mkdir()
    (package / "__init__.py").write_text("LOADED = 'eager'\n")
    sys.path.insert(0, str(tmp_path))
    try:
        modes = provider_loader.install(["fake_provider"])
        assert modes["fake_provider"] == "eager"
        assert sys.modules["fake_provider"].LOADED == "eager"
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("fake_provider", None)
        provider_loader._MODES.pop("fake_provider", None)


def test_package_docstring_names_every_import_side_effect_and_the_switch() -> None:
    import constructs_lib

    doc = constructs_lib.__doc__ or ""
    for name in (
        "sys.meta_path",
        "sys.modules",
        provider_loader.NODE_BANNER_ENV_VAR,
        provider_loader.NODE_LOADER_ASSEMBLY[0],
        f"{provider_loader.EAGER_ENV_VAR}=1",
        *provider_loader.PROVIDER_PACKAGES,
    ):
        assert name in doc, name


def _stderr_without_banner_variable(code: str) -> str:
    """``code`` run in a fresh process whose environment lacks the banner variable (conftest sets it here)."""
    env = {key: value for key, value in os.environ.items() if key != provider_loader.NODE_BANNER_ENV_VAR}
    env["PYTHONPATH"] = str(REPO_ROOT)
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=True
    )
    return run.stderr


def test_node_banner_is_silenced_by_importing_the_library_first() -> None:
    assert "end-of-life" not in _stderr_without_banner_variable("import constructs_lib, cdktf; cdktf.App()")


def test_node_banner_probe_can_fail() -> None:
    node = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout
    if not node.startswith("v20."):
        pytest.skip(f"jsii prints its end-of-life banner on Node 20 only (this is {node.strip()})")
    # The same start of the kernel without the library: the banner is there, as eleven b'...' lines.
    assert "end-of-life" in _stderr_without_banner_variable("import cdktf; cdktf.App()")
