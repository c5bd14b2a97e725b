"""Protections: the per-stage defaults, each knob's effect on the JSON, the config override (Python
and file), prod's refusal to lower a guard, and constructs that cannot be built without choosing."""

from __future__ import annotations

import ast
import dataclasses
import functools
import json
import tomllib
from pathlib import Path
from typing import Any

import cdktf
import pytest
from cdktf import TerraformStack

from constructs_lib.config import EnvironmentConfig, from_dict, load_environments
from constructs_lib.data.bucket import ApplicationBucket, ApplicationBucketProps
from constructs_lib.data.config import DatabaseSpec
from constructs_lib.data.postgres import PostgresDatabase, PostgresDatabaseProps
from constructs_lib.errors import ConfigError
from constructs_lib.network.vpc import Network, NetworkProps
from constructs_lib.platform.baseline import ClusterBaseline, ClusterBaselineProps
from constructs_lib.platform_stack import PlatformStack
from constructs_lib.protections import GUARDED_IN_PROD, Protections, Stage
from constructs_lib.registry.config import DEFAULT_LIFECYCLE_RULES, RepositorySpec
from constructs_lib.registry.ecr import EcrRegistry, EcrRegistryProps, Repository, RepositoryProps
from constructs_lib.security import AwsContext, KmsKey, KmsKeyProps
from tests.cluster.builders import cluster
from tests.fixtures import PROD
from tests.helpers import DEV, Synth, only, resources, synth

NODE_ROLE = "arn:aws:iam::123456789012:role/eks-platform-dev-node"

MINIMAL: dict[str, Any] = {
    "name": "sandbox",
    "stage": "dev",
    "region": "eu-west-1",
    "network": {"vpc_cidr": "10.50.0.0/16", "availability_zones": ["eu-west-1a", "eu-west-1b"]},
    "cluster": {"endpoint_public_access": True, "public_access_cidrs": ["198.51.100.0/24"]},
    "node_groups": [
        {"name": "system", "instance_types": ["m5.large"], "min_size": 2, "desired_size": 2, "max_size": 3}
    ],
}

#: Every protection turned the other way from dev's defaults (and a 30-day key window).
FLIPPED = Protections(
    prevent_destroy=True,
    deletion_protection=True,
    force_destroy=False,
    retain_volumes=True,
    final_snapshot=True,
    key_deletion_window_days=30,
    apply_immediately=False,
    extended_support=True,
)


def flip(name: str) -> Protections:
    """Dev's protections with only ``name`` taken from :data:`FLIPPED`."""
    return dataclasses.replace(DEV, **{name: getattr(FLIPPED, name)})


# --- the reviewed defaults -----------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.DEV, Stage.STAGING])
def test_dev_and_staging_defaults(stage: Stage) -> None:
    assert Protections.for_stage(stage) == Protections(
        prevent_destroy=False,
        deletion_protection=False,
        force_destroy=True,
        retain_volumes=False,
        final_snapshot=False,
        key_deletion_window_days=14,
        apply_immediately=True,
        extended_support=False,
    )


def test_prod_defaults() -> None:
    assert Protections.for_stage(Stage.PROD) == FLIPPED


def test_for_stage_wants_a_stage_member() -> None:
    with pytest.raises(ConfigError, match=r"`stage`: must be one of dev, staging, prod \(got 'prod'\)"):
        Protections.for_stage("prod")  # type: ignore[arg-type]


def test_config_resolves_the_stage_defaults_when_unset() -> None:
    assert PROD.protections is None
    assert PROD.resolved_protections == Protections.for_stage(Stage.PROD)


# --- each knob on a construct: dev's value against the other one -----------------------------------


@functools.cache
def small(protections: Protections) -> Synth:
    """A KMS key, an application bucket, the baseline's StorageClass and an ECR repository."""

    def build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        KmsKey(stack, "key", props=KmsKeyProps(alias="test", description="test", protections=protections))
        ApplicationBucket(
            stack,
            "bucket",
            props=ApplicationBucketProps(name_prefix="eks-platform-dev", app_name="api", protections=protections),
        )
        ClusterBaseline(stack, "baseline", props=ClusterBaselineProps(protections=protections))
        Repository(
            stack,
            "repository",
            props=RepositoryProps(
                name_prefix="eks-platform-dev",
                spec=RepositorySpec(name="api"),
                stage=Stage.DEV,
                protections=protections,
                lifecycle_rules=DEFAULT_LIFECYCLE_RULES,
                pull_principal_arns=(NODE_ROLE,),
            ),
        )

    return synth(build)


