"""The EKS tier: a hardened control plane, its IAM, logs, access entries, OIDC provider, add-ons and nodes."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from cdktf import Fn, ITerraformDependable, Op, Precondition, TerraformLocal, TerraformResourceLifecycle, Token
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.data_aws_eks_addon_version import DataAwsEksAddonVersion
from cdktf_cdktf_provider_aws.data_aws_iam_session_context import DataAwsIamSessionContext
from cdktf_cdktf_provider_aws.eks_access_entry import EksAccessEntry
from cdktf_cdktf_provider_aws.eks_access_policy_association import (
    EksAccessPolicyAssociation,
    EksAccessPolicyAssociationAccessScope,
)
from cdktf_cdktf_provider_aws.eks_addon import EksAddon, EksAddonPodIdentityAssociation
from cdktf_cdktf_provider_aws.eks_cluster import (
    EksCluster as _EksCluster,
)
from cdktf_cdktf_provider_aws.eks_cluster import (
    EksClusterAccessConfig,
    EksClusterEncryptionConfig,
    EksClusterEncryptionConfigProvider,
    EksClusterUpgradePolicy,
    EksClusterVpcConfig,
    EksClusterZonalShiftConfig,
)
from cdktf_cdktf_provider_aws.eks_node_group import EksNodeGroup
from cdktf_cdktf_provider_aws.iam_openid_connect_provider import IamOpenidConnectProvider
from cdktf_cdktf_provider_aws.iam_role import IamRole
from cdktf_cdktf_provider_aws.iam_role_policy import IamRolePolicy
from cdktf_cdktf_provider_aws.iam_role_policy_attachment import IamRolePolicyAttachment
from cdktf_cdktf_provider_aws.vpc_security_group_ingress_rule import VpcSecurityGroupIngressRule
from constructs import Construct

from constructs_lib.cluster.config import (
    OIDC_CLIENT_ID,
    ClusterConfig,
    CniIdentity,
    NodeGroupSpec,
    NodeRole,
    principal_slug,
    system_node_group,
    system_placement,
    validate_node_groups,
)
from constructs_lib.cluster.node_group import ManagedNodeGroup, ManagedNodeGroupProps
from constructs_lib.iam import policy_document, statement
from constructs_lib.identity.irsa import Permissions, trust_policy
from constructs_lib.identity.pod_identity import (
    AssociationMode,
    PodIdentityRole,
    PodIdentityRoleProps,
    ServiceAccountRef,
)
from constructs_lib.network.config import PodAddressing
from constructs_lib.protections import Protections, Stage, require_protections, require_stage_member
from constructs_lib.security import AwsContext, KmsKey, KmsKeyProps
from constructs_lib.stack import (
    INSTANCE_TAGS,
    NAME_PREFIX,
    NODE_GROUPS,
    POD_ADDRESSING,
    PROTECTIONS,
    STAGE,
    from_environment,
)
from constructs_lib.validation import DNS_LABEL, require, require_name_prefix, require_security_group_id

__all__ = [
    "CLOUDWATCH_OBSERVABILITY_ADDON",
    "CLUSTER_ADMIN_POLICY",
    "OIDC_CLIENT_ID",
    "POD_IDENTITY_AGENT_ADDON",
    "SYSTEM_PLACEMENT_PATHS",
    "AddonPodIdentity",
    "EksCluster",
    "EksClusterProps",
    "ManagedAddonOptions",
    "vpc_cni_configuration",
]

#: EKS access policy granted to admin principals and to the deploying identity (cluster scope).
CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
#: Managed IAM policies of the cluster role: the control plane itself, and the VPC resource controller
#: that attaches branch ENIs when pods get their own security groups (seed 004).
CLUSTER_ROLE_POLICIES = ("AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController")
#: Managed IAM policies every node needs: join the cluster, pull images from ECR.
NODE_ROLE_POLICIES = ("AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly")
#: The vpc-cni policy: on the node role with CniIdentity.NODE_ROLE, on its own IRSA role otherwise.
CNI_POLICY = "AmazonEKS_CNI_Policy"
#: The service account of the vpc-cni daemonset.
CNI_SERVICE_ACCOUNT = ("kube-system", "aws-node")
#: Add-ons the cluster installs itself; other tiers add theirs with :meth:`EksCluster.add_managed_addon`.
#: vpc-cni and kube-proxy go in before the nodes (a node is useless without pod networking and
#: service routing, and their daemonsets need no node to become ACTIVE); coredns is a deployment that
#: stays DEGRADED until it has nodes, so it goes in after them.
#: The Pod Identity agent is a daemonset too (host network, no CNI needed), so it goes in with them:
#: every node runs it from boot, before any pod that needs Pod Identity credentials.
BUILT_IN_ADDONS = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent", "coredns")
#: The managed add-on that serves Pod Identity credentials on every node.
POD_IDENTITY_AGENT_ADDON = "eks-pod-identity-agent"
#: Container Insights and Fluent Bit as a managed add-on (``ClusterConfig.cloudwatch_observability``).
CLOUDWATCH_OBSERVABILITY_ADDON = "amazon-cloudwatch-observability"
#: Namespace and service account of the CloudWatch agent (the add-on creates both).
CLOUDWATCH_AGENT_SERVICE_ACCOUNT = ("amazon-cloudwatch", "cloudwatch-agent")
#: What the CloudWatch agent needs: put metrics and logs, describe the instances and volumes it reports on.
CLOUDWATCH_AGENT_POLICY = "CloudWatchAgentServerPolicy"
#: Where ``nodeSelector`` and ``tolerations`` live in each add-on's configuration schema
#: (``aws eks describe-addon-configuration``): at the top for coredns, under ``controller`` for the
#: EBS CSI driver (the node daemonset must stay on every node, so only the controller is pinned).
#: Only these add-ons can be pinned to the system group; another add-on's keys are unverified.
SYSTEM_PLACEMENT_PATHS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {"coredns": (), "aws-ebs-csi-driver": ("controller",)}
)


@dataclass(frozen=True)
class AddonPodIdentity:
    """An add-on's Pod Identity binding: the role EKS associates with the add-on's service account."""

    #: The add-on's service account (e.g. ``ebs-csi-controller-sa``); its namespace is the add-on's.
    service_account: str
    #: A role trusted by ``pods.eks.amazonaws.com`` (:class:`~constructs_lib.identity.pod_identity.PodIdentityRole`
    #: in ADDON mode).
    role_arn: str


@dataclass(frozen=True, kw_only=True)
class ManagedAddonOptions:
    """How :meth:`EksCluster.add_managed_addon` installs an add-on. Default: the node role's
    credentials, the add-on's default configuration, after every node group."""

    #: The add-on's IRSA role. Default None.
    service_account_role_arn: str | None = None
    #: Its Pod Identity role and service account instead (EKS creates the association; the add-on
    #: waits for the Pod Identity agent). Default None. Supply at most one of the two.
    pod_identity: AddonPodIdentity | None = None
    #: The add-on's configuration schema as a mapping, rendered to sorted JSON. Default None: the
    #: add-on's defaults.
    configuration_values: Mapping[str, Any] | None = None
    #: Wait for every node group (controllers with a deployment need ACTIVE nodes). Default True;
    #: False only waits for the control plane.
    after_nodes: bool = True


