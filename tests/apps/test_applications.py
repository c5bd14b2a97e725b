"""Applications: every application of an environment, the policies between them, and the progression of seed 002."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cdktf import TerraformStack
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1

from constructs_lib.apps.application import Applications, ApplicationsProps
from constructs_lib.apps.config import ApplicationSpec, SecretRef
from constructs_lib.cluster.config import IdentityMode
from constructs_lib.config import EnvironmentConfig
from constructs_lib.errors import ConfigError
from constructs_lib.identity.workload import WorkloadRole
from constructs_lib.protections import Stage
from tests.fixtures import DEV, PROD, STAGING
from tests.helpers import Synth, network_policy, resources, synth

ROLE = "arn:aws:iam::123456789012:role/eks-platform-dev-api"
API = ApplicationSpec(name="api", repository="apps/api", image_tag="v1.0.0", needs_aws=True)
WORKER = ApplicationSpec(name="worker", repository="apps/worker", image_tag="v1.0.0", port=9000, allowed_peers=("api",))
PROPS = ApplicationsProps(
    applications=(API, WORKER),
    repository_urls={"apps/api": "registry/apps/api", "apps/worker": "registry/apps/worker"},
    name_prefix="eks-platform-dev",
    stage=Stage.DEV,
    service_account_roles={"api": WorkloadRole(ROLE, IdentityMode.IRSA)},
)


def build(props: ApplicationsProps) -> tuple[Synth, Applications]:
    built: list[Applications] = []

    def _build(stack: TerraformStack) -> None:
        built.append(Applications(stack, "applications", props=props))

    return synth(_build), built[0]


@pytest.fixture(scope="module")
def pair() -> tuple[Synth, Applications]:
    return build(PROPS)


def test_one_application_per_spec(pair: tuple[Synth, Applications]) -> None:
    assert sorted(pair[1].applications) == ["api", "worker"]


def test_callee_admits_its_peer(pair: tuple[Synth, Applications]) -> None:
    sources = network_policy(pair[0], "worker", "allow-ingress")["ingress"][0]["from"]
    assert sources == [{"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "api"}}}]


def test_caller_may_send_to_the_callee_port(pair: tuple[Synth, Applications]) -> None:
    rule = network_policy(pair[0], "api", "allow-egress")["egress"][0]
    assert rule["ports"] == [{"port": "9000", "protocol": "TCP"}]


def test_callee_sends_nothing_to_the_caller(pair: tuple[Synth, Applications]) -> None:
    assert network_policy(pair[0], "worker", "allow-egress") is None


def test_role_goes_to_its_application_only(pair: tuple[Synth, Applications]) -> None:
    annotated = {
        b["metadata"]["name"]: b["metadata"].get("annotations")
        for b in resources(pair[0], "kubernetes_service_account_v1").values()
    }
    assert annotated == {"api": {"eks.amazonaws.com/role-arn": ROLE}, "worker": None}


def test_secrets_of_this_environment_are_accepted() -> None:
    api = dataclasses.replace(API, secrets=(SecretRef(name="DB", remote_key="eks-platform-dev/api/db"),))

    def _build(stack: TerraformStack) -> None:
        store = NamespaceV1(stack, "secret-store", metadata={"name": "stand-in-for-the-store-release"})
        Applications(
            stack, "applications", props=dataclasses.replace(PROPS, applications=(api, WORKER), secret_store=store)
        )

    releases = resources(synth(_build), "helm_release")
    assert [name for name in releases if "external-secret" in name] == [
        "applications_api_external-secret_chart_release_2EC70D8B"
    ]


def test_images_come_from_the_repository_urls(pair: tuple[Synth, Applications]) -> None:
    assert pair[1].applications["worker"].image == "registry/apps/worker:v1.0.0"


# -- seed 002's progression, in the test environments (tests/fixtures.py) ---------------------


def environment_props(environment: EnvironmentConfig) -> ApplicationsProps:
    return ApplicationsProps(
        # Secrets and databases need the platform tier's secret store, buckets the data tier; this
        # helper tests the applications alone.
        applications=tuple(
            dataclasses.replace(a, secrets=(), database=None, bucket=False) for a in environment.applications
        ),
        repository_urls={
            r.name: f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{environment.prefix}/{r.name}"
            for r in environment.repositories
        },
        name_prefix=environment.prefix,
        stage=environment.stage,
        load_balancer_cidrs=(environment.network.vpc_cidr,),
        service_account_roles={
            a.name: WorkloadRole(
                f"arn:aws:iam::123456789012:role/{environment.prefix}-app-{a.name}", IdentityMode.POD_IDENTITY
            )
            for a in environment.applications
            if a.needs_aws
        },
    )


@pytest.mark.parametrize(
    ("environment", "expected"),
    [(DEV, ["api", "worker"]), (STAGING, ["admin", "api", "worker"]), (PROD, ["admin", "api", "monitoring", "worker"])],
    ids=["dev", "staging", "prod"],
)
def test_environment_progression(environment: EnvironmentConfig, expected: list[str]) -> None:
    doc, _ = build(environment_props(environment))
    assert sorted(b["metadata"]["name"] for b in resources(doc, "kubernetes_deployment_v1").values()) == expected


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"applications": (API, API)}, r"`props\.applications`: application name must be unique"),
        (
            {"applications": (API, dataclasses.replace(WORKER, name="velero"))},
            r"`props\.applications\[1\]\.name`: must not be a Kubernetes or add-on namespace",
        ),
        (
            {"applications": (API, dataclasses.replace(WORKER, allowed_peers=("admin",)))},
            r"`props\.applications\[1\]\.allowed_peers\[0\]`: must name another application of this environment "
            r"\(got 'admin'\)",
        ),
        (
            {"repository_urls": {"apps/api": "registry/apps/api"}},
            r"`props\.applications\[1\]\.repository`: must name one of the environment's repositories "
            r"\(got 'apps/worker'\); fix: use one of \['apps/api'\]",
        ),
        (
            {"applications": (dataclasses.replace(API, secrets=(SecretRef(name="DB", remote_key="eks-platform-prod/api/db"),)),)},
            r"`props\.applications\[0\]\.secrets\[0\]\.remote_key`: must start with the environment prefix "
            r"'eks-platform-dev/'",
        ),
        (
            {"applications": (dataclasses.replace(API, secrets=(SecretRef(name="DB", remote_key="eks-platform-dev/api/db"),)),)},
            r"`props\.applications\[0\]\.secrets`: need the external_secrets add-on, which syncs them from Secrets Manager \(got \['DB'\]\)",
        ),
        (
            {"applications": (dataclasses.replace(API, node_group="gpu"), WORKER)},
            r"`props\.applications\[0\]\.node_group`: must name a labelled, non-SYSTEM node group of this "
            r"environment \(its labels select it\) \(got 'gpu'\)",
        ),
        (
            {"applications": (dataclasses.replace(API, image_tag="latest"), WORKER)},
            r"`props\.applications\[0\]\.image_tag`",
        ),
        (
            {
                "service_account_roles": {
                    "api": WorkloadRole(ROLE, IdentityMode.IRSA),
                    "billing": WorkloadRole(ROLE, IdentityMode.IRSA),
                }
            },
            r"`props\.service_account_roles\.billing`: must name an application",
        ),
        (
            {"pod_security_group_ids": {"billing": ("sg-1",)}},
            r"`props\.pod_security_group_ids\.billing`: must name an application",
        ),
    ],
)
def test_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build(dataclasses.replace(PROPS, **changes))