@functools.cache
def database(protections: Protections) -> Any:
    """The ``aws_db_instance`` of a staging database built with ``protections``."""

    def build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        PostgresDatabase(
            stack,
            "database",
            props=PostgresDatabaseProps(
                spec=DatabaseSpec(name="orders"),
                stage=Stage.STAGING,
                protections=protections,
                name_prefix="eks-platform-staging",
                vpc_id="vpc-0123456789abcdef0",
                db_subnet_group_name="eks-platform-staging-database",
                database_subnet_cidrs=("10.20.224.0/24", "10.20.225.0/24"),
                source_security_group_ids={"nodes": "sg-0000000000000000a"},
            ),
        )

    return only(synth(build), "aws_db_instance")


@functools.cache
def eks(protections: Protections) -> Any:
    """The ``aws_eks_cluster`` of a staging cluster built with ``protections``."""
    return only(synth(lambda stack: cluster(stack, stage=Stage.STAGING, protections=protections)), "aws_eks_cluster")


def test_prevent_destroy() -> None:
    def lifecycles(doc: Synth) -> list[Any]:
        keys = [k.get("lifecycle") for k in resources(doc, "aws_kms_key").values()]
        return [*keys, only(doc, "aws_s3_bucket").get("lifecycle"), only(doc, "aws_ecr_repository").get("lifecycle")]

    assert lifecycles(small(DEV)) == [None] * 4
    assert lifecycles(small(flip("prevent_destroy"))) == [{"prevent_destroy": True}] * 4


def test_deletion_protection_of_the_cluster() -> None:
    assert (eks(DEV)["deletion_protection"], eks(flip("deletion_protection"))["deletion_protection"]) == (False, True)


def test_deletion_protection_of_the_database() -> None:
    on = database(flip("deletion_protection"))["deletion_protection"]
    assert (database(DEV)["deletion_protection"], on) == (False, True)


def test_database_spec_overrides_deletion_protection() -> None:
    spec = DatabaseSpec(name="orders", deletion_protection=False)
    assert spec.resolve(stage="staging", protections=FLIPPED).deletion_protection is False


def test_force_destroy() -> None:
    def empties(doc: Synth) -> tuple[Any, Any]:
        return only(doc, "aws_s3_bucket")["force_destroy"], only(doc, "aws_ecr_repository")["force_delete"]

    assert (empties(small(DEV)), empties(small(flip("force_destroy")))) == ((True, True), (False, False))


def test_retain_volumes() -> None:
    def reclaim(doc: Synth) -> Any:
        return only(doc, "kubernetes_storage_class_v1")["reclaim_policy"]

    assert (reclaim(small(DEV)), reclaim(small(flip("retain_volumes")))) == ("Delete", "Retain")


def test_final_snapshot() -> None:
    keys = ("skip_final_snapshot", "final_snapshot_identifier", "delete_automated_backups")
    off, on = database(DEV), database(flip("final_snapshot"))
    assert [off.get(k) for k in keys] == [True, None, True]
    assert [on.get(k) for k in keys] == [False, "eks-platform-staging-orders-final", False]


def test_key_deletion_window_days() -> None:
    def window(doc: Synth) -> set[Any]:
        return {k["deletion_window_in_days"] for k in resources(doc, "aws_kms_key").values()}

    assert window(small(DEV)) == {14}
    assert window(small(flip("key_deletion_window_days"))) == {30}
    assert window(small(dataclasses.replace(DEV, key_deletion_window_days=7))) == {7}


def test_apply_immediately() -> None:
    off = database(flip("apply_immediately"))["apply_immediately"]
    assert (database(DEV)["apply_immediately"], off) == (True, False)


def test_extended_support_of_the_database() -> None:
    on = database(flip("extended_support"))["engine_lifecycle_support"]
    assert (database(DEV)["engine_lifecycle_support"], on) == (
        "open-source-rds-extended-support-disabled",
        "open-source-rds-extended-support",
    )


def test_extended_support_of_the_cluster() -> None:
    on = eks(flip("extended_support"))["upgrade_policy"]
    assert (eks(DEV)["upgrade_policy"], on) == ({"support_type": "STANDARD"}, {"support_type": "EXTENDED"})


def test_every_knob_has_a_test() -> None:
    tested = {name for name in globals() if name.startswith("test_")}
    for spec in dataclasses.fields(Protections):
        assert any(spec.name in name for name in tested), spec.name


# --- the override, in Python and from a file ---------------------------------------------------------


def _write(tmp_path: Path, environment: dict[str, Any]) -> Path:
    path = tmp_path / "environments.json"
    path.write_text(json.dumps({"environments": [environment]}))
    return path


def test_override_from_a_config_file(tmp_path: Path) -> None:
    override = {**dataclasses.asdict(DEV), "prevent_destroy": True, "key_deletion_window_days": 21}
    (environment,) = load_environments(_write(tmp_path, {**MINIMAL, "protections": override}))
    assert environment.resolved_protections == dataclasses.replace(DEV, prevent_destroy=True, key_deletion_window_days=21)


