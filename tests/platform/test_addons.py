"""PlatformAddons: the catalog's releases, their values, namespaces, dependencies and custom resources."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from cdktf import TerraformStack
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1

from constructs_lib.cluster.config import SUPPORTED_KUBERNETES_VERSIONS
from constructs_lib.errors import ConfigError
from constructs_lib.platform.addons import (
    CLUSTER_ISSUER_NAME,
    CLUSTER_SECRET_STORE_NAME,
    PlatformAddons,
    PlatformAddonsProps,
)
from constructs_lib.platform.catalog import (
    CATALOG,
    CLUSTER_AUTOSCALER_IMAGE_TAGS,
    CRITICAL_ADDONS_TOLERATION,
    VELERO_AWS_PLUGIN_IMAGE,
    control_plane_ports,
)
from constructs_lib.platform.config import (
    AddonsConfig,
    BackupConfig,
    CertificateConfig,
    DnsConfig,
    MonitoringConfig,
)
from tests.helpers import Synth, resources, synth

ARN = "arn:aws:iam::123456789012:role/eks-platform-prod-{}"
ROLES = {
    name: ARN.format(name)
    for name in ("aws_load_balancer_controller", "cluster_autoscaler", "external_secrets", "velero", "external_dns")
}
EVERYTHING = AddonsConfig(
    kube_prometheus_stack=True,
    cert_manager=True,
    ingress_nginx=True,
    argo_cd=True,
    velero=True,
    vertical_pod_autoscaler=True,
    external_dns=True,
    certificates=CertificateConfig(acme_email="platform@example.com"),
    dns=DnsConfig(hosted_zone_ids=("Z0123456789ABCDEFGHIJ",), domains=("example.com",)),
)
#: Every built-in add-on EVERYTHING installs: all but karpenter, which replaces cluster_autoscaler
#: (tests/platform/test_karpenter.py covers it).
INSTALLED = sorted(name for name in CATALOG if name != "karpenter")
PROPS = PlatformAddonsProps(
    cluster_name="eks-platform-prod",
    region="us-east-1",
    vpc_id="vpc-0123",
    kubernetes_version="1.35",
    addons=EVERYTHING,
    service_account_role_arns=ROLES,
    backup_bucket_name="eks-platform-prod-velero-123456789012",
)


def build(**changes: Any) -> tuple[Synth, PlatformAddons]:
    built: list[PlatformAddons] = []

    def _build(stack: TerraformStack) -> None:
        nodes = NamespaceV1(stack, "node-groups", metadata={"name": "stand-in-for-node-groups"})
        props = dataclasses.replace(PROPS, depends_on=(nodes,), **changes)
        built.append(PlatformAddons(stack, "addons", props=props))

    return synth(_build), built[0]


@pytest.fixture(scope="module")
def full() -> tuple[Synth, PlatformAddons]:
    return build()


@pytest.fixture(scope="module")
def doc(full: tuple[Synth, PlatformAddons]) -> Synth:
    return full[0]


@pytest.fixture(scope="module")
def minimal() -> tuple[Synth, PlatformAddons]:
    return build(addons=AddonsConfig(), service_account_role_arns={k: ROLES[k] for k in list(ROLES)[:3]})


@pytest.fixture(scope="module")
def tuned() -> Synth:
    """Non-default options: monitoring, backup, Kubernetes version, ingress class."""
    addons = dataclasses.replace(
        EVERYTHING,
        ingress_nginx=False,
        monitoring=MonitoringConfig(retention_days=15, prometheus_storage_gib=100, small_volume_gib=5),
        backup=BackupConfig(schedule="30 3 * * 0", retention_days=7, included_namespaces=("api", "worker")),
        certificates=CertificateConfig(acme_email="x@example.com", acme_server="https://acme-staging.example.com/dir"),
    )
    return build(addons=addons, kubernetes_version="1.33")[0]


def release(doc: Synth, name: str) -> dict[str, Any]:
    (found,) = [body for body in resources(doc, "helm_release").values() if body["name"] == name]
    return dict(found)


def values(doc: Synth, name: str) -> dict[str, Any]:
    return dict(json.loads(release(doc, name)["values"][0]))


def manifest(doc: Synth, name: str) -> dict[str, Any]:
    return dict(values(doc, name)["manifests"][0])


def namespace_labels(doc: Synth, name: str) -> dict[str, str]:
    (found,) = [b for b in resources(doc, "kubernetes_namespace_v1").values() if b["metadata"]["name"] == name]
    return dict(found["metadata"]["labels"])


def address(doc: Synth, name: str) -> str:
    (found,) = [key for key, body in resources(doc, "helm_release").items() if body["name"] == name]
    return f"helm_release.{found}"


# -- catalog ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", INSTALLED)
def test_release_uses_the_catalog_chart(doc: Synth, name: str) -> None:
    entry = CATALOG[name]
    body = release(doc, entry.release_name)
    assert (body["chart"], body["repository"], body["version"]) == (
        entry.source.chart,
        entry.source.repository,
        entry.source.version,
    )


@pytest.mark.parametrize("name", INSTALLED)
def test_release_installs_into_its_own_namespace(doc: Synth, name: str) -> None:
    assert release(doc, CATALOG[name].release_name)["namespace"] == CATALOG[name].namespace


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_catalog_versions_are_exact(name: str) -> None:
    CATALOG[name].source.validate(name)


def test_catalog_namespaces_are_distinct() -> None:
    assert len({e.namespace for e in CATALOG.values()}) == len(CATALOG)


def test_catalog_covers_every_toggle() -> None:
    assert set(CATALOG) == set(AddonsConfig().toggles())


# -- control-plane ports ------------------------------------------------------------------------


def test_control_plane_ports_of_the_default_addons() -> None:
    """Load balancer controller 9443; metrics-server and external-secrets on the kubelet's 10250."""
    assert control_plane_ports(AddonsConfig()) == (443, 9443, 10250)


