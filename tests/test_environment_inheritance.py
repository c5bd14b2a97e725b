"""Say it once: a props field the environment holds, left None, takes the EnvironmentStack's value.

For each such field of each construct (the table :data:`CASES`):

* in an ``EnvironmentStack`` of a test config, the construct without the field synthesizes exactly as
  with the environment's value given explicitly;
* an explicit other value wins (the JSON differs);
* in a plain ``TerraformStack`` a missing field is a ConfigError naming it, with the fix, or, for the
  fields that have a documented default of their own (``OUTSIDE``), that default.

Then the issue's trap (a prod environment with hand-wired constructs and no protections gets prod's)
and the fields whose effect is a rule rather than JSON (node groups, stage of the applications).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any, NamedTuple

import cdktf
import pytest
from cdktf import TerraformStack
from constructs import Construct

from constructs_lib.apps.application import Application, ApplicationProps, Applications, ApplicationsProps
from constructs_lib.apps.config import ApplicationSpec, IngressSpec
from constructs_lib.apps.stateful import StatefulWorkload, StatefulWorkloadProps
from constructs_lib.apps.stateful_config import StatefulWorkloadSpec, VolumeSpec
from constructs_lib.cluster.config import NodeGroupSpec
from constructs_lib.cluster.eks_cluster import EksCluster, EksClusterProps
from constructs_lib.cluster.karpenter import KarpenterInterruption, KarpenterInterruptionProps, KarpenterNodes
from constructs_lib.cluster.node_group import ManagedNodeGroup, ManagedNodeGroupProps
from constructs_lib.config import ConfigTier, EnvironmentConfig
from constructs_lib.data.bucket import ApplicationBucket, ApplicationBucketProps
from constructs_lib.data.config import DatabaseSpec
from constructs_lib.data.postgres import PostgresDatabase, PostgresDatabaseProps
from constructs_lib.errors import ConfigError
from constructs_lib.identity.irsa import IrsaRole, IrsaRoleProps, Permissions
from constructs_lib.identity.pod_identity import PodIdentityRole, PodIdentityRoleProps, ServiceAccountRef
from constructs_lib.network.bastion import Bastion, BastionProps
from constructs_lib.network.config import PodAddressing
from constructs_lib.network.endpoints import VpcEndpoints, VpcEndpointsProps
from constructs_lib.network.security_groups import SecurityGroups, SecurityGroupsProps
from constructs_lib.network.vpc import Network, NetworkProps
from constructs_lib.platform.addons import PlatformAddons, PlatformAddonsProps
from constructs_lib.platform.backup import BackupBucket, BackupBucketProps
from constructs_lib.platform.baseline import ClusterBaseline, ClusterBaselineProps
from constructs_lib.platform.config import AddonsConfig
from constructs_lib.protections import Protections, Stage
from constructs_lib.registry.config import DEFAULT_LIFECYCLE_RULES, RepositorySpec, TagMutability
from constructs_lib.registry.ecr import EcrRegistry, EcrRegistryProps, Repository, RepositoryProps
from constructs_lib.security.kms import KmsKey, KmsKeyProps
from constructs_lib.stack import EnvironmentStack, environment_of
from tests.fixtures import DEV, PROD
from tests.helpers import Synth, only, resources

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/test-nodes"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/00000000-0000-0000-0000-000000000000"
SUBNETS = ("subnet-0aaa", "subnet-0bbb")
OIDC = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{OIDC}"
POLICY = Permissions(managed_policy_arns=("arn:aws:iam::aws:policy/ReadOnlyAccess",))
#: A protections value that is neither prod's nor dev's: every field that reaches JSON differs from prod.
OTHER_PROTECTIONS = dataclasses.replace(
    Protections.for_stage(Stage.DEV), deletion_protection=True, key_deletion_window_days=21
)
API = ApplicationSpec(name="api", repository="apps/api", image_tag="v1.0.0")
CERTIFICATE = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000"
#: Behind the shared ALB, whose group is the name prefix.
PUBLIC_API = dataclasses.replace(API, ingress=IngressSpec(host="api.example.com", certificate_arn=CERTIFICATE))
ALB_CIDRS = ("10.30.0.0/24",)
CACHE = StatefulWorkloadSpec(
    name="cache",
    repository="apps/cache",
    image_tag="v1.0.0",
    port=6379,
    replicas=1,
    volumes=(VolumeSpec(name="data", mount_path="/data"),),
)


def _kms(scope: Construct, **changes: Any) -> object:
    return KmsKey(scope, "key", props=KmsKeyProps(alias="test/key", description="test", **changes))


def _application_bucket(scope: Construct, **changes: Any) -> object:
    return ApplicationBucket(scope, "bucket", props=ApplicationBucketProps(app_name="api", **changes))


def _backup_bucket(scope: Construct, **changes: Any) -> object:
    return BackupBucket(scope, "backup", props=BackupBucketProps(**changes))


def _baseline(scope: Construct, **changes: Any) -> object:
    return ClusterBaseline(scope, "baseline", props=ClusterBaselineProps(**changes))


def _repository(scope: Construct, **changes: Any) -> object:
    props = RepositoryProps(
        spec=RepositorySpec(name="apps/api"),
        lifecycle_rules=DEFAULT_LIFECYCLE_RULES,
        pull_principal_arns=(ROLE,),
        kms_key_arn=KEY,
        **changes,
    )
    return Repository(scope, "repository", props=props)


def _registry(scope: Construct, **changes: Any) -> object:
    props = EcrRegistryProps(node_role_arn=ROLE, repositories=(RepositorySpec(name="apps/api"),), **changes)
    return EcrRegistry(scope, "registry", props=props)


def _database(scope: Construct, **changes: Any) -> object:
    props = PostgresDatabaseProps(
        spec=DatabaseSpec(name="orders"),
        vpc_id="vpc-0123456789abcdef0",
        db_subnet_group_name="test-database",
        database_subnet_cidrs=("10.30.224.0/24", "10.30.225.0/24"),
        source_security_group_ids={"nodes": "sg-0000000000000000a"},
        **changes,
    )
    return PostgresDatabase(scope, "database", props=props)


def _network(scope: Construct, **changes: Any) -> object:
    return Network(scope, "network", props=NetworkProps(config=PROD.network, **changes))


def _endpoints(scope: Construct, **changes: Any) -> object:
    props = VpcEndpointsProps(
        vpc_id="vpc-0123", vpc_cidr="10.30.0.0/16", subnet_ids=SUBNETS, gateway_route_table_ids=("rtb-0a",), **changes
    )
    return VpcEndpoints(scope, "endpoints", props=props)


def _security_groups(scope: Construct, **changes: Any) -> object:
    props = SecurityGroupsProps(vpc_id="vpc-0123", vpc_cidr="10.30.0.0/16", **changes)
    return SecurityGroups(scope, "security-groups", props=props)


def _bastion(scope: Construct, **changes: Any) -> object:
    return Bastion(scope, "bastion", props=BastionProps(vpc_id="vpc-0123", subnet_ids=SUBNETS, **changes))


def _cluster(scope: Construct, **changes: Any) -> object:
    props = EksClusterProps(
        config=PROD.cluster,
        private_subnet_ids=SUBNETS,
        control_plane_security_group_id="sg-0000000000000000d",
        node_security_group_id="sg-0000000000000000a",
        **changes,
    )
    return EksCluster(scope, "cluster", props=props)


def _node_group(scope: Construct, **changes: Any) -> object:
    props = ManagedNodeGroupProps(
        spec=PROD.node_groups[1],
        kubernetes_version="1.35",
        node_role_arn=ROLE,
        subnet_ids=SUBNETS,
        security_group_ids=("sg-0000000000000000a",),
        **changes,
    )
    return ManagedNodeGroup(scope, "node-group", props=props)


def _karpenter(scope: Construct, **changes: Any) -> object:
    props = KarpenterInterruptionProps(node_role_name="test-nodes", node_role_arn=ROLE, **changes)
    return KarpenterInterruption(scope, "karpenter", props=props)


def _irsa(scope: Construct, **changes: Any) -> object:
    props = IrsaRoleProps(
        name="app-api",
        oidc_provider_arn=PROVIDER,
        oidc_issuer_host=OIDC,
        namespace="api",
        service_account="api",
        permissions=POLICY,
        **changes,
    )
    return IrsaRole(scope, "irsa", props=props)


def _pod_identity(scope: Construct, **changes: Any) -> object:
    props = PodIdentityRoleProps(
        name="app-api", service_accounts=(ServiceAccountRef("api", "api"),), permissions=POLICY, **changes
    )
    return PodIdentityRole(scope, "pod-identity", props=props)


def _addons(scope: Construct, **changes: Any) -> object:
    addons = ("aws_load_balancer_controller", "cluster_autoscaler", "external_secrets", "karpenter")
    roles = {name: f"{ROLE}-{name}" for name in addons}
    props = PlatformAddonsProps(
        vpc_id="vpc-0123", kubernetes_version="1.35", service_account_role_arns=roles, **changes
    )
    return PlatformAddons(scope, "addons", props=props)


def _applications(scope: Construct, **changes: Any) -> object:
    props = ApplicationsProps(
        applications=(PUBLIC_API,),
        repository_urls={"apps/api": "registry/apps/api"},
        load_balancer_cidrs=ALB_CIDRS,
        **changes,
    )
    return Applications(scope, "applications", props=props)


def _stateful(scope: Construct, **changes: Any) -> object:
    props = StatefulWorkloadProps(spec=CACHE, repository_url="registry/apps/cache", **changes)
    return StatefulWorkload(scope, "cache", props=props)


class Case(NamedTuple):
    """One inherited field: how to build its construct, the environment's value, another value, and
    the path of the error outside an environment (None: the field has a default of its own there)."""

    build: Callable[..., object]
    field: str
    environment_value: Callable[[EnvironmentStack], Any]
    other: Any
    error_path: str | None


def _stage(stack: EnvironmentStack) -> Any:
    return stack.config.stage


def _protections(stack: EnvironmentStack) -> Any:
    return stack.config.resolved_protections


def _prefix(stack: EnvironmentStack) -> Any:
    return stack.config.prefix


def _region(stack: EnvironmentStack) -> Any:
    return stack.config.region


def _node_groups(stack: EnvironmentStack) -> Any:
    return stack.config.node_groups


#: (id, case). ``other`` None: no other value that changes the JSON (see the dedicated tests below).
CASES: dict[str, Case] = {
    "kms.protections": Case(_kms, "protections", _protections, OTHER_PROTECTIONS, "protections"),
    "application_bucket.name_prefix": Case(_application_bucket, "name_prefix", _prefix, "other", "name_prefix"),
    "application_bucket.protections": Case(
        _application_bucket, "protections", _protections, OTHER_PROTECTIONS, "protections"
    ),
    "backup_bucket.name_prefix": Case(_backup_bucket, "name_prefix", _prefix, "other", "name_prefix"),
    "backup_bucket.protections": Case(_backup_bucket, "protections", _protections, OTHER_PROTECTIONS, "protections"),
    "baseline.protections": Case(_baseline, "protections", _protections, OTHER_PROTECTIONS, "protections"),
    "repository.name_prefix": Case(_repository, "name_prefix", _prefix, "other", "repository.name_prefix"),
    "repository.stage": Case(_repository, "stage", _stage, None, "repository.stage"),
    "repository.protections": Case(
        _repository, "protections", _protections, OTHER_PROTECTIONS, "repository.protections"
    ),
    "registry.name_prefix": Case(_registry, "name_prefix", _prefix, "other", "registry.name_prefix"),
    "registry.stage": Case(_registry, "stage", _stage, Stage.STAGING, "registry.stage"),
    "registry.protections": Case(_registry, "protections", _protections, OTHER_PROTECTIONS, "registry.protections"),
    "database.name_prefix": Case(_database, "name_prefix", _prefix, "other", "database.name_prefix"),
    "database.stage": Case(_database, "stage", _stage, Stage.STAGING, "database.stage"),
    "database.protections": Case(
        _database,
        "protections",
        _protections,
        dataclasses.replace(Protections.for_stage(Stage.PROD), apply_immediately=True),
        "database.protections",
    ),
    "network.name_prefix": Case(_network, "name_prefix", _prefix, "other", "network.name_prefix"),
    "network.region": Case(_network, "region", _region, None, "network.region"),
    "network.stage": Case(_network, "stage", _stage, Stage.STAGING, "network.stage"),
    "network.protections": Case(_network, "protections", _protections, OTHER_PROTECTIONS, "network.protections"),
    "endpoints.name_prefix": Case(_endpoints, "name_prefix", _prefix, "other", "endpoints.name_prefix"),
    "endpoints.region": Case(_endpoints, "region", _region, "eu-west-1", "endpoints.region"),
    "security_groups.name_prefix": Case(
        _security_groups, "name_prefix", _prefix, "other", "security_groups.name_prefix"
    ),
    "bastion.name_prefix": Case(_bastion, "name_prefix", _prefix, "other", "bastion.name_prefix"),
    "cluster.name_prefix": Case(_cluster, "name_prefix", _prefix, "other", "name_prefix"),
    "cluster.node_groups": Case(_cluster, "node_groups", _node_groups, PROD.node_groups[:2], "node_groups"),
    "cluster.stage": Case(_cluster, "stage", _stage, Stage.STAGING, "cluster.stage"),
    "cluster.protections": Case(_cluster, "protections", _protections, OTHER_PROTECTIONS, "cluster.protections"),
    "cluster.instance_tags": Case(
        _cluster, "instance_tags", lambda stack: stack.default_tags, {"team": "platform"}, None
    ),
    "cluster.pod_addressing": Case(
        _cluster, "pod_addressing", lambda stack: stack.config.network.pod_addressing, PodAddressing.SECONDARY_IPS, None
    ),
    "node_group.cluster_name": Case(_node_group, "cluster_name", _prefix, "other", "cluster_name"),
    "node_group.tags": Case(_node_group, "tags", lambda stack: stack.default_tags, {"team": "platform"}, None),
    "karpenter.name_prefix": Case(_karpenter, "name_prefix", _prefix, "other", "karpenter.name_prefix"),
    "irsa.name_prefix": Case(_irsa, "name_prefix", _prefix, "other", "irsa[app-api].name_prefix"),
    "pod_identity.name_prefix": Case(
        _pod_identity, "name_prefix", _prefix, "other", "pod_identity[app-api].name_prefix"
    ),
    "pod_identity.cluster_name": Case(
        _pod_identity, "cluster_name", _prefix, "other", "pod_identity[app-api].cluster_name"
    ),
    "addons.cluster_name": Case(_addons, "cluster_name", _prefix, "other", "props.cluster_name"),
    "addons.region": Case(_addons, "region", _region, "eu-west-1", "props.region"),
    "applications.name_prefix": Case(_applications, "name_prefix", _prefix, "other", "props.name_prefix"),
    "applications.stage": Case(_applications, "stage", _stage, None, "props.stage"),
    "stateful.protections": Case(
        _stateful, "protections", _protections, OTHER_PROTECTIONS, "stateful.cache.protections"
    ),
}
#: Every field a construct takes from the environment, given explicitly (PROD's values): what a plain
#: stack needs besides the field under test.
EXPLICIT: dict[Callable[..., object], dict[str, Any]] = {}
for _case in CASES.values():
    _prod = {
        "stage": PROD.stage,
        "protections": PROD.resolved_protections,
        "name_prefix": PROD.prefix,
        "cluster_name": PROD.prefix,
        "region": PROD.region,
        "node_groups": PROD.node_groups,
        "instance_tags": {},
        "tags": {},
        "pod_addressing": PodAddressing.PREFIX_DELEGATION,
    }
    EXPLICIT.setdefault(_case.build, {})[_case.field] = _prod[_case.field]
#: The cases whose field has a default of its own outside an environment, and that default.
OUTSIDE: dict[str, Any] = {
    "cluster.instance_tags": {},
    "cluster.pod_addressing": PodAddressing.PREFIX_DELEGATION,
    "node_group.tags": {},
}


class _NetworkTierStack(EnvironmentStack):
    """An environment stack that checks only the BASE rules: its node groups need not fit its network."""

    config_tier = ConfigTier.BASE


def _in_environment(
    build: Callable[[EnvironmentStack], object], config: EnvironmentConfig = PROD, *, kind: type = EnvironmentStack
) -> Synth:
    stack = kind(cdktf.Testing.app(), config)
    build(stack)
    return dict(json.loads(cdktf.Testing.synth(stack)))


def _in_plain_stack(build: Callable[[TerraformStack], object]) -> Synth:
    app = cdktf.Testing.app()
    stack = TerraformStack(app, "plain")
    build(stack)
    return dict(json.loads(cdktf.Testing.synth(stack)))


def _build(case: Case, value: Any, *, plain: bool = False) -> Callable[[Any], object]:
    """Builds ``case``'s construct with its field at ``value``; ``plain``: every other field the
    environment would give is explicit."""
    others = EXPLICIT[case.build] if plain else {}
    return lambda stack: case.build(stack, **{**others, case.field: value})


def _explicit_environment_value(case: Case) -> Callable[[EnvironmentStack], object]:
    return lambda stack: case.build(stack, **{case.field: case.environment_value(stack)})


# --- the one way to ask -----------------------------------------------------------------------------


def test_environment_of_finds_the_environment_stack_from_any_construct() -> None:
    stack = EnvironmentStack(cdktf.Testing.app(), PROD)
    deep = Construct(Construct(stack, "a"), "b")
    assert environment_of(deep) is stack


def test_environment_of_is_none_in_a_plain_stack() -> None:
    assert environment_of(Construct(TerraformStack(cdktf.Testing.app(), "plain"), "a")) is None


# --- each inherited field ---------------------------------------------------------------------------


@pytest.mark.parametrize("case_id", sorted(CASES))
def test_left_none_it_is_the_environments_value(case_id: str) -> None:
    case = CASES[case_id]
    assert _in_environment(_build(case, None)) == _in_environment(_explicit_environment_value(case))


@pytest.mark.parametrize("case_id", sorted(k for k, case in CASES.items() if case.other is not None))
def test_an_explicit_value_wins(case_id: str) -> None:
    case = CASES[case_id]
    assert _in_environment(_build(case, case.other)) != _in_environment(_build(case, None))


@pytest.mark.parametrize("case_id", sorted(k for k, case in CASES.items() if case.error_path is not None))
def test_outside_an_environment_a_missing_field_is_an_error(case_id: str) -> None:
    case = CASES[case_id]
    path = str(case.error_path).replace(".", r"\.").replace("[", r"\[").replace("]", r"\]")
    message = (
        rf"`{path}`: must be given outside an EnvironmentStack \(the stack has no environment to take it from\) "
        rf"\(got None\); fix: pass {case.field}=.*, or build the construct in an EnvironmentStack"
    )
    with pytest.raises(ConfigError, match=message):
        _in_plain_stack(_build(case, None, plain=True))


@pytest.mark.parametrize("case_id", sorted(OUTSIDE))
def test_outside_an_environment_a_field_with_its_own_default_takes_it(case_id: str) -> None:
    case = CASES[case_id]
    assert _in_plain_stack(_build(case, None, plain=True)) == _in_plain_stack(
        _build(case, OUTSIDE[case_id], plain=True)
    )


# --- the trap: a prod environment wired by hand gets prod's protections ----------------------


def test_a_hand_wired_key_in_prod_gets_prods_protections() -> None:
    key = only(_in_environment(_kms), "aws_kms_key")
    assert (key["deletion_window_in_days"], key["lifecycle"]) == (30, {"prevent_destroy": True})


def test_a_hand_wired_bucket_in_prod_gets_prods_protections() -> None:
    doc = _in_environment(_application_bucket)
    bucket, key = only(doc, "aws_s3_bucket"), only(doc, "aws_kms_key")
    assert (bucket["bucket"].startswith("eks-platform-prod-api-"), bucket["force_destroy"]) == (True, False)
    assert (bucket["lifecycle"], key["lifecycle"]) == ({"prevent_destroy": True}, {"prevent_destroy": True})
    assert key["deletion_window_in_days"] == 30


def test_a_hand_wired_key_in_dev_gets_devs_protections() -> None:
    key = only(_in_environment(_kms, DEV), "aws_kms_key")
    assert (key["deletion_window_in_days"], "lifecycle" in key) == (14, False)


def test_an_explicit_protection_wins_over_prods() -> None:
    key = only(_in_environment(lambda stack: _kms(stack, protections=OTHER_PROTECTIONS)), "aws_kms_key")
    assert (key["deletion_window_in_days"], "lifecycle" in key) == (21, False)


# --- what the JSON shows per field --------------------------------------------------------------------


def test_the_cluster_takes_the_environments_name_tags_and_node_groups() -> None:
    doc = _in_environment(_cluster)
    assert only(doc, "aws_eks_cluster")["name"] == PROD.prefix
    groups = {group["node_group_name"] for group in resources(doc, "aws_eks_node_group").values()}
    assert groups == {f"{PROD.prefix}-{spec.name}" for spec in PROD.node_groups}
    template = next(iter(resources(doc, "aws_launch_template").values()))
    tags = template["tag_specifications"][0]["tags"]
    assert {key: tags[key] for key in ("environment", "project", "cost-center")} == {
        "environment": "prod",
        "project": "eks-platform",
        "cost-center": "platform",
    }


def test_a_dev_cluster_is_a_sandbox_without_the_cloudwatch_add_on() -> None:
    """``sandbox`` is gone: the resolved stage says it (DEV: no CloudWatch observability by default)."""

    def addons(config: EnvironmentConfig) -> set[str]:
        doc = _in_environment(_cluster, config)
        return {addon["addon_name"] for addon in resources(doc, "aws_eks_addon").values()}

    assert ("amazon-cloudwatch-observability" in addons(DEV), "amazon-cloudwatch-observability" in addons(PROD)) == (
        False,
        True,
    )


def test_the_database_takes_the_stages_sizing_and_the_prefix() -> None:
    instance = only(_in_environment(_database), "aws_db_instance")
    assert (instance["identifier"], instance["instance_class"], instance["deletion_protection"]) == (
        f"{PROD.prefix}-orders",
        "db.m7g.large",
        True,
    )


def test_the_database_stage_must_be_a_stage_member() -> None:
    with pytest.raises(ConfigError, match=r"`database\.stage`: must be one of Stage\.DEV, Stage\.STAGING"):
        _in_environment(lambda stack: _database(stack, stage="prod"))


def test_the_network_checks_the_environments_node_groups() -> None:
    """Its node groups' pods must fit the private subnets; ``()`` turns the check off."""
    huge = (NodeGroupSpec(name="huge", instance_types=("m5.large",), min_size=1, desired_size=1, max_size=1000),)
    config = dataclasses.replace(PROD, node_groups=huge)
    with pytest.raises(ConfigError, match=r"`network\.private_subnet_cidrs`.*too small for the node groups"):
        _in_environment(_network, config, kind=_NetworkTierStack)
    _in_environment(lambda stack: _network(stack, node_groups=()), config, kind=_NetworkTierStack)


