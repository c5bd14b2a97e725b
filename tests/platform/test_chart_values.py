"""Every value our add-ons set is a key the pinned chart has (constructs_lib.platform.chart_facts)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from constructs_lib.platform.addons import PlatformAddons
from constructs_lib.platform.catalog import CATALOG
from constructs_lib.platform.chart_facts import CHART_FACTS
from tests.helpers import Synth, resources, synth
from tests.platform.test_addons import PROPS
from tests.platform.test_karpenter import KARPENTER_PROPS


@pytest.fixture(scope="module")
def doc() -> Synth:
    """Every add-on on (test_addons' PROPS), and karpenter (test_karpenter's KARPENTER_PROPS) beside it."""
    everything = synth(lambda stack: PlatformAddons(stack, "addons", props=PROPS))
    karpenter = synth(lambda stack: PlatformAddons(stack, "addons", props=KARPENTER_PROPS))
    return {"resource": {"helm_release": {**resources(karpenter, "helm_release"), **resources(everything, "helm_release")}}}


def rendered(doc: Synth, name: str) -> dict[str, Any]:
    (body,) = [b for b in resources(doc, "helm_release").values() if b["name"] == CATALOG[name].release_name]
    return dict(json.loads(body["values"][0]))


def uncovered(values: Mapping[str, Any], known: frozenset[str], prefix: str = "") -> Iterator[str]:
    """Dotted paths in ``values`` that no recorded path covers.

    A recorded path covers everything below it (a free-form map or list the chart passes through);
    a map that is not recorded is walked into; anything else that is not recorded is uncovered.
    """
    for key, value in values.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        if path in known:
            continue
        if isinstance(value, Mapping) and value:
            yield from uncovered(value, known, path)
        else:
            yield path


def test_every_catalog_entry_has_facts() -> None:
    assert sorted(CHART_FACTS) == sorted(CATALOG)


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_catalog_pins_the_verified_version(name: str) -> None:
    assert CATALOG[name].source.version == CHART_FACTS[name].version


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_value_we_set_exists_in_the_chart(doc: Synth, name: str) -> None:
    assert list(uncovered(rendered(doc, name), CHART_FACTS[name].value_paths)) == []


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_every_recorded_path_is_used(doc: Synth, name: str) -> None:
    """No stale facts: each recorded path is a key (or the parent of keys) we actually set."""
    values = rendered(doc, name)

    def present(path: str) -> bool:
        node: Any = values
        for part in path.split("."):
            if not isinstance(node, Mapping) or part not in node:
                return False
            node = node[part]
        return True

    assert [path for path in sorted(CHART_FACTS[name].value_paths) if not present(path)] == []


def test_a_key_the_chart_lacks_is_caught(doc: Synth) -> None:
    """The review's cert-manager failure: a top-level priorityClassName, which v1.20's schema rejects."""
    values = {**rendered(doc, "cert_manager"), "priorityClassName": "system-cluster-critical"}
    assert list(uncovered(values, CHART_FACTS["cert_manager"].value_paths)) == ["priorityClassName"]


def test_a_misplaced_nested_key_is_caught(doc: Synth) -> None:
    values = rendered(doc, "metrics_server")
    values["podDisruptionBudget"] = {**values["podDisruptionBudget"], "minAvailible": 1}
    assert list(uncovered(values, CHART_FACTS["metrics_server"].value_paths)) == ["podDisruptionBudget.minAvailible"]


def test_free_form_maps_count_as_one_path(doc: Synth) -> None:
    annotations = rendered(doc, "ingress_nginx")["controller"]["service"]["annotations"]
    assert len(annotations) > 1 and "controller.service.annotations" in CHART_FACTS["ingress_nginx"].value_paths


def test_cert_manager_schema_is_closed() -> None:
    assert CHART_FACTS["cert_manager"].closed_schema is True


@pytest.mark.parametrize("name", sorted(CATALOG))
def test_facts_say_where_and_when_they_were_read(name: str) -> None:
    facts = CHART_FACTS[name]
    assert (facts.repository.count("/"), bool(facts.ref), bool(facts.chart_path), facts.verified_on) == (
        1,
        True,
        True,
        "2026-12-02",
    )
