"""A PROD variant with Karpenter instead of cluster-autoscaler: what the stack adds (queue, rules,
instance profile, discovery tags), what it leaves out (managed nodes beyond SYSTEM, cluster-autoscaler),
and that the apply-graph and IAM gates hold for it (the reference environments keep cluster-autoscaler:
`tests/test_reference_environments.py`)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.cluster.config import NodeRole
from constructs_lib.cluster.karpenter import DISCOVERY_TAG, INTERRUPTION_EVENTS
from constructs_lib.config import EnvironmentConfig
from constructs_lib.errors import ConfigError
from tests.fixtures import PROD
from tests.quality import apply_graph
from tests.quality.iam_lint import parliament_errors

ADDONS = dataclasses.replace(PROD.addons, karpenter=True, cluster_autoscaler=False)
VARIANT = dataclasses.replace(PROD, addons=ADDONS)


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from constructs_lib.platform_stack import build_app

    outdir = tmp_path_factory.mktemp("karpenter")
    build_app([VARIANT], outdir=str(outdir)).synth()
    return dict(json.loads((Path(outdir) / "stacks" / "prod" / "cdk.tf.json").read_text("utf-8")))


def _resources(doc: dict[str, Any], kind: str) -> dict[str, Any]:
    return dict(doc["resource"].get(kind, {}))


def _release(doc: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [b for b in _resources(doc, "helm_release").values() if b["name"] == name]
    return dict(found)


@pytest.mark.parametrize("rule", apply_graph.RULES, ids=lambda rule: rule.__name__)
def test_apply_graph_rules_hold(doc: dict[str, Any], rule: Any) -> None:
    assert rule(doc) == []


def test_iam_documents_pass_parliament(doc: dict[str, Any]) -> None:
    assert parliament_errors(doc) == []


def test_karpenter_with_cluster_autoscaler_is_a_config_error() -> None:
    config = dataclasses.replace(PROD, addons=dataclasses.replace(PROD.addons, karpenter=True))
    with pytest.raises(ConfigError, match=r"`prod\.addons\.karpenter`: supply at most one of"):
        config.validate()


def test_karpenter_needs_a_system_node_group() -> None:
    groups = tuple(
        dataclasses.replace(g, role=NodeRole.WORKLOAD) for g in PROD.node_groups if g.role is not NodeRole.SYSTEM
    )
    config: EnvironmentConfig = dataclasses.replace(VARIANT, node_groups=groups)
    with pytest.raises(ConfigError, match=r"`prod\.addons\.karpenter`: needs a SYSTEM node group"):
        config.validate()


def test_only_the_system_group_is_a_managed_node_group(doc: dict[str, Any]) -> None:
    names = [
        b["node_group_name_prefix" if "node_group_name_prefix" in b else "node_group_name"]
        for b in _resources(doc, "aws_eks_node_group").values()
    ]
    assert len(names) == 1 and "system" in names[0]


def test_cluster_autoscaler_is_not_installed(doc: dict[str, Any]) -> None:
    assert "cluster-autoscaler" not in {b["name"] for b in _resources(doc, "helm_release").values()}


def test_controller_selects_the_system_nodes(doc: dict[str, Any]) -> None:
    from tests.quality.test_first_apply import _selects_system_nodes

    assert _selects_system_nodes(json.loads(_release(doc, "karpenter")["values"][0]))


def test_controller_is_installed_with_the_queue(doc: dict[str, Any]) -> None:
    settings = json.loads(_release(doc, "karpenter")["values"][0])["settings"]
    assert settings["interruptionQueue"].startswith("${aws_sqs_queue.karpenter_interruption-queue")


def test_node_pools_match_the_non_system_groups(doc: dict[str, Any]) -> None:
    manifests = json.loads(_release(doc, "karpenter-node-pools")["values"][0])["manifests"]
    pools = {m["metadata"]["name"]: m for m in manifests if m["kind"] == "NodePool"}
    expected = {g.name: g for g in PROD.node_groups if g.role is not NodeRole.SYSTEM}
    assert {
        name: (p["spec"]["template"]["spec"]["requirements"][0]["values"], p["spec"]["template"]["metadata"]["labels"])
        for name, p in pools.items()
    } == {name: (list(g.instance_types), dict(g.labels)) for name, g in expected.items()}


def test_queue_is_encrypted_with_short_retention(doc: dict[str, Any]) -> None:
    (queue,) = _resources(doc, "aws_sqs_queue").values()
    assert (queue["sqs_managed_sse_enabled"], queue["message_retention_seconds"]) == (True, 300)


def test_queue_policy_lets_eventbridge_send_and_denies_plain_http(doc: dict[str, Any]) -> None:
    (body,) = _resources(doc, "aws_sqs_queue_policy").values()
    allow, deny = json.loads(body["policy"])["Statement"]
    assert (allow["Principal"]["Service"], allow["Action"], deny["Effect"], deny["Condition"]) == (
        ["events.amazonaws.com", "sqs.amazonaws.com"],
        "sqs:SendMessage",
        "Deny",
        {"Bool": {"aws:SecureTransport": "false"}},
    )


def test_one_rule_per_interruption_event(doc: dict[str, Any]) -> None:
    patterns = sorted(
        json.loads(r["event_pattern"])["detail-type"][0] for r in _resources(doc, "aws_cloudwatch_event_rule").values()
    )
    assert patterns == sorted(detail for _, _, detail in INTERRUPTION_EVENTS)


def test_every_rule_targets_the_queue(doc: dict[str, Any]) -> None:
    targets = _resources(doc, "aws_cloudwatch_event_target").values()
    assert len(targets) == 4 and all(
        t["arn"].startswith("${aws_sqs_queue.karpenter_interruption-queue") for t in targets
    )


def test_instance_profile_holds_the_node_role(doc: dict[str, Any]) -> None:
    (profile,) = [p for key, p in _resources(doc, "aws_iam_instance_profile").items() if key.startswith("karpenter_")]
    assert profile["role"].startswith("${aws_iam_role.cluster_node-role")


def test_no_second_access_entry_for_the_node_role(doc: dict[str, Any]) -> None:
    # The managed SYSTEM group's EC2_LINUX entry covers the role; EKS refuses a duplicate entry.
    assert [e for e in _resources(doc, "aws_eks_access_entry").values() if e.get("type") == "EC2_LINUX"] == []


def test_private_subnets_carry_the_discovery_tag(doc: dict[str, Any]) -> None:
    tagged = [s for s in _resources(doc, "aws_subnet").values() if s["tags"].get(DISCOVERY_TAG) == "eks-platform-prod"]
    assert sorted(s["tags"]["tier"] for s in tagged) == ["private"] * 3


def test_node_security_group_carries_the_discovery_tag(doc: dict[str, Any]) -> None:
    tagged = [g["name"] for g in _resources(doc, "aws_security_group").values() if DISCOVERY_TAG in g.get("tags", {})]
    assert tagged == ["eks-platform-prod-nodes"]


def _address(doc: dict[str, Any], name: str) -> str:
    (key,) = [k for k, b in _resources(doc, "helm_release").items() if b["name"] == name]
    return f"helm_release.{key}"


@pytest.mark.parametrize("name", ["kube-prometheus-stack", "velero", "external-dns"])
def test_non_critical_addons_wait_for_the_node_pools(doc: dict[str, Any], name: str) -> None:
    # Their pods need application nodes, which exist only once the NodePools do.
    assert _address(doc, "karpenter-node-pools") in _release(doc, name)["depends_on"]


@pytest.mark.parametrize("name", ["aws-load-balancer-controller", "external-secrets", "metrics-server"])
def test_critical_addons_do_not_wait_for_the_node_pools(doc: dict[str, Any], name: str) -> None:
    assert _address(doc, "karpenter-node-pools") not in _release(doc, name)["depends_on"]


def test_karpenter_installs_right_after_the_load_balancer_controller() -> None:
    assert ADDONS.enabled()[:2] == ("aws_load_balancer_controller", "karpenter")
