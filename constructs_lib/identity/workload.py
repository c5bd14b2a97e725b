"""The AWS identity of one workload's service account, whichever way (IRSA or Pod Identity) it is given.

:class:`WorkloadRole` is what the identity tier hands to the workload tiers (Helm add-ons,
applications): the role ARN, how pods get it (:class:`~constructs_lib.cluster.config.IdentityMode`),
the annotations the service account must carry for it, and what a pod using it must wait for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from cdktf import ITerraformDependable

from constructs_lib.cluster.config import IdentityMode
from constructs_lib.identity.irsa import ROLE_ARN_ANNOTATION

__all__ = ["WorkloadRole"]


@dataclass(frozen=True)
class WorkloadRole:
    """A role bound to one workload's service account."""

    role_arn: str
    #: IRSA: the service account carries the role-arn annotation. POD_IDENTITY: an association binds it.
    mode: IdentityMode
    #: What a pod of the workload waits for before it starts: with Pod Identity, its association and
    #: the ``eks-pod-identity-agent`` add-on (a pod started earlier gets no credentials until it is
    #: restarted). Default none (IRSA needs nothing beyond the role).
    depends_on: Sequence[ITerraformDependable] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "depends_on", tuple(self.depends_on))

    @property
    def service_account_annotations(self) -> Mapping[str, str]:
        """The service account's annotations for the role: the IRSA role-arn one, or none with Pod Identity."""
        if self.mode is IdentityMode.IRSA:
            return MappingProxyType({ROLE_ARN_ANNOTATION: self.role_arn})
        return MappingProxyType({})
