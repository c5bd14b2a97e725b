"""The add-on catalog: each built-in add-on's chart, official repository, pinned version and namespace.

Each add-on lives in its own module under :mod:`constructs_lib.platform.addons` (chart pin, values,
permissions and the facts we verified about the chart); this module is the table view of them.
Every pinned version was read in the chart's own repository on 2026-12-02 (values, schema and the
templates behind the keys we set): :mod:`constructs_lib.platform.chart_facts` records where, and
``tests/platform/test_chart_values.py`` holds the pins and the values to those facts. Bump
deliberately, one chart at a time: read the chart's upgrade notes and the new version's values, then
update the facts. A chart version is never a range: the same config must always install the same software.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from constructs_lib.platform.addon import (
    API_SERVER_WEBHOOK_PORT,
    CRITICAL_ADDONS_TOLERATION,
    KUBELET_PORT,
    Addon,
    CatalogEntry,
    PodSecurityLevel,
)
from constructs_lib.platform.addons.builtin import BUILTIN_ADDONS
from constructs_lib.platform.addons.cluster_autoscaler import CLUSTER_AUTOSCALER_IMAGE_TAGS
from constructs_lib.platform.addons.velero import VELERO_AWS_PLUGIN_IMAGE
from constructs_lib.platform.config import AddonsConfig

__all__ = [
    "API_SERVER_WEBHOOK_PORT",
    "CATALOG",
    "CLUSTER_AUTOSCALER_IMAGE_TAGS",
    "CRITICAL_ADDONS_TOLERATION",
    "KUBELET_PORT",
    "VELERO_AWS_PLUGIN_IMAGE",
    "CatalogEntry",
    "PodSecurityLevel",
    "control_plane_ports",
]

#: Add-on name -> its catalog entry, for every built-in add-on.
CATALOG: Mapping[str, CatalogEntry] = MappingProxyType({name: addon.entry for name, addon in BUILTIN_ADDONS.items()})


def control_plane_ports(addons: AddonsConfig, extra: Iterable[Addon] = ()) -> tuple[int, ...]:
    """Ports the node security group must open to the control plane for ``addons`` (and the ``extra``
    add-ons of one's own): the kubelet's, 443, and every port their webhooks and APIs listen on, sorted."""
    ports = {KUBELET_PORT, API_SERVER_WEBHOOK_PORT}
    for name in addons.enabled():
        ports.update(BUILTIN_ADDONS[name].control_plane_ports)
    for addon in extra:
        ports.update(addon.control_plane_ports)
    return tuple(sorted(ports))
