"""ClusterBaseline: priority classes and the encrypted gp3 default StorageClass."""

from __future__ import annotations

from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConfigError
from constructs_lib.platform.baseline import DEFAULT_CLASS_ANNOTATION, ClusterBaseline, ClusterBaselineProps
from tests.helpers import DEV, PROD, Synth, only, resources, synth

KEY = "arn:aws:kms:us-east-1:123456789012:key/11111111-2222-3333-4444-555555555555"


def build(**options: Any) -> Synth:
    def _build(stack: TerraformStack) -> None:
        ClusterBaseline(stack, "baseline", props=ClusterBaselineProps(**options))

    return synth(_build)


@pytest.fixture(scope="module")
def prod() -> Synth:
    return build(protections=PROD)


@pytest.fixture(scope="module")
def dev() -> Synth:
    return build(protections=DEV, kms_key_arn=KEY, demote_gp2=False)


def priority(doc: Synth, name: str) -> Any:
    (found,) = [b for b in resources(doc, "kubernetes_priority_class_v1").values() if b["metadata"]["name"] == name]
    return found


def test_three_priority_classes(prod: Synth) -> None:
    assert sorted(b["metadata"]["name"] for b in resources(prod, "kubernetes_priority_class_v1").values()) == [
        "critical",
        "low",
        "normal",
    ]


def test_normal_is_the_only_global_default(prod: Synth) -> None:
    assert [
        b["metadata"]["name"] for b in resources(prod, "kubernetes_priority_class_v1").values() if b["global_default"]
    ] == ["normal"]


def test_priorities_are_ordered(prod: Synth) -> None:
    assert priority(prod, "critical")["value"] > priority(prod, "normal")["value"] > priority(prod, "low")["value"]


def test_low_never_preempts(prod: Synth) -> None:
    assert priority(prod, "low")["preemption_policy"] == "Never"


def test_gp3_is_the_default_class(prod: Synth) -> None:
    assert only(prod, "kubernetes_storage_class_v1")["metadata"]["annotations"] == {DEFAULT_CLASS_ANNOTATION: "true"}


def test_gp3_is_encrypted(prod: Synth) -> None:
    assert only(prod, "kubernetes_storage_class_v1")["parameters"]["encrypted"] == "true"


def test_gp3_uses_the_ebs_csi_driver(prod: Synth) -> None:
    storage = only(prod, "kubernetes_storage_class_v1")
    assert (storage["storage_provisioner"], storage["parameters"]["type"]) == ("ebs.csi.aws.com", "gp3")


def test_gp3_waits_for_first_consumer(prod: Synth) -> None:
    assert only(prod, "kubernetes_storage_class_v1")["volume_binding_mode"] == "WaitForFirstConsumer"


def test_gp3_volumes_can_grow(prod: Synth) -> None:
    assert only(prod, "kubernetes_storage_class_v1")["allow_volume_expansion"] is True


def test_prod_retains_volumes(prod: Synth) -> None:
    assert only(prod, "kubernetes_storage_class_v1")["reclaim_policy"] == "Retain"


def test_dev_deletes_volumes(dev: Synth) -> None:
    assert only(dev, "kubernetes_storage_class_v1")["reclaim_policy"] == "Delete"


def test_default_key_is_the_account_ebs_key(prod: Synth) -> None:
    assert "kmsKeyId" not in only(prod, "kubernetes_storage_class_v1")["parameters"]


def test_kms_key_option(dev: Synth) -> None:
    assert only(dev, "kubernetes_storage_class_v1")["parameters"]["kmsKeyId"] == KEY


def test_gp2_is_demoted_declaratively(prod: Synth) -> None:
    annotation = only(prod, "kubernetes_annotations")
    assert (annotation["kind"], annotation["metadata"], annotation["annotations"], annotation["force"]) == (
        "StorageClass",
        {"name": "gp2"},
        {DEFAULT_CLASS_ANNOTATION: "false"},
        True,
    )


def test_gp2_can_be_left_alone(dev: Synth) -> None:
    assert resources(dev, "kubernetes_annotations") == {}


def test_error_on_a_non_kms_arn() -> None:
    with pytest.raises(ConfigError, match=r"`kms_key_arn`: must be a KMS key ARN"):
        build(protections=DEV, kms_key_arn="alias/ebs")
