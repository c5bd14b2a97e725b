"""Seed 002's security groups: every rule, its description, and the 0.0.0.0/0 guard."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConfigError
from constructs_lib.network.security_groups import (
    CONTROL_PLANE_TO_NODE_PORTS,
    SecurityGroupRuleOptions,
    SecurityGroups,
    SecurityGroupsProps,
)
from tests.fixtures import PROD
from tests.helpers import Synth, resources, synth
from tests.network.test_vpc import _network

PROPS = SecurityGroupsProps(name_prefix="eks-platform-dev", vpc_id="vpc-1", vpc_cidr="10.10.0.0/16")


def build(props: SecurityGroupsProps) -> Synth:
    return synth(lambda stack: SecurityGroups(stack, "sg", props=props))


@pytest.fixture(scope="module")
def doc() -> Synth:
    return build(PROPS)


@pytest.fixture(scope="module")
def custom() -> Synth:
    return build(dataclasses.replace(PROPS, node_target_ports=(30000, 32767), node_internet_egress_ports=(443, 8443)))


def ingress(doc: Synth) -> dict[str, Any]:
    return {k.split("_")[1]: v for k, v in resources(doc, "aws_vpc_security_group_ingress_rule").items()}


def egress(doc: Synth) -> dict[str, Any]:
    return {k.split("_")[1]: v for k, v in resources(doc, "aws_vpc_security_group_egress_rule").items()}


def group_ref(doc: Synth, name: str) -> str:
    key = next(k for k, v in resources(doc, "aws_security_group").items() if v["name"] == f"eks-platform-dev-{name}")
    return f"${{aws_security_group.{key}.id}}"


def test_three_groups_with_prefixed_names(doc: Synth) -> None:
    assert sorted(g["name"] for g in resources(doc, "aws_security_group").values()) == [
        "eks-platform-dev-alb",
        "eks-platform-dev-control-plane",
        "eks-platform-dev-nodes",
    ]


def test_every_rule_has_a_description(doc: Synth) -> None:
    assert all(rule.get("description") for rule in [*ingress(doc).values(), *egress(doc).values()])


def test_only_alb_80_443_open_to_internet(doc: Synth) -> None:
    opened = sorted(r["from_port"] for r in ingress(doc).values() if r.get("cidr_ipv4") == "0.0.0.0/0")
    assert opened == [80, 443]


def test_alb_internet_rules_target_alb(doc: Synth) -> None:
    assert ingress(doc)["alb-https-from-internet"]["security_group_id"] == group_ref(doc, "alb")


def test_alb_egress_only_to_nodes(doc: Synth) -> None:
    rule = egress(doc)["alb-to-nodes"]
    assert (rule["referenced_security_group_id"], rule["from_port"], rule["to_port"]) == (
        group_ref(doc, "nodes"),
        1025,
        65535,
    )


def test_nodes_from_themselves_all_protocols(doc: Synth) -> None:
    rule = ingress(doc)["nodes-from-nodes"]
    assert (rule["ip_protocol"], rule["referenced_security_group_id"]) == ("-1", group_ref(doc, "nodes"))


def test_nodes_from_alb_on_target_ports(doc: Synth) -> None:
    rule = ingress(doc)["nodes-from-alb"]
    assert (rule["from_port"], rule["to_port"], rule["referenced_security_group_id"]) == (
        1025,
        65535,
        group_ref(doc, "alb"),
    )


def test_custom_target_ports(custom: Synth) -> None:
    assert (ingress(custom)["nodes-from-alb"]["from_port"], ingress(custom)["nodes-from-alb"]["to_port"]) == (
        30000,
        32767,
    )


def test_nodes_from_control_plane(doc: Synth) -> None:
    ports = sorted(r["from_port"] for k, r in ingress(doc).items() if k.startswith("nodes-from-control-plane"))
    assert ports == sorted(CONTROL_PLANE_TO_NODE_PORTS)


def test_control_plane_ports_option() -> None:
    """A platform with ingress-nginx passes its webhook's 8443; nodes then accept it from the control plane."""
    got = build(dataclasses.replace(PROPS, control_plane_to_node_ports=(443, 8443, 9443, 10250)))
    opened = sorted(r["from_port"] for k, r in ingress(got).items() if k.startswith("nodes-from-control-plane"))
    allowed = sorted(r["from_port"] for k, r in egress(got).items() if k.startswith("control-plane-to-nodes"))
    assert (opened, allowed) == ([443, 8443, 9443, 10250], [443, 8443, 9443, 10250])


def test_control_plane_ports_without_8443_by_default(doc: Synth) -> None:
    assert "nodes-from-control-plane-8443" not in ingress(doc)


def test_control_plane_port_rule_names_the_port() -> None:
    got = build(dataclasses.replace(PROPS, control_plane_to_node_ports=[10250, 8443]))  # type: ignore[arg-type]
    rule = ingress(got)["nodes-from-control-plane-8443"]
    assert (rule["from_port"], rule["to_port"], rule["ip_protocol"]) == (8443, 8443, "tcp")