@dataclass(frozen=True, kw_only=True)
class EksClusterProps:
    """Inputs of the EKS tier. Network inputs are plain strings so the tier can be tested alone."""

    config: ClusterConfig
    #: Private subnets (one per AZ) for the control-plane ENIs and the nodes; never public subnets.
    private_subnet_ids: Sequence[str]
    #: Extra security group on the control-plane ENIs (the network tier's control-plane group).
    control_plane_security_group_id: str
    #: Security group of every node (the network tier's node group).
    node_security_group_id: str
    #: The environment prefix (``eks-platform-prod``): the cluster's name and the start of every
    #: named resource (IAM roles, KMS aliases, launch templates, node groups, the log group). Default
    #: None: the stack's environment's (``config.prefix``); outside an ``EnvironmentStack`` a ConfigError.
    name_prefix: str | None = None
    #: The node-group matrix; one managed node group per spec, with construct ids from the names.
    #: Default None: the stack's environment's (``config.node_groups``); outside an
    #: ``EnvironmentStack`` a ConfigError.
    node_groups: Sequence[NodeGroupSpec] | None = None
    #: The environment's stage: the cluster config's policy (in prod all five log types and a year of
    #: log retention by default and at least, pinned add-on versions, zonal shift on by default, no
    #: public endpoint open to 0.0.0.0/0); DEV is a sandbox, with cost-saving defaults staging and
    #: prod do not take (today: no CloudWatch observability add-on unless
    #: ``config.cloudwatch_observability`` says so). Default None: the stack's environment's
    #: (``config.stage``); outside an ``EnvironmentStack`` a ConfigError.
    stage: Stage | None = None
    #: Deletion protection on the cluster, ``prevent_destroy`` on its KMS keys and log group, the keys'
    #: deletion window, and extended support unless ``config.support_type`` says otherwise. Default
    #: None: the stack's environment's (``config.resolved_protections``); outside an
    #: ``EnvironmentStack`` a ConfigError, so a prod cluster wired by hand never gets dev protections
    #: by omission.
    protections: Protections | None = None
    #: Tags for the instances, volumes and ENIs that node groups launch (the provider's default_tags
    #: cannot reach them). Default None: the stack's environment's provider default tags
    #: (``EnvironmentStack.default_tags``: environment, project, managed-by, then ``config.tags``);
    #: outside an ``EnvironmentStack`` none (a plain stack has no tags to repeat). ``{}`` turns them
    #: off in an environment too.
    instance_tags: Mapping[str, str] | None = None
    #: How the vpc-cni add-on addresses pods, as the network tier's IP capacity check assumes. Default
    #: None: the stack's environment's (``config.network.pod_addressing``); outside an
    #: ``EnvironmentStack`` PREFIX_DELEGATION (seed 004; pass the network config's value).
    pod_addressing: PodAddressing | None = None
    #: Security groups for pods (``DatabaseSpec.pod_security_groups``): the vpc-cni add-on manages
    #: trunk and branch ENIs (see :func:`vpc_cni_configuration`). Default False (see that field).
    pod_security_groups: bool = False
    #: Karpenter launches the nodes of every non-SYSTEM group (as NodePools), so only the SYSTEM group
    #: becomes a managed node group here; the whole matrix is still validated. Default False.
    karpenter_node_pools: bool = False

    def __post_init__(self) -> None:
        if self.node_groups is not None:
            object.__setattr__(self, "node_groups", tuple(self.node_groups))
        object.__setattr__(self, "private_subnet_ids", tuple(self.private_subnet_ids))
        if self.instance_tags is not None:
            object.__setattr__(self, "instance_tags", MappingProxyType(dict(self.instance_tags)))


