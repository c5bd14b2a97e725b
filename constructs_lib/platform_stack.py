"""A whole environment as one stack: the library's tiers wired together through their typed attributes.

``PlatformStack(app, config)`` builds everything an :class:`~constructs_lib.config.EnvironmentConfig`
describes (network, cluster, registry, identity, add-ons, baseline, applications) and
``build_app(configs)`` one such stack per environment; the reference app (``main.py`` with
``stacks/environments.py``) is only data and a call to it, so a pip user gets the same platform.

Fewer tiers, same addresses: ``NetworkStack(app, config)`` builds the network alone and
``ClusterStack(app, config)`` the network, cluster and registry (nothing that talks to the
Kubernetes API); each checks only the tiers of the config it builds
(:class:`~constructs_lib.config.ConfigTier`). ``PlatformStack`` extends ``ClusterStack``, which
extends ``NetworkStack``, so a construct has the same terraform address in all three.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from cdktf import App, TerraformOutput, TerraformResource
from cdktf_cdktf_provider_helm.release import Release
from constructs import Construct

from constructs_lib.apps.application import (
    Application,
    ApplicationOptions,
    Applications,
    ApplicationsProps,
    DatabaseConnection,
)
from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.apps.rules import stateful_workload_backed_up
from constructs_lib.apps.stateful import StatefulWorkload, StatefulWorkloadProps
from constructs_lib.cluster.config import IdentityMode, NodeGroupSpec
from constructs_lib.cluster.eks_cluster import AddonPodIdentity, EksCluster, EksClusterProps, ManagedAddonOptions
from constructs_lib.cluster.karpenter import (
    DISCOVERY_TAG,
    KarpenterInterruption,
    KarpenterInterruptionProps,
    KarpenterNodes,
)
from constructs_lib.cluster.node_group import ManagedNodeGroup
from constructs_lib.config import ConfigTier, EnvironmentConfig
from constructs_lib.data.bucket import ApplicationBucket, ApplicationBucketProps
from constructs_lib.data.postgres import PostgresDatabase, PostgresDatabaseProps
from constructs_lib.identity import presets
from constructs_lib.identity.irsa import IrsaRole, IrsaRoleProps, Permissions, ServiceAccountMode
from constructs_lib.identity.pod_identity import (
    AssociationMode,
    PodIdentityRole,
    PodIdentityRoleProps,
    ServiceAccountRef,
)
from constructs_lib.identity.workload import WorkloadRole
from constructs_lib.network.cidr import Tier
from constructs_lib.network.vpc import Network, NetworkProps
from constructs_lib.platform.addon import Addon, PermissionsContext
from constructs_lib.platform.addons import AddonIdentity, PlatformAddons, PlatformAddonsProps
from constructs_lib.platform.backup import BackupBucket, BackupBucketProps
from constructs_lib.platform.baseline import ClusterBaseline, ClusterBaselineProps
from constructs_lib.platform.catalog import PodSecurityLevel, control_plane_ports
from constructs_lib.platform.providers import ClusterConnection, KubernetesProviders, KubernetesProvidersProps
from constructs_lib.registry.ecr import EcrRegistry, EcrRegistryProps
from constructs_lib.security.context import AwsContext
from constructs_lib.stack import EnvironmentStack
from constructs_lib.validation import require

__all__ = ["ClusterStack", "NetworkStack", "PlatformStack", "build_app"]

#: Resource types whose objects run pods (they wait for every node group).
_WORKLOAD_TYPES = ("kubernetes_deployment_v1", "kubernetes_stateful_set_v1", "kubernetes_daemon_set_v1", "helm_release")

#: The EBS CSI controller's service account (the add-on creates it in kube-system).
EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa"


class NetworkStack(EnvironmentStack):
    """The network tier of one environment alone: VPC, subnets, NAT, endpoints, flow logs, security
    groups and bastion, with the network outputs. It checks only the BASE and NETWORK rules of the
    config (:class:`~constructs_lib.config.ConfigTier`), so a config without node groups, runner
    access or applications builds it; given node groups, the network still checks that their pods fit
    the private subnets.

    Attributes: ``context`` (the account and partition), ``network``.
    """

    config_tier = ConfigTier.NETWORK

    def __init__(self, scope: Construct, config: EnvironmentConfig) -> None:
        super().__init__(scope, config)
        self._build()
        self._outputs()

    def _build(self) -> None:
        """The stack's constructs in dependency order; each subclass adds its tier after its parent's."""
        config = self.config
        path = config.name
        self.context = AwsContext.of(self)
        self.network = Network(
            self,
            "network",
            props=NetworkProps(
                config=config.network,
                path=f"{path}.network",
                node_groups_path=f"{path}.node_groups",
                control_plane_to_node_ports=control_plane_ports(config.addons),
                # Karpenter launches into the private subnets and the node group it finds by this tag.
                node_discovery_tags={DISCOVERY_TAG: config.prefix} if config.addons.karpenter else {},
            ),
        )

    def _outputs(self) -> None:
        """The stack's outputs; each subclass adds its tier's after its parent's."""
        self._network_outputs()

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


