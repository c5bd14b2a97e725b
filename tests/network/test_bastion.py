"""The bastion: SSM by default with no inbound rule, SSH only from listed CIDRs, hardened instance."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConfigError
from constructs_lib.network.bastion import AL2023_AMI_PARAMETER, Bastion, BastionProps
from constructs_lib.network.config import BastionMode
from constructs_lib.security.context import AwsContext
from tests.helpers import Synth, data_sources, only, resources, synth


def build(**changes: Any) -> Synth:
    def _build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        props = BastionProps(
            name_prefix="eks-platform-dev",
            vpc_id="vpc-1",
            subnet_ids=["subnet-private-a", "subnet-private-b"],
        )
        Bastion(stack, "bastion", props=dataclasses.replace(props, **changes))

    return synth(_build)


@pytest.fixture(scope="module")
def ssm() -> Synth:
    return build()


@pytest.fixture(scope="module")
def ssh() -> Synth:
    return build(
        mode=BastionMode.SSM_AND_SSH,
        subnet_ids=["subnet-public-a"],
        ssh_cidrs=("203.0.113.0/24", "198.51.100.0/24"),
        ssh_key_name="platform-admins",
        instance_type="t3.small",
        control_plane_security_group_id="sg-0000000000000000f",
    )


def template(doc: Synth) -> Any:
    return only(doc, "aws_launch_template")


def test_ssm_has_no_inbound_rule(ssm: Synth) -> None:
    assert resources(ssm, "aws_vpc_security_group_ingress_rule") == {}


def test_ssm_egress_https_only(ssm: Synth) -> None:
    rule = only(ssm, "aws_vpc_security_group_egress_rule")
    assert (rule["from_port"], rule["to_port"], rule["ip_protocol"]) == (443, 443, "tcp")


def test_ssm_has_no_public_ip(ssm: Synth) -> None:
    assert template(ssm)["network_interfaces"][0]["associate_public_ip_address"] == "false"


def test_ssm_has_no_key_pair(ssm: Synth) -> None:
    assert "key_name" not in template(ssm)


def test_default_instance_type(ssm: Synth) -> None:
    assert template(ssm)["instance_type"] == "t3.micro"


def test_instance_type_option(ssh: Synth) -> None:
    assert template(ssh)["instance_type"] == "t3.small"


def test_imdsv2_required(ssm: Synth) -> None:
    assert template(ssm)["metadata_options"]["http_tokens"] == "required"


def test_imds_hop_limit_one(ssm: Synth) -> None:
    assert template(ssm)["metadata_options"]["http_put_response_hop_limit"] == 1


def test_root_volume_encrypted_gp3(ssm: Synth) -> None:
    ebs = template(ssm)["block_device_mappings"][0]["ebs"]
    assert (ebs["encrypted"], ebs["volume_type"]) == ("true", "gp3")


def test_ami_from_public_ssm_parameter(ssm: Synth) -> None:
    parameter = next(iter(data_sources(ssm, "aws_ssm_parameter").values()))
    assert parameter["name"] == AL2023_AMI_PARAMETER


def test_launch_template_uses_that_ami(ssm: Synth) -> None:
    assert template(ssm)["image_id"].startswith("${data.aws_ssm_parameter.")


def test_role_trusts_ec2_only(ssm: Synth) -> None:
    trust = json.loads(only(ssm, "aws_iam_role")["assume_role_policy"])["Statement"]
    assert [s["Principal"]["Service"] for s in trust] == ["ec2.amazonaws.com"]


def test_role_has_only_ssm_core(ssm: Synth) -> None:
    policy = only(ssm, "aws_iam_role_policy_attachment")["policy_arn"]
    assert policy.endswith(":iam::aws:policy/AmazonSSMManagedInstanceCore")


def test_role_name_is_prefixed(ssm: Synth) -> None:
    assert only(ssm, "aws_iam_role")["name"] == "eks-platform-dev-bastion"


def test_asg_of_exactly_one(ssm: Synth) -> None:
    asg = only(ssm, "aws_autoscaling_group")
    assert (asg["min_size"], asg["max_size"], asg["desired_capacity"]) == (1, 1, 1)


def test_asg_uses_latest_template_version(ssm: Synth) -> None:
    assert only(ssm, "aws_autoscaling_group")["launch_template"]["version"].endswith(".latest_version}")


def test_asg_rolls_on_template_change(ssm: Synth) -> None:
    assert only(ssm, "aws_autoscaling_group")["instance_refresh"]["strategy"] == "Rolling"


def test_asg_spans_given_subnets(ssm: Synth) -> None:
    assert only(ssm, "aws_autoscaling_group")["vpc_zone_identifier"] == ["subnet-private-a", "subnet-private-b"]


def test_ssh_rules_from_listed_cidrs_only(ssh: Synth) -> None:
    rules = [r for r in resources(ssh, "aws_vpc_security_group_ingress_rule").values() if r["from_port"] == 22]
    assert sorted(r["cidr_ipv4"] for r in rules) == ["198.51.100.0/24", "203.0.113.0/24"]


def test_ssh_rules_have_descriptions(ssh: Synth) -> None:
    assert all(r["description"] for r in resources(ssh, "aws_vpc_security_group_ingress_rule").values())


def test_ssh_gets_public_ip(ssh: Synth) -> None:
    assert template(ssh)["network_interfaces"][0]["associate_public_ip_address"] == "true"


def test_ssh_key_name(ssh: Synth) -> None:
    assert template(ssh)["key_name"] == "platform-admins"


def test_control_plane_accepts_bastion(ssh: Synth) -> None:
    rule = next(r for r in resources(ssh, "aws_vpc_security_group_ingress_rule").values() if r["from_port"] == 443)
    assert rule["security_group_id"] == "sg-0000000000000000f"


def test_ssh_anywhere_rejected() -> None:
    with pytest.raises(ConfigError, match=r"bastion\.ssh_cidrs\[0\].*must not be 0\.0\.0\.0/0"):
        build(mode=BastionMode.SSM_AND_SSH, ssh_cidrs=("0.0.0.0/0",), ssh_key_name="k")


def test_mode_none_rejected() -> None:
    with pytest.raises(ConfigError, match=r"bastion\.mode.*always creates an instance"):
        build(mode=BastionMode.NONE)


def test_needs_subnets() -> None:
    with pytest.raises(ConfigError, match=r"bastion\.subnet_ids.*at least one subnet"):
        build(subnet_ids=[])


def test_bad_prefix() -> None:
    with pytest.raises(ConfigError, match=r"bastion\.name_prefix"):
        build(name_prefix="UPPER")