def test_control_plane_ports_with_ingress_nginx_open_its_webhook() -> None:
    assert 8443 in control_plane_ports(AddonsConfig(ingress_nginx=True))


def test_control_plane_ports_without_ingress_nginx_leave_8443_closed() -> None:
    assert 8443 not in control_plane_ports(AddonsConfig(ingress_nginx=False))


def test_control_plane_ports_without_any_addon_keep_kubelet_and_443() -> None:
    nothing = AddonsConfig(
        aws_load_balancer_controller=False, cluster_autoscaler=False, metrics_server=False, external_secrets=False
    )
    assert control_plane_ports(nothing) == (443, 10250)


def test_control_plane_ports_with_everything() -> None:
    assert control_plane_ports(EVERYTHING) == (443, 8443, 9443, 10250)


def test_control_plane_ports_follow_the_load_balancer_controller() -> None:
    assert 9443 not in control_plane_ports(AddonsConfig(aws_load_balancer_controller=False))


@pytest.mark.parametrize("name", INSTALLED)
def test_namespace_enforces_catalog_level_and_warns_restricted(doc: Synth, name: str) -> None:
    labels = namespace_labels(doc, CATALOG[name].namespace)
    assert (labels["pod-security.kubernetes.io/enforce"], labels["pod-security.kubernetes.io/warn"]) == (
        CATALOG[name].pod_security.value,
        "restricted",
    )


@pytest.mark.parametrize("name", sorted(n for n in INSTALLED if CATALOG[n].critical))
def test_critical_addons_tolerate_the_system_taint(doc: Synth, name: str) -> None:
    rendered = json.dumps(values(doc, CATALOG[name].release_name))
    assert json.dumps(dict(CRITICAL_ADDONS_TOLERATION), sort_keys=True) in rendered


def test_critical_addons_run_system_cluster_critical(doc: Synth) -> None:
    assert values(doc, "metrics-server")["priorityClassName"] == "system-cluster-critical"


def test_non_critical_addons_do_not_tolerate_the_system_taint(doc: Synth) -> None:
    assert "CriticalAddonsOnly" not in json.dumps(values(doc, "velero"))