class EksCluster(Construct):
    """A private, encrypted, fully logged EKS control plane with its node-group matrix and core add-ons.

    What it creates, in dependency order:

    * KMS keys (rotation on, ``protections``: deletion window, ``prevent_destroy``): one for envelope
      encryption of Kubernetes secrets, one for the control-plane log group.
    * The log group ``/aws/eks/<cluster>/cluster`` (retention, KMS, ``protections.prevent_destroy``)
      *before* the cluster, so EKS cannot create an unencrypted one without retention first.
    * The cluster role (``AmazonEKSClusterPolicy``, ``AmazonEKSVPCResourceController``, use of the
      secrets key) and the cluster: control-plane ENIs in the private subnets only, private endpoint
      on, public endpoint only as configured, ``authentication_mode = API``, no self-managed add-ons
      (vpc-cni, kube-proxy and coredns are EKS managed add-ons here).
    * Access entries with ``AmazonEKSClusterAdminPolicy`` (cluster scope) for the configured admin
      principals and, when ``deployer_admin_access`` is on, for the identity running terraform.
    * The IAM OIDC provider for IRSA. No thumbprint is given: IAM trusts the EKS issuers' certificate
      authority itself and ignores thumbprints for them, and provider 6.x no longer requires one (so
      the ``tls`` provider is not needed).
    * The node role, the vpc-cni (IRSA role or node-role policy), kube-proxy and
      ``eks-pod-identity-agent`` add-ons (daemonsets: they need no node to become ACTIVE, and every
      node runs them from boot), the node groups, then coredns, pinned with a nodeSelector and
      toleration to the ``NodeRole.SYSTEM`` group when the matrix has one.
    * With ``cloudwatch_observability`` (default on except in sandboxes): the
      ``amazon-cloudwatch-observability`` add-on, bound through Pod Identity to its own role with
      ``CloudWatchAgentServerPolicy``.
    * ``deletion_protection`` from ``protections``; ``upgrade_policy`` from ``ClusterConfig.support_type``
      or else ``protections.extended_support``, and ``zonal_shift_config`` from
      ``ClusterConfig.zonal_shift`` (EXTENDED and on in prod, STANDARD and off elsewhere by default).

    Add-on versions are pinned in ``config.addon_versions`` or else resolved at plan time to the most
    recent version for the cluster's Kubernetes version (``data aws_eks_addon_version``).

    Typed attributes (terraform references unless noted): ``cluster_name``, ``cluster_arn``,
    ``endpoint``, ``certificate_authority_data`` (base64), ``cluster_security_group_id`` (the group
    EKS creates), ``oidc_provider_arn``, ``oidc_issuer_url``, ``oidc_issuer_host`` (no ``https://``),
    ``node_role_arn``, ``node_role_name``, ``secrets_kms_key_arn``, ``cluster_role_arn``,
    ``cni_role_arn`` (None with ``CniIdentity.NODE_ROLE``), ``node_group_names`` (spec name -> name),
    ``node_groups`` (resources: ``depends_on`` them to know nodes exist), ``admin_access`` (the
    cluster-admin policy associations: ``depends_on`` them before talking to the Kubernetes API),
    ``vpc_cni_addon``, ``kube_proxy_addon``, ``pod_identity_agent_addon``, ``coredns_addon``,
    ``cloudwatch_observability_addon`` and ``cloudwatch_observability_role_arn`` (None when off) and
    ``addons`` (every add-on by name). Plain values: ``name`` (the cluster's name as a string),
    ``kubernetes_version``, ``log_types``, ``log_retention_days``, ``log_group_name``, ``stage``, ``protections``,
    ``support_type``, ``zonal_shift``, ``cloudwatch_observability``, ``system_node_group`` (the
    SYSTEM group's spec name or None). :meth:`system_addon_values` gives other tiers the placement
    values for add-ons they install (the EBS CSI controller).
    """

    def __init__(self, scope: Construct, id: str, *, props: EksClusterProps) -> None:
        # What the props leave to the environment, resolved once (before any resource exists).
        env = _Resolved(
            name_prefix=from_environment(scope, "name_prefix", props.name_prefix, NAME_PREFIX),
            node_groups=tuple(from_environment(scope, "node_groups", props.node_groups, NODE_GROUPS)),
            stage=from_environment(scope, "cluster.stage", props.stage, STAGE),
            protections=from_environment(scope, "cluster.protections", props.protections, PROTECTIONS),
            instance_tags=from_environment(scope, "instance_tags", props.instance_tags, INSTANCE_TAGS, outside={}),
            pod_addressing=from_environment(
                scope, "pod_addressing", props.pod_addressing, POD_ADDRESSING, outside=PodAddressing.PREFIX_DELEGATION
            ),
        )
        super().__init__(scope, id)
        config = props.config
        _validate(props, env)

        # Resolved once; kept as attributes.
        self.stage: Stage = env.stage
        self.protections: Protections = env.protections
        self.name: str = env.name_prefix
        self.kubernetes_version: str = config.version
        self.log_types = config.resolved_log_types(stage=env.stage)
        self.log_retention_days = config.resolved_log_retention_days(stage=env.stage)
        self.log_group_name = f"/aws/eks/{self.name}/cluster"
        self.support_type = config.resolved_support_type(extended_support=env.protections.extended_support)
        self.zonal_shift = config.resolved_zonal_shift(stage=env.stage)
        # A DEV cluster is a sandbox: it skips the cost of the CloudWatch add-on unless configured.
        self.cloudwatch_observability = config.resolved_cloudwatch_observability(sandbox=env.stage is Stage.DEV)
        #: The SYSTEM group's spec name, or None: then system add-ons run wherever they fit.
        system = system_node_group(env.node_groups)
        self.system_node_group: str | None = system.name if system is not None else None
        self._context = AwsContext.of(self)
        self._config = config
        self._addons: dict[str, EksAddon] = {}

        context = self._context
        self.secrets_key = KmsKey(
            self,
            "secrets-key",
            props=KmsKeyProps(
                alias=f"{self.name}-eks-secrets",
                description=f"Envelope encryption of Kubernetes secrets in EKS cluster {self.name}",
                protections=env.protections,
            ),
        )
        self.logs_key = KmsKey(
            self,
            "logs-key",
            props=KmsKeyProps(
                alias=f"{self.name}-eks-logs",
                description=f"Control-plane logs of EKS cluster {self.name}",
                protections=env.protections,
                log_group_name_prefixes=[f"/aws/eks/{self.name}/"],
            ),
        )
        self.log_group = CloudwatchLogGroup(
            self,
            "control-plane-logs",
            name=self.log_group_name,
            retention_in_days=self.log_retention_days,
            kms_key_id=self.logs_key.key_arn,
            # The audit and authenticator logs are evidence; with prevent_destroy a destroy cannot drop them.
            lifecycle=env.protections.lifecycle(),
        )

        cluster_role, cluster_policies = self._role(
            "cluster-role",
            f"{self.name}-eks-cluster",
            "eks",
            CLUSTER_ROLE_POLICIES,
            description=f"Control plane of EKS cluster {self.name}",
        )
        secrets_policy = IamRolePolicy(
            self,
            "cluster-role-secrets-encryption",
            name=f"{self.name}-eks-secrets-encryption",
            role=cluster_role.name,
            policy=policy_document(
                statement(
                    "UseSecretsKey",
                    ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
                    [self.secrets_key.key_arn],
                )
            ),
        )
        self.cluster = _EksCluster(
            self,
            "cluster",
            name=self.name,
            version=config.version,
            role_arn=cluster_role.arn,
            vpc_config=EksClusterVpcConfig(
                subnet_ids=list(props.private_subnet_ids),
                security_group_ids=[props.control_plane_security_group_id],
                endpoint_private_access=True,
                endpoint_public_access=config.endpoint_public_access,
                public_access_cidrs=list(config.public_access_cidrs) if config.endpoint_public_access else None,
            ),
            encryption_config=EksClusterEncryptionConfig(
                resources=["secrets"],
                provider=EksClusterEncryptionConfigProvider(key_arn=self.secrets_key.key_arn),
            ),
            enabled_cluster_log_types=[log_type.value for log_type in self.log_types],
            access_config=EksClusterAccessConfig(
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=config.bootstrap_creator_admin,
            ),
            # vpc-cni, kube-proxy and coredns are created below as managed add-ons instead.
            bootstrap_self_managed_addons=False,
            deletion_protection=env.protections.deletion_protection,
            # Without protections.extended_support (dev, staging) never pay extended-support rates: EKS
            # upgrades the cluster when standard support ends. Prod keeps it, so no upgrade is forced.
            upgrade_policy=EksClusterUpgradePolicy(support_type=self.support_type.value),
            # Prod spreads over three AZs: an impaired zone can be drained (ARC zonal shift).
            zonal_shift_config=EksClusterZonalShiftConfig(enabled=self.zonal_shift),
            depends_on=[self.log_group, secrets_policy, *cluster_policies],
        )

        # Typed attributes for the other tiers.
        self.cluster_name: str = self.cluster.name
        self.cluster_arn: str = self.cluster.arn
        self.endpoint: str = self.cluster.endpoint
        self.certificate_authority_data: str = self.cluster.certificate_authority.get(0).data
        self.cluster_security_group_id: str = self.cluster.vpc_config.cluster_security_group_id
        self.secrets_kms_key_arn: str = self.secrets_key.key_arn
        self.cluster_role_arn: str = cluster_role.arn

        self.admin_access: list[EksAccessPolicyAssociation] = []
        self._grant_admins(config)
        self._allow_deploy_runners(config, props.control_plane_security_group_id)

        self.oidc_issuer_url: str = self.cluster.identity.get(0).oidc.get(0).issuer
        # A local, not an inline replace(): IAM documents that use the host in condition keys then
        # hold a plain ``${local....}`` reference and stay valid JSON before terraform renders them.
        issuer_host = TerraformLocal(self, "oidc-issuer-host", Fn.replace(self.oidc_issuer_url, "https://", ""))
        self.oidc_issuer_host: str = issuer_host.as_string
        self.oidc_provider = IamOpenidConnectProvider(
            self,
            "oidc-provider",
            url=self.oidc_issuer_url,
            client_id_list=[OIDC_CLIENT_ID],
            tags={"Name": f"{self.name}-eks-irsa"},
        )
        self.oidc_provider_arn: str = self.oidc_provider.arn

        node_policies: tuple[str, ...] = NODE_ROLE_POLICIES
        if config.cni_identity is CniIdentity.NODE_ROLE:
            node_policies = (*NODE_ROLE_POLICIES, CNI_POLICY)
        node_role, node_role_policies = self._role(
            "node-role", f"{self.name}-eks-node", "ec2", node_policies, description=f"Nodes of EKS cluster {self.name}"
        )
        self.node_role_arn: str = node_role.arn
        self.node_role_name: str = node_role.name

        self.cni_role_arn: str | None = None
        cni_dependencies: list[IamRolePolicyAttachment] = []
        if config.cni_identity is CniIdentity.IRSA:
            cni_role, cni_dependencies = self._irsa_role(
                "vpc-cni-role", f"{self.name}-eks-vpc-cni", *CNI_SERVICE_ACCOUNT, CNI_POLICY
            )
            self.cni_role_arn = cni_role.arn

        self.vpc_cni_addon = self._addon(
            "vpc-cni",
            service_account_role_arn=self.cni_role_arn,
            configuration_values=vpc_cni_configuration(
                env.pod_addressing, pod_security_groups=props.pod_security_groups
            ),
            depends_on=cni_dependencies,
        )
        self.kube_proxy_addon = self._addon("kube-proxy")
        self.pod_identity_agent_addon = self._addon(POD_IDENTITY_AGENT_ADDON)

        # What every node group is built from (add_node_group reads these).
        self._node_group_specs: list[NodeGroupSpec] = []
        self._node_role_arn: str = node_role.arn
        self._node_subnet_ids = props.private_subnet_ids
        self._node_security_group_id = props.node_security_group_id
        self._instance_tags = env.instance_tags
        self._node_group_dependencies: list[ITerraformDependable] = [
            self.cluster,
            self.vpc_cni_addon,
            self.kube_proxy_addon,
            self.pod_identity_agent_addon,
            *node_role_policies,
        ]
        #: The node group resources, in matrix order: ``depends_on`` them to know nodes exist.
        self.node_groups: list[EksNodeGroup] = []
        self._node_group_names: dict[str, str] = {}
        #: Spec name -> node group name (a reference, so readers wait for the group).
        self.node_group_names: Mapping[str, str] = MappingProxyType(self._node_group_names)
        for spec in env.node_groups:
            if props.karpenter_node_pools and spec.role is not NodeRole.SYSTEM:
                self._node_group_specs.append(spec)  # a NodePool: still part of the matrix add_node_group checks
                continue
            self._node_group(spec)  # validated with the matrix by _validate

        self.coredns_addon = self.add_managed_addon(
            "coredns", options=ManagedAddonOptions(configuration_values=self.system_addon_values("coredns"))
        )

        self.cloudwatch_observability_role_arn: str | None = None
        self.cloudwatch_observability_addon: EksAddon | None = None
        if self.cloudwatch_observability:
            namespace, service_account = CLOUDWATCH_AGENT_SERVICE_ACCOUNT
            role = PodIdentityRole(
                self,
                "cloudwatch-observability-role",
                props=PodIdentityRoleProps(
                    name_prefix=self.name,
                    name="eks-cloudwatch-agent",
                    cluster_name=self.cluster.name,
                    service_accounts=(ServiceAccountRef(namespace, service_account),),
                    permissions=Permissions(
                        managed_policy_arns=(f"arn:{context.partition}:iam::aws:policy/{CLOUDWATCH_AGENT_POLICY}",)
                    ),
                    association_mode=AssociationMode.ADDON,
                    description=f"CloudWatch agent and Fluent Bit of EKS cluster {self.name} (Pod Identity)",
                ),
            )
            self.cloudwatch_observability_role_arn = role.role_arn
            self.cloudwatch_observability_addon = self.add_managed_addon(
                CLOUDWATCH_OBSERVABILITY_ADDON,
                options=ManagedAddonOptions(pod_identity=AddonPodIdentity(service_account, role.role_arn)),
            )

    def system_addon_values(self, name: str) -> dict[str, Any] | None:
        """Configuration values that pin add-on ``name``'s pods to the SYSTEM node group, or None
        when the matrix has no SYSTEM group. ``name`` must be in :data:`SYSTEM_PLACEMENT_PATHS`."""
        require(
            name in SYSTEM_PLACEMENT_PATHS,
            "system_addon_values.name",
            f"must be an add-on whose placement keys are verified ({', '.join(SYSTEM_PLACEMENT_PATHS)})",
            name,
            "add the add-on's nodeSelector/tolerations path to SYSTEM_PLACEMENT_PATHS after checking "
            "`aws eks describe-addon-configuration`",
        )
        if self.system_node_group is None:
            return None
        values: dict[str, Any] = system_placement()
        for key in reversed(SYSTEM_PLACEMENT_PATHS[name]):
            values = {key: values}
        return values

    def add_node_group(self, spec: NodeGroupSpec) -> ManagedNodeGroup:
        """Add a managed node group (aws-cdk's ``addNodegroupCapacity``): construct id
        ``node-group-<name>``, the node role, the private subnets and the node security group, after
        the cluster, the VPC CNI, kube-proxy and the node role's policies, like the groups of
        ``props.node_groups``.

        The new group is checked with the existing ones (unique name, the name fits, ...); raises
        ConfigError before creating anything. The network's IP capacity was planned for
        ``props.node_groups`` only (``PlatformStack.add_node_group`` checks the new one too).
        """
        validate_node_groups("add_node_group", (*self._node_group_specs, spec), cluster_name=self.name)
        return self._node_group(spec)

    def _node_group(self, spec: NodeGroupSpec) -> ManagedNodeGroup:
        group = ManagedNodeGroup(
            self,
            f"node-group-{spec.name}",
            props=ManagedNodeGroupProps(
                cluster_name=self.name,
                spec=spec,
                kubernetes_version=self.kubernetes_version,
                node_role_arn=self._node_role_arn,
                subnet_ids=self._node_subnet_ids,
                security_group_ids=[self._node_security_group_id],
                tags=self._instance_tags,
                depends_on=self._node_group_dependencies,
            ),
        )
        self._node_group_specs.append(spec)
        self.node_groups.append(group.node_group)
        self._node_group_names[spec.name] = group.node_group_name
        return group

    @property
    def addons(self) -> Mapping[str, EksAddon]:
        """Every managed add-on of the cluster by EKS name, including those added by other tiers."""
        return MappingProxyType(dict(self._addons))

    def add_managed_addon(self, name: str, *, options: ManagedAddonOptions | None = None) -> EksAddon:
        """Install EKS managed add-on ``name`` (``aws-ebs-csi-driver``, ...) as ``options`` say
        (:class:`ManagedAddonOptions`; default None: the node role, the add-on's defaults, after the
        nodes) and return its resource. The version is ``config.addon_versions[name]`` or the most
        recent one for the cluster's Kubernetes version. Raises ConfigError before creating anything.
        """
        options = options if options is not None else ManagedAddonOptions()
        service_account_role_arn, pod_identity = options.service_account_role_arn, options.pod_identity
        require(
            service_account_role_arn is None or pod_identity is None,
            "add_managed_addon.pod_identity",
            "supply at most one of `service_account_role_arn` or `pod_identity`",
            pod_identity,
            "bind the add-on with Pod Identity and drop the IRSA role",
        )
        depends_on: list[ITerraformDependable] = list(self.node_groups) if options.after_nodes else []
        if pod_identity is not None:
            depends_on.append(self.pod_identity_agent_addon)
        return self._addon(
            name,
            service_account_role_arn=service_account_role_arn,
            pod_identity=pod_identity,
            configuration_values=options.configuration_values,
            depends_on=depends_on,
        )

    # ------------------------------------------------------------------------------------------

    def _addon(
        self,
        name: str,
        *,
        service_account_role_arn: str | None = None,
        pod_identity: AddonPodIdentity | None = None,
        configuration_values: Mapping[str, Any] | None = None,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> EksAddon:
        require(
            isinstance(name, str) and DNS_LABEL.match(name) is not None and len(name) <= 100,
            "add_managed_addon.name",
            "must be an EKS add-on name (lowercase letters, digits and '-')",
            name,
            "use a name from `aws eks describe-addon-versions`, e.g. 'aws-ebs-csi-driver'",
        )
        require(
            name not in self._addons,
            "add_managed_addon.name",
            f"add-on is already installed on cluster {self.name}",
            name,
            f"add each add-on once; {', '.join(BUILT_IN_ADDONS)} are installed by the cluster itself",
        )
        version = self._config.addon_version(name, stage=self.stage)
        self._config.require_pinned_addons("cluster", (name,), stage=self.stage)
        if version is None:
            version = DataAwsEksAddonVersion(
                self,
                f"addon-version-{name}",
                addon_name=name,
                kubernetes_version=self.kubernetes_version,
                most_recent=True,
            ).version
        addon = EksAddon(
            self,
            f"addon-{name}",
            cluster_name=self.cluster.name,
            addon_name=name,
            addon_version=version,
            service_account_role_arn=service_account_role_arn,
            pod_identity_association=(
                [
                    EksAddonPodIdentityAssociation(
                        role_arn=pod_identity.role_arn, service_account=pod_identity.service_account
                    )
                ]
                if pod_identity is not None
                else None
            ),
            configuration_values=(
                json.dumps(configuration_values, sort_keys=True, separators=(",", ":"), default=_mapping_as_dict)
                if configuration_values is not None
                else None
            ),
            # Terraform is the source of truth: settings changed by hand are overwritten.
            resolve_conflicts_on_create="OVERWRITE",
            resolve_conflicts_on_update="OVERWRITE",
            depends_on=list(depends_on) or None,
        )
        self._addons[name] = addon
        return addon

    def _role(
        self, id: str, name: str, service: str, managed_policies: Sequence[str], *, description: str
    ) -> tuple[IamRole, list[IamRolePolicyAttachment]]:
        """A role assumed by an AWS service, and its AWS managed policy attachments (ids from policy names)."""
        role = IamRole(
            self,
            id,
            name=name,
            description=description,
            assume_role_policy=policy_document(
                statement(
                    f"{service.capitalize()}AssumesRole",
                    ["sts:AssumeRole"],
                    # Service principals are "<service>.amazonaws.com" in every partition.
                    principals={"Service": f"{service}.amazonaws.com"},
                )
            ),
        )
        return role, self._attach(id, role, managed_policies)

    def _irsa_role(
        self, id: str, name: str, namespace: str, service_account: str, managed_policy: str
    ) -> tuple[IamRole, list[IamRolePolicyAttachment]]:
        """A role only ``namespace/service_account`` can assume through the OIDC provider (the IRSA
        trust policy's one home, :func:`~constructs_lib.identity.irsa.trust_policy`)."""
        role = IamRole(
            self,
            id,
            name=name,
            description=f"IRSA role of system:serviceaccount:{namespace}:{service_account} in EKS cluster {self.name}",
            assume_role_policy=trust_policy(self.oidc_provider_arn, self.oidc_issuer_host, namespace, service_account),
        )
        return role, self._attach(id, role, (managed_policy,))

    def _attach(self, id: str, role: IamRole, managed_policies: Sequence[str]) -> list[IamRolePolicyAttachment]:
        return [
            IamRolePolicyAttachment(
                self,
                f"{id}-{policy}",
                role=role.name,
                policy_arn=f"arn:{self._context.partition}:iam::aws:policy/{policy}",
            )
            for policy in managed_policies
        ]

    def _allow_deploy_runners(self, config: ClusterConfig, control_plane_security_group_id: str) -> None:
        """443 on the private endpoint from the declared runner CIDRs and security groups."""
        sources: list[tuple[str, str | None, str | None]] = [
            (f"api-from-cidr-{_slug(cidr)}", cidr, None) for cidr in config.private_access_cidrs
        ]
        for index, group in enumerate(config.private_access_security_group_ids):
            # A group passed as a reference has no literal id to name the rule after.
            name = str(index) if Token.is_unresolved(group) else group
            sources.append((f"api-from-group-{name}", None, group))
        for id, cidr_ipv4, referenced_group in sources:
            VpcSecurityGroupIngressRule(
                self,
                id,
                security_group_id=control_plane_security_group_id,
                description="Kubernetes API (HTTPS) from the deploy runner (ClusterConfig private access)",
                ip_protocol="tcp",
                from_port=443,
                to_port=443,
                cidr_ipv4=cidr_ipv4,
                referenced_security_group_id=referenced_group,
            )

    def _grant_admins(self, config: ClusterConfig) -> None:
        """Access entries + cluster-scoped AmazonEKSClusterAdminPolicy for admins and the deployer."""
        for arn in config.admin_principal_arns:
            self._cluster_admin(f"admin-{principal_slug(arn)}", arn)
        if config.deployer_admin_access:
            # The session context turns an assumed-role session ARN into the role's ARN (the only
            # form access entries accept); a user ARN passes through unchanged.
            session = DataAwsIamSessionContext(self, "deployer-session", arn=self._context.caller_arn)
            if config.deployer_principal_arn is None:
                self._cluster_admin("deployer", session.issuer_arn)
            else:
                # A fixed deployer: an apply by anyone else stops here, before any change, instead of
                # moving cluster-admin to them (or failing half-way in the Kubernetes provider).
                self._cluster_admin(
                    "deployer",
                    config.deployer_principal_arn,
                    precondition=Precondition(
                        condition=Op.eq(session.issuer_arn, config.deployer_principal_arn),
                        error_message=(
                            f"This environment deploys as {config.deployer_principal_arn}: run terraform "
                            "with that role's credentials (ClusterConfig.deployer_principal_arn)."
                        ),
                    ),
                )

    def _cluster_admin(self, id: str, principal_arn: str, *, precondition: Precondition | None = None) -> None:
        entry = EksAccessEntry(
            self,
            f"{id}-access-entry",
            cluster_name=self.cluster.name,
            principal_arn=principal_arn,
            type="STANDARD",
            lifecycle=TerraformResourceLifecycle(precondition=[precondition]) if precondition is not None else None,
        )
        self.admin_access.append(
            EksAccessPolicyAssociation(
                self,
                f"{id}-cluster-admin",
                cluster_name=self.cluster.name,
                principal_arn=entry.principal_arn,
                policy_arn=f"arn:{self._context.partition}:eks::aws:cluster-access-policy/{CLUSTER_ADMIN_POLICY}",
                access_scope=EksAccessPolicyAssociationAccessScope(type="cluster"),
            )
        )


def vpc_cni_configuration(pod_addressing: PodAddressing, *, pod_security_groups: bool = False) -> dict[str, Any]:
    """The vpc-cni add-on's configuration values (seed 004).

    The network-policy agent is always on: it enforces Kubernetes NetworkPolicy objects (seed 004's
    default-deny policies) without Calico. ``PREFIX_DELEGATION`` gives each ENI slot a /28, so a node
    runs many more pods and starts them faster (one warm prefix); ``SECONDARY_IPS`` turns it off
    explicitly, so the add-on never keeps a value set by hand.

    ``pod_security_groups`` adds ``ENABLE_POD_ENI=true`` (each capable node gets a trunk ENI from the
    VPC resource controller, which the cluster role's ``AmazonEKSVPCResourceController`` allows) and
    ``POD_SECURITY_GROUP_ENFORCING_MODE=standard`` (vpc-cni 1.11 or later): pods with their own groups
    stay under the network-policy agent, same-node traffic such as kubelet probes is not filtered by
    the pod's groups (no TCP early-demux change needed), and traffic leaving the VPC is translated to
    the node's address and checked against the node's groups, as for every other pod. Left unset when
    off, so the option changes nothing for clusters without it.
    """
    if pod_addressing is PodAddressing.PREFIX_DELEGATION:
        env = {"ENABLE_PREFIX_DELEGATION": "true", "WARM_PREFIX_TARGET": "1"}
    else:
        env = {"ENABLE_PREFIX_DELEGATION": "false"}
    if pod_security_groups:
        env |= {"ENABLE_POD_ENI": "true", "POD_SECURITY_GROUP_ENFORCING_MODE": "standard"}
    return {"enableNetworkPolicy": "true", "env": env}


def _mapping_as_dict(value: object) -> dict[str, Any]:
    """JSON for read-only mappings (``MappingProxyType``) inside add-on configuration values."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"add-on configuration values must be JSON data, not {type(value).__name__}")


@dataclass(frozen=True, kw_only=True)
class _Resolved:
    """The fields of :class:`EksClusterProps` the environment holds, resolved (never None)."""

    name_prefix: str
    node_groups: tuple[NodeGroupSpec, ...]
    stage: Stage
    protections: Protections
    instance_tags: Mapping[str, str]
    pod_addressing: PodAddressing


def _validate(props: EksClusterProps, env: _Resolved) -> None:
    """Every rule of the tier, before any resource exists; raises ConfigError."""
    require_name_prefix("name_prefix", env.name_prefix)
    require_stage_member("cluster.stage", env.stage)
    require_protections("cluster.protections", env.protections)
    props.config.validate("cluster", stage=env.stage)
    validate_node_groups("node_groups", env.node_groups, cluster_name=env.name_prefix)
    subnets = props.private_subnet_ids
    require(
        len(subnets) >= 2 or (len(subnets) == 1 and _is_list_token(subnets)),
        "private_subnet_ids",
        "must list private subnets in at least two availability zones (EKS requires two)",
        list(subnets),
        "pass the network tier's private subnet ids, one per AZ",
    )
    require(
        isinstance(env.pod_addressing, PodAddressing),
        "pod_addressing",
        "must be PREFIX_DELEGATION or SECONDARY_IPS",
        env.pod_addressing,
        "pass the network config's pod_addressing, e.g. PodAddressing.PREFIX_DELEGATION",
    )
    for name, value in (
        ("control_plane_security_group_id", props.control_plane_security_group_id),
        ("node_security_group_id", props.node_security_group_id),
    ):
        require_security_group_id(name, value, fix="pass the network tier's security group id")


def _slug(value: str) -> str:
    """A construct id from a CIDR or other value: ``10.0.0.0/24`` -> ``10-0-0-0-24``."""
    return re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")


def _is_list_token(values: Sequence[str]) -> bool:
    """A whole list passed as one terraform reference (cdktf encodes it as a one-element list)."""
    return Token.is_unresolved(list(values)) and str(values[0]).startswith("#{")
