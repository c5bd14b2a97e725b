"""Every example in ``examples/<scenario>/`` synthesizes with the installed wheel, outside the repo.

Each example is copied into a temporary folder and run with the python of the virtualenv that holds
the wheel (``wheel_venv``, shared with ``tests/test_packaging.py``), so it can only use what a pip
user gets; a few facts of each synthesized stack are then checked.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.wheel import clean_environment

EXAMPLES = REPO_ROOT / "examples"
#: Example folder -> the stack it synthesizes (the first one, when it synthesizes several).
SCENARIOS = {
    "plant-monitoring": "dev",
    "hardened-web-app": "toa-website",
    "expense-tracker": "prod",
    "vpc-and-cluster": "core",
    "custom-addon": "shop",
}
#: Example folder -> its other stacks, read as ``<folder>/<stack>``.
MORE_STACKS = {"vpc-and-cluster": ("lab",)}
#: What an example may import besides Python's standard library: the library, cdktf and the
#: provider bindings the library depends on.
ALLOWED_IMPORTS = {
    "constructs",
    "constructs_lib",
    "cdktf",
    "cdktf_cdktf_provider_aws",
    "cdktf_cdktf_provider_helm",
    "cdktf_cdktf_provider_kubernetes",
}
#: ``${aws_ecr_repository.<id>.repository_url}:<tag>``: an image of one of the stack's repositories.
_ECR_IMAGE = re.compile(r"^\$\{aws_ecr_repository\.([^.}]+)\.repository_url\}:([A-Za-z0-9_.-]+)$")


def _scenario_folders() -> set[str]:
    return {p.name for p in EXAMPLES.iterdir() if (p / "main.py").is_file()}


@pytest.fixture(scope="module")
def synthesized(wheel_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Example name -> its synthesized ``cdk.tf.json``, each run once with the wheel's python."""
    python = wheel_venv / "bin" / "python"
    stacks: dict[str, dict[str, Any]] = {}
    for name, stack in SCENARIOS.items():
        folder = tmp_path_factory.mktemp("examples") / name
        shutil.copytree(EXAMPLES / name, folder)
        run = subprocess.run(
            [str(python), "main.py"], cwd=folder, env=clean_environment(), capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, f"{name}: {run.stderr}"
        stacks[name] = json.loads((folder / "cdktf.out" / "stacks" / stack / "cdk.tf.json").read_text())
        for other in MORE_STACKS.get(name, ()):
            stacks[f"{name}/{other}"] = json.loads(
                (folder / "cdktf.out" / "stacks" / other / "cdk.tf.json").read_text()
            )
    return stacks


def resources(doc: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return dict(doc["resource"].get(resource_type, {}))


def _release_manifests(doc: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The manifests of one of the platform-resources chart's releases (custom resources)."""
    (release,) = (r for r in resources(doc, "helm_release").values() if r["name"] == name)
    return list(json.loads(release["values"][0])["manifests"])


def workload_images(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Namespace -> the container images of its Deployments and StatefulSets."""
    images: dict[str, list[str]] = {}
    for kind in ("kubernetes_deployment_v1", "kubernetes_stateful_set_v1"):
        for workload in resources(doc, kind).values():
            containers = workload["spec"]["template"]["spec"]["container"]
            images.setdefault(workload["metadata"]["namespace"], []).extend(c["image"] for c in containers)
    return images


# ---- every example --------------------------------------------------------------------------


def test_every_example_folder_is_tested() -> None:
    assert _scenario_folders() == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_example_imports_only_the_installed_packages(name: str) -> None:
    tree = ast.parse((EXAMPLES / name / "main.py").read_text())
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {m.split(".")[0] for m in modules} - set(sys.stdlib_module_names) <= ALLOWED_IMPORTS


def _imported_modules(name: str) -> list[str]:
    """Top-level module names an example imports, in order."""
    tree = ast.parse((EXAMPLES / name / "main.py").read_text())
    modules = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            modules += [alias.name.split(".")[0] for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.append(node.module.split(".")[0])
    return modules


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_example_imports_the_library_before_any_provider_binding(name: str) -> None:
    # Importing constructs_lib makes the bindings load lazily; a binding imported first loads the
    # whole AWS provider (measured: hardened-web-app 53 s instead of 6 s).
    modules = _imported_modules(name)
    providers = [i for i, m in enumerate(modules) if m.startswith("cdktf_cdktf_provider_")]
    assert not providers or modules.index("constructs_lib") < providers[0]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_example_readme_says_how_to_synthesize(name: str) -> None:
    readme = (EXAMPLES / name / "README.md").read_text()
    assert ("pip install" in readme, "python main.py" in readme, "## Before a deploy" in readme) == (True, True, True)


# ---- plant-monitoring (seed 000) ------------------------------------------------------------


@pytest.fixture(scope="module")
def plants(synthesized: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return synthesized["plant-monitoring"]


@pytest.mark.slow
def test_plants_runs_mongodb_and_kafka_as_the_two_statefulsets(plants: dict[str, Any]) -> None:
    names = sorted(s["metadata"]["name"] for s in resources(plants, "kubernetes_stateful_set_v1").values())
    assert names == ["kafka", "mongodb"]


@pytest.mark.slow
def test_plants_exposes_only_home_assistant(plants: dict[str, Any]) -> None:
    ingresses = [
        (i["metadata"]["namespace"], i["spec"]["rule"][0]["host"])
        for i in resources(plants, "kubernetes_ingress_v1").values()
    ]
    assert ingresses == [("homeassistant", "plant.example.com")]


@pytest.mark.slow
def test_plants_home_assistant_ingress_is_tls_only(plants: dict[str, Any]) -> None:
    (ingress,) = resources(plants, "kubernetes_ingress_v1").values()
    assert ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/ssl-redirect"] == "443"


@pytest.mark.slow
def test_plants_images_all_come_from_the_environments_repositories(plants: dict[str, Any]) -> None:
    repositories = resources(plants, "aws_ecr_repository")
    pulled = {}
    for namespace, images in workload_images(plants).items():
        for image in images:
            match = _ECR_IMAGE.match(image)
            assert match is not None, image
            pulled[namespace] = (repositories[match.group(1)]["name"], match.group(2))
    assert pulled == {
        "homeassistant": ("plants-dev/plant-monitoring/homeassistant", "2024.10.1"),
        "kafka": ("plants-dev/plant-monitoring/kafka", "7.4.4"),
        "mongodb": ("plants-dev/plant-monitoring/mongodb", "7.0.14"),
        "plant-processor": ("plants-dev/plant-monitoring/plant-processor", "v1.0.0"),
        "plant-sensor": ("plants-dev/plant-monitoring/plant-sensor", "v1.0.0"),
    }


@pytest.mark.slow
def test_plants_backs_up_only_mongodb(plants: dict[str, Any]) -> None:
    (schedule,) = _release_manifests(plants, "backup-schedule")
    assert schedule["spec"]["template"]["includedNamespaces"] == ["mongodb"]


def _policy(doc: dict[str, Any], namespace: str, name: str) -> dict[str, Any]:
    (policy,) = (
        p
        for p in resources(doc, "kubernetes_network_policy_v1").values()
        if p["metadata"]["namespace"] == namespace and p["metadata"]["name"] == name
    )
    return dict(policy["spec"])


def _peers(rules: list[dict[str, Any]], side: str) -> dict[str, list[str]]:
    """Namespace -> ports of a policy's ``from`` (ingress) or ``to`` (egress) namespace rules."""
    found: dict[str, list[str]] = {}
    for rule in rules:
        for peer in rule.get(side, []):
            labels = peer.get("namespace_selector", {}).get("match_labels", {})
            if "kubernetes.io/metadata.name" in labels:
                ports = [p["port"] for p in rule.get("ports", [])]
                found.setdefault(labels["kubernetes.io/metadata.name"], []).extend(ports)
    return found


@pytest.mark.slow
def test_plants_data_stores_admit_only_their_clients(plants: dict[str, Any]) -> None:
    admitted = {
        store: _peers(_policy(plants, store, "allow-ingress")["ingress"], "from") for store in ("mongodb", "kafka")
    }
    assert admitted == {
        "mongodb": {"plant-processor": ["27017"]},
        "kafka": {"plant-processor": ["9092"], "plant-sensor": ["9092"]},
    }


@pytest.mark.slow
def test_plants_clients_get_egress_to_exactly_what_they_call(plants: dict[str, Any]) -> None:
    egress = {
        app: _peers(_policy(plants, app, "allow-egress")["egress"], "to") for app in ("plant-processor", "plant-sensor")
    }
    assert egress == {
        "plant-processor": {"homeassistant": ["8123"], "kafka": ["9092"], "mongodb": ["27017"]},
        "plant-sensor": {"kafka": ["9092"]},
    }


# ---- hardened-web-app (seed 001, existing cluster) ------------------------------------------


@pytest.fixture(scope="module")
def web(synthesized: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return synthesized["hardened-web-app"]


def _only(doc: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (resource,) = resources(doc, resource_type).values()
    return dict(resource)


@pytest.mark.slow
def test_web_creates_no_aws_resource(web: dict[str, Any]) -> None:
    assert sorted({t.split("_")[0] for t in web["resource"]}) == ["helm", "kubernetes"]


@pytest.mark.slow
def test_web_secrets_come_from_the_clusters_store_by_name(web: dict[str, Any]) -> None:
    (external_secret,) = _release_manifests(web, "toa-website-external-secret")
    assert (external_secret["spec"]["secretStoreRef"], [d["secretKey"] for d in external_secret["spec"]["data"]]) == (
        {"name": "aws-secrets-manager", "kind": "ClusterSecretStore"},
        ["DATABASE_URL", "SESSION_SECRET"],
    )


@pytest.mark.slow
def test_web_external_secret_waits_only_for_its_namespace(web: dict[str, Any]) -> None:
    (release,) = (r for r in resources(web, "helm_release").values() if r["name"] == "toa-website-external-secret")
    assert [d.split(".")[0] for d in release["depends_on"]] == ["kubernetes_namespace_v1"]


@pytest.mark.slow
def test_web_reaches_only_its_database_subnets(web: dict[str, Any]) -> None:
    destinations = [
        (to["ip_block"]["cidr"], rule["ports"][0]["port"])
        for rule in _policy(web, "toa-website", "allow-egress")["egress"]
        for to in rule["to"]
        if "ip_block" in to
    ]
    assert destinations == [("10.30.224.0/24", "5432"), ("10.30.225.0/24", "5432"), ("10.30.226.0/24", "5432")]


@pytest.mark.slow
def test_web_mounts_the_secret(web: dict[str, Any]) -> None:
    volumes = _only(web, "kubernetes_deployment_v1")["spec"]["template"]["spec"]["volume"]
    assert [v["secret"]["secret_name"] for v in volumes if "secret" in v] == ["toa-website-secrets"]


@pytest.mark.slow
def test_web_reaches_the_existing_cluster_by_name(web: dict[str, Any]) -> None:
    (kubernetes,) = web["provider"]["kubernetes"]
    assert (
        web["data"]["aws_eks_cluster"]["cluster"]["name"],
        kubernetes["host"],
        kubernetes["cluster_ca_certificate"],
    ) == (
        "eks-platform-prod-cluster",
        "${data.aws_eks_cluster.cluster.endpoint}",
        "${base64decode(data.aws_eks_cluster.cluster.certificate_authority[0].data)}",
    )


@pytest.mark.slow
def test_web_helm_provider_uses_the_same_cluster(web: dict[str, Any]) -> None:
    (helm,) = web["provider"]["helm"]
    assert helm["kubernetes"]["host"] == "${data.aws_eks_cluster.cluster.endpoint}"


@pytest.mark.slow
def test_web_image_from_the_existing_repository(web: dict[str, Any]) -> None:
    deployment = _only(web, "kubernetes_deployment_v1")
    assert (
        web["data"]["aws_ecr_repository"]["repository"]["name"],
        deployment["spec"]["template"]["spec"]["container"][0]["image"],
    ) == ("eks-platform-prod/apps/toa-website", "${data.aws_ecr_repository.repository.repository_url}:v1.0.0")


@pytest.mark.slow
def test_web_container_is_hardened_as_the_seed_asks(web: dict[str, Any]) -> None:
    (container,) = _only(web, "kubernetes_deployment_v1")["spec"]["template"]["spec"]["container"]
    assert (container["security_context"], container["resources"]) == (
        {
            "allow_privilege_escalation": False,
            "capabilities": {"drop": ["ALL"]},
            "read_only_root_filesystem": True,
            "run_as_non_root": True,
            "seccomp_profile": {"type": "RuntimeDefault"},
        },
        {"limits": {"cpu": "1", "memory": "512Mi"}, "requests": {"cpu": "250m", "memory": "256Mi"}},
    )


@pytest.mark.slow
def test_web_probes_are_the_seeds(web: dict[str, Any]) -> None:
    (container,) = _only(web, "kubernetes_deployment_v1")["spec"]["template"]["spec"]["container"]
    paths = [container[f"{probe}_probe"]["http_get"]["path"] for probe in ("startup", "liveness", "readiness")]
    assert paths == ["/api/startup", "/api/alive", "/api/ready"]


@pytest.mark.slow
def test_web_autoscales_from_two_to_ten(web: dict[str, Any]) -> None:
    spec = _only(web, "kubernetes_horizontal_pod_autoscaler_v2")["spec"]
    assert (spec["min_replicas"], spec["max_replicas"]) == (2, 10)


@pytest.mark.slow
def test_web_quota_holds_the_hpa_ceiling(web: dict[str, Any]) -> None:
    assert _only(web, "kubernetes_resource_quota_v1")["spec"]["hard"]["limits.cpu"] == "12"


@pytest.mark.slow
def test_web_has_a_disruption_budget(web: dict[str, Any]) -> None:
    assert _only(web, "kubernetes_pod_disruption_budget_v1")["spec"]["max_unavailable"] == "1"


@pytest.mark.slow
def test_web_ingress_is_https_with_the_certificate(web: dict[str, Any]) -> None:
    annotations = _only(web, "kubernetes_ingress_v1")["metadata"]["annotations"]
    assert (
        annotations["alb.ingress.kubernetes.io/ssl-redirect"],
        annotations["alb.ingress.kubernetes.io/certificate-arn"],
    ) == (
        "443",
        "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    )


@pytest.mark.slow
def test_web_admits_only_the_alb_subnets_and_prometheus(web: dict[str, Any]) -> None:
    (rule,) = _policy(web, "toa-website", "allow-ingress")["ingress"]
    cidrs = [peer["ip_block"]["cidr"] for peer in rule["from"] if "ip_block" in peer]
    assert (cidrs, _peers([rule], "from"), rule["ports"]) == (
        ["10.30.192.0/24", "10.30.193.0/24", "10.30.194.0/24"],
        {"kube-prometheus-stack": ["5000"]},
        [{"port": "5000", "protocol": "TCP"}],
    )


@pytest.mark.slow
def test_web_state_lives_outside_cdktf_out(web: dict[str, Any]) -> None:
    assert web["terraform"]["backend"]["local"]["path"] == "../../../terraform.toa-website.tfstate"


# ---- expense-tracker (seed 003, the baseline an application gets) --------------------------


@pytest.fixture(scope="module")
def expenses(synthesized: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return synthesized["expense-tracker"]


@pytest.mark.slow
def test_expenses_state_is_shared_and_locked(expenses: dict[str, Any]) -> None:
    backend = expenses["terraform"]["backend"]["s3"]
    assert (backend["key"], backend["use_lockfile"]) == ("expensetracker/prod/terraform.tfstate", True)


@pytest.mark.slow
def test_expenses_namespace_quota_is_the_seeds(expenses: dict[str, Any]) -> None:
    hard = _only(expenses, "kubernetes_resource_quota_v1")["spec"]["hard"]
    assert {k: hard[k] for k in ("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")} == {
        "requests.cpu": "4",
        "requests.memory": "8Gi",
        "limits.cpu": "8",
        "limits.memory": "16Gi",
    }


@pytest.mark.slow
def test_expenses_api_autoscales_from_two_to_ten(expenses: dict[str, Any]) -> None:
    spec = _only(expenses, "kubernetes_horizontal_pod_autoscaler_v2")["spec"]
    assert (spec["min_replicas"], spec["max_replicas"]) == (2, 10)


@pytest.mark.slow
def test_expenses_api_has_a_disruption_budget(expenses: dict[str, Any]) -> None:
    assert _only(expenses, "kubernetes_pod_disruption_budget_v1")["metadata"]["namespace"] == "api"


@pytest.mark.slow
def test_expenses_api_ingress_is_https(expenses: dict[str, Any]) -> None:
    ingress = _only(expenses, "kubernetes_ingress_v1")
    assert (
        ingress["spec"]["rule"][0]["host"],
        ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/ssl-redirect"],
    ) == (
        "api.expensetracker.example.com",
        "443",
    )


@pytest.mark.slow
def test_expenses_prometheus_keeps_30_days_and_may_scrape_the_api(expenses: dict[str, Any]) -> None:
    (prometheus,) = (r for r in resources(expenses, "helm_release").values() if r["name"] == "kube-prometheus-stack")
    values = json.loads(prometheus["values"][0])
    (rule,) = _policy(expenses, "api", "allow-ingress")["ingress"]
    assert (values["prometheus"]["prometheusSpec"]["retention"], "kube-prometheus-stack" in _peers([rule], "from")) == (
        "30d",
        True,
    )


@pytest.mark.slow
def test_expenses_velero_backs_up_daily_at_two_for_seven_days(expenses: dict[str, Any]) -> None:
    (schedule,) = _release_manifests(expenses, "backup-schedule")
    assert (schedule["spec"]["schedule"], schedule["spec"]["template"]["ttl"]) == ("0 2 * * *", "168h0m0s")


@pytest.mark.slow
def test_expenses_backup_bucket_keeps_deleted_backups_as_long(expenses: dict[str, Any]) -> None:
    (lifecycle,) = resources(expenses, "aws_s3_bucket_lifecycle_configuration").values()
    assert [r["noncurrent_version_expiration"] for r in lifecycle["rule"] if "noncurrent_version_expiration" in r] == [
        [{"noncurrent_days": 7}]
    ]


@pytest.mark.slow
def test_expenses_api_database_url_comes_from_secrets_manager(expenses: dict[str, Any]) -> None:
    (external_secret,) = _release_manifests(expenses, "api-external-secret")
    assert external_secret["spec"]["data"] == [
        {"remoteRef": {"key": "expensetracker-prod/api/database", "property": "url"}, "secretKey": "DATABASE_URL"}
    ]


# ---- vpc-and-cluster (a ClusterStack and a NetworkStack) ------------------------------------


@pytest.fixture(scope="module")
def core(synthesized: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return synthesized["vpc-and-cluster"]


@pytest.fixture(scope="module")
def lab(synthesized: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return synthesized["vpc-and-cluster/lab"]


@pytest.mark.slow
def test_core_is_a_private_cluster_on_graviton_node_groups(core: dict[str, Any]) -> None:
    cluster = _only(core, "aws_eks_cluster")
    groups = {
        g["node_group_name"]: (g["ami_type"], g["instance_types"])
        for g in resources(core, "aws_eks_node_group").values()
    }
    assert (cluster["vpc_config"]["endpoint_public_access"], groups) == (
        False,
        {
            "acme-core-system": ("AL2023_ARM_64_STANDARD", ["m7g.large"]),
            "acme-core-general": ("AL2023_ARM_64_STANDARD", ["m7g.xlarge"]),
        },
    )


@pytest.mark.slow
def test_core_has_no_kubernetes_or_helm_anything(core: dict[str, Any]) -> None:
    assert (
        sorted(core["provider"]),
        [t for t in core["resource"] if t.startswith(("kubernetes_", "helm_"))],
    ) == (["aws"], [])


@pytest.mark.slow
def test_core_runs_the_ebs_csi_driver_pinned(core: dict[str, Any]) -> None:
    (addon,) = (a for a in resources(core, "aws_eks_addon").values() if a["addon_name"] == "aws-ebs-csi-driver")
    assert addon["addon_version"].startswith("v")


@pytest.mark.slow
def test_core_outputs_the_cluster_by_name(core: dict[str, Any]) -> None:
    assert {"cluster_name", "oidc_provider_arn", "ecr_repository_urls", "node_security_group_id"} <= set(core["output"])


@pytest.mark.slow
def test_lab_is_a_vpc_alone(lab: dict[str, Any]) -> None:
    assert (
        _only(lab, "aws_vpc")["cidr_block"],
        len(resources(lab, "aws_nat_gateway")),
        [t for t in lab["resource"] if t.startswith(("aws_eks_", "aws_ecr_"))],
    ) == ("10.81.0.0/16", 1, [])


# ---- custom-addon (an add-on defined outside the package) -----------------------------------


@pytest.fixture(scope="module")
def shop(synthesized: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return synthesized["custom-addon"]


def _exporter(doc: dict[str, Any]) -> dict[str, Any]:
    (release,) = (r for r in resources(doc, "helm_release").values() if r["name"] == "cloudwatch-exporter")
    return dict(release)


@pytest.mark.slow
def test_shop_installs_the_pinned_exporter_chart_in_its_namespace(shop: dict[str, Any]) -> None:
    release = _exporter(shop)
    assert (release["chart"], release["version"], release["namespace"]) == (
        "prometheus-cloudwatch-exporter",
        "0.28.2",
        "cloudwatch-exporter",
    )


@pytest.mark.slow
def test_shop_exporter_namespace_enforces_restricted(shop: dict[str, Any]) -> None:
    (namespace,) = (
        n for n in resources(shop, "kubernetes_namespace_v1").values() if n["metadata"]["name"] == "cloudwatch-exporter"
    )
    assert namespace["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"


@pytest.mark.slow
def test_shop_exporter_reads_only_cloudwatch_metrics(shop: dict[str, Any]) -> None:
    (policy,) = (
        p for p in resources(shop, "aws_iam_role_policy").values() if p["name"].endswith("cloudwatch-exporter")
    )
    assert [s["Action"] for s in json.loads(policy["policy"])["Statement"]] == [
        ["cloudwatch:GetMetricStatistics", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics"]
    ]


@pytest.mark.slow
def test_shop_exporter_gets_its_role_through_pod_identity(shop: dict[str, Any]) -> None:
    (association,) = (
        a
        for a in resources(shop, "aws_eks_pod_identity_association").values()
        if a["namespace"] == "cloudwatch-exporter"
    )
    assert association["service_account"] == "cloudwatch-exporter"


@pytest.mark.slow
def test_shop_exporter_watches_the_stacks_database(shop: dict[str, Any]) -> None:
    config = json.loads(json.loads(_exporter(shop)["values"][0])["config"])
    assert {tuple(m["aws_dimension_select"]["DBInstanceIdentifier"]) for m in config["metrics"]} == {
        (_only(shop, "aws_db_instance")["identifier"],)
    }


@pytest.mark.slow
def test_shop_exporter_waits_for_prometheus(shop: dict[str, Any]) -> None:
    assert any("kube-prometheus-stack" in d for d in _exporter(shop)["depends_on"])


#: Value paths of prometheus-cloudwatch-exporter 0.28.2's values.yaml that the example sets (read in
#: prometheus-community/helm-charts at the commit whose Chart.yaml says 0.28.2): a value outside them
#: would be ignored by the chart.
_EXPORTER_CHART_PATHS = {
    "serviceAccount.create",
    "serviceAccount.name",
    "serviceAccount.annotations",
    "config",
    "resources",
    "securityContext",
    "containerSecurityContext",
    "serviceMonitor.enabled",
    "serviceMonitor.interval",
}


def _paths(values: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted value paths, stopping at a path the chart takes whole (resources, security contexts)."""
    found: set[str] = set()
    for key, value in values.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and path not in _EXPORTER_CHART_PATHS:
            found |= _paths(value, f"{path}.")
        else:
            found.add(path)
    return found


@pytest.mark.slow
def test_shop_exporter_sets_only_values_the_chart_has(shop: dict[str, Any]) -> None:
    assert _paths(json.loads(_exporter(shop)["values"][0])) <= _EXPORTER_CHART_PATHS