# -- dependencies -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", INSTALLED)
def test_every_release_waits_for_the_node_groups(doc: Synth, name: str) -> None:
    assert "kubernetes_namespace_v1.node-groups" in release(doc, CATALOG[name].release_name)["depends_on"]


@pytest.mark.parametrize("name", [n for n in INSTALLED if n != "aws_load_balancer_controller"])
def test_releases_wait_for_the_load_balancer_controller_webhook(doc: Synth, name: str) -> None:
    assert address(doc, "aws-load-balancer-controller") in release(doc, CATALOG[name].release_name)["depends_on"]


@pytest.mark.parametrize(
    ("resources_release", "operator"),
    [("cluster-secret-store", "external-secrets"), ("backup-schedule", "velero"), ("cluster-issuer", "cert-manager")],
)
def test_custom_resources_wait_for_their_operator(doc: Synth, resources_release: str, operator: str) -> None:
    assert release(doc, resources_release)["depends_on"] == [address(doc, operator)]


def test_disabled_addons_are_not_installed(minimal: tuple[Synth, PlatformAddons]) -> None:
    assert sorted(b["name"] for b in resources(minimal[0], "helm_release").values()) == [
        "aws-load-balancer-controller",
        "cluster-autoscaler",
        "cluster-secret-store",
        "external-secrets",
        "metrics-server",
    ]


def test_releases_attribute(full: tuple[Synth, PlatformAddons]) -> None:
    assert set(full[1].releases) == set(INSTALLED)


def test_namespaces_attribute(full: tuple[Synth, PlatformAddons]) -> None:
    assert full[1].namespaces["kube_prometheus_stack"] == "kube-prometheus-stack"


def test_secret_store_release_attribute(full: tuple[Synth, PlatformAddons]) -> None:
    assert full[1].secret_store_release is not None


def test_no_secret_store_without_external_secrets() -> None:
    addons = AddonsConfig(external_secrets=False)
    roles = {k: ROLES[k] for k in ("aws_load_balancer_controller", "cluster_autoscaler")}
    assert build(addons=addons, service_account_role_arns=roles)[1].secret_store_release is None


def test_ingress_controller_namespace_with_nginx(full: tuple[Synth, PlatformAddons]) -> None:
    assert full[1].ingress_controller_namespace == "ingress-nginx"


def test_no_ingress_controller_namespace_without_nginx(minimal: tuple[Synth, PlatformAddons]) -> None:
    assert minimal[1].ingress_controller_namespace is None


# -- values -------------------------------------------------------------------------------------


def test_load_balancer_controller_knows_cluster_region_and_vpc(doc: Synth) -> None:
    got = values(doc, "aws-load-balancer-controller")
    assert (got["clusterName"], got["region"], got["vpcId"]) == ("eks-platform-prod", "us-east-1", "vpc-0123")


@pytest.mark.parametrize(
    ("release_name", "path", "role"),
    [
        ("aws-load-balancer-controller", ("serviceAccount",), "aws_load_balancer_controller"),
        ("cluster-autoscaler", ("rbac", "serviceAccount"), "cluster_autoscaler"),
        ("external-secrets", ("serviceAccount",), "external_secrets"),
        ("velero", ("serviceAccount", "server"), "velero"),
    ],
)
def test_irsa_role_in_the_chart_service_account(
    doc: Synth, release_name: str, path: tuple[str, ...], role: str
) -> None:
    account = values(doc, release_name)
    for key in path:
        account = account[key]
    assert account["annotations"] == {"eks.amazonaws.com/role-arn": ROLES[role]}


def test_service_account_names_match_the_catalog(doc: Synth) -> None:
    assert values(doc, "external-secrets")["serviceAccount"]["name"] == CATALOG["external_secrets"].service_account


def test_addons_without_aws_get_no_role_annotation(doc: Synth) -> None:
    assert "annotations" not in values(doc, "metrics-server")["serviceAccount"]


def test_cluster_autoscaler_discovers_by_cluster_name(doc: Synth) -> None:
    assert values(doc, "cluster-autoscaler")["autoDiscovery"] == {"clusterName": "eks-platform-prod"}


