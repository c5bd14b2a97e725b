"""The stage of an environment (dev, staging, prod), in a module of its own so that every config
module can read it without importing another.

What the stage decides, and what it no longer decides (the resource protections), is listed in one
place: the docstring of :mod:`constructs_lib.protections`.
"""

from __future__ import annotations

import enum

__all__ = ["Stage"]


class Stage(enum.Enum):
    """The stage of an environment: its policy (rules and config defaults) and, through
    :meth:`~constructs_lib.protections.Protections.for_stage`, its default protections."""

    DEV = "dev"
    STAGING = "staging"
    PROD = "prod"
