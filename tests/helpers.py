"""Helpers shared by the construct tests: synthesize a small stack and look into its JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from cdktf import App, TerraformStack, Testing

import constructs_lib  # noqa: F401  (installs the fast provider loading first)
from constructs_lib.protections import Protections, Stage

Synth = dict[str, Any]

#: The reviewed protections of the prod and dev stages, for constructs built by hand in tests.
PROD = Protections.for_stage(Stage.PROD)
DEV = Protections.for_stage(Stage.DEV)


def synth(build: Callable[[TerraformStack], object], *, stack_id: str = "test") -> Synth:
    """Build a fresh stack with ``build(stack)`` and return its synthesized JSON as a dict."""
    app: App = Testing.app()
    stack = TerraformStack(app, stack_id)
    build(stack)
    return dict(json.loads(Testing.synth(stack)))


def resources(doc: Synth, resource_type: str) -> dict[str, Any]:
    """All resources of ``resource_type`` in ``doc``, keyed by their construct-derived name."""
    return dict(doc.get("resource", {}).get(resource_type, {}))


def data_sources(doc: Synth, data_type: str) -> dict[str, Any]:
    """All data sources of ``data_type`` in ``doc``."""
    return dict(doc.get("data", {}).get(data_type, {}))


def network_policy(doc: Synth, namespace: str, name: str) -> Any:
    """The spec of NetworkPolicy ``namespace/name``, or None if the stack has no such policy."""
    found = [
        b
        for b in resources(doc, "kubernetes_network_policy_v1").values()
        if b["metadata"]["namespace"] == namespace and b["metadata"]["name"] == name
    ]
    return found[0]["spec"] if found else None


def only(doc: Synth, resource_type: str) -> Any:
    """The single resource of ``resource_type``; fails if there are none or several."""
    found = resources(doc, resource_type)
    assert len(found) == 1, f"expected one {resource_type}, found {sorted(found)}"
    return next(iter(found.values()))
