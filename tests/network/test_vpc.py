"""The Network construct: VPC, subnets, routing per NAT mode, database tier, flow logs, attributes."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConfigError
from constructs_lib.network.config import PRIVATE_CLUSTER_ENDPOINTS, BastionMode, NatMode, NetworkConfig
from constructs_lib.network.vpc import Network, NetworkProps
from constructs_lib.protections import Protections, Stage
from constructs_lib.security.context import AwsContext
from tests.fixtures import DEV, PROD
from tests.helpers import Synth, only, resources, synth

PREFIX = "eks-platform-prod"


def _network(stack: TerraformStack, config: NetworkConfig, **changes: Any) -> Network:
    """A prod-like Network of ``config`` in ``stack``; ``changes`` replace NetworkProps fields."""
    AwsContext(stack, region="us-east-1")
    props = NetworkProps(
        config=config,
        name_prefix=PREFIX,
        region="us-east-1",
        stage=Stage.PROD,
        protections=Protections.for_stage(Stage.PROD),
        path="prod.network",
    )
    return Network(stack, "network", props=dataclasses.replace(props, **changes))


def build(config: NetworkConfig, *, stage: Stage, keep: dict[str, Network] | None = None) -> Synth:
    production = stage is Stage.PROD

    def _build(stack: TerraformStack) -> None:
        network = _network(
            stack,
            config,
            name_prefix=PREFIX if production else "eks-platform-dev",
            stage=stage,
            protections=Protections.for_stage(stage),
            node_groups=(PROD if production else DEV).node_groups,
            path="network",
        )
        if keep is not None:
            keep["network"] = network

    return synth(_build)


@pytest.fixture(scope="module")
def built() -> tuple[Synth, Network]:
    keep: dict[str, Network] = {}
    return build(PROD.network, stage=Stage.PROD, keep=keep), keep["network"]


@pytest.fixture(scope="module")
def prod(built: tuple[Synth, Network]) -> Synth:
    return built[0]


@pytest.fixture(scope="module")
def network(built: tuple[Synth, Network]) -> Network:
    return built[1]


@pytest.fixture(scope="module")
def dev() -> Synth:
    return build(DEV.network, stage=Stage.DEV)


@pytest.fixture(scope="module")
def no_nat() -> Synth:
    config = dataclasses.replace(
        DEV.network,
        nat_mode=NatMode.NONE,
        bastion_mode=BastionMode.NONE,
        extra_interface_endpoints=PRIVATE_CLUSTER_ENDPOINTS,
    )
    return build(config, stage=Stage.DEV)


def subnets(doc: Synth, tier: str) -> dict[str, Any]:
    return {v["availability_zone"]: v for v in resources(doc, "aws_subnet").values() if v["tags"]["tier"] == tier}


def subnet_refs(doc: Synth, tier: str) -> set[str]:
    return {f"${{aws_subnet.{k}.id}}" for k, v in resources(doc, "aws_subnet").items() if v["tags"]["tier"] == tier}


def routes_by_table(doc: Synth) -> dict[str, dict[str, Any]]:
    return {r["route_table_id"]: r for r in resources(doc, "aws_route").values()}


def table_ref(doc: Synth, name: str) -> str:
    key = next(k for k, v in resources(doc, "aws_route_table").items() if v["tags"]["Name"] == name)
    return f"${{aws_route_table.{key}.id}}"


def nat_ref(doc: Synth, zone: str) -> str:
    key = next(k for k, v in resources(doc, "aws_nat_gateway").items() if v["tags"]["Name"].endswith(zone))
    return f"${{aws_nat_gateway.{key}.id}}"


def test_vpc_cidr(prod: Synth) -> None:
    assert only(prod, "aws_vpc")["cidr_block"] == "10.30.0.0/16"


def test_vpc_dns_support(prod: Synth) -> None:
    assert only(prod, "aws_vpc")["enable_dns_support"] is True


def test_vpc_dns_hostnames(prod: Synth) -> None:
    assert only(prod, "aws_vpc")["enable_dns_hostnames"] is True


def test_vpc_name_tag(prod: Synth) -> None:
    assert only(prod, "aws_vpc")["tags"]["Name"] == f"{PREFIX}-vpc"


def test_three_subnets_per_zone(prod: Synth) -> None:
    assert len(resources(prod, "aws_subnet")) == 9


def test_subnet_ids_come_from_zone_names(prod: Synth) -> None:
    assert any(key.startswith("network_private-us-east-1c_") for key in resources(prod, "aws_subnet"))


def test_private_subnet_cidrs(prod: Synth) -> None:
    assert subnets(prod, "private")["us-east-1b"]["cidr_block"] == "10.30.32.0/19"


def test_public_subnets_carry_elb_tag(prod: Synth) -> None:
    assert all(s["tags"]["kubernetes.io/role/elb"] == "1" for s in subnets(prod, "public").values())


def test_private_subnets_carry_internal_elb_tag(prod: Synth) -> None:
    assert all(s["tags"]["kubernetes.io/role/internal-elb"] == "1" for s in subnets(prod, "private").values())


def test_no_discovery_tags_by_default(prod: Synth) -> None:
    assert not any("karpenter.sh/discovery" in s["tags"] for s in resources(prod, "aws_subnet").values())


@pytest.fixture(scope="module")
def discovered() -> Synth:
    return synth(lambda stack: _network(stack, PROD.network, node_discovery_tags={"karpenter.sh/discovery": PREFIX}))


def test_discovery_tags_go_on_the_private_subnets_only(discovered: Synth) -> None:
    tagged = [s["tags"]["tier"] for s in resources(discovered, "aws_subnet").values() if "karpenter.sh/discovery" in s["tags"]]
    assert sorted(tagged) == ["private"] * 3


def test_discovery_tags_go_on_the_node_security_group_only(discovered: Synth) -> None:
    tagged = [g["name"] for g in resources(discovered, "aws_security_group").values() if "karpenter.sh/discovery" in g["tags"]]
    assert tagged == [f"{PREFIX}-nodes"]


def test_database_subnets_carry_no_elb_tag(prod: Synth) -> None:
    assert not any("kubernetes.io/role/elb" in s["tags"] for s in subnets(prod, "database").values())


def test_no_subnet_assigns_public_ips(prod: Synth) -> None:
    assert not any(s["map_public_ip_on_launch"] for s in resources(prod, "aws_subnet").values())


def test_internet_gateway(prod: Synth) -> None:
    assert only(prod, "aws_internet_gateway")["tags"]["Name"] == f"{PREFIX}-igw"


def test_public_route_to_internet_gateway(prod: Synth) -> None:
    route = routes_by_table(prod)[table_ref(prod, f"{PREFIX}-public")]
    assert route["gateway_id"].startswith("${aws_internet_gateway.")


def test_per_az_one_nat_per_zone(prod: Synth) -> None:
    assert len(resources(prod, "aws_nat_gateway")) == 3


def test_per_az_private_route_uses_own_zone_nat(prod: Synth) -> None:
    routes = routes_by_table(prod)
    assert all(
        routes[table_ref(prod, f"{PREFIX}-private-{zone}")]["nat_gateway_id"] == nat_ref(prod, zone)
        for zone in PROD.network.availability_zones
    )


def test_nat_eips_are_tagged(prod: Synth) -> None:
    assert sorted(e["tags"]["Name"] for e in resources(prod, "aws_eip").values()) == [
        f"{PREFIX}-nat-us-east-1{c}" for c in "abc"
    ]


def test_nat_eips_are_vpc_domain(prod: Synth) -> None:
    assert all(e["domain"] == "vpc" for e in resources(prod, "aws_eip").values())


def test_database_route_table_has_no_route(prod: Synth) -> None:
    assert table_ref(prod, f"{PREFIX}-database") not in routes_by_table(prod)


def test_database_subnets_use_database_table(prod: Synth) -> None:
    database = table_ref(prod, f"{PREFIX}-database")
    associated = [a for a in resources(prod, "aws_route_table_association").values() if a["route_table_id"] == database]
    assert len(associated) == 3


def test_db_subnet_group(prod: Synth) -> None:
    group = only(prod, "aws_db_subnet_group")
    assert (group["name"], len(group["subnet_ids"])) == (f"{PREFIX}-database", 3)


def test_default_security_group_has_no_rules(prod: Synth) -> None:
    group = only(prod, "aws_default_security_group")
    assert "ingress" not in group and "egress" not in group


def test_flow_log_captures_all_traffic(prod: Synth) -> None:
    assert only(prod, "aws_flow_log")["traffic_type"] == "ALL"


def test_flow_log_goes_to_cloudwatch(prod: Synth) -> None:
    assert only(prod, "aws_flow_log")["log_destination_type"] == "cloud-watch-logs"


def test_flow_log_group_is_kms_encrypted(prod: Synth) -> None:
    assert only(prod, "aws_cloudwatch_log_group")["kms_key_id"].startswith("${aws_kms_key.")


def test_flow_log_group_name_is_prefixed(prod: Synth) -> None:
    assert only(prod, "aws_cloudwatch_log_group")["name"] == f"/aws/vpc-flow-logs/{PREFIX}"


def test_prod_flow_log_retention(prod: Synth) -> None:
    assert only(prod, "aws_cloudwatch_log_group")["retention_in_days"] == 365


def test_dev_flow_log_retention(dev: Synth) -> None:
    assert only(dev, "aws_cloudwatch_log_group")["retention_in_days"] == 30


def test_prod_log_group_prevents_destroy(prod: Synth) -> None:
    assert only(prod, "aws_cloudwatch_log_group")["lifecycle"]["prevent_destroy"] is True


def test_prod_db_subnet_group_prevents_destroy(prod: Synth) -> None:
    assert only(prod, "aws_db_subnet_group")["lifecycle"]["prevent_destroy"] is True


def test_dev_db_subnet_group_can_be_destroyed(dev: Synth) -> None:
    assert "lifecycle" not in only(dev, "aws_db_subnet_group")


def test_dev_log_group_can_be_destroyed(dev: Synth) -> None:
    assert "lifecycle" not in only(dev, "aws_cloudwatch_log_group")


def test_prod_flow_log_key_prevents_destroy(prod: Synth) -> None:
    assert only(prod, "aws_kms_key")["lifecycle"]["prevent_destroy"] is True


def test_flow_log_key_alias_is_prefixed(prod: Synth) -> None:
    assert only(prod, "aws_kms_alias")["name"] == f"alias/{PREFIX}-vpc-flow-logs"


def flow_log_role(doc: Synth) -> dict[str, Any]:
    return next(r for r in resources(doc, "aws_iam_role").values() if r["name"].endswith("-vpc-flow-logs"))


def test_flow_log_role_trusts_only_flow_logs_of_this_account(prod: Synth) -> None:
    trust = json.loads(flow_log_role(prod)["assume_role_policy"])["Statement"][0]
    assert (trust["Principal"]["Service"], sorted(trust["Condition"])) == (
        "vpc-flow-logs.amazonaws.com",
        ["ArnLike", "StringEquals"],
    )


def test_flow_log_policy_is_scoped_to_its_log_group(prod: Synth) -> None:
    policy = json.loads(only(prod, "aws_iam_role_policy")["policy"])["Statement"][0]
    assert all(r.startswith("${aws_cloudwatch_log_group.") for r in policy["Resource"])


def test_flow_log_policy_actions(prod: Synth) -> None:
    policy = json.loads(only(prod, "aws_iam_role_policy")["policy"])["Statement"][0]
    assert policy["Action"] == ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]


def test_single_nat_is_in_first_zone(dev: Synth) -> None:
    assert only(dev, "aws_nat_gateway")["tags"]["Name"] == "eks-platform-dev-nat-us-east-1a"


def test_single_nat_serves_every_private_table(dev: Synth) -> None:
    nat = nat_ref(dev, "us-east-1a")
    private = [r for r in resources(dev, "aws_route").values() if "nat_gateway_id" in r]
    assert [r["nat_gateway_id"] for r in private] == [nat, nat]


def test_no_nat_creates_no_gateway(no_nat: Synth) -> None:
    assert resources(no_nat, "aws_nat_gateway") == {}


def test_no_nat_leaves_private_tables_without_default_route(no_nat: Synth) -> None:
    assert [r for r in resources(no_nat, "aws_route").values() if "gateway_id" not in r] == []


def test_no_bastion_creates_no_instance(no_nat: Synth) -> None:
    assert resources(no_nat, "aws_autoscaling_group") == {}


def test_attribute_subnet_lists_in_zone_order(network: Network) -> None:
    assert list(network.private_subnet_ids_by_az) == list(PROD.network.availability_zones)


def test_attribute_public_subnets(network: Network) -> None:
    assert len(network.public_subnet_ids) == 3


def test_attribute_database_subnets(network: Network) -> None:
    assert len(network.database_subnet_ids) == 3


def test_attribute_route_tables(network: Network) -> None:
    assert len(network.private_route_table_ids) == 3


def test_attribute_vpc_cidr(network: Network) -> None:
    assert network.vpc_cidr == "10.30.0.0/16"


def test_attribute_nat_gateways(network: Network) -> None:
    assert sorted(network.nat_gateway_ids_by_az) == list(PROD.network.availability_zones)


def test_attribute_security_groups(network: Network) -> None:
    ids = (
        network.alb_security_group_id,
        network.node_security_group_id,
        network.control_plane_security_group_id,
        network.endpoint_security_group_id,
    )
    assert len(set(ids)) == 4


def test_attribute_bastion(network: Network) -> None:
    assert network.bastion_autoscaling_group_name is not None


def test_attribute_capacity(network: Network) -> None:
    assert network.capacity is not None and network.capacity.required_ips == 10836


def test_attribute_flow_log_retention(network: Network) -> None:
    assert network.flow_log_retention_days == 365


def test_bad_name_prefix_is_rejected() -> None:
    with pytest.raises(ConfigError, match=r"network\.name_prefix.*DNS-1123"):
        synth(lambda stack: _network(stack, PROD.network, name_prefix="Eks_Platform"))


def test_config_is_validated_before_resources() -> None:
    with pytest.raises(ConfigError, match=r"prod\.network\.flow_log_retention_days.*at least 365"):
        synth(lambda stack: _network(stack, dataclasses.replace(PROD.network, flow_log_retention_days=30)))


def test_every_rule_in_the_network_has_a_description(prod: Synth) -> None:
    rules = [
        *resources(prod, "aws_vpc_security_group_ingress_rule").values(),
        *resources(prod, "aws_vpc_security_group_egress_rule").values(),
    ]
    assert all(rule.get("description") for rule in rules)


def test_only_the_alb_is_open_to_the_internet(prod: Synth) -> None:
    alb = next(k for k, v in resources(prod, "aws_security_group").items() if v["name"] == f"{PREFIX}-alb")
    opened = [
        (r["security_group_id"], r["from_port"])
        for r in resources(prod, "aws_vpc_security_group_ingress_rule").values()
        if r.get("cidr_ipv4") == "0.0.0.0/0"
    ]
    assert sorted(opened) == [(f"${{aws_security_group.{alb}.id}}", 80), (f"${{aws_security_group.{alb}.id}}", 443)]


def test_prod_bastion_in_private_subnets(prod: Synth) -> None:
    assert set(only(prod, "aws_autoscaling_group")["vpc_zone_identifier"]) == subnet_refs(prod, "private")


def test_ssh_bastion_in_public_subnets() -> None:
    config = dataclasses.replace(
        PROD.network,
        bastion_mode=BastionMode.SSM_AND_SSH,
        bastion_ssh_cidrs=("203.0.113.0/24",),
        bastion_ssh_key_name="ops",
    )
    doc = synth(lambda stack: _network(stack, config))
    assert set(only(doc, "aws_autoscaling_group")["vpc_zone_identifier"]) == subnet_refs(doc, "public")


def test_extra_endpoints_from_config() -> None:
    config = dataclasses.replace(PROD.network, extra_interface_endpoints=("secretsmanager",))
    doc = synth(lambda stack: _network(stack, config))
    services = {e["service_name"] for e in resources(doc, "aws_vpc_endpoint").values()}
    assert "com.amazonaws.us-east-1.secretsmanager" in services


def test_s3_gateway_on_private_and_database_tables(prod: Synth) -> None:
    gateway = next(e for e in resources(prod, "aws_vpc_endpoint").values() if e["vpc_endpoint_type"] == "Gateway")
    assert len(gateway["route_table_ids"]) == 4


def test_explicit_subnet_cidrs_reach_the_json() -> None:
    given = ("10.30.240.0/24", "10.30.241.0/24", "10.30.242.0/24")
    doc = synth(lambda stack: _network(stack, dataclasses.replace(PROD.network, database_subnet_cidrs=given)))
    assert sorted(s["cidr_block"] for s in subnets(doc, "database").values()) == list(given)


def test_capacity_failure_stops_synth() -> None:
    from constructs_lib.cluster.config import NodeGroupSpec

    def _build(stack: TerraformStack) -> None:
        _network(
            stack,
            dataclasses.replace(DEV.network, vpc_cidr="10.10.0.0/20"),
            name_prefix="eks-platform-dev",
            stage=Stage.DEV,
            protections=Protections.for_stage(Stage.DEV),
            node_groups=(NodeGroupSpec(name="apps", instance_types=("m5.xlarge",), min_size=1, desired_size=1, max_size=50),),
            path="dev.network",
            node_groups_path="dev.node_groups",
        )

    with pytest.raises(ConfigError, match=r"dev\.network\.private_subnet_cidrs.*too small for the node groups"):
        synth(_build)


@pytest.mark.parametrize("name", ["stage", "protections"])
def test_stage_and_protections_must_be_chosen_explicitly_outside_an_environment(name: str) -> None:
    # A prod network wired by hand in a plain stack cannot fall back to dev protections by omission
    # (in an EnvironmentStack it takes the environment's: tests/test_environment_inheritance.py).
    with pytest.raises(ConfigError, match=rf"`network\.{name}`: must be given outside an EnvironmentStack"):
        synth(lambda stack: _network(stack, PROD.network, **{name: None}))
