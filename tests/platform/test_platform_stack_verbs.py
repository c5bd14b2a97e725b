"""PlatformStack's composition verbs: add_addon, add_application, add_node_group (and the registry's
grant_pull through the stack), on the dev environment synthesized once."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import cdktf
import pytest

from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.cluster.config import NodeGroupSpec
from constructs_lib.errors import ConfigError
from constructs_lib.platform_stack import PlatformStack
from tests.fixtures import DEV
from tests.helpers import Synth, resources
from tests.platform.test_addon_contract import HelloAddon
from tests.quality import apply_graph

REPORTS = ApplicationSpec(name="reports", repository="apps/api", image_tag="v1.0.0", needs_aws=True)
BATCH = NodeGroupSpec(name="batch", instance_types=("t3.large",), min_size=1, desired_size=1, max_size=2, labels={"node-role": "batch"})


@pytest.fixture(scope="module")
def built() -> tuple[PlatformStack, Synth]:
    stack = PlatformStack(cdktf.Testing.app(), DEV)
    stack.add_addon(HelloAddon())
    stack.add_application(REPORTS)
    stack.add_node_group(BATCH)
    stack.registry.grant_pull("ci-deployer")
    return stack, dict(json.loads(cdktf.Testing.synth(stack)))


@pytest.fixture(scope="module")
def stack(built: tuple[PlatformStack, Synth]) -> PlatformStack:
    return built[0]


@pytest.fixture(scope="module")
def doc(built: tuple[PlatformStack, Synth]) -> Synth:
    return built[1]


def helm_release(doc: Synth, name: str) -> dict[str, Any]:
    (found,) = [body for body in resources(doc, "helm_release").values() if body["name"] == name]
    return dict(found)


@pytest.mark.parametrize("rule", apply_graph.RULES, ids=lambda rule: rule.__name__)
def test_the_grown_stack_keeps_the_apply_rules(doc: Synth, rule: Any) -> None:
    """The added add-on, application and node group wait for access, nodes, DNS and namespaces."""
    assert rule(doc) == []


def test_added_addon_is_released_into_its_namespace(doc: Synth) -> None:
    assert helm_release(doc, "hello")["namespace"] == "hello"


def test_added_addon_values_see_the_cluster(doc: Synth) -> None:
    assert json.loads(helm_release(doc, "hello")["values"][0])["ui"]["message"].startswith("hi from ${")


def test_added_addon_waits_for_the_load_balancer_controller(doc: Synth) -> None:
    (controller,) = [k for k, b in resources(doc, "helm_release").items() if b["name"] == "aws-load-balancer-controller"]
    assert f"helm_release.{controller}" in helm_release(doc, "hello")["depends_on"]


def test_added_application_gets_its_namespace(doc: Synth) -> None:
    names = {b["metadata"]["name"] for b in resources(doc, "kubernetes_namespace_v1").values()}
    assert "reports" in names


def test_added_application_has_the_config_path_address(stack: PlatformStack) -> None:
    assert stack.applications.applications["reports"].node.path == "dev/applications/reports"


def test_added_application_gets_its_role(doc: Synth) -> None:
    assert any(b["name"] == "eks-platform-dev-app-reports" for b in resources(doc, "aws_iam_role").values())


def test_added_application_gets_its_pod_identity_association(doc: Synth) -> None:
    associations = {(b["namespace"], b["service_account"]) for b in resources(doc, "aws_eks_pod_identity_association").values()}
    assert ("reports", "reports") in associations


def test_added_node_group(doc: Synth) -> None:
    groups = [b["node_group_name"] for b in resources(doc, "aws_eks_node_group").values()]
    assert "eks-platform-dev-batch" in groups


def test_added_node_group_is_in_the_attributes(stack: PlatformStack) -> None:
    assert (len(stack.cluster.node_groups), "batch" in stack.cluster.node_group_names) == (3, True)


def test_grant_pull_through_the_stack(doc: Synth) -> None:
    policies = [b for b in resources(doc, "aws_iam_role_policy").values() if b["role"] == "ci-deployer"]
    assert len(policies) == 1


@pytest.mark.parametrize(
    ("verb", "argument", "message"),
    [
        (
            "add_addon",
            HelloAddon(name="webhooked", release_name="webhooked", namespace="webhooked", control_plane_ports=(8080,)),
            r"`add_addon\(webhooked\)\.control_plane_ports\[0\]`: must be a port the node security group already opens",
        ),
        (
            "add_addon",
            HelloAddon(name="api_tools", release_name="api-tools", namespace="api"),
            r"`add_addon\(api_tools\)\.namespace`: must not be an application's namespace",
        ),
        (
            "add_application",
            dataclasses.replace(REPORTS, name="billing", allowed_peers=("api",)),
            r"`add_application\(billing\)\.allowed_peers`: must be empty",
        ),
        (
            "add_application",
            dataclasses.replace(REPORTS, name="api"),
            r"`dev\.applications`: application name must be unique",
        ),
        (
            "add_application",
            dataclasses.replace(REPORTS, name="billing", repository="apps/nope"),
            r"`dev\.applications\[3\]\.repository`: must name one of the environment's repositories",
        ),
        (
            "add_application",
            dataclasses.replace(REPORTS, name="hello"),
            r"`add_application\(hello\)\.name`: must not be an add-on's namespace",
        ),
        ("add_application", "reports", r"`add_application`: must be an ApplicationSpec"),
        ("add_node_group", dataclasses.replace(BATCH, name="system"), r"`dev\.node_groups`: node group name must be unique"),
        (
            "add_node_group",
            dataclasses.replace(BATCH, name="huge", max_size=500),
            r"`dev\.network\.private_subnet_cidrs`: too small for the node groups",
        ),
        ("add_node_group", dataclasses.replace(BATCH, name="Batch!"), r"`dev\.node_groups\[3\]\.name`"),
    ],
)
def test_verb_errors(stack: PlatformStack, verb: str, argument: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        getattr(stack, verb)(argument)
