"""ApplicationSpec: defaults, plain-data loading, and every rule with its message."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from constructs_lib.apps.config import ApplicationSpec, IngressSpec, Probes, Resources, SecretRef
from constructs_lib.config import from_dict
from constructs_lib.errors import ConfigError
from constructs_lib.stage import Stage
from constructs_lib.validation import require_image_tag

CERTIFICATE = "arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
BASE = ApplicationSpec(name="api", repository="apps/api", image_tag="v1.0.0")


def spec(**changes: Any) -> ApplicationSpec:
    return dataclasses.replace(BASE, **changes)


def test_defaults_are_valid() -> None:
    BASE.validate("app", stage=Stage.PROD)


def test_hpa_floor_defaults_to_replicas() -> None:
    assert spec(replicas=3).hpa_min_replicas == 3


def test_hpa_floor_can_be_set() -> None:
    assert spec(replicas=3, min_replicas=2).hpa_min_replicas == 2


def test_default_resources_follow_seeds_001_and_004() -> None:
    assert Resources() == Resources(cpu_request="250m", cpu_limit="500m", memory_request="256Mi", memory_limit="512Mi")


def test_default_probes_follow_seed_002() -> None:
    assert Probes() == Probes(startup_path="/startup", liveness_path="/health", readiness_path="/ready")


def test_prod_ingress_with_certificate_is_valid() -> None:
    spec(ingress=IngressSpec(host="api.example.com", certificate_arn=CERTIFICATE)).validate("app", stage=Stage.PROD)


def test_non_prod_ingress_may_be_plain_http() -> None:
    spec(ingress=IngressSpec(host="api.example.com")).validate("app", stage=Stage.DEV)


def test_loads_from_plain_data() -> None:
    loaded = from_dict(
        ApplicationSpec,
        {
            "name": "api",
            "repository": "apps/api",
            "image_tag": "v1",
            "ingress": {"host": "api.example.com"},
            "secrets": [{"name": "DB", "remote_key": "prod/api/db"}],
            "config": {"LOG_LEVEL": "info"},
        },
        "app",
    )
    assert loaded.secrets == (SecretRef(name="DB", remote_key="prod/api/db"),)


def test_priority_class_defaults_to_normal_and_loads_from_plain_data() -> None:
    assert spec().priority_class == "normal"
    data = {"name": "batch", "repository": "apps/batch", "image_tag": "v1", "priority_class": "low"}
    assert from_dict(ApplicationSpec, data, "app").priority_class == "low"


def test_config_is_copied_read_only() -> None:
    data = {"A": "1"}
    application = spec(config=data)
    data["A"] = "2"
    assert application.config["A"] == "1"


@pytest.mark.parametrize(
    ("changes", "production", "message"),
    [
        ({"min_replicas": 0}, False, r"`app\.min_replicas`: must be a whole number from 1 to 100"),
        ({"max_replicas": 0}, False, r"`app\.max_replicas`: must be a whole number from 1 to 100"),
        ({"replicas": 5, "max_replicas": 3}, False, r"`app\.max_replicas`: must be at least the HPA floor \(5\)"),
        ({"resources": Resources(cpu_request="lots")}, False, r"`app\.resources\.cpu_request`: must be a positive CPU"),
        ({"resources": Resources(cpu_limit="0")}, False, r"`app\.resources\.cpu_limit`: must be a positive CPU"),
        (
            {"resources": Resources(memory_request="1GB")},
            False,
            r"`app\.resources\.memory_request`: must be a positive memory quantity",
        ),
        (
            {"resources": Resources(memory_limit="x")},
            False,
            r"`app\.resources\.memory_limit`: must be a positive memory",
        ),
        (
            {"resources": Resources(cpu_request="2")},
            False,
            r"`app\.resources\.cpu_request`: must not exceed cpu_limit \(500m\)",
        ),
        (
            {"resources": Resources(memory_request="1Gi")},
            False,
            r"`app\.resources\.memory_request`: must not exceed memory_limit \(512Mi\)",
        ),
        (
            {"probes": Probes(startup_path="startup")},
            False,
            r"`app\.probes\.startup_path`: must be an absolute HTTP path",
        ),
        ({"probes": Probes(liveness_path="")}, False, r"`app\.probes\.liveness_path`: must be an absolute HTTP path"),
        (
            {"probes": Probes(readiness_path="r")},
            False,
            r"`app\.probes\.readiness_path`: must be an absolute HTTP path",
        ),
        ({"ingress": IngressSpec(host="API")}, False, r"`app\.ingress\.host`: must be a fully qualified lowercase DNS name"),
        (
            {"ingress": IngressSpec(host="api.example.com", path="api")},
            False,
            r"`app\.ingress\.path`: must be an absolute HTTP path",
        ),
        (
            {"ingress": IngressSpec(host="api.example.com", healthcheck_path="h")},
            False,
            r"`app\.ingress\.healthcheck_path`: must be an absolute HTTP path",
        ),
        (
            {"ingress": IngressSpec(host="api.example.com", certificate_arn="arn:aws:iam::123456789012:role/x")},
            False,
            r"`app\.ingress\.certificate_arn`: must be an ACM certificate ARN",
        ),
        (
            {"ingress": IngressSpec(host="api.example.com")},
            True,
            r"`app\.ingress\.certificate_arn`: is required in production: public traffic must be HTTPS",
        ),
        ({"config": {"bad key": "x"}}, False, r"`app\.config\.bad key`: keys must be letters, digits"),
        ({"secrets": (SecretRef(name="bad key", remote_key="a/b"),)}, False, r"`app\.secrets\[0\]\.name`: must be a Secret key"),
        (
            {"secrets": (SecretRef(name="DB", remote_key="bad key"),)},
            False,
            r"`app\.secrets\[0\]\.remote_key`: must be a Secrets Manager",
        ),
        (
            {"secrets": (SecretRef(name="DB", remote_key="a"), SecretRef(name="DB", remote_key="b"))},
            False,
            r"`app\.secrets`: secret name must be unique",
        ),
        ({"allowed_peers": ("Admin",)}, False, r"`app\.allowed_peers\[0\]`: must be a DNS-1123 label"),
        ({"allowed_peers": ("api",)}, False, r"`app\.allowed_peers\[0\]`: must name another application"),
        ({"allowed_peers": ("admin", "admin")}, False, r"`app\.allowed_peers`: peer must be unique"),
        ({"run_as_user": 0}, False, r"`app\.run_as_user`: must be a whole number from 1000 to 2147483647"),
        (
            {"priority_class": "urgent"},
            False,
            r"`app\.priority_class`: must be one of the baseline's priority classes, or None for the cluster's "
            r"default \(got 'urgent'\); fix: use one of \['critical', 'low', 'normal'\], or None on a cluster "
            r"without the baseline",
        ),
    ],
)
def test_errors(changes: dict[str, Any], production: bool, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        spec(**changes).validate("app", stage=Stage.PROD if production else Stage.DEV)


@pytest.mark.parametrize("tag", ["latest", "v 1", ".hidden", "t" * 129, None])
def test_require_image_tag_refuses_unpinned_or_malformed_tags(tag: object) -> None:
    with pytest.raises(ConfigError, match=r"`x\.image_tag`: must be a pinned image tag \(not 'latest'\).*fix: use a release tag such as '1\.0'"):
        require_image_tag("x.image_tag", tag, example="1.0")


def test_require_image_tag_returns_a_pinned_tag() -> None:
    assert require_image_tag("x.image_tag", "v1.4.2_build-7", example="1.0") == "v1.4.2_build-7"
