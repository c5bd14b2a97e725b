"""Application: the hardened workload of seeds 001-003 and its ServiceAccount, RBAC, HPA, PDB, Ingress, secrets."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from cdktf import TerraformStack
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1

from constructs_lib.apps.application import (
    ALB_SSL_POLICY,
    DATABASE_SSLMODE,
    Application,
    ApplicationProps,
    DatabaseConnection,
)
from constructs_lib.apps.config import ApplicationSpec, IngressSpec, Probes, Resources, SecretRef
from constructs_lib.cluster.config import IdentityMode, NodeGroupSpec, Taint
from constructs_lib.errors import ConfigError
from constructs_lib.identity.workload import WorkloadRole
from constructs_lib.platform.addons import SecretStoreRef
from constructs_lib.platform.catalog import PodSecurityLevel
from constructs_lib.platform.config import ResourceQuotaSpec
from constructs_lib.protections import Stage
from tests.helpers import Synth, network_policy, resources, synth

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
ROLE = "arn:aws:iam::123456789012:role/eks-platform-prod-api"
REPOSITORY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/eks-platform/prod/apps/api"

API = ApplicationSpec(
    name="api",
    repository="apps/api",
    image_tag="v1.4.2",
    replicas=3,
    ingress=IngressSpec(host="api.example.com", certificate_arn=CERTIFICATE),
    config={"LOG_LEVEL": "info"},
    secrets=(
        SecretRef(name="DATABASE_URL", remote_key="eks-platform-prod/api/db", remote_property="url"),
        SecretRef(name="TOKEN", remote_key="eks-platform-prod/api/token"),
    ),
    needs_aws=True,
)
WORKER = ApplicationSpec(name="worker", repository="apps/worker", image_tag="v2.0.0", replicas=1)
ADMIN = ApplicationSpec(
    name="admin",
    repository="apps/admin",
    image_tag="v3.0.0",
    port=9090,
    replicas=2,
    min_replicas=1,
    max_replicas=5,
    resources=Resources(cpu_request="100m", cpu_limit="200m", memory_request="128Mi", memory_limit="256Mi"),
    probes=Probes(startup_path="/s", liveness_path="/l", readiness_path="/r"),
    ingress=IngressSpec(host="admin.example.com", path="/admin", healthcheck_path="/healthz"),
    run_as_user=20000,
)


ALB_GROUP = "sg-0a1b2c3d4e5f67890"


def props(spec: ApplicationSpec, **changes: Any) -> ApplicationProps:
    base = ApplicationProps(
        spec=spec,
        repository_url=f"123456789012.dkr.ecr.us-east-1.amazonaws.com/eks-platform/prod/{spec.repository}",
        stage=Stage.PROD if spec.name == "api" else Stage.DEV,
        load_balancer_group="eks-platform-prod",
        service_account_role=WorkloadRole(ROLE, IdentityMode.POD_IDENTITY) if spec.needs_aws else None,
        load_balancer_cidrs=("10.30.0.0/16",),
        monitoring_namespace="monitoring",
        egress_peers={"worker": 8080} if spec.name == "api" else {},
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture(scope="module")
def doc() -> Synth:
    def _build(stack: TerraformStack) -> None:
        store = NamespaceV1(stack, "secret-store", metadata={"name": "stand-in-for-the-store-release"})
        association = NamespaceV1(stack, "association", metadata={"name": "stand-in-for-the-association"})
        role = WorkloadRole(ROLE, IdentityMode.POD_IDENTITY, depends_on=(association,))
        Application(stack, "api", props=props(API, secret_store=store, service_account_role=role))
        Application(stack, "worker", props=props(WORKER))
        Application(
            stack,
            "admin",
            props=props(ADMIN, pod_security=PodSecurityLevel.BASELINE, load_balancer_security_group_id=ALB_GROUP),
        )

    return synth(_build)


def of(doc: Synth, resource_type: str, namespace: str) -> Any:
    found = [
        b
        for b in resources(doc, resource_type).values()
        if b["metadata"].get("namespace", b["metadata"].get("name")) == namespace
    ]
    assert len(found) == 1, found
    return found[0]


def pod(doc: Synth, app: str) -> Any:
    return of(doc, "kubernetes_deployment_v1", app)["spec"]["template"]["spec"]


def container(doc: Synth, app: str) -> Any:
    return pod(doc, app)["container"][0]


def helm_values(doc: Synth, app: str) -> Any:
    (found,) = [b for b in resources(doc, "helm_release").values() if b["namespace"] == app]
    return json.loads(found["values"][0])["manifests"][0]


# -- deployment ---------------------------------------------------------------------------------


def test_image_is_repository_with_pinned_tag(doc: Synth) -> None:
    assert container(doc, "api")["image"] == f"{REPOSITORY}:v1.4.2"


def test_image_pull_rechecks_registry_rights(doc: Synth) -> None:
    assert container(doc, "api")["image_pull_policy"] == "Always"


def test_replicas_follow_the_spec(doc: Synth) -> None:
    assert of(doc, "kubernetes_deployment_v1", "worker")["spec"]["replicas"] == "1"


def test_rolling_update_never_drops_capacity(doc: Synth) -> None:
    strategy = of(doc, "kubernetes_deployment_v1", "api")["spec"]["strategy"]
    assert strategy == {"type": "RollingUpdate", "rolling_update": {"max_surge": "1", "max_unavailable": "0"}}


def test_pod_runs_as_non_root_with_runtime_default_seccomp(doc: Synth) -> None:
    context = pod(doc, "api")["security_context"]
    assert (context["run_as_non_root"], context["run_as_user"], context["seccomp_profile"]) == (
        True,
        "10001",
        {"type": "RuntimeDefault"},
    )


def test_run_as_user_option(doc: Synth) -> None:
    assert pod(doc, "admin")["security_context"]["run_as_user"] == "20000"


def test_container_is_locked_down(doc: Synth) -> None:
    context = container(doc, "api")["security_context"]
    assert (
        context["read_only_root_filesystem"],
        context["allow_privilege_escalation"],
        context["capabilities"],
        context["seccomp_profile"],
    ) == (True, False, {"drop": ["ALL"]}, {"type": "RuntimeDefault"})


def test_writable_tmp_for_the_read_only_root(doc: Synth) -> None:
    assert container(doc, "api")["volume_mount"][0] == {"name": "tmp", "mount_path": "/tmp"}


def test_default_requests_and_limits(doc: Synth) -> None:
    assert container(doc, "api")["resources"] == {
        "requests": {"cpu": "250m", "memory": "256Mi"},
        "limits": {"cpu": "500m", "memory": "512Mi"},
    }


def test_resources_option(doc: Synth) -> None:
    assert container(doc, "admin")["resources"]["limits"] == {"cpu": "200m", "memory": "256Mi"}


@pytest.mark.parametrize(
    ("probe", "path"), [("startup_probe", "/startup"), ("liveness_probe", "/health"), ("readiness_probe", "/ready")]
)
def test_default_probes(doc: Synth, probe: str, path: str) -> None:
    assert container(doc, "api")[probe]["http_get"] == {"path": path, "port": "http"}


@pytest.mark.parametrize(
    ("probe", "path"), [("startup_probe", "/s"), ("liveness_probe", "/l"), ("readiness_probe", "/r")]
)
def test_probe_options(doc: Synth, probe: str, path: str) -> None:
    assert container(doc, "admin")[probe]["http_get"]["path"] == path


def test_startup_allows_a_minute(doc: Synth) -> None:
    probe = container(doc, "api")["startup_probe"]
    assert probe["period_seconds"] * probe["failure_threshold"] == 60


def test_container_port(doc: Synth) -> None:
    assert container(doc, "admin")["port"] == [{"name": "http", "container_port": 9090, "protocol": "TCP"}]


def test_spread_across_zones(doc: Synth) -> None:
    spread = pod(doc, "api")["topology_spread_constraint"][0]
    assert (spread["topology_key"], spread["max_skew"]) == ("topology.kubernetes.io/zone", 1)


def test_anti_affinity_across_nodes(doc: Synth) -> None:
    term = pod(doc, "api")["affinity"]["pod_anti_affinity"]["preferred_during_scheduling_ignored_during_execution"][0]
    assert term["pod_affinity_term"]["topology_key"] == "kubernetes.io/hostname"


def test_prometheus_annotations(doc: Synth) -> None:
    annotations = of(doc, "kubernetes_deployment_v1", "admin")["spec"]["template"]["metadata"]["annotations"]
    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "9090",
        "prometheus.io/path": "/metrics",
    }


def test_normal_priority(doc: Synth) -> None:
    assert pod(doc, "api")["priority_class_name"] == "normal"


def test_priority_class_of_the_spec() -> None:
    batch = dataclasses.replace(WORKER, priority_class="low")
    doc = synth(lambda stack: Application(stack, "worker", props=props(batch)))
    assert pod(doc, "worker")["priority_class_name"] == "low"


def test_config_as_environment(doc: Synth) -> None:
    assert container(doc, "api")["env_from"] == [{"config_map_ref": {"name": "api-config"}}]


def test_secret_as_read_only_files(doc: Synth) -> None:
    assert container(doc, "api")["volume_mount"][1] == {
        "name": "secrets",
        "mount_path": "/etc/secrets",
        "read_only": True,
    }


def test_secret_volume_is_owner_read_only_and_does_not_block_the_pod(doc: Synth) -> None:
    # optional: the pod starts before external-secrets has synced a value set out of band.
    assert pod(doc, "api")["volume"][1] == {
        "name": "secrets",
        "secret": {"secret_name": "api-secrets", "default_mode": "0400", "optional": True},
    }


def test_no_secret_volume_without_secrets(doc: Synth) -> None:
    assert [v["name"] for v in pod(doc, "worker")["volume"]] == ["tmp"]


def test_no_environment_sources_without_config_or_secrets(doc: Synth) -> None:
    assert "env_from" not in container(doc, "worker")


def test_deployment_waits_for_config_and_external_secret(doc: Synth) -> None:
    depends = of(doc, "kubernetes_deployment_v1", "api")["depends_on"]
    assert [d.split(".")[0] for d in depends][-2:] == ["kubernetes_config_map_v1", "helm_release"]


def test_deployment_waits_for_its_pod_identity_association(doc: Synth) -> None:
    depends = of(doc, "kubernetes_deployment_v1", "api")["depends_on"]
    assert [d for d in depends if "association" in d] == ["kubernetes_namespace_v1.association"]


# -- service account and RBAC -------------------------------------------------------------------


def test_pod_identity_application_gets_no_annotation_and_keeps_its_token(doc: Synth) -> None:
    account = of(doc, "kubernetes_service_account_v1", "api")
    assert ("annotations" in account["metadata"], account["automount_service_account_token"]) == (False, True)


@pytest.fixture(scope="module")
def irsa_doc() -> Synth:
    def _build(stack: TerraformStack) -> None:
        spec = dataclasses.replace(WORKER, needs_aws=True)
        Application(stack, "worker", props=props(spec, service_account_role=WorkloadRole(ROLE, IdentityMode.IRSA)))

    return synth(_build)


def test_irsa_application_gets_the_role_annotation_and_token(irsa_doc: Synth) -> None:
    account = of(irsa_doc, "kubernetes_service_account_v1", "worker")
    assert (account["metadata"]["annotations"], account["automount_service_account_token"]) == (
        {"eks.amazonaws.com/role-arn": ROLE},
        True,
    )


def test_irsa_application_needs_no_pod_identity_agent(irsa_doc: Synth) -> None:
    ports = [rule["ports"] for rule in network_policy(irsa_doc, "worker", "allow-egress")["egress"]]
    assert ports == [[{"port": "443", "protocol": "TCP"}]]


def test_other_applications_mount_no_token(doc: Synth) -> None:
    account = of(doc, "kubernetes_service_account_v1", "worker")
    assert ("annotations" in account["metadata"], account["automount_service_account_token"]) == (False, False)


def test_pod_uses_its_own_service_account(doc: Synth) -> None:
    assert (pod(doc, "worker")["service_account_name"], pod(doc, "worker")["automount_service_account_token"]) == (
        "worker",
        False,
    )


def test_role_reads_only_its_own_config_and_secret(doc: Synth) -> None:
    assert of(doc, "kubernetes_role_v1", "api")["rule"] == [
        {"api_groups": [""], "resources": ["configmaps"], "verbs": ["get", "list"], "resource_names": ["api-config"]},
        {"api_groups": [""], "resources": ["secrets"], "verbs": ["get", "list"], "resource_names": ["api-secrets"]},
    ]


def test_role_binding_binds_the_service_account(doc: Synth) -> None:
    binding = of(doc, "kubernetes_role_binding_v1", "api")
    assert (binding["subject"], binding["role_ref"]["name"]) == (
        [{"kind": "ServiceAccount", "name": "api", "namespace": "api"}],
        "api-read-own-config",
    )


# -- config and secrets -------------------------------------------------------------------------


def test_config_map(doc: Synth) -> None:
    assert of(doc, "kubernetes_config_map_v1", "api")["data"] == {"LOG_LEVEL": "info"}


def test_no_config_map_without_config(doc: Synth) -> None:
    assert [b["metadata"]["namespace"] for b in resources(doc, "kubernetes_config_map_v1").values()] == ["api"]


def test_external_secret_reads_the_cluster_store(doc: Synth) -> None:
    spec = helm_values(doc, "api")["spec"]
    assert (spec["secretStoreRef"], spec["target"]) == (
        {"name": "aws-secrets-manager", "kind": "ClusterSecretStore"},
        {"name": "api-secrets", "creationPolicy": "Owner"},
    )


def test_external_secret_maps_each_key(doc: Synth) -> None:
    assert helm_values(doc, "api")["spec"]["data"] == [
        {"secretKey": "DATABASE_URL", "remoteRef": {"key": "eks-platform-prod/api/db", "property": "url"}},
        {"secretKey": "TOKEN", "remoteRef": {"key": "eks-platform-prod/api/token"}},
    ]


def test_external_secret_waits_for_the_store(doc: Synth) -> None:
    (found,) = [b for b in resources(doc, "helm_release").values() if b["namespace"] == "api"]
    assert "kubernetes_namespace_v1.secret-store" in found["depends_on"]


# -- a secret store that exists already, by name -------------------------------------------------


@pytest.fixture(scope="module")
def named_store_doc() -> Synth:
    def _build(stack: TerraformStack) -> None:
        Application(stack, "api", props=props(API, secret_store=SecretStoreRef("team-secrets")))

    return synth(_build)


def test_external_secret_reads_the_named_store(named_store_doc: Synth) -> None:
    assert helm_values(named_store_doc, "api")["spec"]["secretStoreRef"] == {
        "name": "team-secrets",
        "kind": "ClusterSecretStore",
    }


def test_external_secret_waits_for_no_store_when_it_is_named(named_store_doc: Synth) -> None:
    (found,) = [b for b in resources(named_store_doc, "helm_release").values() if b["namespace"] == "api"]
    # Only its own namespace (the release of a store in the same stack would be listed first).
    assert [dependency.split("_")[:3] for dependency in found["depends_on"]] == [["kubernetes", "namespace", "v1.api"]]


def test_secret_store_ref_defaults_to_the_librarys_store() -> None:
    assert SecretStoreRef().name == "aws-secrets-manager"


def test_named_secret_store_must_be_a_kubernetes_name() -> None:
    def _build(stack: TerraformStack) -> None:
        Application(stack, "api", props=props(API, secret_store=SecretStoreRef("Team_Secrets")))

    with pytest.raises(ConfigError, match=r"^`applications\.api\.secret_store\.name`: must be a DNS-1123 label"):
        synth(_build)


# -- service, autoscaling, disruption -----------------------------------------------------------


def test_service_maps_80_to_the_container_port(doc: Synth) -> None:
    service = of(doc, "kubernetes_service_v1", "admin")["spec"]
    assert (service["type"], service["port"]) == (
        "ClusterIP",
        [{"name": "http", "port": 80, "target_port": "http", "protocol": "TCP"}],
    )


def test_hpa_targets_cpu_70_and_memory_80(doc: Synth) -> None:
    metrics = of(doc, "kubernetes_horizontal_pod_autoscaler_v2", "api")["spec"]["metric"]
    assert [(m["resource"]["name"], m["resource"]["target"]["average_utilization"]) for m in metrics] == [
        ("cpu", 70),
        ("memory", 80),
    ]


def test_hpa_bounds_default_to_replicas_and_ten(doc: Synth) -> None:
    spec = of(doc, "kubernetes_horizontal_pod_autoscaler_v2", "api")["spec"]
    assert (spec["min_replicas"], spec["max_replicas"]) == (3, 10)


def test_hpa_bounds_options(doc: Synth) -> None:
    spec = of(doc, "kubernetes_horizontal_pod_autoscaler_v2", "admin")["spec"]
    assert (spec["min_replicas"], spec["max_replicas"]) == (1, 5)


def test_hpa_scale_up_behavior_of_seed_001(doc: Synth) -> None:
    up = of(doc, "kubernetes_horizontal_pod_autoscaler_v2", "api")["spec"]["behavior"]["scale_up"][0]
    assert (up["stabilization_window_seconds"], up["select_policy"], up["policy"]) == (
        60,
        "Max",
        [{"type": "Percent", "value": 100, "period_seconds": 60}, {"type": "Pods", "value": 2, "period_seconds": 60}],
    )


def test_hpa_scale_down_behavior_of_seed_001(doc: Synth) -> None:
    down = of(doc, "kubernetes_horizontal_pod_autoscaler_v2", "api")["spec"]["behavior"]["scale_down"][0]
    assert (down["stabilization_window_seconds"], down["policy"]) == (
        300,
        [{"type": "Percent", "value": 50, "period_seconds": 60}],
    )


def test_disruption_budget_allows_one_pod_down(doc: Synth) -> None:
    budget = of(doc, "kubernetes_pod_disruption_budget_v1", "api")["spec"]
    assert (budget["max_unavailable"], budget["selector"]["match_labels"]) == ("1", {"app.kubernetes.io/name": "api"})


# -- ingress ------------------------------------------------------------------------------------


def ingress_annotations(doc: Synth, app: str) -> dict[str, str]:
    return dict(of(doc, "kubernetes_ingress_v1", app)["metadata"]["annotations"])


def test_ingress_is_internet_facing_with_ip_targets(doc: Synth) -> None:
    got = ingress_annotations(doc, "api")
    assert (got["alb.ingress.kubernetes.io/scheme"], got["alb.ingress.kubernetes.io/target-type"]) == (
        "internet-facing",
        "ip",
    )


def test_ingress_health_check_defaults_to_readiness(doc: Synth) -> None:
    assert ingress_annotations(doc, "api")["alb.ingress.kubernetes.io/healthcheck-path"] == "/ready"


def test_ingress_health_check_option(doc: Synth) -> None:
    assert ingress_annotations(doc, "admin")["alb.ingress.kubernetes.io/healthcheck-path"] == "/healthz"


def test_ingresses_share_one_alb(doc: Synth) -> None:
    assert ingress_annotations(doc, "api")["alb.ingress.kubernetes.io/group.name"] == "eks-platform-prod"


def test_prod_ingress_serves_https_with_the_certificate(doc: Synth) -> None:
    got = ingress_annotations(doc, "api")
    assert (got["alb.ingress.kubernetes.io/certificate-arn"], got["alb.ingress.kubernetes.io/ssl-policy"]) == (
        CERTIFICATE,
        ALB_SSL_POLICY,
    )


def test_prod_ingress_redirects_http_to_https(doc: Synth) -> None:
    got = ingress_annotations(doc, "api")
    assert (
        got["alb.ingress.kubernetes.io/ssl-redirect"],
        json.loads(got["alb.ingress.kubernetes.io/listen-ports"]),
    ) == (
        "443",
        [{"HTTP": 80}, {"HTTPS": 443}],
    )


def test_ingress_without_certificate_is_plain_http(doc: Synth) -> None:
    got = ingress_annotations(doc, "admin")
    assert ("alb.ingress.kubernetes.io/certificate-arn" in got, got["alb.ingress.kubernetes.io/listen-ports"]) == (
        False,
        '[{"HTTP": 80}]',
    )


def test_ingress_routes_host_and_path_to_the_service(doc: Synth) -> None:
    rule = of(doc, "kubernetes_ingress_v1", "admin")["spec"]["rule"][0]
    path = rule["http"]["path"][0]
    assert (rule["host"], path["path"], path["backend"]["service"]) == (
        "admin.example.com",
        "/admin",
        {"name": "admin", "port": {"number": 80}},
    )


def test_ingress_class_is_alb(doc: Synth) -> None:
    assert of(doc, "kubernetes_ingress_v1", "api")["spec"]["ingress_class_name"] == "alb"


def test_no_ingress_unless_configured(doc: Synth) -> None:
    assert sorted(b["metadata"]["namespace"] for b in resources(doc, "kubernetes_ingress_v1").values()) == [
        "admin",
        "api",
    ]


# -- namespace wiring ---------------------------------------------------------------------------


def test_exposed_application_admits_the_alb(doc: Synth) -> None:
    assert {"ip_block": {"cidr": "10.30.0.0/16"}} in network_policy(doc, "api", "allow-ingress")["ingress"][0]["from"]


def test_internal_application_does_not_admit_the_alb(doc: Synth) -> None:
    assert {"ip_block": {"cidr": "10.30.0.0/16"}} not in network_policy(doc, "worker", "allow-ingress")["ingress"][0][
        "from"
    ]


def test_aws_application_may_reach_https(doc: Synth) -> None:
    assert network_policy(doc, "api", "allow-egress")["egress"][-2]["ports"] == [{"port": "443", "protocol": "TCP"}]


def test_pod_identity_application_may_reach_the_agent(doc: Synth) -> None:
    assert network_policy(doc, "api", "allow-egress")["egress"][-1] == {
        "ports": [{"port": "80", "protocol": "TCP"}],
        "to": [{"ip_block": {"cidr": "169.254.170.23/32"}}, {"ip_block": {"cidr": "fd00:ec2::23/128"}}],
    }


def test_egress_peers_option(doc: Synth) -> None:
    selector = network_policy(doc, "api", "allow-egress")["egress"][0]["to"][0]["namespace_selector"]
    assert selector == {"match_labels": {"kubernetes.io/metadata.name": "worker"}}


def test_pod_security_option(doc: Synth) -> None:
    labels = of(doc, "kubernetes_namespace_v1", "admin")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "changes", "message"),
    [
        (
            WORKER,
            {"repository_url": "x/worker:v1"},
            r"`applications\.worker\.repository_url`: must be a repository URL",
        ),
        (
            dataclasses.replace(WORKER, needs_aws=True),
            {"service_account_role": None},
            r"`applications\.worker\.service_account_role`: is required when the application needs AWS",
        ),
        (
            WORKER,
            {"service_account_role": WorkloadRole(ROLE, IdentityMode.IRSA)},
            r"`applications\.worker\.service_account_role`: only applies",
        ),
        (
            dataclasses.replace(WORKER, needs_aws=True),
            {"service_account_role": WorkloadRole("role/x", IdentityMode.POD_IDENTITY)},
            r"`applications\.worker\.service_account_role\.role_arn`: must be an IAM role or user ARN",
        ),
        (
            dataclasses.replace(WORKER, needs_aws=True),
            {"service_account_role": ROLE},
            r"`applications\.worker\.service_account_role`: must be a WorkloadRole \(got 'str'\)",
        ),
        (
            dataclasses.replace(WORKER, secrets=(SecretRef(name="A", remote_key="b"),)),
            {},
            r"`applications\.worker\.secret_store`: is required when the application has secrets",
        ),
        (
            dataclasses.replace(WORKER, ingress=IngressSpec(host="w.example.com")),
            {"load_balancer_cidrs": ()},
            r"`applications\.worker\.load_balancer_cidrs`: must list the public subnets' CIDRs",
        ),
        (
            dataclasses.replace(WORKER, ingress=IngressSpec(host="w.example.com")),
            {"stage": Stage.PROD},
            r"`applications\.worker\.spec\.ingress\.certificate_arn`: is required in production",
        ),
        (
            WORKER,
            {"quota": ResourceQuotaSpec(pods=5)},
            r"`applications\.worker\.spec\.max_replicas`: .*more pods than the namespace quota \(5\)",
        ),
        (
            WORKER,
            {"quota": ResourceQuotaSpec(requests_cpu="1")},
            r"`applications\.worker\.spec\.max_replicas`: .*more requests\.cpu than the namespace quota \(1\)",
        ),
        (
            WORKER,
            {"quota": ResourceQuotaSpec(limits_cpu="4")},
            r"`applications\.worker\.spec\.max_replicas`: .*more limits\.cpu than the namespace quota \(4\)",
        ),
        (
            WORKER,
            {"quota": ResourceQuotaSpec(requests_memory="1Gi")},
            r"`applications\.worker\.spec\.max_replicas`: .*more requests\.memory than the namespace quota \(1Gi\)",
        ),
        (
            WORKER,
            {"quota": ResourceQuotaSpec(requests_memory="4Gi", limits_memory="4Gi")},
            r"`applications\.worker\.spec\.max_replicas`: .*more limits\.memory than the namespace quota \(4Gi\)",
        ),
        (WORKER, {"quota": ResourceQuotaSpec(services=0)}, r"`applications\.worker\.quota\.services`"),
        (
            WORKER,
            {"pod_security_group_ids": tuple(f"sg-{i}" for i in range(6))},
            r"`applications\.worker\.pod_security_group_ids`: must list at most 5 security groups",
        ),
        (
            WORKER,
            {"pod_security_group_ids": ("10.0.0.0/8",)},
            r"`applications\.worker\.pod_security_group_ids\[0\]`: must be a security group id",
        ),
        (
            WORKER,
            {"pod_security_group_ids": ("sg-11111111", "sg-11111111")},
            r"`applications\.worker\.pod_security_group_ids`: security group must be unique",
        ),
    ],
)
def test_errors(spec: ApplicationSpec, changes: dict[str, Any], message: str) -> None:
    def _build(stack: TerraformStack) -> None:
        Application(stack, "app", props=props(spec, **changes))

    with pytest.raises(ConfigError, match=message):
        synth(_build)


# -- first apply and day 2 ----------------------------------------------------------------------


def test_deployment_does_not_wait_for_its_rollout(doc: Synth) -> None:
    # The repository is created empty in the same apply; the image is pushed afterwards.
    assert of(doc, "kubernetes_deployment_v1", "api")["wait_for_rollout"] is False


def test_deployment_leaves_replicas_and_restarts_to_controllers(doc: Synth) -> None:
    assert of(doc, "kubernetes_deployment_v1", "api")["lifecycle"]["ignore_changes"] == [
        "spec[0].replicas",
        'spec[0].template[0].metadata[0].annotations["kubectl.kubernetes.io/restartedAt"]',
    ]


def test_ingress_uses_the_given_load_balancer_security_group(doc: Synth) -> None:
    annotations = of(doc, "kubernetes_ingress_v1", "admin")["metadata"]["annotations"]
    assert annotations["alb.ingress.kubernetes.io/security-groups"] == ALB_GROUP
    assert annotations["alb.ingress.kubernetes.io/manage-backend-security-group-rules"] == "false"


def test_ingress_without_a_security_group_lets_the_controller_manage_one(doc: Synth) -> None:
    annotations = of(doc, "kubernetes_ingress_v1", "api")["metadata"]["annotations"]
    assert "alb.ingress.kubernetes.io/security-groups" not in annotations


# -- the data tier: database connection and bucket --------------------------------------------------

SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-0123-AbCdEf"
DATABASE = DatabaseConnection(
    host="eks-platform-prod-app.abc.us-east-1.rds.amazonaws.com",
    port=5432,
    database_name="app",
    master_user_secret_arn=SECRET_ARN,
    subnet_cidrs=("10.30.224.0/24", "10.30.225.0/24"),
)
ORDERS = ApplicationSpec(name="orders", repository="apps/orders", image_tag="v1.0.0", database="app", bucket=True, needs_aws=True)
REPORTS = ApplicationSpec(name="reports", repository="apps/reports", image_tag="v1.0.0", database="app")


@pytest.fixture(scope="module")
def data_doc() -> Synth:
    def _build(stack: TerraformStack) -> None:
        store = NamespaceV1(stack, "secret-store", metadata={"name": "stand-in-for-the-store-release"})
        api = dataclasses.replace(API, database="app", bucket=True)
        Application(stack, "api", props=props(api, secret_store=store, database=DATABASE, bucket_name="api-bucket"))
        Application(stack, "reports", props=props(REPORTS, secret_store=store, database=DATABASE))
        Application(stack, "worker", props=props(WORKER))

    return synth(_build)


def test_database_and_bucket_settings_join_the_config(data_doc: Synth) -> None:
    assert of(data_doc, "kubernetes_config_map_v1", "api")["data"] == {
        "BUCKET_NAME": "api-bucket",
        "DB_HOST": "eks-platform-prod-app.abc.us-east-1.rds.amazonaws.com",
        "DB_NAME": "app",
        "DB_PORT": "5432",
        "DB_SSLMODE": "verify-full",
        "LOG_LEVEL": "info",
    }


def test_ssl_mode_verifies_the_server() -> None:
    assert DATABASE_SSLMODE == "verify-full"


def test_database_credentials_come_from_the_managed_secret(data_doc: Synth) -> None:
    assert helm_values(data_doc, "api")["spec"]["data"][2:] == [
        {"secretKey": "DB_USERNAME", "remoteRef": {"key": SECRET_ARN, "property": "username"}},
        {"secretKey": "DB_PASSWORD", "remoteRef": {"key": SECRET_ARN, "property": "password"}},
    ]


def test_own_secrets_stay_next_to_the_database_credentials(data_doc: Synth) -> None:
    assert [d["secretKey"] for d in helm_values(data_doc, "api")["spec"]["data"][:2]] == ["DATABASE_URL", "TOKEN"]


def test_database_alone_brings_the_secret_and_its_mount(data_doc: Synth) -> None:
    assert (
        [d["secretKey"] for d in helm_values(data_doc, "reports")["spec"]["data"]],
        [v["name"] for v in pod(data_doc, "reports")["volume"]],
    ) == (["DB_USERNAME", "DB_PASSWORD"], ["tmp", "secrets"])


def test_database_config_without_own_config(data_doc: Synth) -> None:
    assert sorted(of(data_doc, "kubernetes_config_map_v1", "reports")["data"]) == [
        "DB_HOST",
        "DB_NAME",
        "DB_PORT",
        "DB_SSLMODE",
    ]


def test_database_user_may_reach_the_database_subnets_on_its_port(data_doc: Synth) -> None:
    assert network_policy(data_doc, "reports", "allow-egress")["egress"] == [
        {
            "to": [{"ip_block": {"cidr": "10.30.224.0/24"}}, {"ip_block": {"cidr": "10.30.225.0/24"}}],
            "ports": [{"port": "5432", "protocol": "TCP"}],
        }
    ]


def test_applications_without_a_database_get_no_database_egress(data_doc: Synth) -> None:
    assert network_policy(data_doc, "worker", "allow-egress") is None


@pytest.mark.parametrize(
    ("spec", "changes", "message"),
    [
        (
            REPORTS,
            {"secret_store": None, "database": DATABASE},
            r"`applications\.reports\.secret_store`: is required when the application has secrets or a database",
        ),
        (
            REPORTS,
            {"database": None},
            r"`applications\.reports\.database`: must be given exactly when spec\.database names a database "
            r"\(got 'app'\)",
        ),
        (
            WORKER,
            {"database": DATABASE},
            r"`applications\.worker\.database`: must be given exactly when spec\.database names a database",
        ),
        (
            ORDERS,
            {"database": DATABASE, "bucket_name": None},
            r"`applications\.orders\.bucket_name`: must be given exactly when spec\.bucket is on \(got None\)",
        ),
        (
            WORKER,
            {"bucket_name": "b"},
            r"`applications\.worker\.bucket_name`: must be given exactly when spec\.bucket is on \(got 'b'\)",
        ),
    ],
)
def test_data_errors(spec: ApplicationSpec, changes: dict[str, Any], message: str) -> None:
    def _build(stack: TerraformStack) -> None:
        store = NamespaceV1(stack, "secret-store", metadata={"name": "store"})
        Application(stack, "app", props=props(spec, **({"secret_store": store} | changes)))

    with pytest.raises(ConfigError, match=message):
        synth(_build)


# -- security groups for pods --------------------------------------------------------------------


@pytest.fixture(scope="module")
def pod_groups_doc() -> Synth:
    def _build(stack: TerraformStack) -> None:
        Application(stack, "worker", props=props(WORKER, pod_security_group_ids=("sg-0000000000000000b", "sg-0000000000000000a")))

    return synth(_build)


def test_pod_groups_are_given_by_a_security_group_policy(pod_groups_doc: Synth) -> None:
    assert helm_values(pod_groups_doc, "worker") == {
        "apiVersion": "vpcresources.k8s.aws/v1beta1",
        "kind": "SecurityGroupPolicy",
        "metadata": {
            "name": "worker",
            "namespace": "worker",
            "labels": {
                "app.kubernetes.io/name": "worker",
                "app.kubernetes.io/version": WORKER.image_tag,
                "app.kubernetes.io/managed-by": "cdktf",
            },
        },
        "spec": {
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "worker"}},
            "securityGroups": {"groupIds": ["sg-0000000000000000b", "sg-0000000000000000a"]},
        },
    }


def test_pods_are_created_after_their_security_group_policy(pod_groups_doc: Synth) -> None:
    (address,) = resources(pod_groups_doc, "helm_release")
    assert f"helm_release.{address}" in of(pod_groups_doc, "kubernetes_deployment_v1", "worker")["depends_on"]


def test_no_security_group_policy_by_default(doc: Synth) -> None:
    assert not [r for r in resources(doc, "helm_release").values() if "security-group-policy" in r["name"]]


# -- dedicated node groups ----------------------------------------------------------------------

COMPUTE = NodeGroupSpec(
    name="compute", instance_types=("c5.2xlarge",), min_size=1, desired_size=1, max_size=4, labels={"node-role": "compute"}, taints=(Taint(key="dedicated", value="compute"),)
)


@pytest.fixture(scope="module")
def placed() -> Synth:
    spec = dataclasses.replace(WORKER, node_group="compute")
    return synth(lambda stack: Application(stack, "worker", props=props(spec, node_group=COMPUTE)))


def test_pods_select_and_tolerate_their_dedicated_group(placed: Synth) -> None:
    template = pod(placed, "worker")
    assert (template["node_selector"], template["toleration"]) == (
        {"node-role": "compute"},
        [{"key": "dedicated", "operator": "Equal", "value": "compute", "effect": "NoSchedule"}],
    )


def test_pods_without_a_group_have_no_selector(doc: Synth) -> None:
    assert "node_selector" not in pod(doc, "worker") and "toleration" not in pod(doc, "worker")


def test_node_group_must_be_the_one_the_spec_names() -> None:
    with pytest.raises(ConfigError, match=r"`applications\.worker\.node_group`: must be the node group spec\.node_group names"):
        synth(lambda stack: Application(stack, "worker", props=props(WORKER, node_group=COMPUTE)))