def test_cluster_autoscaler_image_matches_kubernetes_1_35(doc: Synth) -> None:
    assert values(doc, "cluster-autoscaler")["image"]["tag"] == "v1.35.0"


def test_cluster_autoscaler_image_follows_the_kubernetes_version(tuned: Synth) -> None:
    assert values(tuned, "cluster-autoscaler")["image"]["tag"] == "v1.33.0"


def test_metrics_server_is_highly_available(doc: Synth) -> None:
    got = values(doc, "metrics-server")
    assert (got["replicas"], got["podDisruptionBudget"]["enabled"]) == (2, True)


def test_external_secrets_installs_its_crds(doc: Synth) -> None:
    assert values(doc, "external-secrets")["installCRDs"] is True


def test_cluster_secret_store_uses_secrets_manager_through_irsa(doc: Synth) -> None:
    spec = manifest(doc, "cluster-secret-store")["spec"]["provider"]["aws"]
    assert spec == {
        "service": "SecretsManager",
        "region": "us-east-1",
        "auth": {"jwt": {"serviceAccountRef": {"name": "external-secrets", "namespace": "external-secrets"}}},
    }


def test_cluster_secret_store_name(doc: Synth) -> None:
    assert manifest(doc, "cluster-secret-store")["metadata"]["name"] == CLUSTER_SECRET_STORE_NAME


def test_prometheus_retention_defaults_to_30_days(doc: Synth) -> None:
    assert values(doc, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]["retention"] == "30d"


def test_prometheus_retention_option(tuned: Synth) -> None:
    assert values(tuned, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]["retention"] == "15d"


def test_prometheus_storage_is_persistent_gp3(doc: Synth) -> None:
    claim = values(doc, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]["storageSpec"]["volumeClaimTemplate"]
    assert (claim["spec"]["storageClassName"], claim["spec"]["resources"]["requests"]["storage"]) == ("gp3", "50Gi")


def test_prometheus_storage_option(tuned: Synth) -> None:
    spec = values(tuned, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]["storageSpec"]
    assert spec["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"] == "100Gi"


def test_grafana_and_alertmanager_volumes(doc: Synth) -> None:
    got = values(doc, "kube-prometheus-stack")
    assert (got["grafana"]["persistence"]["size"], got["grafana"]["persistence"]["storageClassName"]) == ("10Gi", "gp3")


@pytest.mark.parametrize("component", ["kubeControllerManager", "kubeScheduler", "kubeEtcd", "kubeProxy"])
def test_prometheus_does_not_scrape_what_eks_hides(doc: Synth, component: str) -> None:
    assert values(doc, "kube-prometheus-stack")[component] == {"enabled": False}


def test_prometheus_has_no_rules_for_what_eks_hides(doc: Synth) -> None:
    assert values(doc, "kube-prometheus-stack")["defaultRules"]["rules"] == {
        "etcd": False,
        "kubeControllerManager": False,
        "kubeProxy": False,
        "kubeSchedulerAlerting": False,
        "kubeSchedulerRecording": False,
    }


def test_grafana_recreates_its_pod_for_the_rwo_volume(doc: Synth) -> None:
    assert values(doc, "kube-prometheus-stack")["grafana"]["deploymentStrategy"] == {"type": "Recreate"}


def test_grafana_admin_password_is_left_to_the_chart(doc: Synth) -> None:
    """No password in the values (so none in terraform state): the chart generates and keeps one."""
    rendered = json.dumps(values(doc, "kube-prometheus-stack"))
    assert ("adminPassword" in rendered, "existingSecret" in rendered, "prom-operator" in rendered) == (
        False,
        False,
        False,
    )


def test_small_volume_option(tuned: Synth) -> None:
    storage = values(tuned, "kube-prometheus-stack")["alertmanager"]["alertmanagerSpec"]["storage"]
    assert storage["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"] == "5Gi"