def test_override_from_a_toml_file(tmp_path: Path) -> None:
    path = tmp_path / "environments.toml"
    fields = "\n".join(f"{k} = {json.dumps(v)}" for k, v in dataclasses.asdict(FLIPPED).items())
    network = 'vpc_cidr = "10.50.0.0/16"\navailability_zones = ["eu-west-1a", "eu-west-1b"]'
    cluster_table = 'endpoint_public_access = true\npublic_access_cidrs = ["198.51.100.0/24"]'
    group = 'name = "system"\ninstance_types = ["m5.large"]\nmin_size = 2\ndesired_size = 2\nmax_size = 3'
    path.write_text(
        '[[environments]]\nname = "sandbox"\nstage = "dev"\nregion = "eu-west-1"\n'
        f"[environments.network]\n{network}\n[environments.cluster]\n{cluster_table}\n"
        f"[[environments.node_groups]]\n{group}\n[environments.protections]\n{fields}\n"
    )
    (environment,) = load_environments(path)
    assert environment.resolved_protections == FLIPPED


def test_a_partial_override_in_a_file_names_the_missing_field(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"`environments\[0\]\.protections\.deletion_protection`: is required"):
        load_environments(_write(tmp_path, {**MINIMAL, "protections": {"prevent_destroy": True}}))


def test_the_stack_passes_the_override_to_every_construct() -> None:
    """A dev environment with prod's protections: every key, log group and stateful resource follows."""
    config = dataclasses.replace(from_dict(EnvironmentConfig, MINIMAL, "sandbox"), protections=FLIPPED)
    doc = json.loads(cdktf.Testing.synth(PlatformStack(cdktf.Testing.app(), config)))
    keys = resources(doc, "aws_kms_key").values()
    assert keys and all(k["deletion_window_in_days"] == 30 and k["lifecycle"] == {"prevent_destroy": True} for k in keys)
    groups = resources(doc, "aws_cloudwatch_log_group").values()
    assert groups and all(g["lifecycle"] == {"prevent_destroy": True} for g in groups)
    assert only(doc, "aws_db_subnet_group")["lifecycle"] == {"prevent_destroy": True}
    eks_cluster = only(doc, "aws_eks_cluster")
    assert (eks_cluster["deletion_protection"], eks_cluster["upgrade_policy"]) == (True, {"support_type": "EXTENDED"})
    assert only(doc, "kubernetes_storage_class_v1")["reclaim_policy"] == "Retain"


# --- prod may not lower a guard ----------------------------------------------------------------------


def _prod_with(**changes: Any) -> EnvironmentConfig:
    return dataclasses.replace(PROD, protections=dataclasses.replace(Protections.for_stage(Stage.PROD), **changes))


@pytest.mark.parametrize("name", GUARDED_IN_PROD)
def test_prod_refuses_lowering_a_guard(name: str) -> None:
    lowered = {"force_destroy": True, "key_deletion_window_days": 29}.get(name, False)
    with pytest.raises(ConfigError) as error:
        _prod_with(**{name: lowered}).validate()
    assert str(error.value).startswith(f"`prod.protections.{name}`: must not be lowered in prod")
    assert f"remove `{name}` from the override" in str(error.value)


def test_prod_lowering_message() -> None:
    with pytest.raises(ConfigError) as error:
        _prod_with(prevent_destroy=False).validate()
    assert str(error.value) == (
        "`prod.protections.prevent_destroy`: must not be lowered in prod (prod's default is True): it guards data "
        "against a mistaken destroy (got False); fix: remove `prevent_destroy` from the override (or set it to "
        "True); to retire a prod resource, lift its protection in a reviewed change of its own"
    )


@pytest.mark.parametrize("changes", [{"apply_immediately": True}, {"extended_support": False}])
def test_prod_may_change_the_operational_knobs(changes: dict[str, Any]) -> None:
    _prod_with(**changes).validate()


def test_other_stages_may_raise_or_lower_anything() -> None:
    dev = from_dict(EnvironmentConfig, MINIMAL, "sandbox")
    dataclasses.replace(dev, protections=FLIPPED).validate()
    dataclasses.replace(dev, protections=dataclasses.replace(DEV, key_deletion_window_days=7)).validate()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"key_deletion_window_days": 45},
            r"`sandbox\.protections\.key_deletion_window_days`: must be a whole number from 7 to 30",
        ),
        ({"prevent_destroy": "yes"}, r"`sandbox\.protections\.prevent_destroy`: must be true or false \(got 'yes'\)"),
    ],
)
def test_override_errors(changes: dict[str, Any], message: str) -> None:
    dev = from_dict(EnvironmentConfig, MINIMAL, "sandbox")
    with pytest.raises(ConfigError, match=message):
        dataclasses.replace(dev, protections=dataclasses.replace(DEV, **changes)).validate()


