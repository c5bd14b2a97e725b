"""NetworkConfig: defaults and every validation message."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from constructs_lib.errors import ConfigError
from constructs_lib.network.config import (
    DEFAULT_INTERFACE_ENDPOINTS,
    PRIVATE_CLUSTER_ENDPOINTS,
    SSM_ENDPOINTS,
    BastionMode,
    NatMode,
    NetworkConfig,
    PodAddressing,
    flow_log_retention_days,
)
from constructs_lib.stage import Stage

REGION = "us-east-1"
BASE = NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=("us-east-1a", "us-east-1b"))
SSH: dict[str, Any] = {
    "bastion_mode": BastionMode.SSM_AND_SSH,
    "bastion_ssh_cidrs": ("203.0.113.0/24",),
    "bastion_ssh_key_name": "ops",
}


def check(*, stage: Stage = Stage.DEV, **changes: Any) -> None:
    dataclasses.replace(BASE, **changes).validate("dev.network", region=REGION, stage=stage)


def test_base_config_is_valid() -> None:
    check()


def test_default_nat_mode_is_single() -> None:
    assert BASE.nat_mode is NatMode.SINGLE


def test_default_pod_addressing_is_prefix_delegation() -> None:
    assert BASE.pod_addressing is PodAddressing.PREFIX_DELEGATION


def test_default_bastion_is_ssm_t3_micro() -> None:
    assert (BASE.bastion_mode, BASE.bastion_instance_type) == (BastionMode.SSM, "t3.micro")


def test_default_interface_endpoints() -> None:
    assert BASE.interface_endpoints == ("ecr.api", "ecr.dkr", "logs", "sts")


def test_extra_interface_endpoints_are_appended_sorted() -> None:
    config = dataclasses.replace(BASE, extra_interface_endpoints=("ssm", "secretsmanager"))
    assert config.interface_endpoints == (*DEFAULT_INTERFACE_ENDPOINTS, "secretsmanager", "ssm")


def test_lists_are_copied_to_tuples() -> None:
    config = NetworkConfig(vpc_cidr="10.10.0.0/16", availability_zones=["us-east-1a", "us-east-1b"])  # type: ignore[arg-type]
    assert isinstance(config.availability_zones, tuple)


def test_flow_log_retention_default_prod() -> None:
    assert flow_log_retention_days(BASE, stage=Stage.PROD) == 365


def test_flow_log_retention_default_elsewhere() -> None:
    assert flow_log_retention_days(BASE, stage=Stage.DEV) == 30


def test_flow_log_retention_override() -> None:
    config = dataclasses.replace(BASE, flow_log_retention_days=90)
    assert flow_log_retention_days(config, stage=Stage.DEV) == 90


def test_vpc_cidr_host_bits() -> None:
    with pytest.raises(ConfigError, match=r"dev\.network\.vpc_cidr.*host bits zero"):
        check(vpc_cidr="10.10.1.0/16")


def test_vpc_cidr_must_be_private() -> None:
    with pytest.raises(ConfigError, match="RFC 1918"):
        check(vpc_cidr="8.8.0.0/16")


def test_vpc_cidr_prefix_range() -> None:
    with pytest.raises(ConfigError, match="prefix from /16 to /20"):
        check(vpc_cidr="10.10.0.0/22")


def test_nat_mode_must_be_enum() -> None:
    with pytest.raises(ConfigError, match="NONE, SINGLE, PER_AZ"):
        check(nat_mode="PER_AZ")


def test_zone_count() -> None:
    with pytest.raises(ConfigError, match="from 2 to 6 availability zones"):
        check(availability_zones=("us-east-1a",))


def test_zones_unique() -> None:
    with pytest.raises(ConfigError, match="availability zone must be unique"):
        check(availability_zones=("us-east-1a", "us-east-1a"))


def test_zone_in_region() -> None:
    with pytest.raises(ConfigError, match=r"availability_zones\[1\].*region us-east-1"):
        check(availability_zones=("us-east-1a", "eu-west-1b"))


def test_pod_addressing_must_be_enum() -> None:
    with pytest.raises(ConfigError, match="must be one of SECONDARY_IPS, PREFIX_DELEGATION"):
        check(pod_addressing="SECONDARY_IPS")


def test_extra_endpoint_spelling() -> None:
    with pytest.raises(ConfigError, match="AWS service suffix"):
        check(extra_interface_endpoints=("Secrets Manager",))


def test_extra_endpoint_suffix_only() -> None:
    with pytest.raises(ConfigError, match=r"extra_interface_endpoints\[0\].*AWS service suffix"):
        check(extra_interface_endpoints=("com.amazonaws.us-east-1.ssm",))


def test_extra_endpoint_not_default() -> None:
    with pytest.raises(ConfigError, match="already one of the default interface endpoints"):
        check(extra_interface_endpoints=("sts",))


def test_extra_endpoint_not_s3() -> None:
    with pytest.raises(ConfigError, match="gateway endpoint"):
        check(extra_interface_endpoints=("s3",))


def test_extra_endpoint_unique() -> None:
    with pytest.raises(ConfigError, match="endpoint service must be unique"):
        check(extra_interface_endpoints=("ssm", "ssm"))


def test_no_nat_needs_private_cluster_endpoints() -> None:
    with pytest.raises(
        ConfigError,
        match=r"`dev\.network\.extra_interface_endpoints`: must include the endpoints EKS nodes and add-ons need when "
        r"nat_mode is NONE \(missing \['autoscaling', 'eks', 'eks-auth', 'elasticloadbalancing'\]\) \(got \['ec2'\]\)",
    ):
        check(nat_mode=NatMode.NONE, bastion_mode=BastionMode.NONE, extra_interface_endpoints=("ec2",))


def test_no_nat_with_bastion_needs_ssm_endpoints() -> None:
    with pytest.raises(ConfigError, match=r"Session Manager endpoints.*missing \['ec2messages', 'ssm'"):
        check(nat_mode=NatMode.NONE, extra_interface_endpoints=(*PRIVATE_CLUSTER_ENDPOINTS, "ssmmessages"))


def test_no_nat_with_ssm_endpoints_is_valid() -> None:
    check(nat_mode=NatMode.NONE, extra_interface_endpoints=(*PRIVATE_CLUSTER_ENDPOINTS, *SSM_ENDPOINTS))


def test_no_nat_without_bastion_is_valid() -> None:
    check(nat_mode=NatMode.NONE, bastion_mode=BastionMode.NONE, extra_interface_endpoints=PRIVATE_CLUSTER_ENDPOINTS)


def test_flow_log_retention_allowed_values() -> None:
    with pytest.raises(
        ConfigError,
        match=r"`dev\.network\.flow_log_retention_days`: must be a retention period CloudWatch Logs accepts",
    ):
        check(flow_log_retention_days=100)


def test_flow_log_retention_prod_minimum() -> None:
    with pytest.raises(
        ConfigError, match=r"`dev\.network\.flow_log_retention_days`: must be at least 365 days in prod"
    ):
        check(stage=Stage.PROD, flow_log_retention_days=90)


def test_node_target_ports_order() -> None:
    with pytest.raises(ConfigError, match=r"node_target_ports.*from <= to"):
        check(node_target_ports=(9000, 8000))


def test_node_internet_egress_port_range() -> None:
    with pytest.raises(ConfigError, match=r"node_internet_egress_ports\[0\].*from 1 to 65535"):
        check(node_internet_egress_ports=(0,))


def test_node_internet_egress_ports_unique() -> None:
    with pytest.raises(ConfigError, match="port must be unique"):
        check(node_internet_egress_ports=(443, 443))


def test_bastion_mode_must_be_enum() -> None:
    with pytest.raises(ConfigError, match="SSM, SSM_AND_SSH, NONE"):
        check(bastion_mode="SSM")


def test_bastion_instance_type() -> None:
    with pytest.raises(ConfigError, match=r"bastion_instance_type.*family\.size"):
        check(bastion_instance_type="micro")


def test_bastion_ssh_valid() -> None:
    check(**SSH)


def test_bastion_ssh_rejects_anywhere() -> None:
    with pytest.raises(ConfigError, match=r"bastion_ssh_cidrs\[0\].*must not be 0\.0\.0\.0/0"):
        check(**{**SSH, "bastion_ssh_cidrs": ("0.0.0.0/0",)})


def test_bastion_ssh_cidrs_unique() -> None:
    with pytest.raises(ConfigError, match="CIDR must be unique"):
        check(**{**SSH, "bastion_ssh_cidrs": ("203.0.113.0/24", "203.0.113.0/24")})


def test_bastion_ssh_cidrs_need_ssh_mode() -> None:
    with pytest.raises(ConfigError, match=r"bastion_ssh_cidrs.*only applies when the bastion mode"):
        check(bastion_ssh_cidrs=("203.0.113.0/24",))


def test_bastion_ssh_mode_needs_cidrs() -> None:
    with pytest.raises(ConfigError, match="must list the CIDRs allowed to SSH"):
        check(**{**SSH, "bastion_ssh_cidrs": ()})


def test_bastion_key_needs_ssh_mode() -> None:
    with pytest.raises(ConfigError, match=r"bastion_ssh_key_name.*only applies when the bastion mode"):
        check(bastion_ssh_key_name="ops")


def test_bastion_ssh_mode_needs_key() -> None:
    with pytest.raises(ConfigError, match="must name an existing EC2 key pair"):
        check(**{**SSH, "bastion_ssh_key_name": None})


def test_fixture_environments_networks_are_valid() -> None:
    from tests.fixtures import ENVIRONMENTS

    for environment in ENVIRONMENTS:
        environment.network.validate(
            f"{environment.name}.network", region=environment.region, stage=environment.stage
        )


def test_read_from_plain_data() -> None:
    from constructs_lib.config import from_dict

    config = from_dict(
        NetworkConfig,
        {
            "vpc_cidr": "10.10.0.0/16",
            "availability_zones": ["us-east-1a", "us-east-1b"],
            "nat_mode": "per_az",
            "pod_addressing": "secondary_ips",
            "node_target_ports": [30000, 32767],
            "bastion_mode": "ssm_and_ssh",
            "bastion_ssh_cidrs": ["203.0.113.0/24"],
            "bastion_ssh_key_name": "ops",
            "flow_log_retention_days": 90,
        },
        "dev.network",
    )
    config.validate("dev.network", region=REGION, stage=Stage.DEV)
    assert (config.nat_mode, config.pod_addressing, config.node_target_ports, config.bastion_mode) == (
        NatMode.PER_AZ,
        PodAddressing.SECONDARY_IPS,
        (30000, 32767),
        BastionMode.SSM_AND_SSH,
    )
