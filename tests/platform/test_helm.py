"""HelmAddon: a pinned, atomic helm_release with deterministic JSON values."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from cdktf import TerraformStack
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1

from constructs_lib.errors import ConfigError
from constructs_lib.platform.helm import ChartSource, HelmAddon, HelmAddonProps, render_values
from tests.helpers import Synth, only, synth

SOURCE = ChartSource("metrics-server", "https://kubernetes-sigs.github.io/metrics-server/", "3.13.1")
PROPS = HelmAddonProps(
    release_name="metrics-server",
    source=SOURCE,
    namespace="metrics-server",
    values={"replicas": 2, "args": ("--kubelet-insecure-tls",)},
)


def build(**changes: Any) -> Synth:
    def _build(stack: TerraformStack) -> None:
        namespace = NamespaceV1(stack, "ns", metadata={"name": "metrics-server"})
        props = dataclasses.replace(PROPS, depends_on=(namespace,), **changes)
        HelmAddon(stack, "addon", props=props)

    return synth(_build)


@pytest.fixture(scope="module")
def release() -> Any:
    return only(build(), "helm_release")


def test_chart_repository_and_version(release: Any) -> None:
    assert (release["chart"], release["repository"], release["version"]) == (
        "metrics-server",
        "https://kubernetes-sigs.github.io/metrics-server/",
        "3.13.1",
    )


def test_namespace_is_not_created_by_helm(release: Any) -> None:
    assert (release["namespace"], release["create_namespace"]) == ("metrics-server", False)


def test_values_are_sorted_compact_json(release: Any) -> None:
    assert release["values"] == ['{"args":["--kubelet-insecure-tls"],"replicas":2}']


def test_release_is_atomic_and_waits(release: Any) -> None:
    assert (release["atomic"], release["cleanup_on_fail"], release["wait"]) == (True, True, True)


def test_history_is_bounded(release: Any) -> None:
    assert release["max_history"] == 10


def test_default_timeout(release: Any) -> None:
    assert release["timeout"] == 600


def test_explicit_dependencies(release: Any) -> None:
    assert release["depends_on"] == ["kubernetes_namespace_v1.ns"]


def test_timeout_option() -> None:
    assert only(build(timeout_seconds=900), "helm_release")["timeout"] == 900


def test_render_values_is_independent_of_insertion_order() -> None:
    assert render_values({"b": 1, "a": {"d": 2, "c": 3}}) == render_values({"a": {"c": 3, "d": 2}, "b": 1})


def test_render_values_is_json() -> None:
    assert json.loads(render_values({"a": (1, 2)})) == {"a": [1, 2]}


def test_oci_chart_needs_no_repository() -> None:
    ChartSource("oci://ghcr.io/org/charts/x", None, "1.0.0").validate("s")


def test_local_chart_needs_no_version() -> None:
    ChartSource("/charts/local").validate("s")


def test_cert_manager_style_v_prefix_is_exact() -> None:
    ChartSource("cert-manager", "https://charts.jetstack.io", "v1.20.2").validate("s")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"source": ChartSource("x", "http://charts.example.com", "1.0.0")},
            r"`props\.source\.repository`: must be an https",
        ),
        (
            {"source": ChartSource("x", "https://charts.example.com", "~1.0")},
            r"`props\.source\.version`: must pin an exact",
        ),
        ({"source": ChartSource("x", "https://charts.example.com")}, r"`props\.source\.version`: must pin an exact"),
        ({"release_name": "x" * 54}, r"`props\.release_name`: must be a DNS-1123 label.*at most 53"),
        ({"namespace": "Kube_System"}, r"`props\.namespace`: must be a DNS-1123 label"),
        ({"timeout_seconds": 5}, r"`props\.timeout_seconds`: must be a whole number from 60 to 3600"),
    ],
)
def test_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build(**changes)
