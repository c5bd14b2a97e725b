"""What a first deploy needs, as config rules (EnvironmentConfig) and as the deploy preflight."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from typing import Any

import pytest

from constructs_lib.config import EnvironmentConfig, StateBackend
from constructs_lib.errors import ConfigError
from constructs_lib.preflight import preflight
from constructs_lib.stage import Stage
from stacks.environments import DEV, PROD, STAGING
from tests.conftest import REPO_ROOT

OWN_ACCOUNT = "210987654321"


def _cluster(config: EnvironmentConfig, **changes: Any) -> EnvironmentConfig:
    return dataclasses.replace(config, cluster=dataclasses.replace(config.cluster, **changes))


# -- config rules ---------------------------------------------------------------------------------


def test_an_environment_must_declare_the_runners_way_in() -> None:
    config = _cluster(DEV, endpoint_public_access=False, public_access_cidrs=())
    with pytest.raises(ConfigError, match=r"^`dev\.cluster`: must declare how the machine that runs terraform reaches"):
        config.validate()


@pytest.mark.parametrize("config", [STAGING, PROD], ids=["staging", "prod"])
def test_staging_and_prod_need_a_fixed_deployer(config: EnvironmentConfig) -> None:
    with pytest.raises(
        ConfigError,
        match=rf"`{config.name}\.cluster\.deployer_principal_arn`: is required in {config.name}: without it "
        "cluster-admin follows whoever ran the last apply",
    ):
        _cluster(config, deployer_principal_arn=None).validate()


@pytest.mark.parametrize("config", [STAGING, PROD], ids=["staging", "prod"])
def test_staging_and_prod_need_an_admin(config: EnvironmentConfig) -> None:
    with pytest.raises(ConfigError, match=rf"`{config.name}\.cluster\.admin_principal_arns`: must name at least one admin"):
        _cluster(config, admin_principal_arns=()).validate()


@pytest.mark.parametrize("config", [STAGING, PROD], ids=["staging", "prod"])
def test_staging_and_prod_need_remote_state(config: EnvironmentConfig) -> None:
    with pytest.raises(ConfigError, match=rf"`{config.name}\.state`: is required in {config.name}: local state"):
        dataclasses.replace(config, state=None).validate()


def test_dev_may_deploy_as_the_caller_with_local_state() -> None:
    dataclasses.replace(_cluster(DEV, deployer_principal_arn=None, admin_principal_arns=()), state=None).validate()


def test_prod_pins_what_the_platform_installs() -> None:
    config = _cluster(PROD, version="1.34")
    config.validate()  # the table has a row for 1.34
    assert config.cluster.addon_version("coredns", stage=Stage.PROD) == "v1.12.4-eksbuild.29"


# -- preflight ------------------------------------------------------------------------------------


def _ready(config: EnvironmentConfig) -> EnvironmentConfig:
    """``config`` with every example value replaced by a plausible real one."""
    arn = f"arn:aws:iam::{OWN_ACCOUNT}:role"
    cluster = dataclasses.replace(
        config.cluster,
        public_access_cidrs=("52.1.2.3/32",) if config.cluster.public_access_cidrs else (),
        private_access_security_group_ids=("sg-0a1b2c3d4e5f67890",)
        if config.cluster.private_access_security_group_ids
        else (),
        deployer_principal_arn=f"{arn}/ci-deployer",
        admin_principal_arns=(f"{arn}/platform-admin",),
    )
    applications = tuple(
        dataclasses.replace(
            app,
            ingress=dataclasses.replace(
                app.ingress,
                host=app.ingress.host.replace("example.com", "acme.io"),
                certificate_arn=app.ingress.certificate_arn.replace("123456789012", OWN_ACCOUNT)
                if app.ingress.certificate_arn
                else None,
            )
            if app.ingress
            else None,
        )
        for app in config.applications
    )
    dns = dataclasses.replace(
        config.addons.dns,
        hosted_zone_ids=tuple("Z0A1B2C3D4E5F6G7H8I9J" for _ in config.addons.dns.hosted_zone_ids),
        domains=tuple(d.replace("example.com", "acme.io") for d in config.addons.dns.domains),
    )
    return dataclasses.replace(
        config,
        account_id=OWN_ACCOUNT,
        cluster=cluster,
        applications=applications,
        addons=dataclasses.replace(config.addons, dns=dns),
        state=StateBackend(bucket="acme-terraform-state"),
    )


@pytest.mark.parametrize("config", [DEV, STAGING, PROD], ids=["dev", "staging", "prod"])
def test_a_real_config_passes_preflight(config: EnvironmentConfig) -> None:
    ready = _ready(config)
    ready.validate()
    assert [p.one_line() for p in preflight(ready)] == []


def _paths(config: EnvironmentConfig) -> list[str]:
    return [problem.path for problem in preflight(config)]


def test_preflight_lists_every_example_value_of_prod() -> None:
    assert _paths(PROD) == [
        "prod.account_id",
        "prod.cluster.admin_principal_arns[0]",
        "prod.cluster.private_access_security_group_ids[0]",
        "prod.cluster.deployer_principal_arn",
        "prod.applications[0].ingress.host",
        "prod.applications[0].ingress.certificate_arn",
        "prod.applications[1].ingress.host",
        "prod.applications[1].ingress.certificate_arn",
        "prod.addons.dns.hosted_zone_ids[0]",
        "prod.addons.dns.domains[0]",
        "prod.state.bucket",
    ]


def test_preflight_refuses_the_placeholder_hosted_zone() -> None:
    problems = {p.path: p.rule for p in preflight(PROD)}
    assert problems["prod.addons.dns.hosted_zone_ids[0]"] == "is a placeholder hosted zone id (zeros)"


@pytest.mark.parametrize(
    ("change", "path", "rule"),
    [
        ({"account_id": None}, "prod.account_id", "must be set before a deploy"),
        ({"state": None}, "prod.state", "must name an S3 state bucket before a deploy"),
    ],
)
def test_preflight_names_missing_settings(change: dict[str, Any], path: str, rule: str) -> None:
    problems = {p.path: p.rule for p in preflight(dataclasses.replace(_ready(PROD), **change))}
    assert problems[path].startswith(rule)


def test_preflight_names_missing_admins_and_runner_access() -> None:
    config = _cluster(_ready(DEV), admin_principal_arns=(), endpoint_public_access=False, public_access_cidrs=())
    assert _paths(config) == ["dev.cluster.admin_principal_arns", "dev.cluster"]


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("arn:aws:acm:us-east-1:123456789012:certificate/x", "is an example value: 123456789012 is AWS's documentation account"),
        ("shop.example.org", "is an example host (RFC 2606 domain)"),
        ("198.51.100.7/32", "is an example address (an RFC 5737 documentation network)"),
        ("sg-00000000000000000", "is a placeholder security group id (all zeros)"),
    ],
)
def test_preflight_messages(value: str, rule: str) -> None:
    config = dataclasses.replace(_ready(DEV), tags={"note": value})
    (problem,) = preflight(config)
    assert problem.one_line() == f"`dev.tags.note`: {rule} (got {value!r}); fix: {problem.fix}"


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_main_preflight_refuses_the_reference_prod_one_line_per_problem() -> None:
    run = _main("--preflight", "prod")
    lines = run.stderr.splitlines()
    assert run.returncode == 2
    assert len(lines) == len(preflight(PROD)) + 1
    assert all(line.startswith("preflight: `prod.") for line in lines[:-1])
    assert lines[-1] == f"preflight: prod is not ready to deploy ({len(preflight(PROD))} problems above)"


def test_main_preflight_of_an_unknown_environment() -> None:
    run = _main("--preflight", "qa")
    assert (run.returncode, run.stderr.strip()) == (2, "preflight: no environment 'qa'; known: dev, staging, prod")


# -- dedicated node groups ------------------------------------------------------------------------


def test_prod_dedicated_groups_admit_only_workloads_that_ask() -> None:
    taints = {g.name: [(t.key, t.value) for t in g.taints] for g in PROD.node_groups}
    assert (taints["compute-intensive"], taints["memory-intensive"], taints["application"]) == (
        [("dedicated", "compute")],
        [("dedicated", "memory")],
        [],
    )


def test_an_application_may_ask_for_a_dedicated_group() -> None:
    api = dataclasses.replace(PROD.applications[0], node_group="compute-intensive")
    dataclasses.replace(PROD, applications=(api, *PROD.applications[1:])).validate()


@pytest.mark.parametrize("group", ["system", "gpu"])
def test_an_application_names_a_labelled_workload_group(group: str) -> None:
    api = dataclasses.replace(PROD.applications[0], node_group=group)
    with pytest.raises(
        ConfigError,
        match=rf"`prod\.applications\[0\]\.node_group`: must name a labelled, non-SYSTEM node group of this "
        rf"environment \(its labels select it\) \(got '{group}'\); fix: use one of \['application', "
        r"'compute-intensive', 'memory-intensive'\]",
    ):
        dataclasses.replace(PROD, applications=(api, *PROD.applications[1:])).validate()
