"""NetworkStack and ClusterStack: a VPC-only and a cluster-only environment, each checking only the
tiers of the config it builds, with the same addresses as in a PlatformStack."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import cdktf
import pytest

from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec
from constructs_lib.errors import ConfigError
from constructs_lib.platform_stack import ClusterStack, NetworkStack, PlatformStack
from tests.helpers import Synth
from tests.quality import apply_graph
from tests.test_config_tiers import FULL, NETWORK_ONLY

#: The cluster tier of FULL with no way for a runner to reach the API server (none is needed).
CLUSTER_ONLY = dataclasses.replace(FULL, cluster=ClusterConfig())


def _synth(stack: cdktf.TerraformStack) -> Synth:
    return dict(json.loads(cdktf.Testing.synth(stack)))


@pytest.fixture(scope="module")
def network_doc() -> Synth:
    return _synth(NetworkStack(cdktf.Testing.app(), NETWORK_ONLY))


@pytest.fixture(scope="module")
def cluster_doc() -> Synth:
    return _synth(ClusterStack(cdktf.Testing.app(), CLUSTER_ONLY))


@pytest.fixture(scope="module")
def platform_doc() -> Synth:
    return _synth(PlatformStack(cdktf.Testing.app(), FULL))


def _types(doc: Synth) -> set[str]:
    return set(doc.get("resource", {}))


def _addresses(doc: Synth) -> set[str]:
    return {f"{kind}.{name}" for kind, items in doc.get("resource", {}).items() for name in items}


# ---- NetworkStack ----------------------------------------------------------------------------


def test_network_stack_builds_a_vpc_from_a_config_without_node_groups(network_doc: Synth) -> None:
    (vpc,) = network_doc["resource"]["aws_vpc"].values()
    assert (NETWORK_ONLY.node_groups, vpc["cidr_block"]) == ((), "10.71.0.0/16")


def test_network_stack_has_no_cluster_and_no_registry(network_doc: Synth) -> None:
    assert {t for t in _types(network_doc) if t.startswith(("aws_eks_", "aws_ecr_", "kubernetes_", "helm_"))} == set()


def test_network_stack_outputs_are_the_network_outputs(network_doc: Synth) -> None:
    assert {"vpc_id", "private_subnet_ids", "node_security_group_id"} <= set(network_doc["output"]) and (
        "cluster_name" not in network_doc["output"]
    )


def test_network_stack_has_only_the_aws_provider(network_doc: Synth) -> None:
    assert set(network_doc["provider"]) == {"aws"}


def test_network_stack_ignores_the_cluster_tiers_rules() -> None:
    bad_group = NodeGroupSpec(name="apps", instance_types=("m5.large",), min_size=3, desired_size=2, max_size=4)  # desired above max: a cluster rule
    config = dataclasses.replace(NETWORK_ONLY, applications=(ApplicationSpec(name="shop", repository="apps/nope", image_tag="v1"),))
    stack = NetworkStack(cdktf.Testing.app(), dataclasses.replace(config, node_groups=(bad_group,)))
    assert stack.network.vpc_id


def test_network_stack_refuses_its_own_tiers_bad_input() -> None:
    network = dataclasses.replace(NETWORK_ONLY.network, vpc_cidr="10.71.0.0/33")
    with pytest.raises(ConfigError, match=r"^`vpc\.network\.vpc_cidr`"):
        NetworkStack(cdktf.Testing.app(), dataclasses.replace(NETWORK_ONLY, network=network))


# ---- ClusterStack ----------------------------------------------------------------------------


def test_cluster_stack_has_no_kubernetes_or_helm_resources(cluster_doc: Synth) -> None:
    assert {t for t in _types(cluster_doc) if t.startswith(("kubernetes_", "helm_"))} == set()


def test_cluster_stack_has_no_kubernetes_or_helm_provider(cluster_doc: Synth) -> None:
    assert set(cluster_doc["provider"]) == {"aws"}


def test_cluster_stack_builds_the_cluster_its_node_groups_ebs_csi_and_registry(cluster_doc: Synth) -> None:
    resources = cluster_doc["resource"]
    assert (
        len(resources["aws_eks_cluster"]),
        sorted(g["node_group_name"] for g in resources["aws_eks_node_group"].values()),
        sorted(a["addon_name"] for a in resources["aws_eks_addon"].values() if a["addon_name"] == "aws-ebs-csi-driver"),
        [r["name"] for r in resources["aws_ecr_repository"].values()],
    ) == (
        1,
        ["eks-platform-tiers-apps", "eks-platform-tiers-system"],
        ["aws-ebs-csi-driver"],
        ["eks-platform-tiers/apps/shop"],
    )


def test_cluster_stack_outputs_what_a_second_stack_reads_it_by(cluster_doc: Synth) -> None:
    outputs = cluster_doc["output"]
    assert (
        outputs["cluster_name"]["value"].split(".")[::2],
        {"cluster_endpoint", "oidc_provider_arn", "ecr_repository_urls", "alb_security_group_id"} <= set(outputs),
        {"platform_addons", "application_namespaces"} & set(outputs),
    ) == (["${aws_eks_cluster", "name}"], True, set())


def test_cluster_stack_keeps_the_admin_access_entries(cluster_doc: Synth) -> None:
    assert len(cluster_doc["resource"]["aws_eks_access_policy_association"]) >= 1


@pytest.mark.parametrize("rule", apply_graph.RULES, ids=lambda rule: rule.__name__)
def test_tier_stacks_keep_the_apply_rules(network_doc: Synth, cluster_doc: Synth, rule: Any) -> None:
    assert (rule(network_doc), rule(cluster_doc)) == ([], [])


def test_cluster_stack_needs_node_groups() -> None:
    with pytest.raises(ConfigError, match=r"^`vpc\.node_groups`: must define at least one node group"):
        ClusterStack(cdktf.Testing.app(), NETWORK_ONLY)


def test_cluster_stack_ignores_the_platform_tiers_rules() -> None:
    config = dataclasses.replace(CLUSTER_ONLY, applications=(ApplicationSpec(name="shop", repository="apps/nope", image_tag="v1.0.0"),))
    assert ClusterStack(cdktf.Testing.app(), config).cluster.cluster_name


def test_platform_stack_needs_the_runner_access_a_cluster_stack_does_not() -> None:
    with pytest.raises(ConfigError, match=r"^`tiers\.cluster`: must declare how the machine that runs terraform"):
        PlatformStack(cdktf.Testing.app(), CLUSTER_ONLY)


def test_cluster_stack_adds_a_node_group_with_the_cluster_tiers_rules() -> None:
    stack = ClusterStack(cdktf.Testing.app(), CLUSTER_ONLY)
    stack.add_node_group(NodeGroupSpec(name="batch", instance_types=("m5.large",), min_size=1, desired_size=1, max_size=2))
    with pytest.raises(ConfigError, match=r"node group name"):
        stack.add_node_group(NodeGroupSpec(name="batch", instance_types=("m5.large",), min_size=1, desired_size=1, max_size=2))


# ---- the same addresses in every stack that builds a tier ------------------------------------


def test_tier_stacks_keep_the_platform_stacks_addresses(cluster_doc: Synth, platform_doc: Synth) -> None:
    network = _synth(NetworkStack(cdktf.Testing.app(), FULL))
    assert (_addresses(network) <= _addresses(cluster_doc), _addresses(cluster_doc) <= _addresses(platform_doc)) == (
        True,
        True,
    )
