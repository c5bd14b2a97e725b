"""What we verified about each catalog chart, at the version the catalog pins.

For every add-on this records where the chart was read (repository, tag or commit, chart folder),
when, and the dotted value paths our values builders set that the chart at that version really
has: as keys of its ``values.yaml`` or ``values.schema.json``, or, where the key is only a comment
in ``values.yaml``, read by its templates (the comment next to such a path says so). A path is
recorded where our value stops being the chart's structure: maps and lists the chart passes through
as they are (``annotations``, ``extraArgs``, ``tolerations``, a ``storageSpec`` handed to the
operator's CRD) are one path each. ``tests/platform/test_chart_values.py`` walks the values every
add-on renders and fails on any key not covered here, so a values builder cannot set a key the
pinned chart does not read, and a version bump means reading the new chart again.

Each add-on's module (:mod:`constructs_lib.platform.addons`) holds its own facts as ``facts``; this
module collects them. These are facts in our words, not copies of the charts' files. Read on 2026-12-02 from the
projects' repositories as they stood then (snapshots of 2026-08 for most of them).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from constructs_lib.platform.addon import VERIFIED_ON, ChartFacts
from constructs_lib.platform.addons.builtin import BUILTIN_ADDONS

__all__ = ["CHART_FACTS", "VERIFIED_ON", "ChartFacts"]

#: Add-on name -> what we verified about its chart, for every built-in add-on.
CHART_FACTS: Mapping[str, ChartFacts] = MappingProxyType(
    {name: addon.facts for name, addon in BUILTIN_ADDONS.items() if addon.facts is not None}
)
