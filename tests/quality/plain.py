"""Configs as the plain JSON data a user writes in an environments file (`tests/fixtures.py`'s by default)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from typing import Any

from constructs_lib.validation import enum_file_name
from tests.fixtures import DEV, PROD

__all__ = ["first_environment", "plain", "to_plain"]


def to_plain(value: Any) -> Any:
    """A config as the JSON a user would write (enums by lowercase member name, tuples as lists)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
    if isinstance(value, enum.Enum):
        return enum_file_name(value)
    if isinstance(value, tuple | list):
        return [to_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: to_plain(item) for key, item in value.items()}
    return value


def plain(mutate: Callable[[dict[str, Any]], object]) -> Callable[[], dict[str, Any]]:
    """The file ``{"environments": [dev, prod]}`` with ``mutate`` applied to it."""

    def build() -> dict[str, Any]:
        data = {"environments": [to_plain(DEV), to_plain(PROD)]}
        mutate(data)
        return data

    return build


def first_environment(data: dict[str, Any]) -> dict[str, Any]:
    environments: list[dict[str, Any]] = data["environments"]
    return environments[0]
