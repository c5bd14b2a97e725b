"""The hardened security context every application workload runs with: one home for both
:class:`~constructs_lib.apps.application.Application` (Deployment) and
:class:`~constructs_lib.apps.stateful.StatefulWorkload` (StatefulSet).

Both functions return fresh dictionaries in the provider bindings' snake_case field names: jsii
struct arguments accept a dict and build the struct from it, so each construct passes the same
mapping to its own ``...SecurityContext`` type and no two workloads share a mutable object.

What they say (Pod Security Standard "restricted", which application namespaces enforce):

* pod: a non-root user, group and ``fsGroup`` (volumes are group-owned by the workload's GID, so it
  can write them), seccomp ``RuntimeDefault``;
* container: non-root, read-only root filesystem, no privilege escalation, every capability
  dropped, seccomp ``RuntimeDefault``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["container_security_context", "pod_security_context"]

#: The seccomp profile of pods and containers: the container runtime's default filter.
_SECCOMP = "RuntimeDefault"


def pod_security_context(run_as_user: int) -> dict[str, Any]:
    """The pod's security context: user, group and fsGroup ``run_as_user``, non-root, RuntimeDefault seccomp."""
    user = str(run_as_user)
    return {
        "run_as_non_root": True,
        "run_as_user": user,
        "run_as_group": user,
        "fs_group": user,
        "seccomp_profile": {"type": _SECCOMP},
    }


def container_security_context() -> dict[str, Any]:
    """The container's security context: non-root, read-only root, no escalation, no capabilities."""
    return {
        "run_as_non_root": True,
        "read_only_root_filesystem": True,
        "allow_privilege_escalation": False,
        "capabilities": {"drop": ["ALL"]},
        "seccomp_profile": {"type": _SECCOMP},
    }
