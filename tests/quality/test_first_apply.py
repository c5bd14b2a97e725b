"""A first ``terraform apply`` finishes and the next plan is clean: the rules of ``apply_graph.py`` over
the reference stacks, over a variant with every option on, and over small bad stacks that each rule
must reject."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.apps.config import ApplicationSpec, VolumeSpec
from constructs_lib.apps.stateful_config import BackupHooks, StatefulWorkloadSpec
from constructs_lib.platform.config import AddonsConfig, CertificateConfig, DnsConfig
from tests.quality import apply_graph
from tests.quality.checks import Doc

ENVIRONMENTS = ("dev", "staging", "prod")
RULES = {rule.__name__: rule for rule in apply_graph.RULES}


@pytest.fixture(scope="session")
def every_option_json(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Prod with every add-on on, every way in for the deploy runner, stateful workloads and an application
    with a volume, synthesized once."""
    from constructs_lib.platform_stack import build_app
    from stacks.environments import PROD

    # Karpenter replaces cluster-autoscaler (never both): tests/test_karpenter_stack.py runs these rules on it.
    addons = AddonsConfig(
        **dict.fromkeys(AddonsConfig().toggles(), True),
        certificates=CertificateConfig(acme_email="platform@example.com"),
        dns=DnsConfig(hosted_zone_ids=("Z0123456789ABCDEFGHIJ",), domains=("example.com",)),
    )
    addons = dataclasses.replace(addons, karpenter=False)
    cluster = dataclasses.replace(
        PROD.cluster,
        private_access_cidrs=("10.250.0.0/24",),
        private_access_security_group_ids=("sg-0a1b2c3d4e5f67890",),
    )
    # Stateful workloads (one backed up with hooks) that applications reach, and an application with a volume.
    mongodb = StatefulWorkloadSpec(
        name="mongodb",
        repository="plant-monitoring/mongodb",
        image_tag="7.0.14",
        port=27017,
        volumes=(VolumeSpec(name="data", mount_path="/data/db"),),
        allowed_peers=("worker",),
        backup_hooks=BackupHooks(pre=("mongosh", "--eval", "db.fsyncLock()")),
    )
    kafka = StatefulWorkloadSpec(
        name="kafka",
        repository="plant-monitoring/kafka",
        image_tag="7.4.4",
        port=9092,
        volumes=(VolumeSpec(name="data", mount_path="/var/lib/kafka/data"),),
        allowed_peers=("api", "worker"),
    )
    home_assistant = ApplicationSpec(
        name="homeassistant",
        repository="plant-monitoring/homeassistant",
        image_tag="2024.10.1",
        replicas=1,
        max_replicas=1,
        volume=VolumeSpec(name="config", mount_path="/config"),
    )
    variant = dataclasses.replace(
        PROD,
        addons=addons,
        cluster=cluster,
        applications=(*PROD.applications, home_assistant),
        stateful_workloads=(mongodb, kafka),
    )
    outdir = tmp_path_factory.mktemp("every-option")
    build_app([variant], outdir=str(outdir)).synth()
    return dict(json.loads((Path(outdir) / "stacks" / "prod" / "cdk.tf.json").read_text("utf-8")))


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_reference_stack_follows_rule(stacks_json: dict[str, Doc], environment: str, rule: str) -> None:
    assert RULES[rule](stacks_json[environment]) == []


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_option_variant_follows_rule(every_option_json: Doc, rule: str) -> None:
    assert RULES[rule](every_option_json) == []


def test_every_option_variant_installs_every_addon(every_option_json: Doc) -> None:
    charts = {body["chart"] for body in every_option_json["resource"]["helm_release"].values()}
    assert {"cert-manager", "ingress-nginx", "argo-cd", "velero", "vertical-pod-autoscaler", "external-dns"} <= charts


def test_every_option_variant_has_volumes(every_option_json: Doc) -> None:
    """The claim rules above run over real claims: two StatefulSets and an application's claim."""
    resources = every_option_json["resource"]
    assert len(resources["kubernetes_stateful_set_v1"]) == 2
    assert len(resources["kubernetes_persistent_volume_claim_v1"]) == 1


