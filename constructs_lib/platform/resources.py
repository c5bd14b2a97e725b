"""Custom resources applied through the package's own ``platform-resources`` chart.

Why a chart and not ``kubernetes_manifest``
-------------------------------------------
``kubernetes_manifest`` reads the CRD's schema from the API server while *planning*, so a first plan
(cluster not created yet) or a plan before the operator installed its CRDs fails. A ``helm_release``
of a local chart needs the cluster only when it is applied, and ``depends_on`` the operator's release
orders it after the CRDs exist.

Where the chart comes from
--------------------------
The chart lives in ``constructs_lib/platform/charts/platform-resources``. It is registered once per
stack as a cdktf :class:`~cdktf.TerraformAsset` (a directory asset): ``cdktf synth`` copies it to
``cdktf.out/stacks/<stack>/assets/platform-resources-chart/<content hash>/`` and the release refers to
that *relative* path, so the synthesized JSON is identical on every machine and terraform finds the
chart next to the stack wherever ``cdktf.out`` is checked out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cdktf import AssetType, ITerraformDependable, TerraformAsset, TerraformStack
from constructs import Construct

from constructs_lib.platform.helm import ChartSource, HelmAddon, HelmAddonProps
from constructs_lib.validation import require

__all__ = ["CHART_DIRECTORY", "PlatformResources", "PlatformResourcesProps", "chart_asset_path"]

#: The chart inside the installed package.
CHART_DIRECTORY = Path(__file__).resolve().parent / "charts" / "platform-resources"

_ASSET_ID = "platform-resources-chart"


def chart_asset_path(scope: Construct) -> str:
    """The stack-relative path of the chart asset, registering the asset on first use in the stack."""
    stack = TerraformStack.of(scope)
    asset = stack.node.try_find_child(_ASSET_ID)
    if not isinstance(asset, TerraformAsset):
        asset = TerraformAsset(stack, _ASSET_ID, path=str(CHART_DIRECTORY), type=AssetType.DIRECTORY)
    return asset.path


@dataclass(frozen=True, kw_only=True)
class PlatformResourcesProps:
    """One release of the chart."""

    #: The helm release's name (unique in the stack's cluster).
    release_name: str
    #: Namespace of the release (the objects name their own).
    namespace: str
    #: Complete objects (``apiVersion``, ``kind``, ``metadata``, ...); at least one.
    manifests: Sequence[Mapping[str, Any]]
    #: At least the release that installs the CRDs of every kind in ``manifests``.
    depends_on: Sequence[ITerraformDependable]

    def __post_init__(self) -> None:
        object.__setattr__(self, "manifests", tuple(self.manifests))
        object.__setattr__(self, "depends_on", tuple(self.depends_on))


class PlatformResources(Construct):
    """A release of the ``platform-resources`` chart that renders ``manifests`` (complete objects).

    ``depends_on`` must include the release that installs the CRDs of every kind in ``manifests``.
    Attributes: ``release`` (the helm_release), ``addon`` (the :class:`HelmAddon`).
    """

    def __init__(self, scope: Construct, id: str, *, props: PlatformResourcesProps) -> None:
        release_name, namespace, manifests, depends_on = (
            props.release_name,
            props.namespace,
            props.manifests,
            props.depends_on,
        )
        require(
            len(manifests) > 0,
            "manifests",
            "must list at least one object",
            [],
            "drop the PlatformResources construct when there is nothing to apply",
        )
        for index, manifest in enumerate(manifests):
            require(
                all(key in manifest for key in ("apiVersion", "kind", "metadata")),
                f"manifests[{index}]",
                "must be a complete object with apiVersion, kind and metadata",
                sorted(manifest),
                "build the object with the helpers of this package",
            )
        require(
            len(depends_on) > 0,
            "depends_on",
            "must name the release that installs the CRDs of these objects",
            [],
            "pass the operator's HelmAddon.release",
        )
        super().__init__(scope, id)
        self.addon = HelmAddon(
            self,
            "chart",
            props=HelmAddonProps(
                release_name=release_name,
                source=ChartSource(chart=chart_asset_path(self)),
                namespace=namespace,
                values={"manifests": [dict(m) for m in manifests]},
                depends_on=depends_on,
            ),
        )
        self.release = self.addon.release