def test_the_network_without_node_groups_outside_an_environment_checks_nothing() -> None:
    built: list[Network] = []
    _in_plain_stack(
        lambda stack: built.append(
            Network(
                stack,
                "network",
                props=NetworkProps(
                    config=PROD.network,
                    name_prefix="plain",
                    region="us-east-1",
                    stage=Stage.PROD,
                    protections=Protections.for_stage(Stage.PROD),
                ),
            )
        )
    )
    assert built[0].capacity is None


def test_the_network_in_an_environment_reports_its_node_groups_capacity() -> None:
    built: list[Any] = []
    _in_environment(lambda stack: built.append(_network(stack)))
    assert built[0].capacity is not None


def test_the_add_ons_take_the_environments_node_groups_for_karpenter() -> None:
    """Karpenter's NodePools come from the node groups: one per non-SYSTEM group of the environment."""
    nodes = KarpenterNodes(
        queue_name="q",
        queue_arn="arn:aws:sqs:us-east-1:1:q",
        instance_profile_name="p",
        instance_profile_arn="arn:aws:iam::1:instance-profile/p",
        node_role_arn=ROLE,
    )
    karpenter = AddonsConfig(karpenter=True, cluster_autoscaler=False)

    def build(stack: Construct, **changes: Any) -> object:
        return _addons(stack, addons=karpenter, karpenter=nodes, **changes)

    inherited = _in_environment(build)
    assert inherited == _in_environment(lambda stack: build(stack, node_groups=PROD.node_groups))
    assert inherited != _in_environment(lambda stack: build(stack, node_groups=PROD.node_groups[:2]))


