"""The platform stack: wires the library's tiers together through their typed attributes."""

from __future__ import annotations

from collections.abc import Iterable

from cdktf import App, TerraformOutput
from constructs import Construct

from constructs_lib.config import EnvironmentConfig
from constructs_lib.network.vpc import Network, NetworkProps
from constructs_lib.security.context import AwsContext
from constructs_lib.stack import EnvironmentStack

__all__ = ["PlatformStack", "build_app"]


class PlatformStack(EnvironmentStack):
    """Everything one environment runs, in dependency order: network, cluster, registry and
    identity, platform add-ons, applications."""

    def __init__(self, scope: Construct, config: EnvironmentConfig) -> None:
        super().__init__(scope, config)
        path = config.name
        self.context = AwsContext(self, "aws-context", region=config.region)
        self.network = Network(
            self,
            "network",
            props=NetworkProps(
                config=config.network,
                name_prefix=config.prefix,
                region=config.region,
                context=self.context,
                production=config.production,
                node_groups=config.node_groups,
                path=f"{path}.network",
                node_groups_path=f"{path}.node_groups",
            ),
        )
        self._network_outputs()

    def _output(self, name: str, value: object, description: str) -> None:
        TerraformOutput(self, name, value=value, description=description)

    def _network_outputs(self) -> None:
        network = self.network
        self._output("vpc_id", network.vpc_id, "ID of the environment's VPC")
        self._output("vpc_cidr", network.vpc_cidr, "IPv4 range of the VPC")
        self._output("public_subnet_ids", network.public_subnet_ids, "Public subnets (load balancers, NAT), one per AZ")
        self._output("private_subnet_ids", network.private_subnet_ids, "Private subnets (EKS nodes and pods), one per AZ")
        self._output("database_subnet_ids", network.database_subnet_ids, "Isolated database subnets, one per AZ")
        self._output("db_subnet_group_name", network.db_subnet_group_name, "DB subnet group over the database subnets")
        self._output("alb_security_group_id", network.alb_security_group_id, "Security group for application load balancers")
        self._output("node_security_group_id", network.node_security_group_id, "Security group for EKS worker nodes")
        self._output(
            "control_plane_security_group_id",
            network.control_plane_security_group_id,
            "Additional security group for the EKS control plane",
        )
        self._output("flow_log_group_name", network.flow_log_group_name, "CloudWatch log group holding the VPC flow logs")
        if network.bastion_autoscaling_group_name is not None:
            self._output(
                "bastion_autoscaling_group_name",
                network.bastion_autoscaling_group_name,
                "Auto scaling group of the SSM bastion (start a session on its instance with `aws ssm start-session`)",
            )


def build_app(environments: Iterable[EnvironmentConfig], *, outdir: str | None = None) -> App:
    """Validate every environment, then build one stack per environment in a new App.

    All configs are validated before the first stack is built, so a bad prod config stops the
    run before dev's resources are created.
    """
    environments = tuple(environments)
    for environment in environments:
        environment.validate()
    app = App(outdir=outdir) if outdir else App()
    for environment in environments:
        PlatformStack(app, environment)
    return app
