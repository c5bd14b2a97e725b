"""The application rules' one home (``constructs_lib.apps.rules``): the config and the ``Applications``
construct report the same rule, value and fix for the same application, each under its own path root."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from constructs_lib.apps import rules
from constructs_lib.apps.application import ApplicationsProps
from constructs_lib.apps.config import ApplicationSpec, SecretRef
from constructs_lib.apps.rules import ApplicationOffer, require_applications_fit, require_certificate
from constructs_lib.config import EnvironmentConfig
from constructs_lib.errors import ConfigError
from constructs_lib.stage import Stage
from tests.fixtures import DEV

#: DEV's applications without the database and bucket (the construct's props below offer neither).
PLAIN = tuple(dataclasses.replace(a, database=None, bucket=False) for a in DEV.applications)


def _config(applications: tuple[ApplicationSpec, ...]) -> EnvironmentConfig:
    return dataclasses.replace(DEV, applications=applications)


def _props(applications: tuple[ApplicationSpec, ...]) -> ApplicationsProps:
    """What PlatformStack gives the construct for DEV, without the jsii objects the rules do not read."""
    return ApplicationsProps(
        applications=applications,
        repository_urls={r.name: f"registry/{r.name}" for r in DEV.repositories},
        name_prefix=DEV.prefix,
        stage=DEV.stage,
        node_groups={group.name: group for group in DEV.node_groups},
    )


def _with(index: int, **changes: Any) -> tuple[ApplicationSpec, ...]:
    applications = list(PLAIN)
    applications[index] = dataclasses.replace(applications[index], **changes)
    return tuple(applications)


def _error(check: Callable[[], object]) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        check()
    return caught.value


@pytest.mark.parametrize(
    ("applications", "field"),
    [
        (_with(1, allowed_peers=("billing",)), "applications[1].allowed_peers[0]"),
        (_with(0, repository="apps/nowhere"), "applications[0].repository"),
        (_with(0, secrets=(SecretRef(name="DB", remote_key="eks-platform-prod/api/db"),)), "applications[0].secrets[0].remote_key"),
        (_with(0, node_group="system"), "applications[0].node_group"),
        (_with(0, name="a" * 48), "applications[0].name"),
        ((*PLAIN, PLAIN[0]), "applications"),
        (_with(1, name="velero", allowed_peers=()), "applications[1].name"),
    ],
    ids=["peer", "repository", "secret-prefix", "system-node-group", "role-name", "duplicate", "namespace"],
)
def test_config_and_construct_report_the_same_rule(applications: tuple[ApplicationSpec, ...], field: str) -> None:
    from_config = _error(_config(applications).validate)
    from_props = _error(lambda: _props(applications).validate("props"))
    assert (from_config.path, from_props.path) == (f"dev.{field}", f"props.{field}")
    assert (from_props.rule, from_props.value, from_props.fix) == (from_config.rule, from_config.value, from_config.fix)


def test_both_callers_ask_the_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    original = rules.require_applications_fit

    def counting(path: str, applications: Any, *, stage: Stage, offer: ApplicationOffer) -> None:
        calls.append(path)
        original(path, applications, stage=stage, offer=offer)

    monkeypatch.setattr("constructs_lib.config.require_applications_fit", counting)
    monkeypatch.setattr("constructs_lib.apps.application.require_applications_fit", counting)
    _config(PLAIN).validate()
    _props(PLAIN).validate("props")
    assert calls == ["dev", "props"]


def test_rules_the_caller_does_not_know_are_skipped() -> None:
    """A construct used alone knows no target ports, load balancer controller or region."""
    offer = ApplicationOffer(name_prefix="p-dev", repositories=("apps/api",), node_groups=(), external_secrets=False)
    spec = ApplicationSpec(name="api", repository="apps/api", image_tag="v1.0.0", port=9000, database="app")
    with_ingress = dataclasses.replace(spec, ingress=DEV.applications[0].ingress)
    require_applications_fit(
        "props", (dataclasses.replace(with_ingress, database=None),), stage=Stage.DEV, offer=offer
    )
    error = _error(lambda: require_applications_fit("props", (spec,), stage=Stage.DEV, offer=offer))
    assert (error.path, error.rule) == (
        "props.applications[0].database",
        "needs the external_secrets add-on, which syncs the database credentials from Secrets Manager",
    )


def test_a_known_port_range_is_checked() -> None:
    offer = ApplicationOffer(
        name_prefix="p-dev",
        repositories=("apps/api",),
        node_groups=(),
        external_secrets=False,
        node_target_ports=(8080, 8080),
    )
    spec = dataclasses.replace(PLAIN[0], port=9000)
    error = _error(lambda: require_applications_fit("props", (spec,), stage=Stage.DEV, offer=offer))
    assert (error.path, error.value) == ("props.applications[0].port", 9000)


def test_certificate_of_another_region_is_refused() -> None:
    arn = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
    error = _error(lambda: require_certificate("x", arn, region="us-east-1", account_id=None))
    assert error.rule.startswith("must be an ACM certificate in the environment's region us-east-1")
