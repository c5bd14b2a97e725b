"""StatefulWorkload: seed 000's MongoDB and Kafka as hardened StatefulSets with gp3 volumes, PDB and backups."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.apps.config import Resources
from constructs_lib.apps.stateful import (
    CLUSTER_DOMAIN,
    EXCLUDE_FROM_BACKUP_LABEL,
    STATEFUL_PRIORITY_CLASS,
    StatefulWorkload,
    StatefulWorkloadProps,
)
from constructs_lib.apps.stateful_config import (
    BackupHooks,
    DisruptionPolicy,
    NamedPort,
    PodManagementPolicy,
    ProbeAction,
    ProbeSpec,
    StatefulProbes,
    StatefulWorkloadSpec,
    VolumeSpec,
)
from constructs_lib.errors import ConfigError
from constructs_lib.platform.addons import GP3_STORAGE_CLASS
from constructs_lib.platform.catalog import PodSecurityLevel
from constructs_lib.platform.config import ResourceQuotaSpec
from constructs_lib.platform.namespace import LimitRangeSpec
from constructs_lib.protections import Protections, Stage
from tests.helpers import Synth, network_policy, resources, synth

REGISTRY = "123456789012.dkr.ecr.us-east-1.amazonaws.com/eks-platform-prod"

#: Seed 000: MongoDB 7.0.14 from the environment's ECR, internal only, reached by the processor.
MONGODB = StatefulWorkloadSpec(
    name="mongodb",
    repository="plant-monitoring/mongodb",
    image_tag="7.0.14",
    port=27017,
    volumes=(VolumeSpec(name="data", mount_path="/data/db", size="20Gi"),),
    writable_paths=("/data/configdb",),
    disruption=DisruptionPolicy.QUORUM,
    publish_not_ready_addresses=True,
    allowed_peers=("processor",),
    resources=Resources(cpu_request="500m", cpu_limit="1", memory_request="1Gi", memory_limit="2Gi"),
    backup_hooks=BackupHooks(
        pre=("mongosh", "--quiet", "--eval", "db.fsyncLock()"),
        post=("mongosh", "--quiet", "--eval", "db.fsyncUnlock()"),
        timeout_seconds=60,
    ),
)
#: Seed 000: Kafka (cp-kafka 7.4.4), clients on 9092, the KRaft controller quorum on 9093.
KAFKA = StatefulWorkloadSpec(
    name="kafka",
    repository="plant-monitoring/kafka",
    image_tag="7.4.4",
    port=9092,
    peer_ports=(NamedPort(name="controller", port=9093),),
    metrics_port=9404,
    volumes=(VolumeSpec(name="data", mount_path="/var/lib/kafka/data", size="50Gi"),),
    writable_paths=("/etc/kafka",),
    pod_management_policy=PodManagementPolicy.PARALLEL,
    publish_not_ready_addresses=True,
    allowed_peers=("processor", "sensor"),
    config={"KAFKA_PROCESS_ROLES": "broker,controller", "CLUSTER_ID": "plant-monitoring"},
)
#: A single-member cache in dev: no client Service, HTTP probes, replicas owned by an autoscaler.
CACHE = StatefulWorkloadSpec(
    name="cache",
    repository="apps/cache",
    image_tag="v2.1.0",
    port=8080,
    replicas=1,
    volumes=(
        VolumeSpec(name="data", mount_path="/data"),
        VolumeSpec(name="wal", mount_path="/wal", size="5Gi"),
    ),
    client_service=False,
    external_scaling=True,
    run_as_user=20000,
    termination_grace_period_seconds=120,
    probes=StatefulProbes(
        startup=ProbeSpec(action=ProbeAction.HTTP, path="/startup", period_seconds=5, failure_threshold=12),
        liveness=ProbeSpec(action=ProbeAction.HTTP, path="/health", initial_delay_seconds=10),
        readiness=ProbeSpec(action=ProbeAction.HTTP, path="/ready", timeout_seconds=2),
    ),
)


def props(spec: StatefulWorkloadSpec, **changes: Any) -> StatefulWorkloadProps:
    base = StatefulWorkloadProps(
        spec=spec,
        repository_url=f"{REGISTRY}/{spec.repository}",
        protections=Protections.for_stage(Stage.DEV if spec.name == "cache" else Stage.PROD),
        backup=spec.name == "mongodb",
        monitoring_namespace="kube-prometheus-stack" if spec.metrics_port is not None else None,
    )
    return dataclasses.replace(base, **changes)


@pytest.fixture(scope="module")
def built() -> dict[str, StatefulWorkload]:
    return {}


@pytest.fixture(scope="module")
def doc(built: dict[str, StatefulWorkload]) -> Synth:
    def _build(stack: TerraformStack) -> None:
        built["mongodb"] = StatefulWorkload(stack, "mongodb", props=props(MONGODB))
        built["kafka"] = StatefulWorkload(
            stack, "kafka", props=props(KAFKA, egress_peers={"schema-registry": 8081}, priority_class="normal")
        )
        built["cache"] = StatefulWorkload(
            stack,
            "cache",
            props=props(
                CACHE, pod_security=PodSecurityLevel.BASELINE, storage_class="io2", retain_claims_on_delete=True
            ),
        )

    return synth(_build)


def of(doc: Synth, resource_type: str, namespace: str, name: str | None = None) -> Any:
    found = [
        b
        for b in resources(doc, resource_type).values()
        if b["metadata"].get("namespace", b["metadata"].get("name")) == namespace
        and (name is None or b["metadata"]["name"] == name)
    ]
    assert len(found) == 1, found
    return found[0]


def statefulset(doc: Synth, name: str) -> Any:
    return of(doc, "kubernetes_stateful_set_v1", name)


def pod(doc: Synth, name: str) -> Any:
    return statefulset(doc, name)["spec"]["template"]


def container(doc: Synth, name: str) -> Any:
    return pod(doc, name)["spec"]["container"][0]


# -- seed 000: MongoDB and Kafka ----------------------------------------------------------------


def test_mongodb_as_the_seed_describes(doc: Synth) -> None:
    spec = statefulset(doc, "mongodb")["spec"]
    assert (
        container(doc, "mongodb")["image"],
        container(doc, "mongodb")["port"],
        [(t["metadata"]["name"], t["spec"]["resources"]["requests"]["storage"]) for t in spec["volume_claim_template"]],
        {"mount_path": "/data/db", "name": "data"} in container(doc, "mongodb")["volume_mount"],
    ) == (
        f"{REGISTRY}/plant-monitoring/mongodb:7.0.14",
        [{"name": "client", "container_port": 27017, "protocol": "TCP"}],
        [("data", "20Gi")],
        True,
    )


def test_kafka_as_the_seed_describes(doc: Synth) -> None:
    spec = statefulset(doc, "kafka")["spec"]
    assert (
        container(doc, "kafka")["image"],
        [(p["name"], p["container_port"]) for p in container(doc, "kafka")["port"]],
        [(t["metadata"]["name"], t["spec"]["resources"]["requests"]["storage"]) for t in spec["volume_claim_template"]],
        {"mount_path": "/var/lib/kafka/data", "name": "data"} in container(doc, "kafka")["volume_mount"],
    ) == (
        f"{REGISTRY}/plant-monitoring/kafka:7.4.4",
        [("client", 9092), ("controller", 9093), ("metrics", 9404)],
        [("data", "50Gi")],
        True,
    )


def test_seed_data_stores_are_internal_only(doc: Synth) -> None:
    assert not resources(doc, "kubernetes_ingress_v1") and all(
        s["spec"].get("type", "ClusterIP") == "ClusterIP" for s in resources(doc, "kubernetes_service_v1").values()
    )


# -- StatefulSet --------------------------------------------------------------------------------


def test_statefulset_uses_the_headless_service(doc: Synth) -> None:
    assert statefulset(doc, "mongodb")["spec"]["service_name"] == "mongodb-headless"


def test_replicas_default_to_three(doc: Synth) -> None:
    assert statefulset(doc, "mongodb")["spec"]["replicas"] == "3"


def test_replicas_option(doc: Synth) -> None:
    assert statefulset(doc, "cache")["spec"]["replicas"] == "1"


def test_pod_management_defaults_to_ordered_ready(doc: Synth) -> None:
    assert statefulset(doc, "mongodb")["spec"]["pod_management_policy"] == "OrderedReady"


def test_pod_management_option(doc: Synth) -> None:
    assert statefulset(doc, "kafka")["spec"]["pod_management_policy"] == "Parallel"


def test_rolling_update_with_partition_zero(doc: Synth) -> None:
    assert statefulset(doc, "mongodb")["spec"]["update_strategy"] == [
        {"type": "RollingUpdate", "rolling_update": [{"partition": 0}]}
    ]


def test_first_apply_does_not_wait_for_rollout(doc: Synth) -> None:
    assert statefulset(doc, "mongodb")["wait_for_rollout"] is False


def test_replicas_belong_to_terraform_by_default(doc: Synth) -> None:
    assert "lifecycle" not in statefulset(doc, "mongodb")


def test_external_scaling_ignores_replicas(doc: Synth) -> None:
    assert statefulset(doc, "cache")["lifecycle"] == {"ignore_changes": ["spec[0].replicas"]}


def test_statefulset_waits_for_namespace_and_headless_service(doc: Synth) -> None:
    assert statefulset(doc, "mongodb")["depends_on"] == [
        "kubernetes_namespace_v1.mongodb_namespace_24CC9E89",
        "kubernetes_service_v1.mongodb_headless-service_D3B39034",
    ]


def test_image_tag_pinned(doc: Synth) -> None:
    assert container(doc, "cache")["image"] == f"{REGISTRY}/apps/cache:v2.1.0"


def test_image_pull_rechecks_registry_rights(doc: Synth) -> None:
    assert container(doc, "mongodb")["image_pull_policy"] == "Always"


# -- volumes ------------------------------------------------------------------------------------


def test_claims_use_the_baselines_gp3_class(doc: Synth) -> None:
    template = statefulset(doc, "mongodb")["spec"]["volume_claim_template"][0]["spec"]
    assert (template["storage_class_name"], template["access_modes"]) == (GP3_STORAGE_CLASS, ["ReadWriteOnce"])


def test_storage_class_option(doc: Synth) -> None:
    templates = statefulset(doc, "cache")["spec"]["volume_claim_template"]
    assert {t["spec"]["storage_class_name"] for t in templates} == {"io2"}


def test_one_claim_template_per_volume(doc: Synth) -> None:
    templates = statefulset(doc, "cache")["spec"]["volume_claim_template"]
    assert [(t["metadata"]["name"], t["spec"]["resources"]["requests"]["storage"]) for t in templates] == [
        ("data", "10Gi"),
        ("wal", "5Gi"),
    ]


def test_claim_templates_carry_only_stable_labels(doc: Synth) -> None:
    template = statefulset(doc, "mongodb")["spec"]["volume_claim_template"][0]
    assert template["metadata"]["labels"] == {"app.kubernetes.io/name": "mongodb"}


def test_claims_retained_on_delete_in_production(doc: Synth) -> None:
    assert statefulset(doc, "mongodb")["spec"]["persistent_volume_claim_retention_policy"] == [
        {"when_deleted": "Retain", "when_scaled": "Retain"}
    ]


def test_claims_deleted_with_the_statefulset_outside_production() -> None:
    def _build(stack: TerraformStack) -> None:
        StatefulWorkload(stack, "cache", props=props(CACHE))

    policy = statefulset(synth(_build), "cache")["spec"]["persistent_volume_claim_retention_policy"]
    assert policy == [{"when_deleted": "Delete", "when_scaled": "Retain"}]


def test_retain_claims_option(doc: Synth) -> None:
    policy = statefulset(doc, "cache")["spec"]["persistent_volume_claim_retention_policy"]
    assert policy == [{"when_deleted": "Retain", "when_scaled": "Retain"}]


# -- hardening ----------------------------------------------------------------------------------


def test_container_hardening(doc: Synth) -> None:
    assert container(doc, "mongodb")["security_context"] == {
        "run_as_non_root": True,
        "read_only_root_filesystem": True,
        "allow_privilege_escalation": False,
        "capabilities": {"drop": ["ALL"]},
        "seccomp_profile": {"type": "RuntimeDefault"},
    }


def test_pod_security_context_gives_the_volumes_to_the_workloads_group(doc: Synth) -> None:
    assert pod(doc, "mongodb")["spec"]["security_context"] == {
        "run_as_non_root": True,
        "run_as_user": "10001",
        "run_as_group": "10001",
        "fs_group": "10001",
        "seccomp_profile": {"type": "RuntimeDefault"},
    }


def test_run_as_user_option(doc: Synth) -> None:
    assert pod(doc, "cache")["spec"]["security_context"]["fs_group"] == "20000"


def test_no_service_account_token_in_pods(doc: Synth) -> None:
    assert pod(doc, "mongodb")["spec"]["automount_service_account_token"] is False


def test_requests_and_limits(doc: Synth) -> None:
    assert container(doc, "mongodb")["resources"] == {
        "requests": {"cpu": "500m", "memory": "1Gi"},
        "limits": {"cpu": "1", "memory": "2Gi"},
    }


def test_writable_scratch_directories_are_small_empty_dirs(doc: Synth) -> None:
    assert pod(doc, "kafka")["spec"]["volume"] == [
        {"name": "tmp", "empty_dir": {"size_limit": "64Mi"}},
        {"name": "scratch-0", "empty_dir": {"size_limit": "64Mi"}},
    ]


def test_writable_paths_are_mounted(doc: Synth) -> None:
    assert container(doc, "kafka")["volume_mount"] == [
        {"name": "tmp", "mount_path": "/tmp"},
        {"name": "scratch-0", "mount_path": "/etc/kafka"},
        {"name": "data", "mount_path": "/var/lib/kafka/data"},
    ]


def test_priority_class_defaults_to_critical(doc: Synth) -> None:
    assert pod(doc, "mongodb")["spec"]["priority_class_name"] == STATEFUL_PRIORITY_CLASS == "critical"


def test_priority_class_option(doc: Synth) -> None:
    assert pod(doc, "kafka")["spec"]["priority_class_name"] == "normal"


def test_termination_grace_defaults_to_a_minute(doc: Synth) -> None:
    assert pod(doc, "mongodb")["spec"]["termination_grace_period_seconds"] == 60


def test_termination_grace_option(doc: Synth) -> None:
    assert pod(doc, "cache")["spec"]["termination_grace_period_seconds"] == 120


def test_members_know_their_own_name(doc: Synth) -> None:
    assert [(e["name"], e["value_from"]["field_ref"]["field_path"]) for e in container(doc, "kafka")["env"]] == [
        ("POD_NAME", "metadata.name"),
        ("POD_NAMESPACE", "metadata.namespace"),
    ]


def test_config_becomes_a_config_map(doc: Synth) -> None:
    assert of(doc, "kubernetes_config_map_v1", "kafka")["data"] == {
        "CLUSTER_ID": "plant-monitoring",
        "KAFKA_PROCESS_ROLES": "broker,controller",
    }


def test_config_map_is_read_as_environment(doc: Synth) -> None:
    assert container(doc, "kafka")["env_from"] == [{"config_map_ref": {"name": "kafka-config"}}]


def test_no_config_map_without_config(doc: Synth) -> None:
    assert "env_from" not in container(doc, "mongodb")


# -- scheduling ---------------------------------------------------------------------------------


def test_members_spread_over_zones(doc: Synth) -> None:
    assert pod(doc, "mongodb")["spec"]["topology_spread_constraint"] == [
        {
            "topology_key": "topology.kubernetes.io/zone",
            "max_skew": 1,
            "when_unsatisfiable": "DoNotSchedule",
            "label_selector": [{"match_labels": {"app.kubernetes.io/name": "mongodb"}}],
        }
    ]


def test_members_never_share_a_node(doc: Synth) -> None:
    terms = pod(doc, "mongodb")["spec"]["affinity"]["pod_anti_affinity"]
    assert terms == {
        "required_during_scheduling_ignored_during_execution": [
            {
                "topology_key": "kubernetes.io/hostname",
                "label_selector": [{"match_labels": {"app.kubernetes.io/name": "mongodb"}}],
            }
        ]
    }


def test_single_member_has_no_spread_or_anti_affinity(doc: Synth) -> None:
    spec = pod(doc, "cache")["spec"]
    assert ("affinity" in spec, "topology_spread_constraint" in spec) == (False, False)


# -- probes -------------------------------------------------------------------------------------


def test_probes_default_to_tcp_on_the_client_port(doc: Synth) -> None:
    assert [
        container(doc, "mongodb")[p]["tcp_socket"] for p in ("startup_probe", "liveness_probe", "readiness_probe")
    ] == [[{"port": "client"}]] * 3


def test_startup_probe_allows_five_minutes(doc: Synth) -> None:
    probe = container(doc, "mongodb")["startup_probe"]
    assert probe["period_seconds"] * probe["failure_threshold"] == 300


def test_readiness_probe_defaults(doc: Synth) -> None:
    probe = container(doc, "mongodb")["readiness_probe"]
    assert (probe["period_seconds"], probe["timeout_seconds"], probe["failure_threshold"]) == (5, 3, 3)


def test_http_probes_option(doc: Synth) -> None:
    assert [container(doc, "cache")[p]["http_get"] for p in ("startup_probe", "liveness_probe", "readiness_probe")] == [
        {"path": "/startup", "port": "client"},
        {"path": "/health", "port": "client"},
        {"path": "/ready", "port": "client"},
    ]


def test_probe_timings_option(doc: Synth) -> None:
    liveness = container(doc, "cache")["liveness_probe"]
    assert (liveness["initial_delay_seconds"], container(doc, "cache")["readiness_probe"]["timeout_seconds"]) == (10, 2)


# -- services -----------------------------------------------------------------------------------


def test_headless_service_has_no_cluster_ip(doc: Synth) -> None:
    assert of(doc, "kubernetes_service_v1", "mongodb", "mongodb-headless")["spec"]["cluster_ip"] == "None"


def test_headless_service_publishes_not_ready_members_when_asked(doc: Synth) -> None:
    assert of(doc, "kubernetes_service_v1", "mongodb", "mongodb-headless")["spec"]["publish_not_ready_addresses"]


def test_headless_service_hides_not_ready_members_by_default(doc: Synth) -> None:
    spec = of(doc, "kubernetes_service_v1", "cache", "cache-headless")["spec"]
    assert spec["publish_not_ready_addresses"] is False


def test_headless_service_names_every_port(doc: Synth) -> None:
    ports = of(doc, "kubernetes_service_v1", "kafka", "kafka-headless")["spec"]["port"]
    assert [(p["name"], p["port"], p["target_port"]) for p in ports] == [
        ("client", 9092, "client"),
        ("controller", 9093, "controller"),
        ("metrics", 9404, "metrics"),
    ]


def test_client_service_exposes_only_the_client_port(doc: Synth) -> None:
    spec = of(doc, "kubernetes_service_v1", "kafka", "kafka")["spec"]
    assert (spec["type"], spec["port"]) == (
        "ClusterIP",
        [{"name": "client", "port": 9092, "target_port": "client", "protocol": "TCP"}],
    )


def test_client_service_option(doc: Synth) -> None:
    names = [s["metadata"]["name"] for s in resources(doc, "kubernetes_service_v1").values()]
    assert [n for n in names if n.startswith("cache")] == ["cache-headless"]


# -- disruption budget --------------------------------------------------------------------------


def test_disruption_budget_defaults_to_one_at_a_time(doc: Synth) -> None:
    spec = of(doc, "kubernetes_pod_disruption_budget_v1", "kafka")["spec"]
    assert (spec["max_unavailable"], "min_available" in spec) == ("1", False)


def test_quorum_disruption_budget_keeps_a_majority(doc: Synth) -> None:
    spec = of(doc, "kubernetes_pod_disruption_budget_v1", "mongodb")["spec"]
    assert (spec["min_available"], "max_unavailable" in spec) == ("2", False)


# -- namespace and network policies -------------------------------------------------------------


def test_namespace_enforces_restricted(doc: Synth) -> None:
    labels = of(doc, "kubernetes_namespace_v1", "mongodb")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "restricted"


def test_pod_security_option(doc: Synth) -> None:
    labels = of(doc, "kubernetes_namespace_v1", "cache")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "baseline"


def test_default_deny(doc: Synth) -> None:
    assert network_policy(doc, "mongodb", "default-deny") == {
        "pod_selector": {},
        "policy_types": ["Ingress", "Egress"],
    }


def test_dns_allowed(doc: Synth) -> None:
    assert network_policy(doc, "kafka", "allow-dns") is not None


def test_allowed_peers_reach_only_the_client_port(doc: Synth) -> None:
    ingress = network_policy(doc, "kafka", "allow-ingress")["ingress"]
    assert ingress == [
        {
            "from": [
                {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "processor"}}},
                {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "sensor"}}},
            ],
            "ports": [{"port": "9092", "protocol": "TCP"}],
        }
    ]


def test_no_ingress_without_peers(doc: Synth) -> None:
    assert network_policy(doc, "cache", "allow-ingress") is None


def test_members_reach_each_other_on_member_ports(doc: Synth) -> None:
    policy = network_policy(doc, "kafka", "allow-members")
    members = {"pod_selector": {"match_labels": {"app.kubernetes.io/name": "kafka"}}}
    ports = [{"port": "9092", "protocol": "TCP"}, {"port": "9093", "protocol": "TCP"}]
    assert (policy["policy_types"], policy["ingress"], policy["egress"]) == (
        ["Ingress", "Egress"],
        [{"from": [members], "ports": ports}],
        [{"to": [members], "ports": ports}],
    )


def test_monitoring_scrapes_only_the_metrics_port(doc: Synth) -> None:
    assert network_policy(doc, "kafka", "allow-metrics")["ingress"] == [
        {
            "from": [
                {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "kube-prometheus-stack"}}}
            ],
            "ports": [{"port": "9404", "protocol": "TCP"}],
        }
    ]


def test_no_metrics_policy_without_metrics_port(doc: Synth) -> None:
    assert network_policy(doc, "mongodb", "allow-metrics") is None


def test_metrics_port_annotations(doc: Synth) -> None:
    annotations = pod(doc, "kafka")["metadata"]["annotations"]
    assert (annotations["prometheus.io/port"], annotations["prometheus.io/path"]) == ("9404", "/metrics")


def test_no_scrape_annotations_without_metrics_port(doc: Synth) -> None:
    assert "prometheus.io/scrape" not in pod(doc, "mongodb")["metadata"]["annotations"]


def test_egress_peers_option(doc: Synth) -> None:
    egress = network_policy(doc, "kafka", "allow-egress")["egress"]
    assert egress == [
        {
            "to": [{"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "schema-registry"}}}],
            "ports": [{"port": "8081", "protocol": "TCP"}],
        }
    ]


def test_quota_and_limit_range(doc: Synth) -> None:
    assert (
        of(doc, "kubernetes_resource_quota_v1", "mongodb")["spec"]["hard"]["pods"],
        of(doc, "kubernetes_limit_range_v1", "mongodb")["spec"]["limit"][0]["max"],
    ) == ("20", {"cpu": "2", "memory": "4Gi"})


# -- identity -----------------------------------------------------------------------------------


def test_service_account_without_token(doc: Synth) -> None:
    account = of(doc, "kubernetes_service_account_v1", "mongodb")
    assert (account["metadata"]["name"], account["automount_service_account_token"]) == ("mongodb", False)


def test_role_reads_only_its_own_config_and_secret(doc: Synth) -> None:
    assert of(doc, "kubernetes_role_v1", "kafka")["rule"] == [
        {"api_groups": [""], "resources": ["configmaps"], "verbs": ["get", "list"], "resource_names": ["kafka-config"]},
        {"api_groups": [""], "resources": ["secrets"], "verbs": ["get", "list"], "resource_names": ["kafka-secrets"]},
    ]


def test_role_binding_binds_the_service_account(doc: Synth) -> None:
    binding = of(doc, "kubernetes_role_binding_v1", "kafka")
    assert (binding["subject"], binding["role_ref"]["name"]) == (
        [{"kind": "ServiceAccount", "name": "kafka", "namespace": "kafka"}],
        "kafka-read-own-config",
    )


# -- backups ------------------------------------------------------------------------------------


def test_backup_on_exposes_the_namespace_for_the_schedule(doc: Synth, built: dict[str, StatefulWorkload]) -> None:
    assert (built["mongodb"].backup_namespaces, built["kafka"].backup_namespaces) == (("mongodb",), ())


def test_backup_on_leaves_objects_in_the_backup(doc: Synth) -> None:
    assert EXCLUDE_FROM_BACKUP_LABEL not in pod(doc, "mongodb")["metadata"]["labels"]


def test_backup_off_labels_objects_out_of_the_backup(doc: Synth) -> None:
    assert (
        pod(doc, "kafka")["metadata"]["labels"][EXCLUDE_FROM_BACKUP_LABEL],
        statefulset(doc, "kafka")["metadata"]["labels"][EXCLUDE_FROM_BACKUP_LABEL],
    ) == ("true", "true")


def test_backup_hooks_become_velero_annotations(doc: Synth) -> None:
    annotations = pod(doc, "mongodb")["metadata"]["annotations"]
    assert {k: v for k, v in annotations.items() if "hook.backup.velero.io" in k} == {
        "pre.hook.backup.velero.io/container": "mongodb",
        "pre.hook.backup.velero.io/command": json.dumps(["mongosh", "--quiet", "--eval", "db.fsyncLock()"]),
        "pre.hook.backup.velero.io/on-error": "Fail",
        "pre.hook.backup.velero.io/timeout": "60s",
        "post.hook.backup.velero.io/container": "mongodb",
        "post.hook.backup.velero.io/command": json.dumps(["mongosh", "--quiet", "--eval", "db.fsyncUnlock()"]),
        "post.hook.backup.velero.io/timeout": "60s",
    }


def test_no_pod_annotations_without_metrics_or_hooks(doc: Synth) -> None:
    assert "annotations" not in pod(doc, "cache")["metadata"]


# -- attributes ---------------------------------------------------------------------------------


def test_stable_pod_dns_names(built: dict[str, StatefulWorkload], doc: Synth) -> None:
    assert built["mongodb"].pod_dns_names == tuple(
        f"mongodb-{i}.mongodb-headless.mongodb.svc.{CLUSTER_DOMAIN}" for i in range(3)
    )


def test_service_names(built: dict[str, StatefulWorkload], doc: Synth) -> None:
    kafka, cache = built["kafka"], built["cache"]
    assert (kafka.namespace, kafka.service_name, kafka.headless_service_name, cache.service_name) == (
        "kafka",
        "kafka",
        "kafka-headless",
        None,
    )


def test_client_endpoint(built: dict[str, StatefulWorkload], doc: Synth) -> None:
    assert (built["kafka"].client_endpoint, built["cache"].client_endpoint) == (
        "kafka.kafka.svc.cluster.local:9092",
        "cache-0.cache-headless.cache.svc.cluster.local:8080",
    )


def test_statefulset_attribute_is_the_resource(built: dict[str, StatefulWorkload], doc: Synth) -> None:
    assert built["kafka"].statefulset.friendly_unique_id.startswith("kafka_statefulset")


# -- errors -------------------------------------------------------------------------------------


def _spec(**changes: Any) -> StatefulWorkloadSpec:
    return dataclasses.replace(KAFKA, **changes)


@pytest.mark.parametrize(
    ("spec", "changes", "message"),
    [
        (_spec(name="Kafka"), {}, r"`stateful\.Kafka\.spec\.name`: must be a DNS-1123 label"),
        (_spec(image_tag="latest"), {}, r"`stateful\.kafka\.spec\.image_tag`: must be a pinned image tag"),
        (_spec(image_tag="v 1"), {}, r"`stateful\.kafka\.spec\.image_tag`: must be a pinned image tag"),
        (_spec(port=80), {}, r"`stateful\.kafka\.spec\.port`: must be a whole number from 1024 to 65535"),
        (_spec(volumes=()), {}, r"`stateful\.kafka\.spec\.volumes`: must list at least one volume"),
        (
            _spec(volumes=(VolumeSpec(name="Data", mount_path="/d"),)),
            {},
            r"`stateful\.kafka\.spec\.volumes\[0\]\.name`: must be a DNS-1123 label",
        ),
        (
            _spec(volumes=(VolumeSpec(name="data", mount_path="data"),)),
            {},
            r"`stateful\.kafka\.spec\.volumes\[0\]\.mount_path`: must be an absolute directory path",
        ),
        (
            _spec(volumes=(VolumeSpec(name="data", mount_path="/d", size="20GB"),)),
            {},
            r"`stateful\.kafka\.spec\.volumes\[0\]\.size`: must be a storage quantity .* from 1Gi to 16Ti",
        ),
        (
            _spec(volumes=(VolumeSpec(name="data", mount_path="/d", size="512Mi"),)),
            {},
            r"`stateful\.kafka\.spec\.volumes\[0\]\.size`: must be a storage quantity",
        ),
        (
            _spec(volumes=(VolumeSpec(name="data", mount_path="/d", size="17Ti"),)),
            {},
            r"`stateful\.kafka\.spec\.volumes\[0\]\.size`: must be a storage quantity",
        ),
        (
            _spec(volumes=(VolumeSpec(name="data", mount_path="/a"), VolumeSpec(name="data", mount_path="/b"))),
            {},
            r"`stateful\.kafka\.spec\.volumes`: volume name must be unique",
        ),
        (
            _spec(volumes=(VolumeSpec(name="data", mount_path="/tmp/data"),)),
            {},
            r"`stateful\.kafka\.spec\.volumes\[0\]\.mount_path`: must not equal or contain another mount path",
        ),
        (
            _spec(writable_paths=("/var/lib/kafka",)),
            {},
            r"`stateful\.kafka\.spec\.writable_paths\[0\]`: must not equal or contain another mount path",
        ),
        (
            _spec(writable_paths=("/",)),
            {},
            r"`stateful\.kafka\.spec\.writable_paths\[0\]`: must be an absolute directory path other than '/'",
        ),
        (
            _spec(peer_ports=(NamedPort(name="Controller_Port", port=9093),)),
            {},
            r"`stateful\.kafka\.spec\.peer_ports\[0\]\.name`: must be an IANA service name",
        ),
        (
            _spec(peer_ports=(NamedPort(name="controller", port=80),)),
            {},
            r"`stateful\.kafka\.spec\.peer_ports\[0\]\.port`: must be a whole number from 1024",
        ),
        (
            _spec(peer_ports=(NamedPort(name="client", port=9093),)),
            {},
            r"`stateful\.kafka\.spec\.peer_ports`: port name must be unique",
        ),
        (_spec(metrics_port=9093), {}, r"`stateful\.kafka\.spec\.peer_ports`: port number .* must be unique"),
        (_spec(metrics_port=99), {}, r"`stateful\.kafka\.spec\.metrics_port`: must be a whole number from 1024"),
        (_spec(replicas=0), {}, r"`stateful\.kafka\.spec\.replicas`: must be a whole number from 1 to 15"),
        (
            _spec(replicas=2, disruption=DisruptionPolicy.QUORUM),
            {},
            r"`stateful\.kafka\.spec\.disruption`: QUORUM needs at least 3 replicas",
        ),
        (
            _spec(disruption="quorum"),
            {},
            r"`stateful\.kafka\.spec\.disruption`: must be one of ONE_AT_A_TIME, QUORUM",
        ),
        (
            _spec(pod_management_policy="Parallel"),
            {},
            r"`stateful\.kafka\.spec\.pod_management_policy`: must be one of ORDERED_READY, PARALLEL",
        ),
        (
            _spec(resources=Resources(cpu_request="2", cpu_limit="1")),
            {},
            r"`stateful\.kafka\.spec\.resources\.cpu_request`: must not exceed cpu_limit",
        ),
        (
            _spec(probes=StatefulProbes(liveness=ProbeSpec(action=ProbeAction.HTTP))),
            {},
            r"`stateful\.kafka\.spec\.probes\.liveness\.path`: is required for an HTTP probe",
        ),
        (
            _spec(probes=StatefulProbes(liveness=ProbeSpec(action=ProbeAction.HTTP, path="health"))),
            {},
            r"`stateful\.kafka\.spec\.probes\.liveness\.path`: must be an absolute HTTP path",
        ),
        (
            _spec(probes=StatefulProbes(readiness=ProbeSpec(path="/ready"))),
            {},
            r"`stateful\.kafka\.spec\.probes\.readiness\.path`: only applies to HTTP probes",
        ),
        (
            _spec(probes=StatefulProbes(startup=ProbeSpec(port="admin"))),
            {},
            r"`stateful\.kafka\.spec\.probes\.startup\.port`: must name one of the workload's ports",
        ),
        (
            _spec(probes=StatefulProbes(startup=ProbeSpec(action="tcp"))),  # type: ignore[arg-type]
            {},
            r"`stateful\.kafka\.spec\.probes\.startup\.action`: must be one of TCP, HTTP",
        ),
        (
            _spec(probes=StatefulProbes(readiness=ProbeSpec(period_seconds=5, timeout_seconds=10))),
            {},
            r"`stateful\.kafka\.spec\.probes\.readiness\.timeout_seconds`: must not exceed period_seconds \(5\)",
        ),
        (
            _spec(probes=StatefulProbes(readiness=ProbeSpec(period_seconds=0))),
            {},
            r"`stateful\.kafka\.spec\.probes\.readiness\.period_seconds`: must be a whole number from 1 to 300",
        ),
        (
            _spec(probes=StatefulProbes(liveness=ProbeSpec(failure_threshold=0))),
            {},
            r"`stateful\.kafka\.spec\.probes\.liveness\.failure_threshold`: must be a whole number from 1 to 100",
        ),
        (
            _spec(probes=StatefulProbes(liveness=ProbeSpec(initial_delay_seconds=-1))),
            {},
            r"`stateful\.kafka\.spec\.probes\.liveness\.initial_delay_seconds`: must be a whole number from 0",
        ),
        (
            _spec(allowed_peers=("kafka",)),
            {},
            r"`stateful\.kafka\.spec\.allowed_peers\[0\]`: must name another namespace",
        ),
        (
            _spec(allowed_peers=("a", "a")),
            {},
            r"`stateful\.kafka\.spec\.allowed_peers`: peer must be unique",
        ),
        (
            _spec(allowed_peers=("Processor",)),
            {},
            r"`stateful\.kafka\.spec\.allowed_peers\[0\]`: must be a DNS-1123 label",
        ),
        (
            _spec(config={"BAD KEY": "x"}),
            {},
            r"`stateful\.kafka\.spec\.config\.BAD KEY`: keys must be letters",
        ),
        (_spec(run_as_user=0), {}, r"`stateful\.kafka\.spec\.run_as_user`: must be a whole number from 1000"),
        (
            _spec(termination_grace_period_seconds=5),
            {},
            r"`stateful\.kafka\.spec\.termination_grace_period_seconds`: must be a whole number from 10",
        ),
        (
            _spec(backup_hooks=BackupHooks(pre=())),
            {"backup": True},
            r"`stateful\.kafka\.spec\.backup_hooks\.pre`: must be a command in exec form",
        ),
        (
            _spec(backup_hooks=BackupHooks(pre=("sync",), post=("",))),
            {"backup": True},
            r"`stateful\.kafka\.spec\.backup_hooks\.post`: must be empty or a list of non-empty strings",
        ),
        (
            _spec(backup_hooks=BackupHooks(pre=("sync",), timeout_seconds=0)),
            {"backup": True},
            r"`stateful\.kafka\.spec\.backup_hooks\.timeout_seconds`: must be a whole number from 1 to 3600",
        ),
        (
            _spec(backup_hooks=BackupHooks(pre=("sync",))),
            {"backup": False},
            r"`stateful\.kafka\.spec\.backup_hooks`: only apply when backup is on",
        ),
        (_spec(name="velero"), {}, r"`stateful\.velero\.spec\.name`: must not be a Kubernetes or add-on namespace"),
        (KAFKA, {"repository_url": f"{REGISTRY}/kafka:7.4.4"}, r"`stateful\.kafka\.repository_url`: must be a"),
        (
            KAFKA,
            {"retain_claims_on_delete": False},
            r"`stateful\.kafka\.retain_claims_on_delete`: must not be off where protections\.retain_volumes is on",
        ),
        (KAFKA, {"storage_class": "GP3"}, r"`stateful\.kafka\.storage_class`: must be a DNS-1123 label"),
        (
            KAFKA,
            {"priority_class": "system-cluster-critical"},
            r"`stateful\.kafka\.priority_class`: must be one of the baseline's priority classes",
        ),
        (
            MONGODB,
            {"monitoring_namespace": "kube-prometheus-stack"},
            r"`stateful\.mongodb\.monitoring_namespace`: needs spec\.metrics_port",
        ),
        (
            KAFKA,
            {"monitoring_namespace": "Prometheus"},
            r"`stateful\.kafka\.monitoring_namespace`: must be a DNS-1123 label",
        ),
        (KAFKA, {"egress_peers": {"registry": 0}}, r"`stateful\.kafka\.egress_peers\.registry`: must be a whole"),
        (KAFKA, {"quota": ResourceQuotaSpec(pods=0)}, r"`stateful\.kafka\.quota\.pods`"),
        (
            KAFKA,
            {"limits": LimitRangeSpec(max_cpu="100m")},
            r"`stateful\.kafka\.limits`: defaults must be ordered",
        ),
        (
            _spec(resources=Resources(cpu_limit="3", memory_limit="512Mi")),
            {},
            r"`stateful\.kafka\.spec\.resources\.cpu_limit`: must fit under the namespace's LimitRange max \(2\)",
        ),
        (
            _spec(resources=Resources(memory_request="1Gi", memory_limit="8Gi")),
            {"quota": ResourceQuotaSpec(limits_memory="64Gi")},
            r"`stateful\.kafka\.spec\.resources\.memory_limit`: must fit under the namespace's LimitRange max \(4Gi\)",
        ),
        (KAFKA, {"quota": ResourceQuotaSpec(pods=2)}, r"`stateful\.kafka\.spec\.replicas`: .*more pods than .* \(2\)"),
        (
            KAFKA,
            {"quota": ResourceQuotaSpec(requests_cpu="500m")},
            r"`stateful\.kafka\.spec\.replicas`: .*more requests\.cpu than the namespace quota \(500m\)",
        ),
        (
            KAFKA,
            {"quota": ResourceQuotaSpec(requests_cpu="1", limits_cpu="1")},
            r"`stateful\.kafka\.spec\.replicas`: .*more limits\.cpu than the namespace quota \(1\)",
        ),
        (
            KAFKA,
            {"quota": ResourceQuotaSpec(requests_memory="512Mi")},
            r"`stateful\.kafka\.spec\.replicas`: .*more requests\.memory than the namespace quota \(512Mi\)",
        ),
        (
            KAFKA,
            {"quota": ResourceQuotaSpec(requests_memory="1Gi", limits_memory="1Gi")},
            r"`stateful\.kafka\.spec\.replicas`: .*more limits\.memory than the namespace quota \(1Gi\)",
        ),
    ],
)
def test_errors(spec: StatefulWorkloadSpec, changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        props(spec, **changes).validate(f"stateful.{spec.name}")


def test_construct_validates_before_creating_anything() -> None:
    def _build(stack: TerraformStack) -> None:
        StatefulWorkload(stack, "kafka", props=props(_spec(image_tag="latest")))

    with pytest.raises(ConfigError, match=r"`stateful\.kafka\.spec\.image_tag`"):
        synth(_build)


@pytest.mark.parametrize("field", ["volumes", "peer_ports", "allowed_peers", "writable_paths", "config"])
@pytest.mark.parametrize("value", [None, "kafka", 42], ids=["none", "string", "number"])
def test_wrong_collection_types_are_config_errors(field: str, value: object) -> None:
    spec = dataclasses.replace(MONGODB, **{field: value})
    with pytest.raises(ConfigError, match=rf"^`mongo\.{field}`: must be "):
        spec.validate("mongo")
