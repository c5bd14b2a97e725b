"""PlatformResources: custom resources through the package's local chart, after their operator."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from cdktf import AssetType, TerraformAsset, TerraformStack
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1

from constructs_lib.errors import ConfigError
from constructs_lib.platform.resources import CHART_DIRECTORY, PlatformResources, PlatformResourcesProps
from tests.helpers import Synth, resources, synth

STORE = {"apiVersion": "external-secrets.io/v1", "kind": "ClusterSecretStore", "metadata": {"name": "aws"}}


def build_two(stack: TerraformStack) -> None:
    operator = NamespaceV1(stack, "operator", metadata={"name": "external-secrets"})
    PlatformResources(
        stack,
        "one",
        props=PlatformResourcesProps(release_name="one", namespace="a", manifests=[STORE], depends_on=[operator]),
    )
    PlatformResources(
        stack,
        "two",
        props=PlatformResourcesProps(release_name="two", namespace="b", manifests=[STORE], depends_on=[operator]),
    )


@pytest.fixture(scope="module")
def doc() -> Synth:
    return synth(build_two)


def releases(doc: Synth) -> list[Any]:
    return [body for _, body in sorted(resources(doc, "helm_release").items())]


def test_chart_is_a_stack_relative_asset_path(doc: Synth) -> None:
    assert releases(doc)[0]["chart"].startswith("assets/platform-resources-chart/")


def test_one_asset_is_shared_by_every_release(doc: Synth) -> None:
    assert releases(doc)[0]["chart"] == releases(doc)[1]["chart"]


def test_asset_path_is_the_same_in_a_second_synthesis(doc: Synth) -> None:
    assert releases(synth(build_two))[0]["chart"] == releases(doc)[0]["chart"]


def test_local_chart_has_no_repository_or_version(doc: Synth) -> None:
    assert not {"repository", "version"} & set(releases(doc)[0])


def test_manifests_are_the_values(doc: Synth) -> None:
    assert json.loads(releases(doc)[0]["values"][0]) == {"manifests": [STORE]}


def test_release_waits_for_the_operator(doc: Synth) -> None:
    assert releases(doc)[0]["depends_on"] == ["kubernetes_namespace_v1.operator"]


def test_chart_ships_its_metadata_and_template() -> None:
    assert {p.name for p in Path(CHART_DIRECTORY).rglob("*") if p.is_file()} >= {
        "Chart.yaml",
        "values.yaml",
        "manifests.yaml",
    }


def test_template_renders_each_manifest_as_a_document() -> None:
    template = (CHART_DIRECTORY / "templates" / "manifests.yaml").read_text()
    assert "range .Values.manifests" in template and "toYaml" in template


@pytest.mark.parametrize(
    ("manifests", "depends", "message"),
    [
        ([], True, r"`manifests`: must list at least one object"),
        ([{"kind": "X"}], True, r"`manifests\[0\]`: must be a complete object with apiVersion, kind and metadata"),
        ([STORE], False, r"`depends_on`: must name the release that installs the CRDs"),
    ],
)
def test_errors(manifests: list[dict[str, Any]], depends: bool, message: str) -> None:
    def build(stack: TerraformStack) -> None:
        operator = NamespaceV1(stack, "operator", metadata={"name": "x"})
        PlatformResources(
            stack,
            "r",
            props=PlatformResourcesProps(
                release_name="r", namespace="a", manifests=manifests, depends_on=[operator] if depends else []
            ),
        )

    with pytest.raises(ConfigError, match=message):
        synth(build)


def test_asset_path_depends_on_content_not_location(tmp_path: Path) -> None:
    copy = tmp_path / "elsewhere" / "platform-resources"
    shutil.copytree(CHART_DIRECTORY, copy)

    def build(stack: TerraformStack) -> None:
        TerraformAsset(stack, "chart", path=str(copy), type=AssetType.DIRECTORY)
        TerraformAsset(stack, "original", path=str(CHART_DIRECTORY), type=AssetType.DIRECTORY)

    built: list[str] = []

    def record(stack: TerraformStack) -> None:
        build(stack)
        built.extend(str(c.path).rsplit("/", 1)[1] for c in stack.node.children if isinstance(c, TerraformAsset))

    synth(record)
    assert built[0] == built[1]