def test_applications_take_the_environments_stage_rules() -> None:
    """In prod an ingress needs a certificate; an explicit dev stage lets the same application through."""
    public = dataclasses.replace(API, ingress=IngressSpec(host="api.example.com"))

    def build(stack: Construct, **changes: Any) -> object:
        props = ApplicationsProps(
            applications=(public,),
            repository_urls={"apps/api": "registry/apps/api"},
            load_balancer_cidrs=ALB_CIDRS,
            **changes,
        )
        return Applications(stack, "applications", props=props)

    with pytest.raises(ConfigError, match=r"certificate"):
        _in_environment(build)
    _in_environment(lambda stack: build(stack, stage=Stage.DEV))


def test_one_application_takes_the_environments_stage_rules() -> None:
    public = dataclasses.replace(API, ingress=IngressSpec(host="api.example.com"))

    def build(stack: Construct, **changes: Any) -> object:
        props = ApplicationProps(
            spec=public,
            repository_url="registry/apps/api",
            load_balancer_group="g",
            load_balancer_cidrs=ALB_CIDRS,
            **changes,
        )
        return Application(stack, "api", props=props)

    with pytest.raises(ConfigError, match=r"certificate"):
        _in_environment(build)
    _in_environment(lambda stack: build(stack, stage=Stage.DEV))
    with pytest.raises(ConfigError, match=r"`applications\.api\.stage`: must be given outside an EnvironmentStack"):
        _in_plain_stack(build)