# --- a construct wired by hand must choose --------------------------------------------------------------


def test_a_hand_wired_construct_without_protections_is_refused() -> None:
    """Outside an EnvironmentStack there is no environment to take them from (the inheritance inside
    one: tests/test_environment_inheritance.py)."""

    def build(stack: TerraformStack) -> None:
        AwsContext(stack, region="us-east-1")
        KmsKey(stack, "key", props=KmsKeyProps(alias="test", description="test"))

    with pytest.raises(ConfigError, match=r"`protections`: must be given outside an EnvironmentStack"):
        synth(build)


def test_props_without_protections_are_refused_outside_an_environment() -> None:
    def build(stack: TerraformStack) -> None:
        props = RepositoryProps(
            name_prefix="eks-platform-dev",
            spec=RepositorySpec(name="api"),
            stage=Stage.DEV,
            lifecycle_rules=DEFAULT_LIFECYCLE_RULES,
            pull_principal_arns=(NODE_ROLE,),
        )
        Repository(stack, "repository", props=props)

    with pytest.raises(ConfigError, match=r"`repository\.protections`: must be given outside an EnvironmentStack"):
        synth(build)


@pytest.mark.parametrize("value", [True, "prod", Stage.PROD])
def test_a_construct_given_something_else_names_the_field(value: Any) -> None:
    def build(stack: TerraformStack) -> None:
        ClusterBaseline(stack, "baseline", props=ClusterBaselineProps(protections=value))

    with pytest.raises(ConfigError, match=r"`protections`: must be a Protections"):
        synth(build)


def test_a_props_stage_must_be_a_stage_member() -> None:
    def build(stack: TerraformStack) -> None:
        props = RepositoryProps(
            name_prefix="eks-platform-dev",
            spec=RepositorySpec(name="api"),
            stage="prod",  # type: ignore[arg-type]
            protections=DEV,
            lifecycle_rules=DEFAULT_LIFECYCLE_RULES,
            pull_principal_arns=(NODE_ROLE,),
        )
        Repository(stack, "repository", props=props)

    with pytest.raises(ConfigError, match=r"`repository\.stage`: must be one of Stage\.DEV, Stage\.STAGING"):
        synth(build)


def test_the_file_example_in_the_config_readme_is_a_protections_table() -> None:
    readme = (Path(__file__).parent.parent / "examples" / "config" / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in readme.split("```toml")[1:] if "[environments.protections]" in b]
    text = "\n".join(line.strip() for line in block.split("```")[0].splitlines())
    table = tomllib.loads(text)["environments"]["protections"]
    protections = from_dict(Protections, table, "protections")
    protections.validate("protections")
    assert protections == dataclasses.replace(FLIPPED, apply_immediately=True, extended_support=False)


def test_no_parameter_or_field_of_the_library_is_a_production_flag() -> None:
    """The stage decides rules, Protections decide resources: a bare `production` input would be
    the old trap (a default of False silently giving a prod construct dev's protections)."""
    package = Path(__file__).parent.parent / "constructs_lib"
    found = []
    for source in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                arguments = node.args
                names = [a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)]
            elif isinstance(node, ast.ClassDef):
                names = [s.target.id for s in node.body if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
            found += [f"{source.relative_to(package)}:{node.lineno}" for name in names if name == "production"]
    assert found == []


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda stack: cluster(stack, stage="prod", protections=DEV),
            r"`cluster\.stage`: must be one of Stage\.DEV, Stage\.STAGING, Stage\.PROD \(got 'prod'\)",
        ),
        (
            lambda stack: cluster(stack, protections=True),
            r"`cluster\.protections`: must be a Protections \(got True\)",
        ),
        (
            lambda stack: Network(
                stack,
                "network",
                props=NetworkProps(
                    config=PROD.network,
                    name_prefix="eks-platform-prod",
                    region="us-east-1",
                    stage=Stage.PROD,
                    protections=dataclasses.replace(DEV, key_deletion_window_days=3),
                ),
            ),
            r"`network\.protections\.key_deletion_window_days`: must be a whole number from 7 to 30 \(got 3\)",
        ),
        (
            lambda stack: EcrRegistry(
                stack,
                "registry",
                props=EcrRegistryProps(
                    name_prefix="eks-platform-dev", stage=Stage.DEV, protections="prod", node_role_arn=NODE_ROLE  # type: ignore[arg-type]
                ),
            ),
            r"`registry\.protections`: must be a Protections \(got 'prod'\)",
        ),
    ],
    ids=["cluster-stage", "cluster-protections", "network-window", "registry-protections"],
)
def test_each_construct_checks_its_stage_and_protections(build: Any, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        synth(build)
