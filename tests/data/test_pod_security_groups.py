"""Security groups for pods (``DatabaseSpec.pod_security_groups``), end to end on a variant of prod:
the vpc-cni settings, one "pods" group per application that uses the database, the database admitting
only those groups, the SecurityGroupPolicy that puts the application's pods into them, the apply
rules, the instance-type rule, and the option off changing nothing (prod as it is, and the reference snapshots)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import cdktf
import pytest

from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.cluster.config import NodeGroupSpec, NodeRole
from constructs_lib.config import EnvironmentConfig
from constructs_lib.data.config import DatabaseSpec, require_pod_security_group_support
from constructs_lib.errors import ConfigError
from constructs_lib.platform_stack import PlatformStack
from tests.fixtures import DEV, PROD
from tests.helpers import Synth, resources
from tests.quality import apply_graph

#: An application added after construction that uses the database.
REPORTS = ApplicationSpec(name="reports", repository="apps/api", image_tag="v1.0.0", database="app")


def with_pod_groups(config: EnvironmentConfig) -> EnvironmentConfig:
    assert config.database is not None
    return dataclasses.replace(config, database=dataclasses.replace(config.database, pod_security_groups=True))


@pytest.fixture(scope="module")
def built() -> tuple[PlatformStack, Synth]:
    stack = PlatformStack(cdktf.Testing.app(), with_pod_groups(PROD))
    stack.add_application(REPORTS)
    return stack, dict(json.loads(cdktf.Testing.synth(stack)))


@pytest.fixture(scope="module")
def doc(built: tuple[PlatformStack, Synth]) -> Synth:
    return built[1]


@pytest.fixture(scope="module")
def off() -> Synth:
    """Prod with the option off (its default)."""
    return dict(json.loads(cdktf.Testing.synth(PlatformStack(cdktf.Testing.app(), PROD))))


def vpc_cni_env(doc: Synth) -> dict[str, str]:
    (addon,) = [a for a in resources(doc, "aws_eks_addon").values() if a["addon_name"] == "vpc-cni"]
    return dict(json.loads(addon["configuration_values"])["env"])


def group_ref(doc: Synth, name: str) -> str:
    (address,) = [k for k, g in resources(doc, "aws_security_group").items() if g["name"] == name]
    return f"${{aws_security_group.{address}.id}}"


def nodes(doc: Synth) -> str:
    """The network tier's node security group, as a reference."""
    (address,) = [k for k in resources(doc, "aws_security_group") if k.startswith("network_security-groups_nodes_")]
    return f"${{aws_security_group.{address}.id}}"


def database_ingress(doc: Synth) -> list[str]:
    database = group_ref(doc, "eks-platform-prod-app-postgres")
    rules = resources(doc, "aws_vpc_security_group_ingress_rule").values()
    return sorted(r["referenced_security_group_id"] for r in rules if r["security_group_id"] == database)


def policy(doc: Synth, app: str) -> dict[str, Any]:
    (release,) = [r for r in resources(doc, "helm_release").values() if r["name"] == f"{app}-security-group-policy"]
    (manifest,) = json.loads(release["values"][0])["manifests"]
    return dict(manifest)


def test_vpc_cni_manages_pod_enis_in_standard_mode(doc: Synth) -> None:
    env = vpc_cni_env(doc)
    assert (env["ENABLE_POD_ENI"], env["POD_SECURITY_GROUP_ENFORCING_MODE"]) == ("true", "standard")


def test_vpc_cni_keeps_prefix_delegation_and_network_policy(doc: Synth) -> None:
    (addon,) = [a for a in resources(doc, "aws_eks_addon").values() if a["addon_name"] == "vpc-cni"]
    values = json.loads(addon["configuration_values"])
    assert (values["enableNetworkPolicy"], values["env"]["ENABLE_PREFIX_DELEGATION"]) == ("true", "true")


def test_option_off_leaves_vpc_cni_alone(off: Synth) -> None:
    assert "ENABLE_POD_ENI" not in vpc_cni_env(off)


def test_cluster_role_keeps_the_vpc_resource_controller_policy(doc: Synth) -> None:
    arns = [a["policy_arn"] for a in resources(doc, "aws_iam_role_policy_attachment").values()]
    assert any(arn.endswith(":iam::aws:policy/AmazonEKSVPCResourceController") for arn in arns)


def test_one_pods_group_per_application_that_uses_the_database(doc: Synth) -> None:
    names = sorted(g["name"] for g in resources(doc, "aws_security_group").values() if "-pods-" in g["name"])
    assert names == ["eks-platform-prod-app-pods-api", "eks-platform-prod-app-pods-reports"]


def test_database_admits_only_the_pods_groups(doc: Synth) -> None:
    expected = sorted(group_ref(doc, f"eks-platform-prod-app-pods-{app}") for app in ("api", "reports"))
    assert database_ingress(doc) == expected


