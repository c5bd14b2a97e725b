"""Cluster-wide baseline: priority classes and the encrypted gp3 default StorageClass."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_kubernetes.annotations import Annotations, AnnotationsMetadata
from cdktf_cdktf_provider_kubernetes.priority_class_v1 import PriorityClassV1, PriorityClassV1Metadata
from cdktf_cdktf_provider_kubernetes.storage_class_v1 import StorageClassV1, StorageClassV1Metadata
from constructs import Construct

from constructs_lib.platform.addons import GP3_STORAGE_CLASS
from constructs_lib.protections import Protections, require_protections
from constructs_lib.validation import is_reference, require

__all__ = ["DEFAULT_CLASS_ANNOTATION", "PRIORITY_CLASSES", "ClusterBaseline", "PriorityClassSpec"]

#: The annotation that marks the cluster's default StorageClass.
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"


@dataclass(frozen=True)
class PriorityClassSpec:
    """One priority class."""

    value: int
    description: str
    #: Exactly one class is the global default (pods without ``priorityClassName`` get it).
    global_default: bool = False
    #: ``Never``: pods of this class never evict others, they only queue ahead of them.
    preemption_policy: str = "PreemptLowerPriority"


#: critical > normal (the default) > low. Values stay far below ``system-cluster-critical`` (2e9),
#: which the cluster add-ons use.
PRIORITY_CLASSES: Mapping[str, PriorityClassSpec] = MappingProxyType(
    {
        "critical": PriorityClassSpec(100000, "Business-critical workloads; may preempt normal and low pods."),
        "normal": PriorityClassSpec(1000, "Default priority of application pods.", global_default=True),
        "low": PriorityClassSpec(
            100, "Batch and best-effort work; never preempts other pods.", preemption_policy="Never"
        ),
    }
)


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

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        protections: Protections,
        kms_key_arn: str | None = None,
        demote_gp2: bool = True,
        depends_on: Sequence[ITerraformDependable] = (),
    ) -> None:
        require(
            kms_key_arn is None or is_reference(kms_key_arn) or kms_key_arn.startswith("arn:aws"),
            "kms_key_arn",
            "must be a KMS key ARN",
            kms_key_arn,
            "pass a key's `key_arn`, or None for the account's aws/ebs key",
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
