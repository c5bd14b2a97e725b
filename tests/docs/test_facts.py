"""Facts read from the synthesized JSON, and main.py's summary built on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from constructs_lib.docs.facts import read_stack_facts, tier_of
from constructs_lib.docs.summary import synth_summary
from tests.conftest import ENVIRONMENT_NAMES
from tests.docs.fixtures import tiny_stack


@pytest.mark.parametrize(
    ("path", "tier"),
    [
        ("prod/network/vpc", "network"),
        ("prod/cluster/cluster", "cluster"),
        ("prod/registry/key/key", "registry"),
        ("prod/irsa-velero/role", "identity"),
        ("prod/addons/velero/release", "platform"),
        ("prod/baseline/storage-class", "platform"),
        ("prod/backup/bucket", "platform"),
        ("prod/applications/api/deployment", "applications"),
        ("prod/data/orders", "data"),
        ("prod/something-new/x", "other"),
    ],
)
def test_tier_of_construct_path(path: str, tier: str) -> None:
    assert tier_of(path) == tier


def test_tiny_stack_resources_by_tier() -> None:
    facts = read_stack_facts(tiny_stack(), stack="tiny")
    assert facts.resources_by_tier == (
        ("network", 8),
        ("cluster", 6),
        ("identity", 1),
        ("platform", 1),
        ("data", 2),
        ("applications", 2),
    )


@pytest.mark.parametrize("env", ENVIRONMENT_NAMES)
def test_tiers_count_every_resource_of_the_stack(stacks_json: dict[str, dict[str, Any]], env: str) -> None:
    facts = read_stack_facts(stacks_json[env], stack=env)
    total = sum(len(resources) for resources in stacks_json[env]["resource"].values())
    assert (facts.resource_count, dict(facts.resources_by_tier).get("other", 0)) == (total, 0)


def test_node_group_disk_size_comes_from_its_launch_template(stacks_json: dict[str, dict[str, Any]]) -> None:
    facts = read_stack_facts(stacks_json["prod"], stack="prod")
    assert {group.disk_size_gib for group in facts.node_groups} == {50}


def test_nat_gateways_are_placed_in_their_subnet_az(stacks_json: dict[str, dict[str, Any]]) -> None:
    facts = read_stack_facts(stacks_json["prod"], stack="prod")
    assert facts.nat_gateways == ("us-east-1a", "us-east-1b", "us-east-1c")


def test_bucket_names_hide_terraform_references(stacks_json: dict[str, dict[str, Any]]) -> None:
    facts = read_stack_facts(stacks_json["prod"], stack="prod")
    assert [bucket.name for bucket in facts.buckets] == [
        "eks-platform-prod-velero-<account-id>",
        "eks-platform-prod-api-<account-id>",
    ]


def test_summary_is_one_line_per_stack_plus_the_output_folder(synth_dir: Path) -> None:
    lines = synth_summary(synth_dir, ["dev", "staging", "prod"])
    assert [line.split(":")[0] for line in lines[:-1]] == ["synthesized dev", "synthesized staging", "synthesized prod"]
    assert lines[-1].startswith(f"terraform JSON in {synth_dir}/stacks/")


def test_summary_counts_resources_by_tier(synth_dir: Path, stacks_json: dict[str, dict[str, Any]]) -> None:
    line = synth_summary(synth_dir, ["prod"])[0]
    total = sum(len(resources) for resources in stacks_json["prod"]["resource"].values())
    assert line.startswith(f"synthesized prod: {total} resources (network ") and "applications " in line