def test_prod_pins_every_managed_addon(stacks_json: dict[str, Doc]) -> None:
    assert apply_graph.addons_are_pinned(stacks_json["prod"]) == []


def test_dev_follows_the_newest_addon_builds(stacks_json: dict[str, Doc]) -> None:
    assert apply_graph.addons_are_pinned(stacks_json["dev"]) != []


def test_graph_follows_references_through_locals() -> None:
    doc = {
        "locals": {"host": "${aws_eks_cluster.c.endpoint}"},
        "resource": {
            "aws_eks_cluster": {"c": {}},
            "aws_iam_role": {"r": {"assume_role_policy": "${local.host}"}},
        },
    }
    assert apply_graph.ApplyGraph(doc).ancestors("aws_iam_role.r") == {"aws_eks_cluster.c"}


# --------------------------------------------------------------------------------------------
# Each rule rejects a small bad stack
# --------------------------------------------------------------------------------------------

_ACCESS = {"deployer-cluster-admin": {"cluster_name": "c"}}
_NAMESPACE = {"apps": {"metadata": [{"name": "apps"}], "depends_on": ["aws_eks_access_policy_association.deployer-cluster-admin"]}}


def _stack(**resources: dict[str, Any]) -> dict[str, Any]:
    return {"resource": {"aws_eks_access_policy_association": _ACCESS, "kubernetes_namespace_v1": _NAMESPACE, **resources}}