def test_control_plane_443_from_nodes(doc: Synth) -> None:
    rule = ingress(doc)["control-plane-from-nodes"]
    assert (rule["from_port"], rule["referenced_security_group_id"]) == (443, group_ref(doc, "nodes"))


def test_control_plane_egress_to_nodes(doc: Synth) -> None:
    ports = sorted(r["from_port"] for k, r in egress(doc).items() if k.startswith("control-plane-to-nodes"))
    assert ports == sorted(CONTROL_PLANE_TO_NODE_PORTS)


def test_nodes_egress_inside_vpc(doc: Synth) -> None:
    assert egress(doc)["nodes-to-vpc"]["cidr_ipv4"] == "10.10.0.0/16"


def test_nodes_egress_to_internet_default_443(doc: Synth) -> None:
    assert [r["from_port"] for k, r in egress(doc).items() if k.startswith("nodes-to-internet")] == [443]


def test_nodes_egress_to_internet_custom_ports(custom: Synth) -> None:
    assert sorted(r["from_port"] for k, r in egress(custom).items() if k.startswith("nodes-to-internet")) == [
        443,
        8443,
    ]


def test_no_ssh_anywhere(doc: Synth) -> None:
    assert not any(r.get("from_port") == 22 for r in ingress(doc).values())


def test_internet_ingress_to_nodes_is_refused() -> None:
    def _build(stack: TerraformStack) -> None:
        groups = SecurityGroups(stack, "sg", props=PROPS)
        groups.add_ingress(
            "bad",
            groups.node_security_group_id,
            options=SecurityGroupRuleOptions(description="x", port=22, cidr="0.0.0.0/0"),
        )

    with pytest.raises(ConfigError, match=r"security_groups\.bad.*only the load balancer's ports 80 and 443"):
        synth(_build)


def test_all_protocols_from_cidr_is_refused() -> None:
    def _build(stack: TerraformStack) -> None:
        groups = SecurityGroups(stack, "sg", props=PROPS)
        groups.add_ingress(
            "bad", groups.node_security_group_id, options=SecurityGroupRuleOptions(description="x", cidr="10.0.0.0/8")
        )

    with pytest.raises(ConfigError, match="all-protocol ingress must come from a security group"):
        synth(_build)


def test_bad_prefix() -> None:
    with pytest.raises(ConfigError, match=r"security_groups\.name_prefix"):
        build(dataclasses.replace(PROPS, name_prefix="Bad_Prefix"))


def test_bad_vpc_cidr() -> None:
    with pytest.raises(ConfigError, match=r"security_groups\.vpc_cidr.*host bits"):
        build(dataclasses.replace(PROPS, vpc_cidr="10.10.0.1/16"))


def test_bad_target_port_range() -> None:
    # The node-port rules' one home (network.config.require_node_ports): the same message as the config's.
    with pytest.raises(ConfigError, match=r"^`security_groups\.node_target_ports`: must be a \(from, to\) pair"):
        build(dataclasses.replace(PROPS, node_target_ports=(2000, 1000)))


def test_bad_egress_port() -> None:
    with pytest.raises(ConfigError, match=r"node_internet_egress_ports\[0\]"):
        build(dataclasses.replace(PROPS, node_internet_egress_ports=(0,)))


def test_duplicate_egress_port() -> None:
    with pytest.raises(ConfigError, match="port must be unique"):
        build(dataclasses.replace(PROPS, node_internet_egress_ports=(1, 1)))


def test_bad_control_plane_port() -> None:
    with pytest.raises(ConfigError, match=r"`security_groups\.control_plane_to_node_ports\[1\]`.*70000"):
        build(dataclasses.replace(PROPS, control_plane_to_node_ports=(10250, 70000)))


def test_duplicate_control_plane_port() -> None:
    with pytest.raises(ConfigError, match=r"`security_groups\.control_plane_to_node_ports`: .*port must be unique"):
        build(dataclasses.replace(PROPS, control_plane_to_node_ports=(10250, 443, 443)))


def test_control_plane_ports_need_the_kubelet() -> None:
    with pytest.raises(
        ConfigError, match=r"`security_groups\.control_plane_to_node_ports`: must include the kubelet's port 10250"
    ):
        build(dataclasses.replace(PROPS, control_plane_to_node_ports=(443, 9443)))


def test_network_props_pass_the_control_plane_ports() -> None:
    """NetworkProps.control_plane_to_node_ports reaches the node group's rules (the stack passes the add-ons' ports)."""
    got = synth(lambda stack: _network(stack, PROD.network, control_plane_to_node_ports=(443, 8443, 10250)))
    rules = resources(got, "aws_vpc_security_group_ingress_rule")
    assert sorted(r["from_port"] for k, r in rules.items() if "nodes-from-control-plane" in k) == [443, 8443, 10250]
