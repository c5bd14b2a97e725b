"""Test-session setup: jsii quiet, fast provider loading on, reference stacks synthesized once."""

from __future__ import annotations

import os

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
