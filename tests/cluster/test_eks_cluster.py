"""EksCluster: control plane, IAM, KMS, logs, access entries, OIDC, add-ons, node groups, every error.

Two module-scoped stacks: ``prod`` (production, defaults, an admin principal, two add-ons added by
other tiers) and ``dev`` (non-production, every ClusterConfig option off its default).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Fn, TerraformStack
from cdktf import Testing as CdktfTesting

from constructs_lib.cluster.addon_versions import PINNED_ADDON_VERSIONS
from constructs_lib.cluster.config import ClusterConfig, CniIdentity, ControlPlaneLogType
from constructs_lib.cluster.eks_cluster import AddonPodIdentity, EksCluster, ManagedAddonOptions, vpc_cni_configuration
from constructs_lib.errors import ConfigError
from constructs_lib.network.config import PodAddressing
from constructs_lib.protections import Stage
from tests.cluster.builders import ADMIN_ROLE, APPLICATION, CONTROL_PLANE_SG, EBS_CSI_ROLE, GROUPS, SUBNETS, cluster
from tests.helpers import Synth, data_sources, only, resources, synth
from tests.quality import checks
from tests.quality.iam_lint import parliament_errors

PROD_CONFIG = ClusterConfig(
    admin_principal_arns=(ADMIN_ROLE,), addon_versions={"aws-efs-csi-driver": "v2.1.0-eksbuild.1"}
)
DEV_CONFIG = ClusterConfig(
    version="1.33",
    endpoint_public_access=True,
    public_access_cidrs=("203.0.113.0/24",),
    deployer_admin_access=False,
    bootstrap_creator_admin=True,
    log_types=(ControlPlaneLogType.AUDIT,),
    log_retention_days=7,
    cni_identity=CniIdentity.NODE_ROLE,
    addon_versions={"coredns": "v1.11.4-eksbuild.2"},
    zonal_shift=True,
)
ADMIN_ID = "admin-123456789012-role-platform-admin"
EBS_CSI_VALUES = {"controller": {"extraVolumeTags": {"team": "platform"}}}
EFS_CSI_ROLE = "arn:aws:iam::123456789012:role/eks-platform-prod-efs-csi"

built: dict[str, EksCluster] = {}


def _build_prod(stack: TerraformStack) -> None:
    eks = cluster(stack, config=PROD_CONFIG)
    eks.add_managed_addon(
        "aws-ebs-csi-driver",
        options=ManagedAddonOptions(service_account_role_arn=EBS_CSI_ROLE, configuration_values=EBS_CSI_VALUES),
    )
    eks.add_managed_addon(
        "aws-efs-csi-driver",
        options=ManagedAddonOptions(
            pod_identity=AddonPodIdentity("efs-csi-controller-sa", EFS_CSI_ROLE), after_nodes=False
        ),
    )
    built["prod"] = eks


def _build_dev(stack: TerraformStack) -> None:
    built["dev"] = cluster(
        stack,
        name_prefix="eks-platform-dev",
        config=DEV_CONFIG,
        stage=Stage.DEV,
        pod_addressing=PodAddressing.SECONDARY_IPS,
    )


@pytest.fixture(scope="module")
def prod() -> Synth:
    return synth(_build_prod)


@pytest.fixture(scope="module")
def dev() -> Synth:
    return synth(_build_dev)


def _named(doc: Synth, resource_type: str, id_part: str) -> Any:
    (body,) = [v for k, v in resources(doc, resource_type).items() if k.startswith(f"eks_{id_part}_")]
    return body


def _addresses(doc: Synth, resource_type: str, id_part: str) -> str:
    (key,) = [k for k in resources(doc, resource_type) if k.startswith(f"eks_{id_part}_")]
    return f"{resource_type}.{key}"


def _policy(body: Any, attribute: str = "assume_role_policy") -> Any:
    return json.loads(body[attribute])


# -- the control plane ------------------------------------------------------------------------


def test_cluster_is_named_after_the_prefix(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["name"] == "eks-platform-prod"


def test_default_kubernetes_version(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["version"] == "1.35"


def test_configured_kubernetes_version(dev: Synth) -> None:
    assert only(dev, "aws_eks_cluster")["version"] == "1.33"


def test_control_plane_enis_in_private_subnets(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["vpc_config"]["subnet_ids"] == list(SUBNETS)


def test_control_plane_security_group(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["vpc_config"]["security_group_ids"] == [CONTROL_PLANE_SG]


def test_private_endpoint_on(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["vpc_config"]["endpoint_private_access"] is True


def test_public_endpoint_off_by_default(prod: Synth) -> None:
    vpc = only(prod, "aws_eks_cluster")["vpc_config"]
    assert (vpc["endpoint_public_access"], "public_access_cidrs" in vpc) == (False, False)


def test_public_endpoint_limited_to_configured_cidrs(dev: Synth) -> None:
    vpc = only(dev, "aws_eks_cluster")["vpc_config"]
    assert (vpc["endpoint_public_access"], vpc["public_access_cidrs"]) == (True, ["203.0.113.0/24"])


def test_secrets_envelope_encryption_with_the_secrets_key(prod: Synth) -> None:
    encryption = only(prod, "aws_eks_cluster")["encryption_config"]
    assert encryption["resources"] == ["secrets"] and "eks_secrets-key" in encryption["provider"]["key_arn"]


def test_authentication_mode_api(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["access_config"]["authentication_mode"] == "API"


def test_creator_admin_off_by_default(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["access_config"]["bootstrap_cluster_creator_admin_permissions"] is False


def test_creator_admin_on_when_asked(dev: Synth) -> None:
    assert only(dev, "aws_eks_cluster")["access_config"]["bootstrap_cluster_creator_admin_permissions"] is True


def test_no_self_managed_addons(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["bootstrap_self_managed_addons"] is False


def test_deletion_protection_in_prod(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["deletion_protection"] is True


def test_no_deletion_protection_outside_prod(dev: Synth) -> None:
    assert only(dev, "aws_eks_cluster")["deletion_protection"] is False


def test_prod_keeps_extended_support(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["upgrade_policy"] == {"support_type": "EXTENDED"}


def test_non_prod_never_pays_extended_support(dev: Synth) -> None:
    assert only(dev, "aws_eks_cluster")["upgrade_policy"] == {"support_type": "STANDARD"}


def test_cluster_waits_for_its_log_group(prod: Synth) -> None:
    log_group = _addresses(prod, "aws_cloudwatch_log_group", "control-plane-logs")
    assert log_group in only(prod, "aws_eks_cluster")["depends_on"]


def test_cluster_waits_for_its_role_policies(prod: Synth) -> None:
    depends_on = only(prod, "aws_eks_cluster")["depends_on"]
    assert _addresses(prod, "aws_iam_role_policy_attachment", "cluster-role-AmazonEKSClusterPolicy") in depends_on


# -- logs -------------------------------------------------------------------------------------


def test_all_five_log_types_in_prod(prod: Synth) -> None:
    expected = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
    assert only(prod, "aws_eks_cluster")["enabled_cluster_log_types"] == expected


def test_configured_log_types(dev: Synth) -> None:
    assert only(dev, "aws_eks_cluster")["enabled_cluster_log_types"] == ["audit"]


def test_log_group_name(prod: Synth) -> None:
    assert only(prod, "aws_cloudwatch_log_group")["name"] == "/aws/eks/eks-platform-prod/cluster"


def test_log_group_keeps_a_year_in_prod(prod: Synth) -> None:
    assert only(prod, "aws_cloudwatch_log_group")["retention_in_days"] == 365


def test_configured_retention(dev: Synth) -> None:
    assert only(dev, "aws_cloudwatch_log_group")["retention_in_days"] == 7


def test_log_group_is_protected_in_prod(prod: Synth) -> None:
    assert only(prod, "aws_cloudwatch_log_group")["lifecycle"] == {"prevent_destroy": True}


def test_log_group_is_not_protected_outside_prod(dev: Synth) -> None:
    assert "lifecycle" not in only(dev, "aws_cloudwatch_log_group")


def test_log_group_encrypted_with_the_logs_key(prod: Synth) -> None:
    assert "aws_kms_key.eks_logs-key" in only(prod, "aws_cloudwatch_log_group")["kms_key_id"]


def test_logs_key_lets_cloudwatch_use_it_for_this_log_group_only(prod: Synth) -> None:
    key_policy = json.loads(_named(prod, "aws_kms_key", "logs-key")["policy"])
    condition = key_policy["Statement"][1]["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"]
    assert condition.endswith(":log-group:/aws/eks/eks-platform-prod/*")


# -- KMS --------------------------------------------------------------------------------------


def test_two_keys_with_prefixed_aliases(prod: Synth) -> None:
    aliases = sorted(a["name"] for a in resources(prod, "aws_kms_alias").values())
    assert aliases == ["alias/eks-platform-prod-eks-logs", "alias/eks-platform-prod-eks-secrets"]


def test_keys_rotate_and_wait_30_days_in_prod(prod: Synth) -> None:
    assert checks.check_kms_keys(prod, production=True) == []


def test_keys_and_log_group_are_protected_in_prod(prod: Synth) -> None:
    assert checks.check_prevent_destroy(prod) == []


def test_keys_are_not_protected_outside_prod(dev: Synth) -> None:
    assert all("lifecycle" not in key for key in resources(dev, "aws_kms_key").values())


# -- IAM --------------------------------------------------------------------------------------


def test_cluster_role_name(prod: Synth) -> None:
    assert _named(prod, "aws_iam_role", "cluster-role")["name"] == "eks-platform-prod-eks-cluster"


def test_cluster_role_trusts_eks(prod: Synth) -> None:
    trust = _policy(_named(prod, "aws_iam_role", "cluster-role"))["Statement"][0]
    assert (trust["Principal"], trust["Action"]) == ({"Service": "eks.amazonaws.com"}, "sts:AssumeRole")


def test_cluster_role_policies(prod: Synth) -> None:
    attachments = resources(prod, "aws_iam_role_policy_attachment")
    arns = sorted(a["policy_arn"] for k, a in attachments.items() if "cluster-role" in k)
    assert [arn.rsplit("/", 1)[1] for arn in arns] == ["AmazonEKSClusterPolicy", "AmazonEKSVPCResourceController"]


def test_cluster_role_may_use_the_secrets_key(prod: Synth) -> None:
    grant = _policy(only(prod, "aws_iam_role_policy"), "policy")["Statement"][0]
    assert "kms:Decrypt" in grant["Action"] and "eks_secrets-key" in grant["Resource"]


def test_node_role_name(prod: Synth) -> None:
    assert _named(prod, "aws_iam_role", "node-role")["name"] == "eks-platform-prod-eks-node"


def test_node_role_trusts_ec2(prod: Synth) -> None:
    trust = _policy(_named(prod, "aws_iam_role", "node-role"))["Statement"][0]
    assert trust["Principal"] == {"Service": "ec2.amazonaws.com"}


def _node_policies(doc: Synth) -> list[str]:
    attachments = resources(doc, "aws_iam_role_policy_attachment")
    return sorted(a["policy_arn"].rsplit("/", 1)[1] for k, a in attachments.items() if k.startswith("eks_node-role"))


def test_node_role_without_cni_policy_when_cni_uses_irsa(prod: Synth) -> None:
    assert _node_policies(prod) == ["AmazonEC2ContainerRegistryReadOnly", "AmazonEKSWorkerNodePolicy"]


def test_node_role_with_cni_policy_when_asked(dev: Synth) -> None:
    assert "AmazonEKS_CNI_Policy" in _node_policies(dev)


def test_cni_irsa_role_trusts_only_aws_node(prod: Synth) -> None:
    trust = _policy(_named(prod, "aws_iam_role", "vpc-cni-role"))["Statement"][0]
    subjects = [v for k, v in trust["Condition"]["StringEquals"].items() if k.endswith(":sub")]
    assert subjects == ["system:serviceaccount:kube-system:aws-node"]


def test_cni_irsa_trust_passes_the_irsa_gate(prod: Synth) -> None:
    assert checks.check_irsa_trust(prod) == []


def test_cni_irsa_role_has_the_cni_policy(prod: Synth) -> None:
    attachment = _named(prod, "aws_iam_role_policy_attachment", "vpc-cni-role-AmazonEKS_CNI_Policy")
    assert attachment["policy_arn"].endswith(":iam::aws:policy/AmazonEKS_CNI_Policy")


def test_no_cni_irsa_role_with_node_role_identity(dev: Synth) -> None:
    assert not [k for k in resources(dev, "aws_iam_role") if "vpc-cni" in k]


def test_iam_documents_are_literal_json(prod: Synth) -> None:
    assert checks.check_policy_attributes_are_literal(prod) == []


def test_iam_documents_pass_parliament(prod: Synth) -> None:
    assert parliament_errors(prod) == []


# -- access entries ---------------------------------------------------------------------------


def _principals(doc: Synth) -> list[str]:
    return sorted(e["principal_arn"] for e in resources(doc, "aws_eks_access_entry").values())


def test_admin_principal_gets_an_access_entry(prod: Synth) -> None:
    assert ADMIN_ROLE in _principals(prod)


def test_admin_access_entry_id_comes_from_the_arn(prod: Synth) -> None:
    assert _named(prod, "aws_eks_access_entry", f"{ADMIN_ID}-access-entry")["type"] == "STANDARD"


def test_admins_get_cluster_admin_at_cluster_scope(prod: Synth) -> None:
    association = _named(prod, "aws_eks_access_policy_association", f"{ADMIN_ID}-cluster-admin")
    assert association["policy_arn"].endswith(":eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy")


def test_cluster_scope(prod: Synth) -> None:
    associations = resources(prod, "aws_eks_access_policy_association").values()
    assert all(a["access_scope"] == {"type": "cluster"} for a in associations)


def test_deployer_access_entry_from_the_session_context(prod: Synth) -> None:
    entry = _named(prod, "aws_eks_access_entry", "deployer-access-entry")
    assert entry["principal_arn"].startswith("${data.aws_iam_session_context.eks_deployer-session")


def test_session_context_reads_the_caller(prod: Synth) -> None:
    (session,) = data_sources(prod, "aws_iam_session_context").values()
    assert session["arn"].startswith("${data.aws_caller_identity.aws-context_caller_")


def test_no_deployer_entry_when_off(dev: Synth) -> None:
    assert resources(dev, "aws_eks_access_entry") == {} and data_sources(dev, "aws_iam_session_context") == {}


def test_admin_access_attribute_lists_the_associations() -> None:
    assert len(built["prod"].admin_access) == 2


# -- OIDC -------------------------------------------------------------------------------------


def test_oidc_provider_for_the_cluster_issuer(prod: Synth) -> None:
    assert only(prod, "aws_iam_openid_connect_provider")["url"].endswith(".identity[0].oidc[0].issuer}")


def test_oidc_client_id(prod: Synth) -> None:
    assert only(prod, "aws_iam_openid_connect_provider")["client_id_list"] == ["sts.amazonaws.com"]


def test_oidc_provider_without_thumbprint(prod: Synth) -> None:
    assert "thumbprint_list" not in only(prod, "aws_iam_openid_connect_provider")


def test_issuer_host_strips_the_scheme(prod: Synth) -> None:
    (expression,) = prod["locals"].values()
    assert expression.startswith("${replace(aws_eks_cluster.eks_cluster") and '"https://", ""' in expression


# -- add-ons ----------------------------------------------------------------------------------


def _addon(doc: Synth, name: str) -> Any:
    return _named(doc, "aws_eks_addon", f"addon-{name}")


def test_core_addons(dev: Synth) -> None:
    names = sorted(a["addon_name"] for a in resources(dev, "aws_eks_addon").values())
    assert names == ["coredns", "eks-pod-identity-agent", "kube-proxy", "vpc-cni"]


def test_vpc_cni_prefix_delegation(prod: Synth) -> None:
    assert json.loads(_addon(prod, "vpc-cni")["configuration_values"])["env"]["ENABLE_PREFIX_DELEGATION"] == "true"


def test_vpc_cni_keeps_one_prefix_warm(prod: Synth) -> None:
    assert json.loads(_addon(prod, "vpc-cni")["configuration_values"])["env"]["WARM_PREFIX_TARGET"] == "1"


def test_vpc_cni_without_prefix_delegation_for_secondary_ips(dev: Synth) -> None:
    values = json.loads(_addon(dev, "vpc-cni")["configuration_values"])
    assert values == {"enableNetworkPolicy": "true", "env": {"ENABLE_PREFIX_DELEGATION": "false"}}


def test_vpc_cni_security_groups_for_pods_in_standard_mode() -> None:
    values = vpc_cni_configuration(PodAddressing.SECONDARY_IPS, pod_security_groups=True)
    assert values["env"] == {
        "ENABLE_PREFIX_DELEGATION": "false",
        "ENABLE_POD_ENI": "true",
        "POD_SECURITY_GROUP_ENFORCING_MODE": "standard",
    }


def test_vpc_cni_network_policy(prod: Synth) -> None:
    assert json.loads(_addon(prod, "vpc-cni")["configuration_values"])["enableNetworkPolicy"] == "true"


def test_vpc_cni_uses_its_irsa_role(prod: Synth) -> None:
    assert "aws_iam_role.eks_vpc-cni-role" in _addon(prod, "vpc-cni")["service_account_role_arn"]


def test_vpc_cni_without_irsa_role_on_node_role_identity(dev: Synth) -> None:
    assert "service_account_role_arn" not in _addon(dev, "vpc-cni")


def test_vpc_cni_waits_for_its_role_policy(prod: Synth) -> None:
    expected = _addresses(prod, "aws_iam_role_policy_attachment", "vpc-cni-role-AmazonEKS_CNI_Policy")
    assert _addon(prod, "vpc-cni")["depends_on"] == [expected]


def test_node_groups_wait_for_vpc_cni_kube_proxy_and_the_pod_identity_agent(prod: Synth) -> None:
    first = {
        _addresses(prod, "aws_eks_addon", f"addon-{name}")
        for name in ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
    }
    assert all(first <= set(group["depends_on"]) for group in resources(prod, "aws_eks_node_group").values())


def test_coredns_waits_for_every_node_group(prod: Synth) -> None:
    groups = {f"aws_eks_node_group.{k}" for k in resources(prod, "aws_eks_node_group")}
    assert set(_addon(prod, "coredns")["depends_on"]) == groups


def test_unpinned_addon_version_is_the_most_recent_for_the_cluster_version(dev: Synth) -> None:
    lookup = next(v for k, v in data_sources(dev, "aws_eks_addon_version").items() if "kube-proxy" in k)
    assert lookup == {"addon_name": "kube-proxy", "kubernetes_version": "1.33", "most_recent": True}


def test_unpinned_addon_uses_the_lookup(dev: Synth) -> None:
    lookup = "${data.aws_eks_addon_version.eks_addon-version-kube-proxy"
    assert _addon(dev, "kube-proxy")["addon_version"].startswith(lookup)


@pytest.mark.parametrize(
    "name",
    [
        "vpc-cni",
        "kube-proxy",
        "coredns",
        "aws-ebs-csi-driver",
        "eks-pod-identity-agent",
        "amazon-cloudwatch-observability",
    ],
)
def test_production_pins_every_addon_from_the_table(prod: Synth, name: str) -> None:
    assert _addon(prod, name)["addon_version"] == PINNED_ADDON_VERSIONS["1.35"][name]


def test_production_reads_no_addon_version_at_plan_time(prod: Synth) -> None:
    assert data_sources(prod, "aws_eks_addon_version") == {}


def test_pinned_cluster_refuses_an_addon_the_table_lacks() -> None:
    stack = TerraformStack(CdktfTesting.app(), "pinned")
    eks = cluster(stack, config=ClusterConfig(admin_principal_arns=(ADMIN_ROLE,)))
    with pytest.raises(
        ConfigError,
        match=r"`cluster\.addon_versions\.aws-efs-csi-driver`: must be pinned: add-on versions are pinned here "
        r"and the table has no aws-efs-csi-driver version for Kubernetes 1\.35 \(got None\); fix: set "
        r"addon_versions\['aws-efs-csi-driver'\]",
    ):
        eks.add_managed_addon("aws-efs-csi-driver")


def test_pinned_addon_version(dev: Synth) -> None:
    assert _addon(dev, "coredns")["addon_version"] == "v1.11.4-eksbuild.2"


def test_pinned_addon_needs_no_lookup(dev: Synth) -> None:
    assert not [k for k in data_sources(dev, "aws_eks_addon_version") if "coredns" in k]


def test_addon_lookup_uses_the_configured_version(dev: Synth) -> None:
    assert {v["kubernetes_version"] for v in data_sources(dev, "aws_eks_addon_version").values()} == {"1.33"}


def test_conflicts_are_overwritten(prod: Synth) -> None:
    addon = _addon(prod, "kube-proxy")
    assert (addon["resolve_conflicts_on_create"], addon["resolve_conflicts_on_update"]) == ("OVERWRITE", "OVERWRITE")


def test_added_addon_with_irsa_role(prod: Synth) -> None:
    assert _addon(prod, "aws-ebs-csi-driver")["service_account_role_arn"] == EBS_CSI_ROLE


def test_added_addon_configuration_is_sorted_json(prod: Synth) -> None:
    expected = '{"controller":{"extraVolumeTags":{"team":"platform"}}}'
    assert _addon(prod, "aws-ebs-csi-driver")["configuration_values"] == expected


def test_added_addon_waits_for_nodes_by_default(prod: Synth) -> None:
    groups = {f"aws_eks_node_group.{k}" for k in resources(prod, "aws_eks_node_group")}
    assert set(_addon(prod, "aws-ebs-csi-driver")["depends_on"]) == groups


def test_added_addon_before_nodes_when_asked_waits_only_for_the_pod_identity_agent(prod: Synth) -> None:
    assert _addon(prod, "aws-efs-csi-driver")["depends_on"] == [
        _addresses(prod, "aws_eks_addon", "addon-eks-pod-identity-agent")
    ]


def test_added_addon_with_pod_identity(prod: Synth) -> None:
    assert _addon(prod, "aws-efs-csi-driver")["pod_identity_association"] == [
        {"role_arn": EFS_CSI_ROLE, "service_account": "efs-csi-controller-sa"}
    ]


def test_added_addon_with_pod_identity_has_no_irsa_role(prod: Synth) -> None:
    assert "service_account_role_arn" not in _addon(prod, "aws-efs-csi-driver")


def test_addon_takes_irsa_or_pod_identity_not_both() -> None:
    eks = cluster(_fresh(), node_groups=(APPLICATION,))
    with pytest.raises(
        ConfigError,
        match=r"`add_managed_addon\.pod_identity`: supply at most one of `service_account_role_arn` or `pod_identity`",
    ):
        eks.add_managed_addon(
            "aws-ebs-csi-driver",
            options=ManagedAddonOptions(
                service_account_role_arn=EBS_CSI_ROLE,
                pod_identity=AddonPodIdentity("ebs-csi-controller-sa", EBS_CSI_ROLE),
            ),
        )


def test_addons_attribute_lists_every_addon() -> None:
    expected = [
        "amazon-cloudwatch-observability",
        "aws-ebs-csi-driver",
        "aws-efs-csi-driver",
        "coredns",
        "eks-pod-identity-agent",
        "kube-proxy",
        "vpc-cni",
    ]
    assert sorted(built["prod"].addons) == expected


# -- Pod Identity agent, system placement, upgrade safety, CloudWatch observability ------------


def test_pod_identity_agent_goes_in_before_the_nodes(prod: Synth) -> None:
    assert "depends_on" not in _addon(prod, "eks-pod-identity-agent")


def test_coredns_is_pinned_to_the_system_group(prod: Synth) -> None:
    assert json.loads(_addon(prod, "coredns")["configuration_values"]) == {
        "nodeSelector": {"node-role": "system"},
        "tolerations": [{"effect": "NoSchedule", "key": "CriticalAddonsOnly", "operator": "Equal", "value": "true"}],
    }


def test_system_addon_values_nest_under_the_ebs_csi_controller() -> None:
    values = built["prod"].system_addon_values("aws-ebs-csi-driver")
    assert (
        values is not None
        and set(values) == {"controller"}
        and set(values["controller"])
        == {
            "nodeSelector",
            "tolerations",
        }
    )


def test_no_system_group_means_no_placement() -> None:
    eks = cluster(_fresh(), node_groups=(APPLICATION,))
    assert (eks.system_node_group, eks.system_addon_values("coredns")) == (None, None)


def test_system_placement_only_for_verified_addons() -> None:
    with pytest.raises(
        ConfigError, match=r"`system_addon_values\.name`: must be an add-on whose placement keys are verified"
    ):
        built["prod"].system_addon_values("kube-proxy")


def test_zonal_shift_on_in_prod(prod: Synth) -> None:
    assert only(prod, "aws_eks_cluster")["zonal_shift_config"] == {"enabled": True}


def test_zonal_shift_override_outside_prod(dev: Synth) -> None:
    assert only(dev, "aws_eks_cluster")["zonal_shift_config"] == {"enabled": True}


def test_cloudwatch_observability_addon_binds_its_pod_identity_role(prod: Synth) -> None:
    role = _addresses(prod, "aws_iam_role", "cloudwatch-observability-role")
    assert _addon(prod, "amazon-cloudwatch-observability")["pod_identity_association"] == [
        {"role_arn": f"${{{role}.arn}}", "service_account": "cloudwatch-agent"}
    ]


def test_cloudwatch_observability_waits_for_nodes_and_the_agent(prod: Synth) -> None:
    expected = {f"aws_eks_node_group.{k}" for k in resources(prod, "aws_eks_node_group")}
    expected.add(_addresses(prod, "aws_eks_addon", "addon-eks-pod-identity-agent"))
    assert set(_addon(prod, "amazon-cloudwatch-observability")["depends_on"]) == expected


def test_cloudwatch_agent_role_trusts_only_its_service_account(prod: Synth) -> None:
    trust = _policy(_named(prod, "aws_iam_role", "cloudwatch-observability-role"))
    assert trust["Statement"][0]["Condition"]["StringEquals"] == {
        "aws:RequestTag/eks-cluster-name": f"${{{_addresses(prod, 'aws_eks_cluster', 'cluster')}.name}}",
        "aws:RequestTag/kubernetes-namespace": "amazon-cloudwatch",
        "aws:RequestTag/kubernetes-service-account": "cloudwatch-agent",
    }


def test_cloudwatch_agent_role_has_the_agent_policy(prod: Synth) -> None:
    attachment = _named(
        prod, "aws_iam_role_policy_attachment", "cloudwatch-observability-role_managed--CloudWatchAgentServerPolicy"
    )
    assert attachment["policy_arn"].endswith(":iam::aws:policy/CloudWatchAgentServerPolicy")


def test_cloudwatch_agent_role_name(prod: Synth) -> None:
    assert (
        _named(prod, "aws_iam_role", "cloudwatch-observability-role")["name"]
        == "eks-platform-prod-eks-cloudwatch-agent"
    )


def test_no_cloudwatch_observability_in_a_sandbox(dev: Synth) -> None:
    assert not [k for k in resources(dev, "aws_iam_role") if "cloudwatch" in k]


# -- node groups ------------------------------------------------------------------------------


def test_one_node_group_per_spec(prod: Synth) -> None:
    names = sorted(g["node_group_name"] for g in resources(prod, "aws_eks_node_group").values())
    assert names == ["eks-platform-prod-application", "eks-platform-prod-system"]


def test_node_group_construct_ids_from_names(prod: Synth) -> None:
    assert sorted(k.split("_")[1] for k in resources(prod, "aws_eks_node_group")) == [
        "node-group-application",
        "node-group-system",
    ]


def test_node_groups_use_the_node_role(prod: Synth) -> None:
    groups = resources(prod, "aws_eks_node_group").values()
    assert all("aws_iam_role.eks_node-role" in g["node_role_arn"] for g in groups)


def test_node_groups_in_the_cluster_version(dev: Synth) -> None:
    assert {g["version"] for g in resources(dev, "aws_eks_node_group").values()} == {"1.33"}


def test_instance_tags_reach_the_launch_templates(prod: Synth) -> None:
    template = _named(prod, "aws_launch_template", "node-group-system_launch-template")
    assert template["tag_specifications"][0]["tags"]["environment"] == "prod"


def test_node_group_names_attribute() -> None:
    assert sorted(built["prod"].node_group_names) == ["application", "system"]


def test_node_groups_attribute_in_matrix_order() -> None:
    paths = [g.node.path for g in built["prod"].node_groups]
    assert paths == ["test/eks/node-group-system/node-group", "test/eks/node-group-application/node-group"]


# -- attributes and stack-wide gates ----------------------------------------------------------


def test_typed_attributes_are_references() -> None:
    eks = built["prod"]
    values = (
        eks.cluster_name,
        eks.cluster_arn,
        eks.endpoint,
        eks.certificate_authority_data,
        eks.cluster_security_group_id,
        eks.oidc_provider_arn,
        eks.oidc_issuer_host,
        eks.oidc_issuer_url,
        eks.node_role_arn,
        eks.node_role_name,
        eks.secrets_kms_key_arn,
    )
    assert all(isinstance(v, str) and "TOKEN" in v for v in values)


def test_every_reference_resolves(prod: Synth) -> None:
    assert checks.check_references(prod) == []


def test_names_carry_the_environment(prod: Synth) -> None:
    assert checks.check_names_carry_environment(prod, "prod") == []


# -- errors -----------------------------------------------------------------------------------


def _fresh() -> TerraformStack:
    return TerraformStack(CdktfTesting.app(), "errors")


def test_config_is_validated_under_cluster() -> None:
    with pytest.raises(ConfigError, match=r"`cluster.version`"):
        cluster(_fresh(), config=ClusterConfig(version="1.28"))


def test_prod_rejects_the_whole_internet_on_the_public_endpoint() -> None:
    config = ClusterConfig(endpoint_public_access=True, public_access_cidrs=("0.0.0.0/0",))
    with pytest.raises(ConfigError, match=r"must not be 0\.0\.0\.0/0 here"):
        cluster(_fresh(), config=config)


def test_node_groups_are_validated() -> None:
    with pytest.raises(ConfigError, match="needs at least one node group without NO_SCHEDULE"):
        cluster(_fresh(), node_groups=GROUPS[:1])


def test_name_prefix_must_be_a_dns_label() -> None:
    with pytest.raises(ConfigError, match="`name_prefix`: must be a DNS-1123 label"):
        cluster(_fresh(), name_prefix="EKS_platform")


def test_name_prefix_length() -> None:
    with pytest.raises(ConfigError, match="at most 40 characters"):
        cluster(_fresh(), name_prefix="a" * 41)


def test_needs_two_subnets() -> None:
    with pytest.raises(ConfigError, match="`private_subnet_ids`: must list private subnets in at least two"):
        cluster(_fresh(), subnets=SUBNETS[:1])


def test_accepts_a_whole_list_reference_for_subnets() -> None:
    stack = _fresh()
    eks = cluster(stack, subnets=Fn.tolist("${var.subnets}"), node_groups=(APPLICATION,))
    assert eks.name == "eks-platform-prod"


def test_needs_a_control_plane_security_group() -> None:
    with pytest.raises(ConfigError, match="`control_plane_security_group_id`: must be a security group id"):
        cluster(_fresh(), control_plane_sg="")


def test_needs_a_node_security_group() -> None:
    with pytest.raises(ConfigError, match="`node_security_group_id`: must be a security group id"):
        cluster(_fresh(), node_sg="")


def test_pod_addressing_must_be_enum() -> None:
    with pytest.raises(ConfigError, match="`pod_addressing`: must be PREFIX_DELEGATION or SECONDARY_IPS"):
        cluster(_fresh(), pod_addressing="PREFIX_DELEGATION")


def test_admin_arns_must_not_share_a_terraform_address() -> None:
    config = ClusterConfig(
        admin_principal_arns=("arn:aws:iam::123456789012:role/ops-admin", "arn:aws:iam::123456789012:role/ops/admin")
    )
    with pytest.raises(ConfigError, match=r"`cluster\.admin_principal_arns`: names the same terraform address as"):
        cluster(_fresh(), config=config)


def test_addon_name_must_be_an_eks_name() -> None:
    eks = cluster(_fresh(), node_groups=(APPLICATION,))
    with pytest.raises(ConfigError, match=r"`add_managed_addon\.name`: must be an EKS add-on name"):
        eks.add_managed_addon("EBS CSI")


def test_addon_is_added_once() -> None:
    eks = cluster(_fresh(), node_groups=(APPLICATION,))
    with pytest.raises(ConfigError, match="add-on is already installed on cluster eks-platform-prod"):
        eks.add_managed_addon("coredns")


def test_node_security_group_reaches_every_launch_template(prod: Synth) -> None:
    templates = resources(prod, "aws_launch_template").values()
    assert [t["vpc_security_group_ids"] for t in templates] == [["sg-0000000000000000e"], ["sg-0000000000000000e"]]


# -- the deploy runner's way in and a fixed deployer --------------------------------------------

DEPLOYER = "arn:aws:iam::123456789012:role/ci-deployer"
RUNNER_CONFIG = ClusterConfig(
    admin_principal_arns=(ADMIN_ROLE,),
    private_access_cidrs=("10.250.0.0/24",),
    private_access_security_group_ids=("sg-0a1b2c3d4e5f67890",),
    deployer_principal_arn=DEPLOYER,
)


def _named(doc: Synth, resource_type: str, id: str) -> Any:
    (found,) = [body for name, body in resources(doc, resource_type).items() if f"_{id}_" in name]
    return found


@pytest.fixture(scope="module")
def runner() -> Synth:
    return synth(lambda stack: cluster(stack, config=RUNNER_CONFIG))


def test_runner_cidr_reaches_the_private_endpoint(runner: Synth) -> None:
    rule = _named(runner, "aws_vpc_security_group_ingress_rule", "api-from-cidr-10-250-0-0-24")
    assert (rule["cidr_ipv4"], rule["from_port"], rule["to_port"], rule["ip_protocol"]) == (
        "10.250.0.0/24",
        443,
        443,
        "tcp",
    )
    assert rule["security_group_id"] == CONTROL_PLANE_SG


def test_runner_security_group_reaches_the_private_endpoint(runner: Synth) -> None:
    rule = _named(runner, "aws_vpc_security_group_ingress_rule", "api-from-group-sg-0a1b2c3d4e5f67890")
    assert (rule["referenced_security_group_id"], rule["from_port"]) == ("sg-0a1b2c3d4e5f67890", 443)


def test_no_runner_rules_without_private_access(prod: Synth) -> None:
    assert resources(prod, "aws_vpc_security_group_ingress_rule") == {}


def test_fixed_deployer_gets_the_deployer_access_entry(runner: Synth) -> None:
    assert _named(runner, "aws_eks_access_entry", "deployer-access-entry")["principal_arn"] == DEPLOYER


def test_apply_by_another_identity_stops_before_any_change(runner: Synth) -> None:
    (condition,) = _named(runner, "aws_eks_access_entry", "deployer-access-entry")["lifecycle"]["precondition"]
    assert condition["condition"].startswith("${(data.aws_iam_session_context.")
    assert condition["condition"].endswith(f'.issuer_arn == "{DEPLOYER}")}}')
    assert DEPLOYER in condition["error_message"]


def test_caller_deployer_has_no_precondition(prod: Synth) -> None:
    assert "lifecycle" not in _named(prod, "aws_eks_access_entry", "deployer-access-entry")