class ClusterStack(NetworkStack):
    """The network and the cluster of one environment, without anything that talks to the Kubernetes
    API (no Kubernetes or Helm provider): EKS with its access entries, managed add-ons and node groups,
    the EBS CSI driver's role and add-on, Karpenter's interruption queue when ``addons.karpenter`` is
    on (its controller and NodePools are add-ons: a ``PlatformStack`` installs them), and the ECR
    registry. It checks the BASE, NETWORK and CLUSTER rules: the deploy runner needs
    no way to the API server, the add-ons and applications of the config are not built nor checked.

    A second stack reads the cluster by name: an ``aws_eks_cluster`` data source on the
    ``cluster_name`` output gives the endpoint and CA for ``platform.providers.ClusterConnection``
    (the Kubernetes and Helm providers, token from ``aws eks get-token``);
    ``oidc_provider_arn`` serves IRSA roles, ``ecr_repository_urls`` the images, and the network
    outputs (``alb_security_group_id``, ``node_security_group_id``, subnets) what it places.

    Attributes: those of :class:`NetworkStack`, ``cluster``, ``ebs_csi_role``, ``ebs_csi_addon``,
    ``karpenter`` (None without Karpenter), ``registry``.
    """

    config_tier = ConfigTier.CLUSTER

    def _build(self) -> None:
        super()._build()
        config = self.config
        self.cluster = EksCluster(
            self,
            "cluster",
            props=EksClusterProps(
                config=config.cluster,
                private_subnet_ids=self.network.private_subnet_ids,
                control_plane_security_group_id=self.network.control_plane_security_group_id,
                node_security_group_id=self.network.node_security_group_id,
                pod_security_groups=config.database is not None and config.database.pod_security_groups,
                # With Karpenter only the SYSTEM group is a managed node group; NodePools replace the rest.
                karpenter_node_pools=config.addons.karpenter,
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
                name="ebs-csi",
                # The reference, not the environment's name: the role's association waits for the cluster.
                cluster_name=self.cluster.cluster_name,
                service_accounts=(ServiceAccountRef("kube-system", EBS_CSI_SERVICE_ACCOUNT),),
                permissions=presets.ebs_csi_driver(self.context),
                association_mode=AssociationMode.ADDON,
            ),
        )
        self.ebs_csi_addon = self.cluster.add_managed_addon(
            "aws-ebs-csi-driver",
            options=ManagedAddonOptions(
                pod_identity=AddonPodIdentity(EBS_CSI_SERVICE_ACCOUNT, self.ebs_csi_role.role_arn),
                # The controller (a deployment) runs on the system group; the node daemonset stays everywhere.
                configuration_values=self.cluster.system_addon_values("aws-ebs-csi-driver"),
            ),
        )
        #: Karpenter's interruption queue and instance profile; None without Karpenter.
        self.karpenter: KarpenterNodes | None = (
            KarpenterInterruption(
                self,
                "karpenter",
                props=KarpenterInterruptionProps(
                    node_role_name=self.cluster.node_role_name,
                    node_role_arn=self.cluster.node_role_arn,
                ),
            ).nodes
            if config.addons.karpenter
            else None
        )
        self.registry = EcrRegistry(
            self,
            "registry",
            props=EcrRegistryProps(
                node_role_arn=self.cluster.node_role_arn,
                node_role_name=self.cluster.node_role_name,
                repositories=config.repositories,
                config=config.registry,
            ),
        )
        self._added_node_groups: list[NodeGroupSpec] = []

    def _outputs(self) -> None:
        super()._outputs()
        self._cluster_outputs()

    def add_node_group(self, spec: NodeGroupSpec) -> ManagedNodeGroup:
        """Add a managed node group after construction (:meth:`EksCluster.add_node_group`), checked as
        if it were the last of ``config.node_groups``: the same rules, and the private subnets' IP
        capacity at the groups' maximum sizes. The workloads built before it wait for it as for the others.
        """
        groups = (*self.config.node_groups, *self._added_node_groups, spec)
        # The config's own rules include the private subnets' IP capacity for the whole matrix.
        dataclasses.replace(self.config, node_groups=groups).validate(tier=self.config_tier)
        group = self.cluster.add_node_group(spec)
        self._added_node_groups.append(spec)
        # Every workload waits for every node group (pods need nodes; on destroy the releases go
        # before the nodes that run them): the ones built already wait for this group too.
        for construct in self.node.find_all():
            if isinstance(construct, TerraformResource) and construct.terraform_resource_type in _WORKLOAD_TYPES:
                construct.depends_on = [*(construct.depends_on or []), group.node_group.fqn]
        return group

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
            "ecr_pull_through_cache_prefixes",
            dict(self.registry.cache_prefixes),
            "ECR prefix per cached upstream: <registry>/<prefix>/<upstream image>",
        )


