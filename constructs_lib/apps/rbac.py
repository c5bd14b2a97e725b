"""The one Role every application workload's service account gets: read its own ConfigMap and Secret.

One home for :class:`~constructs_lib.apps.application.Application` and
:class:`~constructs_lib.apps.stateful.StatefulWorkload`: ``get`` and ``list`` limited by
``resourceNames`` to ``<config_name>`` and ``<secret_name>`` (a list only matches when it selects the
object by name: the tightest RBAC allows), bound to the service account ``<name>``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_kubernetes.role_binding_v1 import (
    RoleBindingV1,
    RoleBindingV1Metadata,
    RoleBindingV1RoleRef,
    RoleBindingV1Subject,
)
from cdktf_cdktf_provider_kubernetes.role_v1 import RoleV1, RoleV1Metadata, RoleV1Rule
from constructs import Construct

__all__ = ["read_own_config"]


def read_own_config(
    scope: Construct,
    *,
    name: str,
    labels: Mapping[str, str],
    config_name: str,
    secret_name: str,
    depends_on: Sequence[ITerraformDependable],
) -> tuple[RoleV1, RoleBindingV1]:
    """Role ``<name>-read-own-config`` and its binding to service account ``<name>`` in namespace
    ``<name>``, as children ``role`` and ``role-binding`` of ``scope`` (their terraform addresses)."""
    role_name = f"{name}-read-own-config"
    role = RoleV1(
        scope,
        "role",
        metadata=RoleV1Metadata(name=role_name, namespace=name, labels=dict(labels)),
        rule=[
            RoleV1Rule(api_groups=[""], resources=[kind], verbs=["get", "list"], resource_names=[own])
            for kind, own in (("configmaps", config_name), ("secrets", secret_name))
        ],
        depends_on=list(depends_on),
    )
    binding = RoleBindingV1(
        scope,
        "role-binding",
        metadata=RoleBindingV1Metadata(name=role_name, namespace=name, labels=dict(labels)),
        role_ref=RoleBindingV1RoleRef(api_group="rbac.authorization.k8s.io", kind="Role", name=role_name),
        subject=[RoleBindingV1Subject(kind="ServiceAccount", name=name, namespace=name)],
        depends_on=list(depends_on),
    )
    return role, binding
