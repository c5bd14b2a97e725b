"""A JSON Schema (draft 2020-12) of the environments file, generated from the dataclass model.

Everything comes from introspection, so the schema follows the model: field types, enums in the
file spelling (the lowercase member name), required fields (those without a default),
``additionalProperties: false``, collection bounds (:data:`~constructs_lib.validation.MAX_ITEMS`),
and each field's description from the ``#:`` comment above it in the source. The schema documents
the shape of a file; the rules between fields (CIDR plans, zones of the region, ...) stay in
``validate`` and are reported by :func:`~constructs_lib.config.load_environments`.
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import inspect
import textwrap
import types
import typing
from collections.abc import Mapping
from typing import Any

from constructs_lib.config import MAX_ENVIRONMENTS, EnvironmentConfig
from constructs_lib.validation import MAX_STRING_LENGTH, enum_file_name, field_hints, max_items

__all__ = ["SCHEMA_DRAFT", "environments_schema", "field_descriptions"]

SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def field_descriptions(cls: type[Any]) -> dict[str, str]:
    """Field name -> the ``#:`` comment lines just above the field in ``cls``'s source."""
    source = textwrap.dedent(inspect.getsource(cls))
    lines = source.splitlines()
    (node,) = ast.parse(source).body
    assert isinstance(node, ast.ClassDef)
    descriptions: dict[str, str] = {}
    for statement in node.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            comment: list[str] = []
            row = statement.lineno - 2  # the line above, 0-based
            while row >= 0 and lines[row].strip().startswith("#:"):
                comment.insert(0, lines[row].strip()[2:].strip())
                row -= 1
            if comment:
                descriptions[statement.target.id] = " ".join(comment)
    return descriptions


def _summary(cls: type[Any]) -> str:
    """The first paragraph of ``cls``'s docstring, on one line."""
    doc = inspect.getdoc(cls) or cls.__name__
    return " ".join(doc.split("\n\n")[0].split())


def _type_schema(hint: Any, defs: dict[str, Any], limit: int) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        _define(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    if origin in (typing.Union, types.UnionType):
        (inner,) = [o for o in typing.get_args(hint) if o is not type(None)]
        return {"anyOf": [_type_schema(inner, defs, limit), {"type": "null"}]}
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return {"enum": [enum_file_name(m) for m in hint]}
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type_schema(args[0], defs, limit), "maxItems": limit}
        items = [_type_schema(a, defs, limit) for a in args]
        return {"type": "array", "prefixItems": items, "items": False, "minItems": len(args), "maxItems": len(args)}
    if origin in (Mapping, dict):
        return {
            "type": "object",
            "additionalProperties": {"type": "string", "maxLength": MAX_STRING_LENGTH},
            "maxProperties": limit,
        }
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is str:
        return {"type": "string", "maxLength": MAX_STRING_LENGTH}
    raise TypeError(f"unsupported config type {hint!r}")  # a library bug


def _define(cls: type[Any], defs: dict[str, Any]) -> None:
    if cls.__name__ in defs:
        return
    defs[cls.__name__] = {}  # placeholder: stops recursion through self-references
    descriptions = field_descriptions(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for spec in dataclasses.fields(cls):
        if not spec.init:
            continue
        schema = _type_schema(field_hints(cls)[spec.name], defs, max_items(cls, spec.name))
        if spec.name in descriptions:
            schema = {"description": descriptions[spec.name], **schema}
        properties[spec.name] = schema
        if spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            required.append(spec.name)
    definition: dict[str, Any] = {
        "type": "object",
        "description": _summary(cls),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        definition["required"] = required
    defs[cls.__name__] = definition


def environments_schema() -> dict[str, Any]:
    """The JSON Schema of an environments file ``{"environments": [...]}``."""
    defs: dict[str, Any] = {}
    _define(EnvironmentConfig, defs)
    return {
        "$schema": SCHEMA_DRAFT,
        "title": "eks-platform-constructs environments",
        "description": (
            "Environments for constructs_lib.config.load_environments. Enum values are written as the "
            "lowercase member name (nat_mode = 'per_az'); fields left out take their documented default."
        ),
        "type": "object",
        "properties": {
            "$schema": {"type": "string", "description": "Where editors find this schema."},
            "environments": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_ENVIRONMENTS,
                "items": {"$ref": "#/$defs/EnvironmentConfig"},
            },
        },
        "required": ["environments"],
        "additionalProperties": False,
        "$defs": dict(sorted(defs.items())),
    }