def test_prometheus_scrapes_annotated_pods(doc: Synth) -> None:
    configs = values(doc, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]["additionalScrapeConfigs"]
    assert configs[0]["job_name"] == "kubernetes-pods"


def test_cert_manager_installs_its_crds(doc: Synth) -> None:
    assert values(doc, "cert-manager")["crds"] == {"enabled": True}


def test_cert_manager_has_no_top_level_priority_class(doc: Synth) -> None:
    """v1.20's values schema rejects a top-level priorityClassName."""
    assert "priorityClassName" not in values(doc, "cert-manager")


def test_cert_manager_priority_class_is_global(doc: Synth) -> None:
    assert values(doc, "cert-manager")["global"] == {"priorityClassName": "system-cluster-critical"}


@pytest.mark.parametrize("component", ["webhook", "cainjector", "startupapicheck"])
def test_cert_manager_components_run_on_the_system_group(doc: Synth, component: str) -> None:
    assert values(doc, "cert-manager")[component] == {
        "nodeSelector": {"node-role": "system"},
        "tolerations": [dict(CRITICAL_ADDONS_TOLERATION)],
    }


def test_cluster_issuer_registers_the_email(doc: Synth) -> None:
    acme = manifest(doc, "cluster-issuer")["spec"]["acme"]
    assert (acme["email"], acme["server"]) == ("platform@example.com", "https://acme-v02.api.letsencrypt.org/directory")


def test_cluster_issuer_name(doc: Synth) -> None:
    assert manifest(doc, "cluster-issuer")["metadata"]["name"] == CLUSTER_ISSUER_NAME


def test_cluster_issuer_solves_through_nginx_when_it_is_on(doc: Synth) -> None:
    solver = manifest(doc, "cluster-issuer")["spec"]["acme"]["solvers"][0]
    assert solver["http01"]["ingress"]["ingressClassName"] == "nginx"


def test_cluster_issuer_solves_through_the_alb_otherwise(tuned: Synth) -> None:
    solver = manifest(tuned, "cluster-issuer")["spec"]["acme"]["solvers"][0]
    assert solver["http01"]["ingress"]["ingressClassName"] == "alb"


def test_acme_server_option(tuned: Synth) -> None:
    assert manifest(tuned, "cluster-issuer")["spec"]["acme"]["server"] == "https://acme-staging.example.com/dir"


def test_ingress_nginx_sits_behind_an_nlb_with_ip_targets(doc: Synth) -> None:
    annotations = values(doc, "ingress-nginx")["controller"]["service"]["annotations"]
    assert annotations["service.beta.kubernetes.io/aws-load-balancer-nlb-target-type"] == "ip"


def test_ingress_nginx_refuses_snippets(doc: Synth) -> None:
    assert values(doc, "ingress-nginx")["controller"]["allowSnippetAnnotations"] is False


def test_argo_cd_without_dex_and_internal_only(doc: Synth) -> None:
    got = values(doc, "argo-cd")
    assert (got["dex"]["enabled"], got["server"]["service"]["type"]) == (False, "ClusterIP")


def test_velero_writes_to_the_backup_bucket(doc: Synth) -> None:
    location = values(doc, "velero")["configuration"]["backupStorageLocation"][0]
    assert (location["bucket"], location["config"]["region"]) == ("eks-platform-prod-velero-123456789012", "us-east-1")


def test_velero_uses_irsa_not_a_credentials_secret(doc: Synth) -> None:
    assert values(doc, "velero")["credentials"] == {"useSecret": False}


def test_velero_loads_the_aws_plugin(doc: Synth) -> None:
    assert values(doc, "velero")["initContainers"][0]["image"] == VELERO_AWS_PLUGIN_IMAGE


def test_backup_schedule_is_daily_with_30_day_retention(doc: Synth) -> None:
    spec = manifest(doc, "backup-schedule")["spec"]
    assert (spec["schedule"], spec["template"]["ttl"], spec["template"]["includedNamespaces"]) == (
        "0 2 * * *",
        "720h0m0s",
        ["*"],
    )


