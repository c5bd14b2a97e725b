"""The architecture diagram holds what the stack it came from holds (checked against the JSON)."""

from __future__ import annotations

import html
import shutil
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.docs.diagram import render, to_dot
from constructs_lib.docs.facts import read_stack_facts
from constructs_lib.platform.catalog import CATALOG
from tests.conftest import ENVIRONMENT_NAMES
from tests.docs.fixtures import tiny_stack

needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz's `dot` is not installed (make docs / make test install it)"
)


def _dot(stacks_json: dict[str, dict[str, Any]], env: str) -> str:
    return to_dot(read_stack_facts(stacks_json[env], stack=env))


def _expected(document: dict[str, Any]) -> list[str]:
    """Straight from the JSON: node group names, AZs, application names and hosts, subnet CIDRs."""
    resources = document["resource"]
    names = [
        ng["node_group_name"].removeprefix(ng["cluster_name"] + "-") for ng in resources["aws_eks_node_group"].values()
    ]
    azs = {subnet["availability_zone"] for subnet in resources["aws_subnet"].values()}
    cidrs = [subnet["cidr_block"] for subnet in resources["aws_subnet"].values()]
    apps = [d["metadata"]["name"] for d in resources["kubernetes_deployment_v1"].values()]
    hosts = [rule["host"] for i in resources["kubernetes_ingress_v1"].values() for rule in i["spec"]["rule"]]
    return sorted({*names, *azs, *cidrs, *apps, *hosts})


@pytest.mark.parametrize("env", ENVIRONMENT_NAMES)
def test_dot_holds_every_node_group_az_subnet_and_application(stacks_json: dict[str, dict[str, Any]], env: str) -> None:
    dot = _dot(stacks_json, env)
    assert [item for item in _expected(stacks_json[env]) if item not in dot] == []


@pytest.mark.parametrize("env", ENVIRONMENT_NAMES)
def test_dot_has_one_cluster_per_az_and_per_tier(stacks_json: dict[str, dict[str, Any]], env: str) -> None:
    dot = _dot(stacks_json, env)
    azs = sorted({s["availability_zone"] for s in stacks_json[env]["resource"]["aws_subnet"].values()})
    for az in azs:
        key = az.replace("-", "_")
        assert [f"subgraph cluster_{tier}_{key} {{" in dot for tier in ("public", "private", "database")] == [True] * 3


def test_prod_dot_shows_node_group_sizes_and_capacity(stacks_json: dict[str, dict[str, Any]]) -> None:
    assert "application\\nm5.xlarge (on-demand)\\nmin 5 / desired 5 / max 50" in _dot(stacks_json, "prod")


def test_dev_dot_shows_spot(stacks_json: dict[str, dict[str, Any]]) -> None:
    assert "t3.large, t3a.large, m5.large (Spot)" in _dot(stacks_json, "dev")


def test_prod_dot_has_a_nat_gateway_per_az_and_dev_one(stacks_json: dict[str, dict[str, Any]]) -> None:
    counts = [_dot(stacks_json, env).count("NAT gateway\\n+ Elastic IP") for env in ("dev", "prod")]
    assert counts == [1, 3]


def test_dot_shows_helm_releases_endpoints_and_buckets(stacks_json: dict[str, dict[str, Any]]) -> None:
    dot = _dot(stacks_json, "prod")
    assert [
        f"velero {CATALOG['velero'].source.version}" in dot,
        "ecr.api, ecr.dkr, logs, sts" in dot,
        "S3 eks-platform-prod-velero-<account-id>" in dot,
    ] == [True] * 3


def test_database_and_bucket_of_a_data_tier_are_drawn() -> None:
    dot = to_dot(read_stack_facts(tiny_stack(), stack="tiny"))
    assert ["tiny-orders\\npostgres db.t4g.small\\nMulti-AZ, 20 GB" in dot, "S3 tiny-assets" in dot] == [True, True]


def test_dot_ids_are_stable() -> None:
    dot = to_dot(read_stack_facts(tiny_stack(), stack="tiny"))
    assert "ng_web [label=" in dot and "nat_zz_1a [label=" in dot


@needs_dot
@pytest.mark.parametrize("env", ENVIRONMENT_NAMES)
def test_svg_holds_every_node_group_az_and_application(
    stacks_json: dict[str, dict[str, Any]], env: str, tmp_path: Path
) -> None:
    svg_path = tmp_path / "a.svg"
    render(_dot(stacks_json, env), svg_path, "svg")
    svg = html.unescape(svg_path.read_text())  # dot writes '-' as &#45;
    assert [item for item in _expected(stacks_json[env]) if item not in svg] == []
