"""VPC endpoints: AWS traffic that stays on the AWS network instead of crossing a NAT gateway.

* An S3 **gateway** endpoint (free) on the private and database route tables: ECR image layers are
  served from S3, so this is most of seed 000's image-pull savings.
* **Interface** endpoints (PrivateLink, ~7 USD/month per AZ each) in the private subnets, with private
  DNS, behind one security group that accepts HTTPS from the VPC CIDR only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.security_group import SecurityGroup
from cdktf_cdktf_provider_aws.vpc_endpoint import VpcEndpoint
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from constructs_lib.network.config import DEFAULT_INTERFACE_ENDPOINTS
from constructs_lib.stack import NAME_PREFIX, REGION, from_environment
from constructs_lib.validation import parse_network, require, require_name_prefix, require_unique

__all__ = ["VpcEndpoints", "VpcEndpointsProps"]


@dataclass(frozen=True, kw_only=True)
class VpcEndpointsProps:
    """Where the endpoints go."""

    vpc_id: str
    #: Only this range may reach the interface endpoints (HTTPS).
    vpc_cidr: str
    #: Subnets of the interface endpoints' ENIs (the private subnets, one per AZ).
    subnet_ids: Sequence[str]
    #: Route tables that get the S3 gateway endpoint (private and database).
    gateway_route_table_ids: Sequence[str]
    #: Interface endpoint services (suffix after ``com.amazonaws.<region>.``). Default: ECR (api,
    #: dkr), logs and sts: what nodes need to pull images and ship logs without NAT.
    interface_services: Sequence[str] = DEFAULT_INTERFACE_ENDPOINTS
    #: Environment prefix of the security group's name, e.g. ``eks-platform-dev``.
    #: Default None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: AWS region code of the endpoint services (``com.amazonaws.<region>.<service>``). Default None:
    #: the stack's environment's (``config.region``); outside an ``EnvironmentStack`` a ConfigError.
    region: str | None = None


class VpcEndpoints(Construct):
    """The S3 gateway endpoint and the interface endpoints with their security group.

    Attributes: ``security_group_id``, ``s3_endpoint_id``, ``interface_endpoint_ids`` (service -> id).
    """

    def __init__(self, scope: Construct, id: str, *, props: VpcEndpointsProps) -> None:
        name_prefix = from_environment(scope, "endpoints.name_prefix", props.name_prefix, NAME_PREFIX)
        region = from_environment(scope, "endpoints.region", props.region, REGION)
        super().__init__(scope, id)
        require_name_prefix("endpoints.name_prefix", name_prefix)
        parse_network("endpoints.vpc_cidr", props.vpc_cidr)
        require(
            len(props.subnet_ids) > 0,
            "endpoints.subnet_ids",
            "must list at least one subnet for the interface endpoints",
            list(props.subnet_ids),
            "pass the private subnet ids",
        )
        require_unique("endpoints.interface_services", props.interface_services, "endpoint service")
        services = tuple(props.interface_services)
        prefix = f"com.amazonaws.{region}"

        s3 = VpcEndpoint(
            self,
            "s3",
            vpc_id=props.vpc_id,
            service_name=f"{prefix}.s3",
            vpc_endpoint_type="Gateway",
            route_table_ids=list(props.gateway_route_table_ids),
            tags={"Name": f"{name_prefix}-s3"},
        )
        self.s3_endpoint_id: str = s3.id

        name = f"{name_prefix}-vpc-endpoints"
        group = SecurityGroup(
            self,
            "security-group",
            name=name,
            description="Interface VPC endpoints: HTTPS from inside the VPC",
            vpc_id=props.vpc_id,
            tags={"Name": name},
        )
        VpcSecurityGroupIngressRule(
            self,
            "https-from-vpc",
            security_group_id=group.id,
            description="HTTPS from inside the VPC to the interface endpoints",
            ip_protocol="tcp",
            from_port=443,
            to_port=443,
            cidr_ipv4=props.vpc_cidr,
        )
        self.security_group_id: str = group.id

        self.interface_endpoint_ids: dict[str, str] = {}
        for service in services:
            endpoint = VpcEndpoint(
                self,
                service.replace(".", "-"),
                vpc_id=props.vpc_id,
                service_name=f"{prefix}.{service}",
                vpc_endpoint_type="Interface",
                subnet_ids=list(props.subnet_ids),
                security_group_ids=[group.id],
                private_dns_enabled=True,
                tags={"Name": f"{name_prefix}-{service.replace('.', '-')}"},
            )
            self.interface_endpoint_ids[service] = endpoint.id
