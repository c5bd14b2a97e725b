"""The platform's add-ons: one module per built-in add-on (each holds its chart pin, namespace, Pod
Security level, service account, permissions, values, custom resources and chart facts, behind the
:class:`~constructs_lib.platform.addon.Addon` contract) and :class:`PlatformAddons`, which installs
them and any add-on of one's own given to :meth:`PlatformAddons.add_addon`.

Built in: :mod:`.alb_controller`, :mod:`.cluster_autoscaler`, :mod:`.metrics_server`,
:mod:`.external_secrets`, :mod:`.kube_prometheus_stack`, :mod:`.cert_manager`, :mod:`.ingress_nginx`,
:mod:`.argo_cd`, :mod:`.velero`, :mod:`.vertical_pod_autoscaler`; :data:`BUILTIN_ADDONS` lists them.
"""

from __future__ import annotations

from constructs_lib.platform.addon import GP3_STORAGE_CLASS, Addon, AddonContext, pod_security_labels
from constructs_lib.platform.addons.builtin import BUILTIN_ADDONS
from constructs_lib.platform.addons.cert_manager import CLUSTER_ISSUER_NAME
from constructs_lib.platform.addons.external_secrets import CLUSTER_SECRET_STORE_NAME, SecretStoreRef
from constructs_lib.platform.addons.platform_addons import AddonIdentity, PlatformAddons, PlatformAddonsProps

__all__ = [
    "BUILTIN_ADDONS",
    "CLUSTER_ISSUER_NAME",
    "CLUSTER_SECRET_STORE_NAME",
    "GP3_STORAGE_CLASS",
    "Addon",
    "AddonContext",
    "AddonIdentity",
    "PlatformAddons",
    "PlatformAddonsProps",
    "SecretStoreRef",
    "pod_security_labels",
]