def test_database_no_longer_admits_the_node_group(doc: Synth) -> None:
    assert nodes(doc) not in database_ingress(doc)


def test_option_off_database_admits_the_node_group(off: Synth) -> None:
    assert database_ingress(off) == [nodes(off)]


def test_pods_group_may_reach_only_the_database_port(doc: Synth) -> None:
    pods = group_ref(doc, "eks-platform-prod-app-pods-api")
    rules = [r for r in resources(doc, "aws_vpc_security_group_egress_rule").values() if r["security_group_id"] == pods]
    assert [(r["from_port"], r["to_port"], r["referenced_security_group_id"]) for r in rules] == [
        (5432, 5432, group_ref(doc, "eks-platform-prod-app-postgres"))
    ]


def test_pods_group_has_no_ingress_of_its_own(doc: Synth) -> None:
    """The node group is on the same ENI: its rules admit the ALB, peers, nodes and control plane."""
    pods = group_ref(doc, "eks-platform-prod-app-pods-api")
    rules = resources(doc, "aws_vpc_security_group_ingress_rule").values()
    assert [r for r in rules if r["security_group_id"] == pods] == []


def test_policy_selects_the_application_pods(doc: Synth) -> None:
    manifest = policy(doc, "api")
    assert (manifest["apiVersion"], manifest["kind"], manifest["metadata"]["namespace"]) == (
        "vpcresources.k8s.aws/v1beta1",
        "SecurityGroupPolicy",
        "api",
    )
    assert manifest["spec"]["podSelector"] == {"matchLabels": {"app.kubernetes.io/name": "api"}}


def test_policy_lists_the_pods_group_and_the_node_group(doc: Synth) -> None:
    groups = policy(doc, "api")["spec"]["securityGroups"]["groupIds"]
    assert groups == [group_ref(doc, "eks-platform-prod-app-pods-api"), nodes(doc)]


def test_added_application_gets_its_policy(doc: Synth) -> None:
    groups = policy(doc, "reports")["spec"]["securityGroups"]["groupIds"]
    assert groups == [group_ref(doc, "eks-platform-prod-app-pods-reports"), nodes(doc)]


def test_only_database_users_get_a_policy(doc: Synth) -> None:
    names = sorted(r["name"] for r in resources(doc, "helm_release").values() if "security-group-policy" in r["name"])
    assert names == ["api-security-group-policy", "reports-security-group-policy"]


def test_policy_waits_for_the_namespace_and_the_deployment_for_the_policy(doc: Synth) -> None:
    releases = resources(doc, "helm_release")
    (address,) = [k for k, r in releases.items() if r["name"] == "api-security-group-policy"]
    (deployment,) = [
        d for d in resources(doc, "kubernetes_deployment_v1").values() if d["metadata"]["namespace"] == "api"
    ]
    assert f"helm_release.{address}" in deployment["depends_on"]
    assert any(dep.startswith("kubernetes_namespace_v1.applications_api_") for dep in releases[address]["depends_on"])


@pytest.mark.parametrize("rule", apply_graph.RULES, ids=lambda rule: rule.__name__)
def test_variant_keeps_the_apply_rules(doc: Synth, rule: Any) -> None:
    assert rule(doc) == []


# -- config rules ---------------------------------------------------------------------------------


def test_burstable_node_groups_are_refused() -> None:
    with pytest.raises(ConfigError, match=r"`dev.node_groups\[1\].instance_types\[0\]`: cannot give pods their own"):
        with_pod_groups(DEV).validate()


def test_the_system_group_may_stay_burstable() -> None:
    application = NodeGroupSpec(name="application", instance_types=("m5.large",), min_size=1, desired_size=2, max_size=4)
    system = NodeGroupSpec(name="system", instance_types=("t3.large",), min_size=2, desired_size=2, max_size=3, role=NodeRole.SYSTEM)
    config = dataclasses.replace(with_pod_groups(DEV), node_groups=(system, application))
    config.validate()


def test_a_database_nobody_uses_is_refused() -> None:
    config = dataclasses.replace(
        with_pod_groups(PROD), applications=tuple(dataclasses.replace(a, database=None) for a in PROD.applications)
    )
    with pytest.raises(ConfigError, match=r"`prod.database.pod_security_groups`: needs at least one application"):
        config.validate()


def test_pod_security_groups_must_be_a_bool() -> None:
    spec = DatabaseSpec(name="app", pod_security_groups="yes")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match=r"`prod.database.pod_security_groups`: must be true or false"):
        spec.validate("prod.database", stage="prod", name_prefix="eks-platform-prod")


def test_rule_is_silent_when_off() -> None:
    burstable = (NodeGroupSpec(name="apps", instance_types=("t3.large",), min_size=1, desired_size=1, max_size=2),)
    require_pod_security_group_support(
        "dev.database", DatabaseSpec(name="app"), node_groups=burstable, node_groups_path="dev.node_groups", users=()
    )
