"""Cluster-wide baseline: priority classes and the encrypted gp3 default StorageClass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_kubernetes.annotations import Annotations, AnnotationsMetadata
from cdktf_cdktf_provider_kubernetes.priority_class_v1 import PriorityClassV1, PriorityClassV1Metadata
from cdktf_cdktf_provider_kubernetes.storage_class_v1 import StorageClassV1, StorageClassV1Metadata
from constructs import Construct

from constructs_lib.platform.addons import GP3_STORAGE_CLASS
from constructs_lib.platform.config import PRIORITY_CLASSES, PriorityClassSpec
from constructs_lib.protections import Protections, require_protections
from constructs_lib.stack import PROTECTIONS, from_environment
from constructs_lib.validation import require_arn

__all__ = [
    "DEFAULT_CLASS_ANNOTATION",
    "PRIORITY_CLASSES",
    "ClusterBaseline",
    "ClusterBaselineProps",
    "PriorityClassSpec",
]

#: The annotation that marks the cluster's default StorageClass.
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"


@dataclass(frozen=True, kw_only=True)
class ClusterBaselineProps:
    """The cluster-wide objects of one environment."""

    #: ``retain_volumes``: the ``gp3`` class keeps volumes (``Retain``); without it they are deleted
    #: with their claim. Default None: the stack's environment's (``config.resolved_protections``);
    #: outside an ``EnvironmentStack`` a ConfigError, so a prod baseline never gets dev protections by omission.
    protections: Protections | None = None
    #: KMS key of the ``gp3`` volumes. Default None: the account's ``aws/ebs`` key.
    kms_key_arn: str | None = None
    #: Annotate the EKS-created ``gp2`` class as not default. Default on: exactly one default class.
    demote_gp2: bool = True
    #: What every object waits for (nodes, the deployer's access, DNS). Default: nothing.
    depends_on: Sequence[ITerraformDependable] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "depends_on", tuple(self.depends_on))


class ClusterBaseline(Construct):
    """Priority classes :data:`PRIORITY_CLASSES` and the ``gp3`` default StorageClass (seed 004).

    ``gp3``: EBS CSI driver, encrypted (``kms_key_arn`` or the account's ``aws/ebs`` key),
    ``WaitForFirstConsumer`` (the volume is created in the zone the pod lands in), volume expansion on;
    reclaim policy ``Retain`` with ``protections.retain_volumes`` (prod: deleting a claim keeps the
    data), ``Delete`` without it (dev and staging: a released volume would keep billing).
    With ``demote_gp2`` the EKS-created ``gp2`` class is annotated as not default through
    ``kubernetes_annotations`` (declarative; it needs the class to exist, which EKS guarantees), so
    exactly one default remains.

    Attributes: ``storage_class_name``, ``storage_class`` and ``priority_classes`` (name -> resource).
    """

    def __init__(self, scope: Construct, id: str, *, props: ClusterBaselineProps) -> None:
        protections = from_environment(scope, "protections", props.protections, PROTECTIONS)
        kms_key_arn, demote_gp2, depends_on = (
            props.kms_key_arn,
            props.demote_gp2,
            props.depends_on,
        )
        if kms_key_arn is not None:
            require_arn(
                "kms_key_arn",
                kms_key_arn,
                what="a KMS key",
                service="kms",
                fix="pass a key's `key_arn`, or None for the account's aws/ebs key",
            )
        require_protections("protections", protections)
        super().__init__(scope, id)
        after = list(depends_on) or None
        self.priority_classes: dict[str, PriorityClassV1] = {
            name: PriorityClassV1(
                self,
                f"priority-{name}",
                metadata=PriorityClassV1Metadata(name=name),
                value=spec.value,
                description=spec.description,
                global_default=spec.global_default,
                preemption_policy=spec.preemption_policy,
                depends_on=after,
            )
            for name, spec in PRIORITY_CLASSES.items()
        }
        parameters = {"type": "gp3", "encrypted": "true", "csi.storage.k8s.io/fstype": "ext4"}
        if kms_key_arn is not None:
            parameters["kmsKeyId"] = kms_key_arn
        self.storage_class_name = GP3_STORAGE_CLASS
        self.storage_class = StorageClassV1(
            self,
            "gp3",
            metadata=StorageClassV1Metadata(name=GP3_STORAGE_CLASS, annotations={DEFAULT_CLASS_ANNOTATION: "true"}),
            storage_provisioner="ebs.csi.aws.com",
            parameters=parameters,
            reclaim_policy="Retain" if protections.retain_volumes else "Delete",
            volume_binding_mode="WaitForFirstConsumer",
            allow_volume_expansion=True,
            depends_on=after,
        )
        if demote_gp2:
            Annotations(
                self,
                "gp2-not-default",
                api_version="storage.k8s.io/v1",
                kind="StorageClass",
                metadata=AnnotationsMetadata(name="gp2"),
                annotations={DEFAULT_CLASS_ANNOTATION: "false"},
                force=True,
                depends_on=after,
            )