class PlatformStack(ClusterStack):
    """Everything one environment runs, in dependency order: network, cluster, registry and
    identity, the data tier (database, application buckets), platform add-ons, applications.
    It checks every rule of the config."""

    config_tier = ConfigTier.PLATFORM

    def _build(self) -> None:
        super()._build()
        self._data()
        self._platform()

    def _outputs(self) -> None:
        super()._outputs()
        self._platform_outputs()
        self._data_outputs()

    def _platform_outputs(self) -> None:
        config = self.config
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
        if config.stateful_workloads:
            self._output(
                "stateful_workload_namespaces",
                sorted(w.name for w in config.stateful_workloads),
                "One namespace per stateful workload (a StatefulSet with a gp3 volume per member)",
            )
        if self.backup is not None:
            self._output(
                "backup_bucket_name",
                self.backup.bucket_name,
                "S3 bucket (KMS, versioned, private) velero writes the daily cluster backups to",
            )

    def _data(self) -> None:
        """The environment's database (in the DB subnet group, the port open to the node security
        group: pods without their own security group connect from the nodes; with
        ``pod_security_groups`` only to each using application's "pods" group) and one bucket per
        application that asks for one."""
        config = self.config
        spec = config.database
        pod_groups = spec is not None and spec.pod_security_groups
        users = tuple(a.name for a in config.applications if a.database is not None)
        self.database = (
            PostgresDatabase(
                self,
                "database",
                props=PostgresDatabaseProps(
                    spec=spec,
                    vpc_id=self.network.vpc_id,
                    db_subnet_group_name=self.network.db_subnet_group_name,
                    database_subnet_cidrs=tuple(self.network.plan.cidrs(Tier.DATABASE).values()),
                    source_security_group_ids={} if pod_groups else {"nodes": self.network.node_security_group_id},
                    pod_security_group_applications=users if pod_groups else (),
                    path=f"{config.name}.database",
                ),
            )
            if spec is not None
            else None
        )
        # Buckets under a "data" scope (addresses data_bucket-<app>_...), beside the database.
        self._data_scope = Construct(self, "data")
        self.application_buckets: dict[str, ApplicationBucket] = {}
        for app in config.applications:
            if app.bucket:
                self._application_bucket(app)

    def _application_bucket(self, spec: ApplicationSpec) -> ApplicationBucket:
        """The bucket ``spec`` asks for (``bucket=True``), under the stack's ``data`` scope."""
        bucket = ApplicationBucket(
            self._data_scope,
            f"bucket-{spec.name}",
            props=ApplicationBucketProps(app_name=spec.name),
        )
        self.application_buckets[spec.name] = bucket
        return bucket

    def irsa_role(self, name: str, namespace: str, service_account: str, permissions: Permissions) -> IrsaRole:
        """An IRSA role ``<prefix>-<name>`` for ``namespace:service_account``; the chart or the
        application construct creates the service account with the role's annotation."""
        return IrsaRole(
            self,
            f"irsa-{name}",
            props=IrsaRoleProps(
                name=name,
                oidc_provider_arn=self.cluster.oidc_provider_arn,
                oidc_issuer_host=self.cluster.oidc_issuer_host,
                namespace=namespace,
                service_account=service_account,
                permissions=permissions,
                service_account_mode=ServiceAccountMode.EXTERNAL,
            ),
        )

    def workload_role(self, name: str, namespace: str, service_account: str, permissions: Permissions) -> WorkloadRole:
        """The role ``<prefix>-<name>`` of ``namespace:service_account`` (a Helm add-on's or an
        application's), given the way ``config.cluster.workload_identity`` says.

        POD_IDENTITY: a :class:`PodIdentityRole` with one association; the workload waits for it and
        for the ``eks-pod-identity-agent`` add-on, and its service account needs no annotation. IRSA:
        :meth:`irsa_role`; the service account carries the role-arn annotation. The construct id is
        ``irsa-<name>`` in both modes (the roles were IRSA roles first): switching modes keeps the
        role's and its policy's addresses, so terraform updates the trust policy in place and only
        adds or removes the association.
        """
        if self.config.cluster.workload_identity is IdentityMode.IRSA:
            irsa = self.irsa_role(name, namespace, service_account, permissions)
            return WorkloadRole(irsa.role_arn, IdentityMode.IRSA)
        role = PodIdentityRole(
            self,
            f"irsa-{name}",
            props=PodIdentityRoleProps(
                name=name,
                cluster_name=self.cluster.cluster_name,  # the reference: the association waits for the cluster
                service_accounts=(ServiceAccountRef(namespace, service_account),),
                permissions=permissions,
            ),
        )
        return WorkloadRole(
            role.role_arn,
            IdentityMode.POD_IDENTITY,
            depends_on=(*role.associations.values(), self.cluster.pod_identity_agent_addon),
        )

    def _platform(self) -> None:
        """Kubernetes and Helm providers, add-ons with their roles, the baseline, the applications."""
        config, cluster, context = self.config, self.cluster, self.context
        addons = config.addons
        KubernetesProviders(
            self,
            "kubernetes",
            props=KubernetesProvidersProps(
                connection=ClusterConnection(
                    cluster_name=cluster.cluster_name,
                    endpoint=cluster.endpoint,
                    certificate_authority_data=cluster.certificate_authority_data,
                    region=config.region,
                ),
            ),
        )
        self.backup = (
            BackupBucket(
                self,
                "backup",
                props=BackupBucketProps(
                    # A deleted backup stays recoverable for as long as it would have lived.
                    noncurrent_version_days=addons.backup.retention_days,
                ),
            )
            if addons.velero
            else None
        )

        database = self.database
        # The database's managed secret is readable only when an application uses it.
        reads_database = database is not None and any(a.database is not None for a in config.applications)
        # Kubernetes objects wait for nodes, the deployer's cluster-admin access and DNS.
        ready = [*cluster.node_groups, *cluster.admin_access, cluster.coredns_addon, self.ebs_csi_addon]
        self.baseline = ClusterBaseline(self, "baseline", props=ClusterBaselineProps(depends_on=ready))
        self.addons = PlatformAddons(
            self,
            "addons",
            props=PlatformAddonsProps(
                # The reference, not the name: the releases' values wait for the cluster.
                cluster_name=cluster.cluster_name,
                vpc_id=self.network.vpc_id,
                kubernetes_version=config.cluster.version,
                addons=addons,
                # Each add-on that calls AWS gets its role `irsa-<role name>` here, in the stack.
                identity=AddonIdentity(
                    make_role=self.workload_role,
                    permissions=PermissionsContext(
                        aws=context,
                        cluster_name=cluster.cluster_name,
                        name_prefix=config.prefix,
                        backup_bucket_arn=self.backup.bucket_arn if self.backup is not None else None,
                        backup_kms_key_arns=(self.backup.kms_key_arn,) if self.backup is not None else (),
                        database_secret_arn=database.master_user_secret_arn if database and reads_database else None,
                        database_kms_key_arn=database.kms_key_arn if database and reads_database else None,
                        hosted_zone_ids=config.addons.dns.hosted_zone_ids,
                        karpenter=self.karpenter,
                    ),
                ),
                backup_bucket_name=self.backup.bucket_name if self.backup is not None else None,
                depends_on=[*ready, self.baseline.storage_class],
                karpenter=self.karpenter,
            ),
        )
        self._added_applications: list[ApplicationSpec] = []
        app_roles = {app.name: self._application_role(app) for app in config.applications if app.needs_aws}
        applications_props = ApplicationsProps(
            applications=config.applications,
            repository_urls=self.registry.repository_urls,
            service_account_roles=app_roles,
            # The Deployment complies with "restricted" in every stage, so dev enforces it too.
            pod_security=PodSecurityLevel.RESTRICTED,
            # An internet-facing ALB's nodes live in the public subnets: only they may reach an
            # application's port, not every pod of the VPC.
            load_balancer_cidrs=tuple(self.network.plan.cidrs(Tier.PUBLIC).values()),
            load_balancer_security_group_id=self.network.alb_security_group_id,
            ingress_controller_namespace=self.addons.ingress_controller_namespace,
            monitoring_namespace=self.addons.namespaces.get("kube_prometheus_stack"),
            secret_store=self.addons.secret_store_release,
            database=(
                DatabaseConnection(
                    host=database.endpoint,
                    port=database.port,
                    database_name=database.database_name,
                    master_user_secret_arn=database.master_user_secret_arn,
                    subnet_cidrs=database.database_subnet_cidrs,
                )
                if database is not None
                else None
            ),
            bucket_names={name: bucket.bucket_name for name, bucket in self.application_buckets.items()},
            pod_security_group_ids={
                app: self._pod_security_groups(app) for app in (database.pod_security_group_ids if database else {})
            },
            stateful_workloads=config.stateful_workloads,
            # The baseline first: priority classes for the pods, the gp3 class for an application's volume.
            depends_on=[
                self.baseline.storage_class,
                *self.baseline.priority_classes.values(),
                *self.addons.releases.values(),
            ],
        )
        self.applications = Applications(self, "applications", props=applications_props)
        self.stateful_workloads = self._stateful_workloads()

    def _stateful_workloads(self) -> dict[str, StatefulWorkload]:
        """``config.stateful_workloads``, under ``stateful_workloads/<name>``: each admits the
        applications it lists as peers (whose egress reaches it), is backed up when velero's schedule
        covers its namespace, and waits for the gp3 class, the priority classes and the add-ons."""
        config = self.config
        if not config.stateful_workloads:
            return {}
        scope = Construct(self, "stateful_workloads")
        monitoring = self.addons.namespaces.get("kube_prometheus_stack")
        after = [
            self.baseline.storage_class,
            *self.baseline.priority_classes.values(),
            *self.addons.releases.values(),
        ]
        return {
            spec.name: StatefulWorkload(
                scope,
                spec.name,
                props=StatefulWorkloadProps(
                    spec=spec,
                    repository_url=self.registry.repository_urls[spec.repository],
                    backup=stateful_workload_backed_up(
                        spec.name,
                        velero=config.addons.velero,
                        included_namespaces=config.addons.backup.included_namespaces,
                    ),
                    # Prometheus may scrape only a workload that serves metrics.
                    monitoring_namespace=monitoring if spec.metrics_port is not None else None,
                    depends_on=after,
                ),
            )
            for spec in config.stateful_workloads
        }

    def _node_group_spec(self, name: str | None) -> NodeGroupSpec | None:
        """The node group ``name`` (from the config or added since), or None for no name."""
        if name is None:
            return None
        groups = {g.name: g for g in (*self.config.node_groups, *self._added_node_groups)}
        return groups[name]

    def _pod_security_groups(self, app: str) -> tuple[str, ...]:
        """What ``app``'s SecurityGroupPolicy lists: its "pods" group (the one the database admits) and
        the node group, whose rules keep admitting the ALB, peers, nodes and the control plane."""
        assert self.database is not None
        return (self.database.pod_security_group_ids[app], self.network.node_security_group_id)

    def _application_role(self, spec: ApplicationSpec) -> WorkloadRole:
        """The role ``<prefix>-app-<name>`` of an application that calls AWS (:meth:`workload_role`)."""
        permissions = presets.application(self.context, name_prefix=self.config.prefix, app_name=spec.name)
        bucket = self.application_buckets.get(spec.name)
        if bucket is not None:
            permissions += presets.application_bucket_access(
                self.context, bucket_arn=bucket.bucket_arn, kms_key_arn=bucket.kms_key_arn
            )
        return self.workload_role(f"app-{spec.name}", spec.name, spec.name, permissions)

    # -- composition verbs ----------------------------------------------------------------------
    def add_addon(self, addon: Addon) -> Release:
        """Install ``addon`` (an add-on of one's own, or a built-in one the config leaves off) like the
        built-in ones: its namespace, role (``irsa-<role_name>``, :meth:`workload_role`), release and custom resources,
        all waiting for the nodes, the deployer's access and the load balancer controller.

        Raises ConfigError before creating anything when the add-on breaks the contract, takes an
        application's namespace, or serves a webhook on a port the node security group does not open
        to the control plane (the network is built from the config: list the port's add-on there, or
        serve the webhook on an open port).
        """
        self.addons.validate_addon(addon)
        path = f"add_addon({addon.name})"
        open_ports = control_plane_ports(self.config.addons, self._extra_addons())
        for index, port in enumerate(addon.control_plane_ports):
            require(
                port in open_ports,
                f"{path}.control_plane_ports[{index}]",
                "must be a port the node security group already opens to the control plane",
                port,
                f"serve the webhook on one of {list(open_ports)}",
            )
        applications = {a.name for a in (*self.config.applications, *self._added_applications)}
        require(
            addon.namespace not in applications,
            f"{path}.namespace",
            "must not be an application's namespace",
            addon.namespace,
            "use a namespace named after the add-on",
        )
        return self.addons.add_addon(addon)

    def _extra_addons(self) -> tuple[Addon, ...]:
        """Add-ons installed beyond the config's toggles (none of them may open a port; see add_addon)."""
        enabled = set(self.config.addons.enabled())
        return tuple(addon for name, addon in self.addons.installed.items() if name not in enabled)

    def add_application(self, spec: ApplicationSpec) -> Application:
        """Deploy one more application, as if it were the last of ``config.applications``: the same
        rules (checked against the environment with the application appended), the same role
        and the same construct path (``applications/<name>``), so moving it into the config later
        changes no address.

        Its ``allowed_peers`` must be empty: the other applications' egress policies are built
        already, so they could not reach it; declare such an application in the config.
        """
        added = (*self._added_applications, spec)
        require(
            isinstance(spec, ApplicationSpec),
            "add_application",
            "must be an ApplicationSpec",
            type(spec).__name__,
            "pass ApplicationSpec(name=..., repository=..., ...)",
        )
        require(
            not spec.allowed_peers,
            f"add_application({spec.name}).allowed_peers",
            "must be empty for an application added after construction (the peers' egress policies exist already)",
            list(spec.allowed_peers),
            "declare the application in config.applications to give it peers",
        )
        dataclasses.replace(self.config, applications=(*self.config.applications, *added)).validate()
        require(
            spec.name not in self.addons.namespaces.values(),
            f"add_application({spec.name}).name",
            "must not be an add-on's namespace (each application gets its own namespace)",
            spec.name,
            "rename the application",
        )
        database = self.database
        pod_groups: tuple[str, ...] = ()
        if database is not None and database.spec.pod_security_groups and spec.database is not None:
            database.add_pod_security_group(spec.name)
            pod_groups = self._pod_security_groups(spec.name)
        bucket = self._application_bucket(spec) if spec.bucket else None
        application = self.applications.add_application(
            spec,
            options=ApplicationOptions(
                service_account_role=self._application_role(spec) if spec.needs_aws else None,
                bucket_name=bucket.bucket_name if bucket is not None else None,
                pod_security_group_ids=pod_groups,
                node_group=self._node_group_spec(spec.node_group),
            ),
        )
        self._added_applications.append(spec)
        return application

    def _data_outputs(self) -> None:
        database = self.database
        if database is not None:
            self._output("database_endpoint", database.endpoint, "Host name of the PostgreSQL database (TLS only)")
            self._output("database_port", database.port, "TCP port of the PostgreSQL database")
            self._output(
                "database_master_user_secret_arn",
                database.master_user_secret_arn,
                "RDS-managed Secrets Manager secret with the master user's credentials (username, password)",
            )
        if self.application_buckets:
            self._output(
                "application_bucket_names",
                {name: bucket.bucket_name for name, bucket in sorted(self.application_buckets.items())},
                "S3 bucket (KMS, versioned, private) per application with bucket=True",
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
