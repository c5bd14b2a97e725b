"""The platform layer's config: add-on toggles and options, namespace budgets, quantity parsing."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.config import from_dict
from constructs_lib.errors import ConfigError
from constructs_lib.platform.config import (
    ADDON_NAMESPACES,
    LETSENCRYPT_PRODUCTION,
    RESERVED_NAMESPACES,
    AddonsConfig,
    BackupConfig,
    CertificateConfig,
    DnsConfig,
    DnsPolicy,
    MonitoringConfig,
    ResourceQuotaSpec,
    cpu_cores,
    memory_bytes,
    require_application_namespaces,
)


def test_default_addons_are_what_applications_need() -> None:
    assert AddonsConfig().enabled() == (
        "aws_load_balancer_controller",
        "cluster_autoscaler",
        "metrics_server",
        "external_secrets",
    )


def test_toggles_exclude_option_objects() -> None:
    assert "monitoring" not in AddonsConfig().toggles()


def test_toggles_list_all_twelve_addons() -> None:
    assert len(AddonsConfig().toggles()) == 12


ZONE = "Z0123456789ABCDEFGHIJ"


def test_karpenter_instead_of_cluster_autoscaler_is_valid() -> None:
    AddonsConfig(karpenter=True, cluster_autoscaler=False).validate("addons")


def test_external_dns_is_off_by_default() -> None:
    assert "external_dns" not in AddonsConfig().enabled()


def test_dns_policy_defaults_to_upsert_only() -> None:
    assert DnsConfig().policy is DnsPolicy.UPSERT_ONLY


def test_dns_options_load_from_plain_data() -> None:
    addons = from_dict(
        AddonsConfig,
        {"external_dns": True, "dns": {"hosted_zone_ids": [ZONE], "domains": ["acme.io"], "policy": "sync"}},
        "addons",
    )
    assert (addons.dns.hosted_zone_ids, addons.dns.policy) == ((ZONE,), DnsPolicy.SYNC)


def test_defaults_are_valid() -> None:
    AddonsConfig().validate("addons")


def test_options_load_from_plain_data() -> None:
    addons = from_dict(AddonsConfig, {"velero": True, "backup": {"included_namespaces": ["api"]}}, "addons")
    assert addons.backup.included_namespaces == ("api",)


def test_monitoring_defaults_follow_seed_003() -> None:
    assert MonitoringConfig().retention_days == 30


def test_backup_defaults_follow_seed_004() -> None:
    assert (BackupConfig().schedule, BackupConfig().retention_days) == ("0 2 * * *", 30)


def test_certificate_server_defaults_to_letsencrypt_production() -> None:
    assert CertificateConfig().acme_server == LETSENCRYPT_PRODUCTION


def test_certificate_email_is_optional_while_cert_manager_is_off() -> None:
    AddonsConfig(cert_manager=False).validate("addons")


@pytest.mark.parametrize(
    ("addons", "message"),
    [
        (AddonsConfig(velero="yes"), r"`a\.velero`: must be true or false"),  # type: ignore[arg-type]
        (
            AddonsConfig(ingress_nginx=True, aws_load_balancer_controller=False),
            r"`a\.ingress_nginx`: needs aws_load_balancer_controller",
        ),
        (
            AddonsConfig(monitoring=MonitoringConfig(retention_days=0)),
            r"`a\.monitoring\.retention_days`: must be a whole number from 1 to 365",
        ),
        (
            AddonsConfig(monitoring=MonitoringConfig(prometheus_storage_gib=5)),
            r"`a\.monitoring\.prometheus_storage_gib`: must be a whole number from 10 to 16384",
        ),
        (
            AddonsConfig(monitoring=MonitoringConfig(small_volume_gib=0)),
            r"`a\.monitoring\.small_volume_gib`: must be a whole number from 1 to 1024",
        ),
        (
            AddonsConfig(backup=BackupConfig(schedule="daily")),
            r"`a\.backup\.schedule`: must be a five-field cron expression \(got 'daily'\)",
        ),
        (
            AddonsConfig(backup=BackupConfig(retention_days=0)),
            r"`a\.backup\.retention_days`: must be a whole number from 1 to 3650",
        ),
        (
            AddonsConfig(backup=BackupConfig(included_namespaces=("Api",))),
            r"`a\.backup\.included_namespaces\[0\]`: must be a DNS-1123 label",
        ),
        (
            AddonsConfig(backup=BackupConfig(included_namespaces=("api", "api"))),
            r"`a\.backup\.included_namespaces`: namespace must be unique",
        ),
        (
            AddonsConfig(cert_manager=True),
            r"`a\.certificates\.acme_email`: must be the e-mail address registered with the ACME server",
        ),
        (
            AddonsConfig(certificates=CertificateConfig(acme_server="http://acme.example.com")),
            r"`a\.certificates\.acme_server`: must be an https:// ACME directory URL",
        ),
        (
            AddonsConfig(karpenter=True),
            r"`a\.karpenter`: supply at most one of `karpenter` or `cluster_autoscaler`",
        ),
        (
            AddonsConfig(external_dns=True, dns=DnsConfig(domains=("acme.io",))),
            r"`a\.dns\.hosted_zone_ids`: must name at least one hosted zone when external_dns is on",
        ),
        (
            AddonsConfig(external_dns=True, dns=DnsConfig(hosted_zone_ids=(ZONE,))),
            r"`a\.dns\.domains`: must name at least one domain when external_dns is on",
        ),
        (
            AddonsConfig(dns=DnsConfig(hosted_zone_ids=("/hostedzone/Z123",))),
            r"`a\.dns\.hosted_zone_ids\[0\]`: must be a Route 53 hosted zone id",
        ),
        (
            AddonsConfig(dns=DnsConfig(hosted_zone_ids=("z123",))),
            r"`a\.dns\.hosted_zone_ids\[0\]`: must be a Route 53 hosted zone id",
        ),
        (
            AddonsConfig(dns=DnsConfig(hosted_zone_ids=(ZONE, ZONE))),
            r"`a\.dns\.hosted_zone_ids`: hosted zone id must be unique",
        ),
        (
            AddonsConfig(dns=DnsConfig(domains=("https://acme.io",))),
            r"`a\.dns\.domains\[0\]`: must be a lowercase DNS domain name",
        ),
        (
            AddonsConfig(dns=DnsConfig(domains=("acme.io", "acme.io"))),
            r"`a\.dns\.domains`: domain must be unique",
        ),
        (
            AddonsConfig(dns=DnsConfig(policy="sync")),  # type: ignore[arg-type]
            r"`a\.dns\.policy`: must be one of UPSERT_ONLY, SYNC",
        ),
    ],
)
def test_addon_errors(addons: AddonsConfig, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        addons.validate("a")


# -- quotas and quantities -------------------------------------------------------------------


def test_quota_default_is_seed_003() -> None:
    assert ResourceQuotaSpec().hard() == {
        "requests.cpu": "4",
        "requests.memory": "8Gi",
        "limits.cpu": "8",
        "limits.memory": "16Gi",
        "pods": "20",
        "services": "10",
    }


@pytest.mark.parametrize(("quantity", "cores"), [("250m", 0.25), ("2", 2.0), ("1.5", 1.5), ("2Gi", None)])
def test_cpu_cores(quantity: str, cores: float | None) -> None:
    assert cpu_cores(quantity) == cores


@pytest.mark.parametrize(("quantity", "size"), [("256Mi", 256 * 1024**2), ("1Gi", 1024**3), ("1G", None)])
def test_memory_bytes(quantity: str, size: int | None) -> None:
    assert memory_bytes(quantity) == size


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"requests_cpu": "four"}, r"`q\.requests_cpu`: must be a positive CPU quantity"),
        ({"limits_memory": "16GB"}, r"`q\.limits_memory`: must be a positive memory quantity with a binary suffix"),
        ({"requests_cpu": "10"}, r"`q\.requests_cpu`: must not exceed limits_cpu \(8\)"),
        ({"requests_memory": "32Gi"}, r"`q\.requests_memory`: must not exceed limits_memory \(16Gi\)"),
        ({"pods": 0}, r"`q\.pods`: must be a whole number from 1 to 1000"),
        ({"services": 0}, r"`q\.services`: must be a whole number from 1 to 100"),
    ],
)
def test_quota_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ResourceQuotaSpec(**changes).validate("q")


# -- namespaces ----------------------------------------------------------------------------------


def test_every_addon_has_a_namespace() -> None:
    assert set(ADDON_NAMESPACES) == set(AddonsConfig().toggles())


def test_prometheus_does_not_take_the_monitoring_application_namespace() -> None:
    assert "monitoring" not in RESERVED_NAMESPACES


def test_application_names_may_be_anything_else() -> None:
    require_application_namespaces("apps", ["api", "monitoring"])


@pytest.mark.parametrize("name", ["kube-system", "default", "velero", "argocd"])
def test_application_names_must_not_take_reserved_namespaces(name: str) -> None:
    with pytest.raises(ConfigError, match=r"`apps\[1\]\.name`: must not be a Kubernetes or add-on namespace"):
        require_application_namespaces("apps", ["api", name])
