"""ClusterConfig, NodeGroupSpec and the node-group matrix rules: defaults, resolution, every error."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from constructs_lib.cluster.config import (
    ALL_LOG_TYPES,
    SYSTEM_NODE_TAINT,
    CapacityType,
    ClusterConfig,
    CniIdentity,
    ControlPlaneLogType,
    IdentityMode,
    NodeGroupSpec,
    NodeRole,
    SupportType,
    Taint,
    TaintEffect,
    system_node_group,
    system_placement,
    validate_node_groups,
)
from constructs_lib.config import from_dict
from constructs_lib.errors import ConfigError
from constructs_lib.stage import Stage
from tests.cluster.builders import ADMIN_ROLE, APPLICATION, GROUPS, SYSTEM


def _check(stage: Stage = Stage.DEV, **fields: Any) -> None:
    ClusterConfig(**fields).validate("prod.cluster", stage=stage)


# -- defaults and resolution ------------------------------------------------------------------


def test_deployer_admin_access_is_on_by_default() -> None:
    assert ClusterConfig().deployer_admin_access is True


def test_creator_bootstrap_is_off_by_default() -> None:
    assert ClusterConfig().bootstrap_creator_admin is False


def test_cni_uses_irsa_by_default() -> None:
    assert ClusterConfig().cni_identity is CniIdentity.IRSA


def test_no_addon_is_pinned_by_default() -> None:
    assert dict(ClusterConfig().addon_versions) == {}


def test_prod_logs_all_five_types_by_default() -> None:
    assert ClusterConfig().resolved_log_types(stage=Stage.PROD) == ALL_LOG_TYPES


def test_non_prod_logs_api_audit_authenticator_by_default() -> None:
    assert [t.value for t in ClusterConfig().resolved_log_types(stage=Stage.DEV)] == ["api", "audit", "authenticator"]


def test_configured_log_types_come_in_eks_order() -> None:
    config = ClusterConfig(log_types=(ControlPlaneLogType.SCHEDULER, ControlPlaneLogType.API))
    assert config.resolved_log_types(stage=Stage.DEV) == (ControlPlaneLogType.API, ControlPlaneLogType.SCHEDULER)


def test_prod_keeps_logs_a_year_by_default() -> None:
    assert ClusterConfig().resolved_log_retention_days(stage=Stage.PROD) == 365


def test_non_prod_keeps_logs_thirty_days_by_default() -> None:
    assert ClusterConfig().resolved_log_retention_days(stage=Stage.DEV) == 30


def test_configured_retention_wins() -> None:
    assert ClusterConfig(log_retention_days=731).resolved_log_retention_days(stage=Stage.PROD) == 731


def test_addon_versions_are_copied_read_only() -> None:
    pins = {"coredns": "v1.11.4-eksbuild.2"}
    config = ClusterConfig(addon_versions=pins)
    pins["coredns"] = "changed"
    assert config.addon_versions["coredns"] == "v1.11.4-eksbuild.2"


def test_full_configuration_is_valid_in_prod() -> None:
    _check(
        stage=Stage.PROD,
        admin_principal_arns=(ADMIN_ROLE, "arn:aws:iam::123456789012:user/break-glass"),
        log_types=ALL_LOG_TYPES,
        log_retention_days=3653,
        cni_identity=CniIdentity.NODE_ROLE,
        addon_versions={"vpc-cni": "v1.20.4-eksbuild.1"},
    )


def test_read_from_plain_data() -> None:
    config = from_dict(
        ClusterConfig,
        {"log_types": ["audit"], "cni_identity": "node_role", "addon_versions": {"coredns": "v1.11.4-eksbuild.2"}},
        "dev.cluster",
    )
    assert (config.log_types, config.cni_identity) == ((ControlPlaneLogType.AUDIT,), CniIdentity.NODE_ROLE)


# -- ClusterConfig errors ---------------------------------------------------------------------


def test_admin_principal_must_be_role_or_user() -> None:
    with pytest.raises(ConfigError, match=r"admin_principal_arns\[0\]`: must be an IAM role or user ARN \(EKS access"):
        _check(admin_principal_arns=("arn:aws:sts::123456789012:assumed-role/admin/session",))


def test_admin_principals_must_not_share_an_access_entry_address() -> None:
    # role/ops-admin and role/ops/admin both become the access entry `admin-123456789012-role-ops-admin`.
    with pytest.raises(
        ConfigError,
        match=r"`prod\.cluster\.admin_principal_arns`: names the same terraform address as "
        r"'arn:aws:iam::123456789012:role/ops-admin' \(admin-123456789012-role-ops-admin\) "
        r"\(got 'arn:aws:iam::123456789012:role/ops/admin'\)",
    ):
        _check(
            admin_principal_arns=(
                "arn:aws:iam::123456789012:role/ops-admin",
                "arn:aws:iam::123456789012:role/ops/admin",
            )
        )


def test_creator_bootstrap_and_deployer_access_are_exclusive() -> None:
    with pytest.raises(ConfigError, match="supply at most one of `bootstrap_creator_admin` or `deployer_admin_access`"):
        _check(bootstrap_creator_admin=True, deployer_admin_access=True)


def test_creator_bootstrap_alone_is_valid() -> None:
    _check(bootstrap_creator_admin=True, deployer_admin_access=False)


def test_log_type_must_be_enum() -> None:
    with pytest.raises(
        ConfigError,
        match=r"log_types\[0\]`: must be one of API, AUDIT, AUTHENTICATOR, CONTROLLER_MANAGER, SCHEDULER \(got 'api'\)",
    ):
        _check(log_types=("api",))


def test_log_types_are_unique() -> None:
    with pytest.raises(ConfigError, match="log type must be unique"):
        _check(log_types=(ControlPlaneLogType.API, ControlPlaneLogType.API))


def test_prod_needs_all_five_log_types() -> None:
    three = (ControlPlaneLogType.API, ControlPlaneLogType.AUDIT, ControlPlaneLogType.AUTHENTICATOR)
    with pytest.raises(ConfigError, match=r"log types in prod \(missing controllerManager, scheduler\)"):
        _check(stage=Stage.PROD, log_types=three)


def test_retention_must_be_a_cloudwatch_value() -> None:
    with pytest.raises(ConfigError, match="log_retention_days`: must be a retention period CloudWatch Logs accepts"):
        _check(log_retention_days=45)


def test_prod_retention_is_at_least_a_year() -> None:
    with pytest.raises(ConfigError, match="must be at least 365 days in prod"):
        _check(stage=Stage.PROD, log_retention_days=90)


def test_cni_identity_must_be_enum() -> None:
    with pytest.raises(
        ConfigError,
        match=r"cni_identity`: must be one of IRSA, NODE_ROLE \(got 'IRSA'\); fix: use a CniIdentity member",
    ):
        _check(cni_identity="IRSA")


def test_addon_version_key_must_be_an_addon_name() -> None:
    with pytest.raises(ConfigError, match="add-on names must be EKS add-on names"):
        _check(addon_versions={"VPC CNI": "v1.20.4-eksbuild.1"})


def test_addon_version_must_be_an_eksbuild() -> None:
    with pytest.raises(ConfigError, match=r"addon_versions.coredns`: must be an EKS add-on version of the form"):
        _check(addon_versions={"coredns": "1.11.4"})


# -- the node-group matrix --------------------------------------------------------------------


def test_matrix_with_an_untainted_group_is_valid() -> None:
    validate_node_groups("prod.node_groups", GROUPS)


def test_prefer_no_schedule_does_not_count_as_tainted() -> None:
    soft = dataclasses.replace(APPLICATION, taints=(Taint(key="spot", value="true", effect=TaintEffect.PREFER_NO_SCHEDULE),))
    validate_node_groups("prod.node_groups", (soft,))


def test_matrix_must_not_be_empty() -> None:
    with pytest.raises(ConfigError, match="node_groups`: must define at least one node group"):
        validate_node_groups("prod.node_groups", ())


def test_matrix_checks_each_row_with_its_index() -> None:
    with pytest.raises(ConfigError, match=r"node_groups\[1\].desired_size"):
        validate_node_groups("prod.node_groups", (SYSTEM, dataclasses.replace(APPLICATION, desired_size=99)))


def test_matrix_names_are_unique() -> None:
    with pytest.raises(ConfigError, match="node group name must be unique"):
        validate_node_groups("prod.node_groups", (APPLICATION, APPLICATION))


def test_matrix_needs_an_untainted_group() -> None:
    with pytest.raises(ConfigError, match="needs at least one node group without NO_SCHEDULE or NO_EXECUTE taints"):
        validate_node_groups("prod.node_groups", (SYSTEM,))


def test_instance_types_are_unique() -> None:
    with pytest.raises(ConfigError, match="instance type must be unique"):
        dataclasses.replace(APPLICATION, instance_types=("m5.large", "m5.large")).validate("g")


def test_label_values_are_short() -> None:
    with pytest.raises(ConfigError, match=r"`g\.labels\.team`: label values must be empty or at most 63"):
        dataclasses.replace(APPLICATION, labels={"team": "x" * 64}).validate("g")


def test_taint_key_is_not_empty() -> None:
    with pytest.raises(ConfigError, match=r"taints\[0\].key`: taint keys must be Kubernetes qualified names"):
        dataclasses.replace(APPLICATION, taints=(Taint(key="", value="true"),)).validate("g")


def test_min_size_not_above_max_size() -> None:
    with pytest.raises(ConfigError, match=r"min_size`: must not exceed max_size \(3\)"):
        NodeGroupSpec(name="a", instance_types=("m5.large",), min_size=4, desired_size=4, max_size=3).validate("g")


def test_matrix_names_fit_63_characters_with_the_cluster_name() -> None:
    long_group = dataclasses.replace(APPLICATION, name="a-very-long-node-group-name-xyz")
    with pytest.raises(ConfigError, match=r"node_groups\[1\].name`: makes the node group name"):
        validate_node_groups("prod.node_groups", (SYSTEM, long_group), cluster_name="eks-platform-staging-longer-names")


def test_matrix_names_are_not_length_checked_without_a_cluster_name() -> None:
    long_group = dataclasses.replace(APPLICATION, name="a-very-long-node-group-name-xyz")
    validate_node_groups("prod.node_groups", (SYSTEM, long_group))


# -- the deploy runner's access, the deployer and pinned add-ons ---------------------------------

DEPLOYER = "arn:aws:iam::123456789012:role/ci-deployer"


def test_no_deploy_access_is_declared_by_default() -> None:
    assert ClusterConfig().declares_deploy_access is False


@pytest.mark.parametrize(
    "fields",
    [
        {"endpoint_public_access": True, "public_access_cidrs": ("198.51.100.0/24",)},
        {"private_access_cidrs": ("10.250.0.0/24",)},
        {"private_access_security_group_ids": ("sg-0a1b2c3d4e5f67890",)},
    ],
)
def test_each_way_in_declares_deploy_access(fields: dict[str, Any]) -> None:
    assert ClusterConfig(**fields).declares_deploy_access is True


@pytest.mark.parametrize(("production", "pinned"), [(True, True), (False, False)])
def test_addons_are_pinned_in_production_by_default(production: bool, pinned: bool) -> None:
    assert ClusterConfig().resolved_pin_addon_versions(stage=Stage.PROD if production else Stage.DEV) is pinned


def test_pinned_addon_version_comes_from_the_table() -> None:
    assert ClusterConfig(version="1.34").addon_version("kube-proxy", stage=Stage.PROD) == "v1.34.6-eksbuild.21"


def test_configured_addon_version_wins_over_the_table() -> None:
    config = ClusterConfig(addon_versions={"coredns": "v1.13.2-eksbuild.1"})
    assert config.addon_version("coredns", stage=Stage.PROD) == "v1.13.2-eksbuild.1"


def test_unpinned_addon_has_no_version() -> None:
    assert ClusterConfig().addon_version("coredns", stage=Stage.DEV) is None


def test_pinning_can_be_turned_on_outside_production() -> None:
    assert ClusterConfig(pin_addon_versions=True).addon_version("vpc-cni", stage=Stage.DEV) == "v1.22.4-eksbuild.3"


def test_pinned_config_requires_a_version_for_every_addon() -> None:
    with pytest.raises(
        ConfigError,
        match=r"`prod\.cluster\.addon_versions\.aws-efs-csi-driver`: must be pinned: add-on versions are pinned "
        r"here and the table has no aws-efs-csi-driver version for Kubernetes 1\.35",
    ):
        ClusterConfig().require_pinned_addons("prod.cluster", ("vpc-cni", "aws-efs-csi-driver"), stage=Stage.PROD)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"private_access_cidrs": ("0.0.0.0/0",)},
            r"`prod\.cluster\.private_access_cidrs\[0\]`: must not be 0\.0\.0\.0/0",
        ),
        (
            {"private_access_cidrs": ("198.51.100.0/24",)},
            r"`prod\.cluster\.private_access_cidrs\[0\]`: must be an RFC 1918 private range .* \(got '198\.51\.100\.0/24'\)",
        ),
        (
            {"private_access_cidrs": ("10.250.0.0/24", "10.250.0.0/24")},
            r"`prod\.cluster\.private_access_cidrs`: CIDR must be unique",
        ),
        (
            {"private_access_security_group_ids": ("sg-123",)},
            r"`prod\.cluster\.private_access_security_group_ids\[0\]`: must be a security group id .* \(got 'sg-123'\)",
        ),
        (
            {"deployer_principal_arn": "ci-deployer"},
            r"`prod\.cluster\.deployer_principal_arn`: must be an IAM",
        ),
        (
            {"deployer_principal_arn": "arn:aws:sts::123456789012:assumed-role/ci-deployer/run-42"},
            r"`prod\.cluster\.deployer_principal_arn`: must be an IAM role or user ARN \(EKS access entries",
        ),
        (
            {"deployer_principal_arn": DEPLOYER, "deployer_admin_access": False},
            r"`prod\.cluster\.deployer_principal_arn`: only applies when deployer_admin_access is on",
        ),
        (
            {"deployer_principal_arn": DEPLOYER, "admin_principal_arns": (DEPLOYER,)},
            r"`prod\.cluster\.deployer_principal_arn`: must not also be listed in admin_principal_arns",
        ),
        (
            {"pin_addon_versions": "yes"},
            r"`prod\.cluster\.pin_addon_versions`: must be true or false \(got 'yes'\)",
        ),
    ],
)
def test_deploy_access_errors(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _check(stage=Stage.PROD, **fields)


# -- the system node group ---------------------------------------------------------------------


def test_system_role_implies_the_system_label_and_taint() -> None:
    assert (dict(SYSTEM.labels), SYSTEM.taints) == ({"node-role": "system"}, (SYSTEM_NODE_TAINT,))


def test_system_role_keeps_the_groups_own_labels_and_taints() -> None:
    group = dataclasses.replace(SYSTEM, labels={"team": "platform"}, taints=(Taint(key="gpu", value="true"),))
    assert (dict(group.labels), group.taints) == (
        {"team": "platform", "node-role": "system"},
        (Taint(key="gpu", value="true"), SYSTEM_NODE_TAINT),
    )


def test_workload_role_adds_nothing() -> None:
    assert (APPLICATION.role, APPLICATION.taints) == (NodeRole.WORKLOAD, ())


def test_system_placement_selects_the_label_and_tolerates_the_taint() -> None:
    assert system_placement() == {
        "nodeSelector": {"node-role": "system"},
        "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Equal", "value": "true", "effect": "NoSchedule"}],
    }


def test_system_node_group_finds_the_system_group() -> None:
    assert (system_node_group(GROUPS), system_node_group((APPLICATION,))) == (SYSTEM, None)


def test_matrix_allows_at_most_one_system_group() -> None:
    second = dataclasses.replace(SYSTEM, name="system-b")
    with pytest.raises(ConfigError, match=r"node_groups`: must have at most one node group with role SYSTEM"):
        validate_node_groups("prod.node_groups", (SYSTEM, second, APPLICATION))


def test_system_group_is_not_spot() -> None:
    with pytest.raises(ConfigError, match=r"g.capacity_type`: must be ON_DEMAND for the SYSTEM group"):
        dataclasses.replace(SYSTEM, capacity_type=CapacityType.SPOT).validate("g")


def test_system_group_keeps_the_system_label() -> None:
    with pytest.raises(ConfigError, match=r"g.labels.node-role`: must be 'system' on the SYSTEM group"):
        dataclasses.replace(SYSTEM, labels={"node-role": "critical"}).validate("g")


def test_system_group_keeps_the_system_taint_unchanged() -> None:
    with pytest.raises(ConfigError, match=r"g.taints`: must carry CriticalAddonsOnly=true:NoSchedule unchanged"):
        dataclasses.replace(SYSTEM, taints=(Taint(key="CriticalAddonsOnly", value="yes"),)).validate("g")


def test_only_the_system_role_sets_the_system_label() -> None:
    with pytest.raises(ConfigError, match=r"g.labels.node-role`: marks the group as the system group"):
        dataclasses.replace(APPLICATION, labels={"node-role": "system"}).validate("g")


def test_only_the_system_role_sets_the_system_taint() -> None:
    with pytest.raises(ConfigError, match=r"g.taints`: must not carry the system taint CriticalAddonsOnly"):
        dataclasses.replace(APPLICATION, taints=(SYSTEM_NODE_TAINT,)).validate("g")


def test_role_must_be_a_node_role() -> None:
    with pytest.raises(ConfigError, match=r"g.role`: must be one of WORKLOAD, SYSTEM"):
        dataclasses.replace(APPLICATION, role="SYSTEM").validate("g")  # type: ignore[arg-type]


# -- upgrade safety and observability knobs ---------------------------------------------------


@pytest.mark.parametrize(
    ("config", "extended_support", "expected"),
    [
        (ClusterConfig(), True, SupportType.EXTENDED),
        (ClusterConfig(), False, SupportType.STANDARD),
        (ClusterConfig(support_type=SupportType.STANDARD), True, SupportType.STANDARD),
    ],
)
def test_support_type_default_and_override(config: ClusterConfig, extended_support: bool, expected: SupportType) -> None:
    assert config.resolved_support_type(extended_support=extended_support) is expected


@pytest.mark.parametrize(
    ("config", "production", "expected"),
    [(ClusterConfig(), True, True), (ClusterConfig(), False, False), (ClusterConfig(zonal_shift=True), False, True)],
)
def test_zonal_shift_default_and_override(config: ClusterConfig, production: bool, expected: bool) -> None:
    assert config.resolved_zonal_shift(stage=Stage.PROD if production else Stage.DEV) is expected


@pytest.mark.parametrize(
    ("config", "sandbox", "expected"),
    [
        (ClusterConfig(), True, False),
        (ClusterConfig(), False, True),
        (ClusterConfig(cloudwatch_observability=True), True, True),
        (ClusterConfig(cloudwatch_observability=False), False, False),
    ],
)
def test_cloudwatch_observability_default_and_override(config: ClusterConfig, sandbox: bool, expected: bool) -> None:
    assert config.resolved_cloudwatch_observability(sandbox=sandbox) is expected


def test_support_type_must_be_an_enum() -> None:
    with pytest.raises(ConfigError, match=r"cluster.support_type`: must be one of STANDARD, EXTENDED"):
        ClusterConfig(support_type="EXTENDED").validate("cluster", stage=Stage.PROD)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["zonal_shift", "cloudwatch_observability"])
def test_stage_knobs_must_be_booleans(field: str) -> None:
    with pytest.raises(ConfigError, match=rf"cluster.{field}`: must be true or false"):
        ClusterConfig(**{field: "yes"}).validate("cluster", stage=Stage.PROD)  # type: ignore[arg-type]


def test_workloads_use_pod_identity_by_default() -> None:
    assert ClusterConfig().workload_identity is IdentityMode.POD_IDENTITY


def test_workload_identity_reads_from_plain_data() -> None:
    assert from_dict(ClusterConfig, {"workload_identity": "irsa"}, "cluster").workload_identity is IdentityMode.IRSA


def test_workload_identity_must_be_enum() -> None:
    with pytest.raises(
        ConfigError,
        match=r"workload_identity`: must be one of POD_IDENTITY, IRSA \(got 'IRSA'\); fix: use an IdentityMode member, e.g. IdentityMode.POD_IDENTITY",
    ):
        _check(workload_identity="IRSA")