def test_applications_take_the_environments_node_groups() -> None:
    """An application on a named node group gets its labels as the nodeSelector; outside an
    environment no node group is offered, so naming one is refused."""
    placed = dataclasses.replace(API, node_group="compute-intensive")

    def build(stack: Construct, **changes: Any) -> object:
        props = ApplicationsProps(applications=(placed,), repository_urls={"apps/api": "registry/apps/api"}, **changes)
        return Applications(stack, "applications", props=props)

    deployment = only(_in_environment(build), "kubernetes_deployment_v1")
    assert deployment["spec"]["template"]["spec"]["node_selector"] == {"node-role": "compute"}
    with pytest.raises(ConfigError, match=r"node_group"):
        _in_plain_stack(lambda stack: build(stack, name_prefix="plain", stage=Stage.DEV))


def test_a_repository_takes_the_environments_stage_rules() -> None:
    """Prod refuses MUTABLE tags; an explicit staging stage lets the same repository through."""
    mutable = RepositoryProps(
        spec=RepositorySpec(name="apps/api", tag_mutability=TagMutability.MUTABLE),
        lifecycle_rules=DEFAULT_LIFECYCLE_RULES,
        pull_principal_arns=(ROLE,),
        kms_key_arn=KEY,
    )
    with pytest.raises(ConfigError, match=r"MUTABLE"):
        _in_environment(lambda stack: Repository(stack, "repository", props=mutable))
    staging = dataclasses.replace(mutable, stage=Stage.STAGING)
    repository = only(
        _in_environment(lambda stack: Repository(stack, "repository", props=staging)), "aws_ecr_repository"
    )
    assert repository["image_tag_mutability"] == "MUTABLE"