BAD: dict[str, tuple[Callable[[Doc], list[str]], dict[str, Any], str]] = {
    "namespace before access": (
        apply_graph.kubernetes_waits_for_access,
        _stack(kubernetes_namespace_v1={"racing": {"metadata": [{"name": "racing"}]}}),
        "kubernetes_namespace_v1.racing does not wait for aws_eks_access_policy_association.deployer-cluster-admin",
    ),
    "workload without nodes": (
        apply_graph.workloads_wait_for_nodes_and_dns,
        _stack(
            aws_eks_node_group={"system": {}},
            kubernetes_deployment_v1={"api": {"metadata": [{"name": "api", "namespace": "apps"}]}},
        ),
        "kubernetes_deployment_v1.api does not wait for aws_eks_node_group.system",
    ),
    "ingress without the controller": (
        apply_graph.load_balancers_wait_for_controller,
        _stack(
            helm_release={"alb": {"chart": "aws-load-balancer-controller", "namespace": "kube-system"}},
            kubernetes_ingress_v1={"api": {"metadata": [{"name": "api", "namespace": "apps"}]}},
        ),
        "kubernetes_ingress_v1.api does not wait for helm_release.alb",
    ),
    "object before its namespace": (
        apply_graph.objects_wait_for_their_namespace,
        _stack(kubernetes_config_map_v1={"cfg": {"metadata": [{"name": "cfg", "namespace": "apps"}]}}),
        "kubernetes_config_map_v1.cfg does not wait for its namespace kubernetes_namespace_v1.apps",
    ),
    "object in a namespace nobody creates": (
        apply_graph.objects_wait_for_their_namespace,
        _stack(kubernetes_config_map_v1={"cfg": {"metadata": [{"name": "cfg", "namespace": "ghost"}]}}),
        "kubernetes_config_map_v1.cfg lives in namespace 'ghost', which nothing in the stack creates",
    ),
    "deployment before its pod identity association": (
        apply_graph.pods_wait_for_their_pod_identity,
        _stack(
            aws_eks_addon={"agent": {"addon_name": "eks-pod-identity-agent"}},
            aws_eks_pod_identity_association={"api": {"namespace": "apps", "service_account": "api"}},
            kubernetes_deployment_v1={
                "api": {
                    "metadata": [{"name": "api", "namespace": "apps"}],
                    "spec": [{"template": [{"spec": [{"service_account_name": "api"}]}]}],
                    "depends_on": ["aws_eks_addon.agent"],
                }
            },
        ),
        "kubernetes_deployment_v1.api does not wait for aws_eks_pod_identity_association.api",
    ),
    "release before the pod identity agent": (
        apply_graph.pods_wait_for_their_pod_identity,
        _stack(
            aws_eks_addon={"agent": {"addon_name": "eks-pod-identity-agent"}},
            aws_eks_pod_identity_association={"velero": {"namespace": "apps", "service_account": "velero-server"}},
            helm_release={
                "velero": {
                    "namespace": "apps",
                    "values": ['{"serviceAccount": {"server": {"name": "velero-server"}}}'],
                    "depends_on": ["aws_eks_pod_identity_association.velero"],
                }
            },
        ),
        "helm_release.velero does not wait for aws_eks_addon.agent",
    ),
    "pod identity without the agent": (
        apply_graph.pods_wait_for_their_pod_identity,
        _stack(
            aws_eks_pod_identity_association={"api": {"namespace": "apps", "service_account": "api"}},
            kubernetes_deployment_v1={
                "api": {
                    "metadata": [{"name": "api", "namespace": "apps"}],
                    "spec": [{"template": [{"spec": [{"service_account_name": "api"}]}]}],
                    "depends_on": ["aws_eks_pod_identity_association.api"],
                }
            },
        ),
        "aws_eks_pod_identity_association.api binds apps/api, but the stack installs no eks-pod-identity-agent add-on",
    ),
    "rollout waited for": (
        apply_graph.rollouts_never_block,
        _stack(kubernetes_deployment_v1={"api": {"metadata": [{"name": "api", "namespace": "apps"}]}}),
        "kubernetes_deployment_v1.api waits for its rollout",
    ),
    "claim before its storage class": (
        apply_graph.claims_wait_for_their_storage_class,
        _stack(
            kubernetes_storage_class_v1={"gp3": {"metadata": [{"name": "gp3"}]}},
            kubernetes_persistent_volume_claim_v1={
                "data": {
                    "metadata": [{"name": "data", "namespace": "apps"}],
                    "spec": [{"storage_class_name": "gp3"}],
                    "wait_until_bound": False,
                }
            },
        ),
        "kubernetes_persistent_volume_claim_v1.data does not wait for its StorageClass kubernetes_storage_class_v1.gp3",
    ),
    "claim template before its storage class": (
        apply_graph.claims_wait_for_their_storage_class,
        _stack(
            kubernetes_storage_class_v1={"gp3": {"metadata": [{"name": "gp3"}]}},
            kubernetes_stateful_set_v1={
                "db": {
                    "metadata": [{"name": "db", "namespace": "apps"}],
                    "spec": [{"volume_claim_template": [{"spec": [{"storage_class_name": "gp3"}]}]}],
                }
            },
        ),
        "kubernetes_stateful_set_v1.db does not wait for its StorageClass kubernetes_storage_class_v1.gp3",
    ),
    "claim waits until bound on a WaitForFirstConsumer class": (
        apply_graph.claims_wait_for_their_storage_class,
        _stack(
            kubernetes_storage_class_v1={
                "gp3": {"metadata": [{"name": "gp3"}], "volume_binding_mode": "WaitForFirstConsumer"}
            },
            kubernetes_persistent_volume_claim_v1={
                "data": {
                    "metadata": [{"name": "data", "namespace": "apps"}],
                    "spec": [{"storage_class_name": "gp3"}],
                    "depends_on": ["kubernetes_storage_class_v1.gp3"],
                }
            },
        ),
        "kubernetes_persistent_volume_claim_v1.data waits until bound on the WaitForFirstConsumer class gp3",
    ),
    "replicas owned under an HPA": (
        apply_graph.controller_fields_are_ignored,
        _stack(
            kubernetes_deployment_v1={"api": {"metadata": [{"name": "api", "namespace": "apps"}]}},
            kubernetes_horizontal_pod_autoscaler_v2={
                "api": {
                    "metadata": [{"name": "api", "namespace": "apps"}],
                    "spec": [{"scale_target_ref": [{"kind": "Deployment", "name": "api"}]}],
                }
            },
        ),
        "kubernetes_deployment_v1.api is scaled by an HPA but terraform owns spec[0].replicas",
    ),
    "desired size owned": (
        apply_graph.controller_fields_are_ignored,
        _stack(aws_eks_node_group={"system": {"scaling_config": [{"desired_size": 2}]}}),
        "aws_eks_node_group.system: the autoscaler owns desired_size",
    ),
    "add-on follows the newest build": (
        apply_graph.addons_are_pinned,
        {"resource": {"aws_eks_addon": {"cni": {"addon_version": "${data.aws_eks_addon_version.cni.version}"}}}},
        "aws_eks_addon.cni installs whatever version is newest at plan time",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_rule_rejects_bad_stack(case: str) -> None:
    rule, doc, expected = BAD[case]
    problems = rule(doc)
    assert any(expected in problem for problem in problems), problems


def test_kubernetes_objects_need_a_deployer_association() -> None:
    doc = {"resource": {"kubernetes_namespace_v1": _NAMESPACE}}
    assert apply_graph.kubernetes_waits_for_access(doc) == [
        "the stack installs Kubernetes objects but grants the deployer no cluster-admin association"
    ]


# --------------------------------------------------------------------------------------------
# Cluster-critical components run on the SYSTEM node group only (never on application or Spot nodes)
# --------------------------------------------------------------------------------------------


def _selects_system_nodes(values: Any) -> bool:
    """True when every ``nodeSelector`` in ``values`` is the SYSTEM group's, and there is one."""
    from constructs_lib.cluster.config import SYSTEM_NODE_LABELS

    found: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "nodeSelector":
                    found.append(item)
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(values)
    return bool(found) and all(item == dict(SYSTEM_NODE_LABELS) for item in found)


def test_cluster_critical_releases_select_system_nodes(every_option_json: Doc) -> None:
    from constructs_lib.platform.catalog import CATALOG

    # karpenter is not in this variant (it replaces cluster-autoscaler): tests/test_karpenter_stack.py checks it.
    critical = {entry.source.chart for name, entry in CATALOG.items() if entry.critical and name != "karpenter"}
    releases = every_option_json["resource"]["helm_release"].values()
    checked = [r["chart"] for r in releases if r["chart"] in critical]
    assert sorted(checked) == sorted(critical)
    for release in releases:
        if release["chart"] in critical:
            assert _selects_system_nodes(json.loads(release["values"][0])), release["chart"]


@pytest.mark.parametrize("addon", ["coredns", "aws-ebs-csi-driver"])
def test_cluster_critical_managed_addons_select_system_nodes(every_option_json: Doc, addon: str) -> None:
    (body,) = [b for b in every_option_json["resource"]["aws_eks_addon"].values() if b["addon_name"] == addon]
    assert _selects_system_nodes(json.loads(body["configuration_values"]))


def test_system_node_group_is_never_spot(every_option_json: Doc) -> None:
    from constructs_lib.cluster.config import SYSTEM_NODE_LABELS

    groups = [g for g in every_option_json["resource"]["aws_eks_node_group"].values() if g.get("labels") == dict(SYSTEM_NODE_LABELS)]
    assert [g["capacity_type"] for g in groups] == ["ON_DEMAND"]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
def test_pod_identity_rule_sees_every_association_workload(stacks_json: dict[str, Doc], environment: str) -> None:
    """The rule is not vacuous: each association of the reference stacks binds a workload it checks."""
    graph = apply_graph.ApplyGraph(stacks_json[environment])
    bound = {}
    for association in graph.of_type("aws_eks_pod_identity_association"):
        body = graph.bodies[association]
        namespace, name = body["namespace"], body["service_account"]
        bound[f"{namespace}/{name}"] = [
            a
            for a in graph.of_type(*apply_graph.WORKLOAD_TYPES)
            if apply_graph._runs_service_account(graph, a, namespace, name)
        ]
    assert bound and all(bound.values()), bound
