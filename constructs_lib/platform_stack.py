"""A whole environment as one stack: the library's tiers wired together through their typed attributes.

``PlatformStack(app, config)`` builds everything an :class:`~constructs_lib.config.EnvironmentConfig`
describes (network, cluster, registry, identity, add-ons, baseline, applications) and
``build_app(configs)`` one such stack per environment; the reference app (``main.py`` with
``stacks/environments.py``) is only data and a call to it, so a pip user gets the same platform.
"""

from __future__ import annotations

from collections.abc import Iterable

from cdktf import App, TerraformOutput
from constructs import Construct

from constructs_lib.apps.application import Applications, ApplicationsProps
from constructs_lib.cluster.eks_cluster import AddonPodIdentity, EksCluster, EksClusterProps
from constructs_lib.config import EnvironmentConfig, Stage
from constructs_lib.identity import presets
from constructs_lib.identity.irsa import IrsaRole, IrsaRoleProps, Permissions, ServiceAccountMode
from constructs_lib.identity.pod_identity import (
    AssociationMode,
    PodIdentityRole,
    PodIdentityRoleProps,
    ServiceAccountRef,
)
from constructs_lib.network.cidr import Tier
from constructs_lib.network.vpc import Network, NetworkProps
from constructs_lib.platform.addons import PlatformAddons, PlatformAddonsProps
from constructs_lib.platform.backup import BackupBucket
from constructs_lib.platform.baseline import ClusterBaseline
from constructs_lib.platform.catalog import CATALOG, PodSecurityLevel, control_plane_ports
from constructs_lib.platform.providers import ClusterConnection, KubernetesProviders
from constructs_lib.registry.ecr import EcrRegistry, EcrRegistryProps
from constructs_lib.security.context import AwsContext
from constructs_lib.stack import EnvironmentStack

__all__ = ["PlatformStack", "build_app"]

