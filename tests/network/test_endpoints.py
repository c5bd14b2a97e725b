"""VPC endpoints: S3 gateway on the right tables, interface endpoints with private DNS, their SG."""

from __future__ import annotations

import dataclasses

import pytest

from constructs_lib.errors import ConfigError
from constructs_lib.network.endpoints import VpcEndpoints, VpcEndpointsProps
from tests.helpers import Synth, only, resources, synth

PROPS = VpcEndpointsProps(
    name_prefix="eks-platform-dev",
    region="us-east-1",
    vpc_id="vpc-1",
    vpc_cidr="10.10.0.0/16",
    subnet_ids=["subnet-a", "subnet-b"],
    gateway_route_table_ids=["rtb-private-a", "rtb-private-b", "rtb-database"],
)


def build(props: VpcEndpointsProps) -> Synth:
    return synth(lambda stack: VpcEndpoints(stack, "endpoints", props=props))


@pytest.fixture(scope="module")
def doc() -> Synth:
    return build(PROPS)


def interface(doc: Synth) -> dict[str, dict[str, object]]:
    return {
        str(e["service_name"]): e
        for e in resources(doc, "aws_vpc_endpoint").values()
        if e["vpc_endpoint_type"] == "Interface"
    }


def test_s3_gateway_endpoint(doc: Synth) -> None:
    gateway = [e for e in resources(doc, "aws_vpc_endpoint").values() if e["vpc_endpoint_type"] == "Gateway"]
    assert [e["service_name"] for e in gateway] == ["com.amazonaws.us-east-1.s3"]


def test_s3_gateway_on_private_and_database_tables(doc: Synth) -> None:
    gateway = next(e for e in resources(doc, "aws_vpc_endpoint").values() if e["vpc_endpoint_type"] == "Gateway")
    assert gateway["route_table_ids"] == ["rtb-private-a", "rtb-private-b", "rtb-database"]


def test_default_interface_endpoints(doc: Synth) -> None:
    assert sorted(interface(doc)) == [f"com.amazonaws.us-east-1.{s}" for s in ("ecr.api", "ecr.dkr", "logs", "sts")]


def test_interface_endpoints_use_private_dns(doc: Synth) -> None:
    assert all(e["private_dns_enabled"] is True for e in interface(doc).values())


def test_interface_endpoints_in_given_subnets(doc: Synth) -> None:
    assert all(e["subnet_ids"] == ["subnet-a", "subnet-b"] for e in interface(doc).values())


def test_endpoint_ids_derive_from_service(doc: Synth) -> None:
    assert any(k.startswith("endpoints_ecr-dkr_") for k in resources(doc, "aws_vpc_endpoint"))


def test_security_group_name(doc: Synth) -> None:
    assert only(doc, "aws_security_group")["name"] == "eks-platform-dev-vpc-endpoints"


def test_security_group_allows_443_from_vpc_only(doc: Synth) -> None:
    rule = only(doc, "aws_vpc_security_group_ingress_rule")
    assert (rule["from_port"], rule["to_port"], rule["cidr_ipv4"]) == (443, 443, "10.10.0.0/16")


def test_security_group_rule_has_description(doc: Synth) -> None:
    assert only(doc, "aws_vpc_security_group_ingress_rule")["description"]


def test_more_services_by_config() -> None:
    doc = build(dataclasses.replace(PROPS, interface_services=("secretsmanager",)))
    assert list(interface(doc)) == ["com.amazonaws.us-east-1.secretsmanager"]


def test_needs_subnets() -> None:
    with pytest.raises(ConfigError, match=r"endpoints\.subnet_ids.*at least one subnet"):
        build(dataclasses.replace(PROPS, subnet_ids=[]))


def test_services_unique() -> None:
    with pytest.raises(ConfigError, match="endpoint service must be unique"):
        build(dataclasses.replace(PROPS, interface_services=("sts", "sts")))


def test_bad_prefix() -> None:
    with pytest.raises(ConfigError, match=r"endpoints\.name_prefix"):
        build(dataclasses.replace(PROPS, name_prefix="Bad Prefix"))


def test_bad_vpc_cidr() -> None:
    with pytest.raises(ConfigError, match=r"endpoints\.vpc_cidr"):
        build(dataclasses.replace(PROPS, vpc_cidr="10.10.0.0/33"))
