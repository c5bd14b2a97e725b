"""``ApplicationSpec.egress`` (destinations outside the cluster) and ``priority_class=None`` (a cluster
without the library's baseline): seed 001's web app on a cluster someone else runs."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.apps.application import Application
from constructs_lib.apps.config import ApplicationSpec, EgressSpec
from constructs_lib.errors import ConfigError
from constructs_lib.platform.namespace import IMDS_CIDR
from constructs_lib.protections import Stage
from tests.apps.test_application import props
from tests.helpers import Synth, network_policy, resources, synth

WEB = ApplicationSpec(
    name="web",
    repository="apps/web",
    image_tag="v1.0.0",
    egress=(
        EgressSpec(cidr="10.30.224.0/24", port=5432),
        EgressSpec(cidr="0.0.0.0/0", port=443),
    ),
    priority_class=None,
)


@pytest.fixture(scope="module")
def doc() -> Synth:
    def build(stack: TerraformStack) -> None:
        Application(stack, "web", props=props(WEB))
        Application(stack, "plain", props=props(ApplicationSpec(name="plain", repository="apps/plain", image_tag="v1.0.0")))

    return synth(build)


def _pod(doc: Synth, namespace: str) -> Any:
    (deployment,) = [b for b in resources(doc, "kubernetes_deployment_v1").values() if b["metadata"]["namespace"] == namespace]
    return deployment["spec"]["template"]["spec"]


def test_each_destination_is_one_egress_rule(doc: Synth) -> None:
    egress = network_policy(doc, "web", "allow-egress")["egress"]
    assert egress == [
        {"to": [{"ip_block": {"cidr": "10.30.224.0/24"}}], "ports": [{"port": "5432", "protocol": "TCP"}]},
        # A range holding the instance metadata service never reaches it.
        {"to": [{"ip_block": {"cidr": "0.0.0.0/0", "except": [IMDS_CIDR]}}], "ports": [{"port": "443", "protocol": "TCP"}]},
    ]


def test_without_destinations_there_is_no_egress_policy(doc: Synth) -> None:
    assert network_policy(doc, "plain", "allow-egress") is None


def test_no_priority_class_leaves_the_field_out(doc: Synth) -> None:
    assert "priority_class_name" not in _pod(doc, "web")
    assert _pod(doc, "plain")["priority_class_name"] == "normal"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"egress": (EgressSpec(cidr="10.30.224.1/24", port=5432),)}, r"`app\.egress\[0\]\.cidr`: must be"),
        ({"egress": (EgressSpec(cidr="10.30.224.0/24", port=0),)}, r"`app\.egress\[0\]\.port`: must be"),
        (
            {"egress": (EgressSpec(cidr="10.30.224.0/24", port=5432),) * 2},
            r"`app\.egress`: egress destination must be unique",
        ),
        ({"priority_class": "urgent"}, r"`app\.priority_class`: must be one of the baseline's priority classes, or None"),
    ],
    ids=["cidr", "port", "duplicate", "priority-class"],
)
def test_bad_egress_and_priority_class_name_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        dataclasses.replace(WEB, **changes).validate("app", stage=Stage.DEV)
