"""``ApplicationSpec.volume``: one pod with a persistent gp3 volume (seed 000's Home Assistant keeps
its configuration in ``/config``), updated by Recreate, its claim never waited on until bound."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import cdktf
import pytest
from cdktf import TerraformStack

from constructs_lib.apps.application import Application, ApplicationProps, Applications, ApplicationsProps
from constructs_lib.apps.config import ApplicationSpec, VolumeSpec
from constructs_lib.errors import ConfigError
from constructs_lib.platform.config import ResourceQuotaSpec
from constructs_lib.platform_stack import PlatformStack
from constructs_lib.protections import Protections
from constructs_lib.stage import Stage
from tests.fixtures import DEV, PROD
from tests.helpers import Synth, resources, synth

NOTES = ApplicationSpec(
    name="notes",
    repository="apps/worker",
    image_tag="v1.0.0",
    replicas=1,
    max_replicas=1,
    volume=VolumeSpec(name="state", mount_path="/config", size="5Gi"),
)


@pytest.fixture(scope="module")
def doc() -> Synth:
    config = dataclasses.replace(DEV, applications=(*DEV.applications, NOTES))
    return dict(json.loads(cdktf.Testing.synth(PlatformStack(cdktf.Testing.app(), config))))


def _one(doc: Synth, kind: str, fragment: str) -> tuple[str, dict[str, Any]]:
    (found,) = [(address, body) for address, body in resources(doc, kind).items() if fragment in address]
    return found[0], dict(found[1])


def test_the_claim(doc: Synth) -> None:
    address, claim = _one(doc, "kubernetes_persistent_volume_claim_v1", "applications_notes_")
    assert claim["metadata"]["name"] == "notes-state"
    assert claim["metadata"]["namespace"] == "notes"
    # Stable labels: no image version on an object that outlives every image tag.
    assert "app.kubernetes.io/version" not in claim["metadata"]["labels"]
    assert claim["spec"] == {
        "access_modes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "5Gi"}},
        "storage_class_name": "gp3",
    }
    # gp3 binds when the pod is scheduled: waiting for the binding would hang the apply.
    assert claim["wait_until_bound"] is False
    assert address.startswith("applications_notes_volume_")


def test_the_deployment_mounts_the_claim_and_recreates(doc: Synth) -> None:
    _, deployment = _one(doc, "kubernetes_deployment_v1", "applications_notes_")
    spec = deployment["spec"]
    assert spec["strategy"] == {"type": "Recreate"}
    pod = spec["template"]["spec"]
    assert {"name": "data", "persistent_volume_claim": {"claim_name": "notes-state"}} in pod["volume"]
    assert {"name": "data", "mount_path": "/config"} in pod["container"][0]["volume_mount"]
    claim, _ = _one(doc, "kubernetes_persistent_volume_claim_v1", "applications_notes_")
    assert f"kubernetes_persistent_volume_claim_v1.{claim}" in deployment["depends_on"]


def test_an_application_without_a_volume_is_unchanged(doc: Synth) -> None:
    _, deployment = _one(doc, "kubernetes_deployment_v1", "applications_worker_")
    assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"
    assert "persistent_volume_claim" not in json.dumps(deployment)
    assert [a for a in resources(doc, "kubernetes_persistent_volume_claim_v1") if "worker" in a] == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"replicas": 2, "max_replicas": 2}, r"`app\.volume`: needs exactly one pod \(replicas=1, max_replicas=1\)"),
        ({"max_replicas": 3}, r"`app\.volume`: needs exactly one pod .*\(got 'replicas=1, max_replicas=3'\)"),
        ({"volume": VolumeSpec(name="state", mount_path="/tmp")}, r"`app\.volume\.mount_path`: must not be or lie under"),
        (
            {"volume": VolumeSpec(name="state", mount_path="/etc/secrets/db")},
            r"`app\.volume\.mount_path`: must not be or lie under the platform's mounts \['/tmp', '/etc/secrets'\]",
        ),
        ({"volume": VolumeSpec(name="state", mount_path="/config", size="500Mi")}, r"`app\.volume\.size`: must be a"),
        ({"volume": VolumeSpec(name="State", mount_path="/config")}, r"`app\.volume\.name`: must be a DNS-1123 label"),
    ],
    ids=["replicas", "max-replicas", "tmp", "secrets", "size", "name"],
)
def test_a_bad_volume_names_its_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        dataclasses.replace(NOTES, **changes).validate("app", stage=Stage.DEV)


def test_a_volume_mount_beside_the_platforms_is_fine() -> None:
    dataclasses.replace(NOTES, volume=VolumeSpec(name="state", mount_path="/tmpdata")).validate("app", stage=Stage.DEV)


def test_the_quota_counts_no_surge_pod_for_a_recreated_application() -> None:
    """One pod and a quota of one: fine with a volume (Recreate), refused without (the surge pod)."""

    def props(spec: ApplicationSpec) -> ApplicationProps:
        return ApplicationProps(
            spec=spec,
            repository_url="123456789012.dkr.ecr.us-east-1.amazonaws.com/apps/worker",
            stage=Stage.DEV,
            load_balancer_group="eks-platform-dev",
            quota=ResourceQuotaSpec(pods=1),
        )

    props(NOTES).validate("props")
    with pytest.raises(ConfigError, match=r"`props\.spec\.max_replicas`: max_replicas \(\+ 1 surge pod without a volume\)"):
        props(dataclasses.replace(NOTES, volume=None)).validate("props")


def test_prod_protects_the_claim_and_dev_does_not(doc: Synth) -> None:
    _, claim = _one(doc, "kubernetes_persistent_volume_claim_v1", "applications_notes_")
    assert "lifecycle" not in claim  # dev: the environment's protections, no prevent_destroy
    config = dataclasses.replace(PROD, applications=(*PROD.applications, NOTES))
    prod = dict(json.loads(cdktf.Testing.synth(PlatformStack(cdktf.Testing.app(), config))))
    _, claim = _one(prod, "kubernetes_persistent_volume_claim_v1", "applications_notes_")
    assert claim["lifecycle"] == {"prevent_destroy": True}


def _plain(protections: Protections | None) -> Synth:
    def build(stack: TerraformStack) -> None:
        Application(
            stack,
            "notes",
            props=ApplicationProps(
                spec=NOTES,
                repository_url="123456789012.dkr.ecr.us-east-1.amazonaws.com/apps/worker",
                stage=Stage.DEV,
                load_balancer_group="notes",
                protections=protections,
            ),
        )

    return synth(build)


def test_outside_an_environment_a_volume_needs_protections() -> None:
    with pytest.raises(ConfigError, match=r"^`applications\.notes\.protections`: must be given outside an EnvironmentStack"):
        _plain(None)
    _, claim = _one(_plain(Protections.for_stage(Stage.PROD)), "kubernetes_persistent_volume_claim_v1", "notes_volume")
    assert claim["lifecycle"] == {"prevent_destroy": True}


def test_outside_an_environment_an_application_without_a_volume_needs_no_protections() -> None:
    def build(stack: TerraformStack) -> None:
        Application(
            stack,
            "plain",
            props=ApplicationProps(
                spec=ApplicationSpec(name="plain", repository="apps/plain", image_tag="v1.0.0"),
                repository_url="123456789012.dkr.ecr.us-east-1.amazonaws.com/apps/plain",
                stage=Stage.DEV,
                load_balancer_group="plain",
            ),
        )

    assert resources(synth(build), "kubernetes_deployment_v1")


def test_applications_pass_their_protections_on() -> None:
    def build(stack: TerraformStack) -> None:
        Applications(
            stack,
            "applications",
            props=ApplicationsProps(
                applications=(NOTES,),
                repository_urls={"apps/worker": "123456789012.dkr.ecr.us-east-1.amazonaws.com/apps/worker"},
                name_prefix="eks-platform-prod",
                stage=Stage.PROD,
                protections=Protections.for_stage(Stage.PROD),
            ),
        )

    _, claim = _one(synth(build), "kubernetes_persistent_volume_claim_v1", "applications_notes_volume")
    assert claim["lifecycle"] == {"prevent_destroy": True}
