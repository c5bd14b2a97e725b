"""ApplicationNamespace: PSS labels, default-deny and explicit network policies, quota and limits."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConfigError
from constructs_lib.platform.catalog import PodSecurityLevel
from constructs_lib.platform.config import ResourceQuotaSpec
from constructs_lib.platform.namespace import IMDS_CIDR, ApplicationNamespace, ApplicationNamespaceProps, LimitRangeSpec
from tests.helpers import Synth, only, resources, synth

BARE = ApplicationNamespaceProps(name="worker", port=8080)
OPEN = ApplicationNamespaceProps(
    name="api",
    port=9000,
    pod_security=PodSecurityLevel.BASELINE,
    quota=ResourceQuotaSpec(pods=30),
    limits=LimitRangeSpec(max_cpu="4"),
    load_balancer_cidrs=("10.30.0.0/16",),
    ingress_controller_namespace="ingress-nginx",
    allowed_peers=("admin",),
    egress_peers={"worker": 8080},
    allow_https_egress=True,
    monitoring_namespace="monitoring",
    database_cidrs=("10.30.224.0/24", "10.30.225.0/24"),
    database_port=5432,
)


def build(props: ApplicationNamespaceProps) -> Synth:
    def _build(stack: TerraformStack) -> None:
        ApplicationNamespace(stack, props.name, props=props)

    return synth(_build)


@pytest.fixture(scope="module")
def bare() -> Synth:
    return build(BARE)


@pytest.fixture(scope="module")
def open_() -> Synth:
    return build(OPEN)


def policy(doc: Synth, name: str) -> Any:
    found = [b for b in resources(doc, "kubernetes_network_policy_v1").values() if b["metadata"]["name"] == name]
    return found[0]["spec"] if found else None


def labels(doc: Synth) -> dict[str, str]:
    return dict(only(doc, "kubernetes_namespace_v1")["metadata"]["labels"])


def test_enforces_restricted_by_default(bare: Synth) -> None:
    assert labels(bare)["pod-security.kubernetes.io/enforce"] == "restricted"


def test_pod_security_option(open_: Synth) -> None:
    assert labels(open_)["pod-security.kubernetes.io/enforce"] == "baseline"


@pytest.mark.parametrize("mode", ["warn", "audit"])
def test_warns_and_audits_restricted_always(open_: Synth, mode: str) -> None:
    assert labels(open_)[f"pod-security.kubernetes.io/{mode}"] == "restricted"


def test_default_deny_covers_every_pod_both_ways(bare: Synth) -> None:
    assert policy(bare, "default-deny") == {"pod_selector": {}, "policy_types": ["Ingress", "Egress"]}


def test_dns_is_allowed_to_kube_dns_only(bare: Synth) -> None:
    rule = policy(bare, "allow-dns")["egress"][0]
    assert (rule["to"][0]["pod_selector"]["match_labels"], [p["protocol"] for p in rule["ports"]]) == (
        {"k8s-app": "kube-dns"},
        ["UDP", "TCP"],
    )


def test_nothing_else_is_allowed_by_default(bare: Synth) -> None:
    assert (policy(bare, "allow-ingress"), policy(bare, "allow-egress")) == (None, None)


def test_ingress_only_on_the_application_port(open_: Synth) -> None:
    assert policy(open_, "allow-ingress")["ingress"][0]["ports"] == [{"port": "9000", "protocol": "TCP"}]


def test_ingress_from_the_load_balancer_cidrs(open_: Synth) -> None:
    assert {"ip_block": {"cidr": "10.30.0.0/16"}} in policy(open_, "allow-ingress")["ingress"][0]["from"]


@pytest.mark.parametrize("namespace", ["ingress-nginx", "admin", "monitoring"])
def test_ingress_from_namespaces(open_: Synth, namespace: str) -> None:
    selector = {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": namespace}}}
    assert selector in policy(open_, "allow-ingress")["ingress"][0]["from"]


def test_egress_to_peers_on_their_port(open_: Synth) -> None:
    rule = policy(open_, "allow-egress")["egress"][0]
    assert (rule["to"][0]["namespace_selector"]["match_labels"], rule["ports"]) == (
        {"kubernetes.io/metadata.name": "worker"},
        [{"port": "8080", "protocol": "TCP"}],
    )


def test_egress_to_the_database_subnets_on_its_port(open_: Synth) -> None:
    rule = policy(open_, "allow-egress")["egress"][1]
    assert (rule["to"], rule["ports"]) == (
        [{"ip_block": {"cidr": "10.30.224.0/24"}}, {"ip_block": {"cidr": "10.30.225.0/24"}}],
        [{"port": "5432", "protocol": "TCP"}],
    )


def test_https_egress_excludes_imds(open_: Synth) -> None:
    rule = policy(open_, "allow-egress")["egress"][2]
    assert (rule["to"][0]["ip_block"], rule["ports"]) == (
        {"cidr": "0.0.0.0/0", "except": [IMDS_CIDR]},
        [{"port": "443", "protocol": "TCP"}],
    )


def test_quota_defaults_to_seed_003(bare: Synth) -> None:
    assert only(bare, "kubernetes_resource_quota_v1")["spec"]["hard"] == ResourceQuotaSpec().hard()


def test_quota_option(open_: Synth) -> None:
    assert only(open_, "kubernetes_resource_quota_v1")["spec"]["hard"]["pods"] == "30"


def test_limit_range_defaults(bare: Synth) -> None:
    limit = only(bare, "kubernetes_limit_range_v1")["spec"]["limit"][0]
    assert (limit["type"], limit["default_request"], limit["default"], limit["max"]) == (
        "Container",
        {"cpu": "100m", "memory": "128Mi"},
        {"cpu": "500m", "memory": "512Mi"},
        {"cpu": "2", "memory": "4Gi"},
    )


def test_limit_range_option(open_: Synth) -> None:
    assert only(open_, "kubernetes_limit_range_v1")["spec"]["limit"][0]["max"]["cpu"] == "4"


def test_policies_wait_for_the_namespace(bare: Synth) -> None:
    deny = [
        b for b in resources(bare, "kubernetes_network_policy_v1").values() if b["metadata"]["name"] == "default-deny"
    ]
    assert deny[0]["depends_on"][0].startswith("kubernetes_namespace_v1.")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "API"}, r"`props\.name`: must be a DNS-1123 label"),
        ({"port": 0}, r"`props\.port`: must be a whole number from 1 to 65535"),
        ({"pod_security": "restricted"}, r"`props\.pod_security`: must be a PodSecurityLevel"),
        ({"quota": ResourceQuotaSpec(pods=0)}, r"`props\.quota\.pods`"),
        (
            {"limits": LimitRangeSpec(default_limit_cpu="x")},
            r"`props\.limits\.default_limit_cpu`: must be a positive CPU",
        ),
        ({"limits": LimitRangeSpec(max_memory="x")}, r"`props\.limits\.max_memory`: must be a positive memory"),
        ({"limits": LimitRangeSpec(max_cpu="250m")}, r"`props\.limits`: defaults must be ordered"),
        ({"load_balancer_cidrs": ("0.0.0.0/0",)}, r"`props\.load_balancer_cidrs\[0\]`: must not be 0\.0\.0\.0/0"),
        ({"allowed_peers": ("Admin",)}, r"`props\.allowed_peers\[0\]`: must be a DNS-1123 label"),
        ({"allowed_peers": ("a", "a")}, r"`props\.allowed_peers`: peer must be unique"),
        ({"egress_peers": {"Worker": 80}}, r"`props\.egress_peers`: must be a DNS-1123 label"),
        ({"egress_peers": {"worker": 0}}, r"`props\.egress_peers\.worker`: must be a whole number from 1 to 65535"),
        ({"ingress_controller_namespace": "Nginx"}, r"`props\.ingress_controller_namespace`: must be a DNS-1123"),
        ({"monitoring_namespace": "Mon"}, r"`props\.monitoring_namespace`: must be a DNS-1123"),
        (
            {"database_port": 5432},
            r"`props\.database_port`: must be given together with database_cidrs \(both or neither\) \(got 5432\)",
        ),
        (
            {"database_cidrs": ("10.30.224.0/24",)},
            r"`props\.database_port`: must be given together with database_cidrs .*\(got None\)",
        ),
        (
            {"database_cidrs": ("10.30.224.0/24",), "database_port": 0},
            r"`props\.database_port`: must be a whole number from 1 to 65535",
        ),
        (
            {"database_cidrs": ("0.0.0.0/0",), "database_port": 5432},
            r"`props\.database_cidrs\[0\]`: must not be 0\.0\.0\.0/0",
        ),
        (
            {"database_cidrs": ("10.30.224.0/24",) * 2, "database_port": 5432},
            r"`props\.database_cidrs`: CIDR must be unique",
        ),
    ],
)
def test_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build(dataclasses.replace(BARE, **changes))