#: The EBS CSI controller's service account (the add-on creates it in kube-system).
EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa"


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
                control_plane_to_node_ports=control_plane_ports(config.addons),
            ),
        )
        self.cluster = EksCluster(
            self,
            "cluster",
            props=EksClusterProps(
                name_prefix=config.prefix,
                config=config.cluster,
                node_groups=config.node_groups,
                private_subnet_ids=self.network.private_subnet_ids,
                control_plane_security_group_id=self.network.control_plane_security_group_id,
                node_security_group_id=self.network.node_security_group_id,
                context=self.context,
                production=config.production,
                instance_tags=self.default_tags,
                pod_addressing=config.network.pod_addressing,
                sandbox=config.stage is Stage.DEV,
            ),
        )
        # The EBS CSI controller gets AWS credentials from EKS Pod Identity: the add-on creates the
        # association, the role trusts pods.eks.amazonaws.com for kube-system/ebs-csi-controller-sa of
        # this cluster only. The construct id stays "irsa-ebs-csi" (the role was an IRSA role before):
        # the same terraform address, so the role's trust policy is updated in place instead of the
        # role being replaced under the running driver.
        self.ebs_csi_role = PodIdentityRole(
            self,
            "irsa-ebs-csi",
            props=PodIdentityRoleProps(
                name_prefix=config.prefix,
                name="ebs-csi",
                cluster_name=self.cluster.cluster_name,
                service_accounts=(ServiceAccountRef("kube-system", EBS_CSI_SERVICE_ACCOUNT),),
                permissions=presets.ebs_csi_driver(self.context),
                association_mode=AssociationMode.ADDON,
            ),
        )
        self.ebs_csi_addon = self.cluster.add_managed_addon(
            "aws-ebs-csi-driver",
            pod_identity=AddonPodIdentity(EBS_CSI_SERVICE_ACCOUNT, self.ebs_csi_role.role_arn),
            # The controller (a deployment) runs on the system group; the node daemonset stays everywhere.
            configuration_values=self.cluster.system_addon_values("aws-ebs-csi-driver"),
        )
        self.registry = EcrRegistry(
            self,
            "registry",
            context=self.context,
            props=EcrRegistryProps(
                name_prefix=config.prefix,
                production=config.production,
                node_role_arn=self.cluster.node_role_arn,
                node_role_name=self.cluster.node_role_name,
                repositories=config.repositories,
                config=config.registry,
            ),
        )
        self._platform()
        self._network_outputs()
        self._cluster_outputs()

    def irsa_role(self, name: str, namespace: str, service_account: str, permissions: Permissions) -> IrsaRole:
        """An IRSA role ``<prefix>-<name>`` for ``namespace:service_account``; the chart or the
        application construct creates the service account with the role's annotation."""
        return IrsaRole(
            self,
            f"irsa-{name}",
            props=IrsaRoleProps(
                name_prefix=self.config.prefix,
                name=name,
                oidc_provider_arn=self.cluster.oidc_provider_arn,
                oidc_issuer_host=self.cluster.oidc_issuer_host,
                namespace=namespace,
                service_account=service_account,
                permissions=permissions,
                service_account_mode=ServiceAccountMode.EXTERNAL,
            ),
        )

    def _platform(self) -> None:
        """Kubernetes and Helm providers, add-ons with their IRSA roles, the baseline, the applications."""
        config, cluster, context = self.config, self.cluster, self.context
        addons = config.addons
        KubernetesProviders(
            self,
            "kubernetes",
            connection=ClusterConnection(
                cluster_name=cluster.cluster_name,
                endpoint=cluster.endpoint,
                certificate_authority_data=cluster.certificate_authority_data,
                region=config.region,
            ),
        )
        self.backup = (
            BackupBucket(
                self,
                "backup",
                context=context,
                name_prefix=config.prefix,
                production=config.production,
                # A deleted backup stays recoverable for as long as it would have lived.
                noncurrent_version_days=addons.backup.retention_days,
            )
            if addons.velero
            else None
        )

        def addon_role(addon: str, name: str, permissions: Permissions) -> str:
            entry = CATALOG[addon]
            return self.irsa_role(name, entry.namespace, entry.service_account, permissions).role_arn

        roles: dict[str, str] = {}
        if addons.aws_load_balancer_controller:
            roles["aws_load_balancer_controller"] = addon_role(
                "aws_load_balancer_controller",
                "alb-controller",
                presets.aws_load_balancer_controller(context, cluster_name=cluster.cluster_name),
            )
        if addons.cluster_autoscaler:
            roles["cluster_autoscaler"] = addon_role(
                "cluster_autoscaler",
                "cluster-autoscaler",
                presets.cluster_autoscaler(context, cluster_name=cluster.cluster_name),
            )
        if addons.external_secrets:
            roles["external_secrets"] = addon_role(
                "external_secrets", "external-secrets", presets.external_secrets(context, name_prefix=config.prefix)
            )
        if self.backup is not None:
            roles["velero"] = addon_role(
                "velero",
                "velero",
                presets.velero(context, bucket_arn=self.backup.bucket_arn, kms_key_arns=[self.backup.kms_key_arn]),
            )
        # Kubernetes objects wait for nodes, the deployer's cluster-admin access and DNS.
        ready = [*cluster.node_groups, *cluster.admin_access, cluster.coredns_addon, self.ebs_csi_addon]
        self.baseline = ClusterBaseline(self, "baseline", production=config.production, depends_on=ready)
        self.addons = PlatformAddons(
            self,
            "addons",
            props=PlatformAddonsProps(
                cluster_name=cluster.cluster_name,
                region=config.region,
                vpc_id=self.network.vpc_id,
                kubernetes_version=config.cluster.version,
                addons=addons,
                service_account_role_arns=roles,
                backup_bucket_name=self.backup.bucket_name if self.backup is not None else None,
                depends_on=[*ready, self.baseline.storage_class],
            ),
        )
        app_roles = {
            app.name: self.irsa_role(
                f"app-{app.name}",
                app.name,
                app.name,
                presets.application(context, name_prefix=config.prefix, app_name=app.name),
            ).role_arn
            for app in config.applications
            if app.needs_aws
        }
        Applications(
            self,
            "applications",
            props=ApplicationsProps(
                applications=config.applications,
                repository_urls=self.registry.repository_urls,
                name_prefix=config.prefix,
                production=config.production,
                service_account_role_arns=app_roles,
                # The Deployment complies with "restricted" in every stage, so dev enforces it too.
                pod_security=PodSecurityLevel.RESTRICTED,
                # An internet-facing ALB's nodes live in the public subnets: only they may reach an
                # application's port, not every pod of the VPC.
                load_balancer_cidrs=tuple(self.network.plan.cidrs(Tier.PUBLIC).values()),
                load_balancer_security_group_id=self.network.alb_security_group_id,
                ingress_controller_namespace=self.addons.ingress_controller_namespace,
                monitoring_namespace=self.addons.namespaces.get("kube_prometheus_stack"),
                secret_store=self.addons.secret_store_release,
                depends_on=[*self.baseline.priority_classes.values(), *self.addons.releases.values()],
            ),
        )

    def _output(self, name: str, value: object, description: str) -> None:
        TerraformOutput(self, name, value=value, description=description)

    def _network_outputs(self) -> None:
        network = self.network
        self._output("vpc_id", network.vpc_id, "ID of the environment's VPC")
        self._output("vpc_cidr", network.vpc_cidr, "IPv4 range of the VPC")
        self._output("public_subnet_ids", network.public_subnet_ids, "Public subnets (load balancers, NAT), one per AZ")
        self._output(
            "private_subnet_ids", network.private_subnet_ids, "Private subnets (EKS nodes and pods), one per AZ"
        )
        self._output("database_subnet_ids", network.database_subnet_ids, "Isolated database subnets, one per AZ")
        self._output("db_subnet_group_name", network.db_subnet_group_name, "DB subnet group over the database subnets")
        self._output(
            "alb_security_group_id", network.alb_security_group_id, "Security group for application load balancers"
        )
        self._output("node_security_group_id", network.node_security_group_id, "Security group for EKS worker nodes")
        self._output(
            "control_plane_security_group_id",
            network.control_plane_security_group_id,
            "Additional security group for the EKS control plane",
        )
        self._output(
            "flow_log_group_name", network.flow_log_group_name, "CloudWatch log group holding the VPC flow logs"
        )
        if network.bastion_autoscaling_group_name is not None:
            self._output(
                "bastion_autoscaling_group_name",
                network.bastion_autoscaling_group_name,
                "Auto scaling group of the SSM bastion (start a session on its instance with `aws ssm start-session`)",
            )

    def _cluster_outputs(self) -> None:
        cluster, config = self.cluster, self.config
        self._output("cluster_name", cluster.cluster_name, "EKS cluster name")
        self._output(
            "cluster_endpoint",
            cluster.endpoint,
            "Kubernetes API server URL (private unless public access is configured)",
        )
        self._output("cluster_arn", cluster.cluster_arn, "EKS cluster ARN")
        self._output("oidc_provider_arn", cluster.oidc_provider_arn, "IAM OIDC provider ARN for IRSA roles")
        self._output("node_role_arn", cluster.node_role_arn, "IAM role of the worker nodes")
        self._output(
            "configure_kubectl",
            f"aws eks update-kubeconfig --name {cluster.name} --region {config.region}",
            "Command that writes a kubeconfig entry for this cluster",
        )
        self._output(
            "ecr_repository_urls",
            dict(self.registry.repository_urls),
            "ECR repository URL per repository name (push images here)",
        )
        self._output(
            "platform_addons",
            sorted(self.addons.releases),
            "Add-ons installed with Helm (AddonsConfig names), each in its own namespace",
        )
        self._output(
            "application_namespaces",
            sorted(a.name for a in config.applications),
            "One namespace per application (PSS restricted, default-deny network policies, quota)",
        )
        if self.backup is not None:
            self._output(
                "backup_bucket_name",
                self.backup.bucket_name,
                "S3 bucket (KMS, versioned, private) velero writes the daily cluster backups to",
            )
        self._output(
            "ecr_pull_through_cache_prefixes",
            dict(self.registry.cache_prefixes),
            "ECR prefix per cached upstream: <registry>/<prefix>/<upstream image>",
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