def test_backup_options(tuned: Synth) -> None:
    spec = manifest(tuned, "backup-schedule")["spec"]
    assert (spec["schedule"], spec["template"]["ttl"], spec["template"]["includedNamespaces"]) == (
        "30 3 * * 0",
        "168h0m0s",
        ["api", "worker"],
    )


def test_vertical_pod_autoscaler_only_recommends(doc: Synth) -> None:
    got = values(doc, "vertical-pod-autoscaler")
    assert (got["updater"]["enabled"], got["admissionController"]["enabled"]) == (False, False)


def test_terraform_references_are_accepted_as_role_arns() -> None:
    roles = {**ROLES, "velero": "${aws_iam_role.velero.arn}"}
    dataclasses.replace(PROPS, service_account_role_arns=roles).validate("p")


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"region": "moon"}, r"`props\.region`: must be a commercial AWS region code"),
        ({"kubernetes_version": "1.28"}, r"`props\.kubernetes_version`: must be a Kubernetes minor the catalog has"),
        (
            {"service_account_role_arns": {**ROLES, "metrics_server": ARN.format("x")}},
            r"`props\.service_account_role_arns\.metrics_server`: must name an add-on that calls AWS",
        ),
        (
            {"service_account_role_arns": {**ROLES, "velero": "velero-role"}},
            r"`props\.service_account_role_arns\.velero`: must be an IAM role or user ARN",
        ),
        (
            {"service_account_role_arns": {k: v for k, v in ROLES.items() if k != "cluster_autoscaler"}},
            r"`props\.service_account_role_arns\.cluster_autoscaler`: is required: the add-on calls AWS APIs",
        ),
        ({"backup_bucket_name": None}, r"`props\.backup_bucket_name`: is required when velero is on"),
        ({"addons": AddonsConfig(cert_manager=True)}, r"`props\.addons\.certificates\.acme_email`"),
    ],
)
def test_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build(**changes)


def test_autoscaler_images_cover_every_supported_kubernetes_version() -> None:
    assert set(CLUSTER_AUTOSCALER_IMAGE_TAGS) == set(SUPPORTED_KUBERNETES_VERSIONS)


@pytest.mark.parametrize(("version", "tag"), sorted(CLUSTER_AUTOSCALER_IMAGE_TAGS.items()))
def test_autoscaler_image_minor_matches_kubernetes_minor(version: str, tag: str) -> None:
    assert tag.startswith(f"v{version}.")


# -- external-dns -------------------------------------------------------------------------------
def test_external_dns_publishes_ingresses_to_aws(doc: Synth) -> None:
    rendered = values(doc, "external-dns")
    assert (rendered["provider"], rendered["sources"]) == ({"name": "aws"}, ["ingress"])


def test_external_dns_owner_is_the_cluster(doc: Synth) -> None:
    assert values(doc, "external-dns")["txtOwnerId"] == "eks-platform-prod"


def test_external_dns_filters_domains_and_zones(doc: Synth) -> None:
    rendered = values(doc, "external-dns")
    assert (rendered["domainFilters"], rendered["extraArgs"]) == (
        ["example.com"],
        {"zone-id-filter": ["Z0123456789ABCDEFGHIJ"]},
    )


def test_external_dns_policy_is_upsert_only_by_default(doc: Synth) -> None:
    assert values(doc, "external-dns")["policy"] == "upsert-only"


def test_external_dns_policy_sync_when_asked() -> None:
    from constructs_lib.platform.config import DnsPolicy

    addons = dataclasses.replace(EVERYTHING, dns=dataclasses.replace(EVERYTHING.dns, policy=DnsPolicy.SYNC))
    assert values(build(addons=addons)[0], "external-dns")["policy"] == "sync"


def test_external_dns_region_comes_from_the_environment(doc: Synth) -> None:
    assert values(doc, "external-dns")["env"] == [{"name": "AWS_DEFAULT_REGION", "value": "us-east-1"}]


def test_external_dns_is_off_without_the_toggle(minimal: tuple[Synth, PlatformAddons]) -> None:
    assert "external_dns" not in minimal[1].releases
