"""A typed Helm release: chart, pinned version, namespace, values rendered as deterministic JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from cdktf import ITerraformDependable
from cdktf_cdktf_provider_helm.release import Release
from constructs import Construct

from constructs_lib.validation import require, require_dns_label, require_range

__all__ = ["ChartSource", "HelmAddon", "HelmAddonProps", "render_values"]

#: An exact SemVer chart version, optionally with a leading ``v`` (cert-manager publishes ``v1.20.2``).
_EXACT_VERSION = re.compile(r"^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")

#: Seconds helm waits for a release's resources to become ready. 600: large charts (prometheus) need
#: several minutes on fresh nodes; a stuck release still fails the apply instead of hanging.
DEFAULT_TIMEOUT_SECONDS = 600

#: Release revisions helm keeps for ``helm rollback``. 10: enough history, bounded secret count.
DEFAULT_MAX_HISTORY = 10


@dataclass(frozen=True)
class ChartSource:
    """Where a chart comes from: an https or oci repository with an exact version, or a local path."""

    #: Chart name in the repository, the full ``oci://`` reference, or a local chart directory.
    chart: str
    #: ``https://`` repository URL; None for oci references and local charts.
    repository: str | None = None
    #: Exact chart version (no ranges); None only for local charts, whose content is versioned with the package.
    version: str | None = None

    def validate(self, path: str) -> None:
        """Check the source; raises ConfigError."""
        local = self.repository is None and not self.chart.startswith("oci://")
        require(
            self.repository is None or self.repository.startswith("https://"),
            f"{path}.repository",
            "must be an https:// chart repository",
            self.repository,
            "use the chart's official https repository, or an oci:// chart reference",
        )
        require(
            local or (self.version is not None and _EXACT_VERSION.match(self.version) is not None),
            f"{path}.version",
            "must pin an exact chart version such as '1.2.3' (no ranges, no latest)",
            self.version,
            "pin the version you tested, e.g. '3.6.0'",
        )


@dataclass(frozen=True, kw_only=True)
class HelmAddonProps:
    """One Helm release."""

    #: Release name (DNS-1123 label, at most 53 characters as helm requires).
    release_name: str
    source: ChartSource
    #: Namespace the release installs into; it must exist (the catalog creates it with PSS labels).
    namespace: str
    #: Chart values; rendered as sorted, compact JSON so synthesis is byte-identical on every run.
    values: Mapping[str, Any] = field(default_factory=dict)
    #: Resources the release must wait for (node groups, the operator whose CRDs it uses, ...).
    depends_on: Sequence[ITerraformDependable] = ()
    #: Default 600 s; see :data:`DEFAULT_TIMEOUT_SECONDS`.
    timeout_seconds: int = DEFAULT_TIMEOUT_SECONDS

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "depends_on", tuple(self.depends_on))


def render_values(values: Mapping[str, Any]) -> str:
    """Chart values as compact JSON with sorted keys (YAML is a superset of JSON, so helm reads it)."""
    return json.dumps(_plain(values), sort_keys=True, separators=(",", ":"))


def _plain(value: Any) -> Any:
    """``value`` with read-only mappings and tuples turned into dicts and lists, for ``json``."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value


class HelmAddon(Construct):
    """A ``helm_release`` that is atomic (a failed install or upgrade rolls back), waits for readiness,
    cleans up on failure and keeps :data:`DEFAULT_MAX_HISTORY` revisions.

    Attributes: ``release`` (the resource, usable in ``depends_on``), ``namespace``, ``release_name``.
    """

    def __init__(self, scope: Construct, id: str, *, props: HelmAddonProps) -> None:
        require_dns_label("props.release_name", props.release_name, max_length=53)
        require_dns_label("props.namespace", props.namespace)
        props.source.validate("props.source")
        require_range("props.timeout_seconds", props.timeout_seconds, 60, 3600)
        super().__init__(scope, id)
        self.namespace = props.namespace
        self.release_name = props.release_name
        self.release = Release(
            self,
            "release",
            name=props.release_name,
            chart=props.source.chart,
            repository=props.source.repository,
            version=props.source.version,
            namespace=props.namespace,
            create_namespace=False,
            atomic=True,
            cleanup_on_fail=True,
            wait=True,
            max_history=DEFAULT_MAX_HISTORY,
            timeout=props.timeout_seconds,
            values=[render_values(props.values)],
            depends_on=list(props.depends_on) or None,
        )
