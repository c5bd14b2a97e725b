"""The documented config files: examples/config/ is the generator's output, loads as the reference
environments, and the example JSON validates against the generated JSON Schema."""

from __future__ import annotations

import copy
import importlib.util
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.config import load_environments
from constructs_lib.schema import environments_schema, field_descriptions
from constructs_lib.validation import REGION_ZONES
from stacks.environments import ENVIRONMENTS
from tests.conftest import REPO_ROOT

_spec = importlib.util.spec_from_file_location(
    "write_config_examples", REPO_ROOT / "tools" / "write_config_examples.py"
)
assert _spec is not None and _spec.loader is not None
writer = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(writer)

EXAMPLES = REPO_ROOT / "examples" / "config"


# -- a validator for the subset of JSON Schema 2020-12 the generator emits ---------------------


def schema_errors(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> list[str]:
    """Every violation of ``schema`` by ``value`` (type, enum, properties, required,
    additionalProperties, items, prefixItems, min/maxItems, maxProperties, maxLength, anyOf, $ref)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return schema_errors(value, root["$defs"][name], root, path)
    if "anyOf" in schema:
        options = [schema_errors(value, option, root, path) for option in schema["anyOf"]]
        return [] if any(not errors for errors in options) else [f"{path}: matches no anyOf option"]
    errors: list[str] = []
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    kind = schema.get("type")
    checks = {
        "object": lambda v: isinstance(v, dict),
        "array": lambda v: isinstance(v, list),
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
    }
    if kind is not None and not checks[kind](value):
        return [*errors, f"{path}: not of type {kind}"]
    if kind == "string" and len(value) > schema.get("maxLength", len(value)):
        errors.append(f"{path}: longer than {schema['maxLength']}")
    if kind == "object":
        properties = schema.get("properties", {})
        errors += [f"{path}: missing {key}" for key in schema.get("required", []) if key not in value]
        if len(value) > schema.get("maxProperties", len(value)):
            errors.append(f"{path}: more than {schema['maxProperties']} properties")
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], root, f"{path}.{key}")
            elif extra is False:
                errors.append(f"{path}: unknown property {key}")
            elif isinstance(extra, dict):
                errors += schema_errors(item, extra, root, f"{path}.{key}")
    if kind == "array":
        if not schema.get("minItems", 0) <= len(value) <= schema.get("maxItems", len(value)):
            errors.append(f"{path}: {len(value)} items outside the bounds")
        prefix = schema.get("prefixItems", [])
        for index, item in enumerate(value):
            item_schema = prefix[index] if index < len(prefix) else schema.get("items", {})
            if item_schema is False:
                errors.append(f"{path}[{index}]: no item allowed here")
            else:
                errors += schema_errors(item, item_schema, root, f"{path}[{index}]")
    return errors


SCHEMA = environments_schema()


def _example_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "environments.json").read_text(encoding="utf-8"))
    return data


# -- the committed files ---------------------------------------------------------------------


@pytest.mark.parametrize("relative", sorted(str(p) for p in writer.render()), ids=lambda p: Path(p).name)
def test_committed_example_equals_generator_output(relative: str) -> None:
    committed = (REPO_ROOT / relative).read_text(encoding="utf-8")
    assert committed == writer.render()[Path(relative)], "run: python tools/write_config_examples.py"


@pytest.mark.parametrize("name", ["environments.json", "environments.toml"])
def test_example_loads_as_the_reference_environments(name: str) -> None:
    assert load_environments(EXAMPLES / name) == ENVIRONMENTS


def test_toml_emitter_round_trips_the_data() -> None:
    data = writer.environments_data()
    assert tomllib.loads(writer.to_toml(data, comment="x")) == data


def test_toml_example_names_its_schema_for_taplo() -> None:
    assert (
        (EXAMPLES / "environments.toml").read_text(encoding="utf-8").startswith("#:schema ./environments.schema.json")
    )


# -- the schema ------------------------------------------------------------------------------


def test_schema_is_draft_2020_12_with_closed_objects() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert all(definition["additionalProperties"] is False for definition in SCHEMA["$defs"].values())


def test_example_json_validates_against_the_schema() -> None:
    assert schema_errors(_example_json(), SCHEMA, SCHEMA) == []


@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (lambda d: d["environments"][0].update(colour="blue"), "unknown property colour"),
        (lambda d: d["environments"][0]["network"].update(nat_mode="PER_AZ"), "'PER_AZ' not in"),
        (lambda d: d["environments"][0].pop("region"), "missing region"),
        (lambda d: d["environments"][0]["node_groups"][0].update(min_size="2"), "not of type integer"),
        (lambda d: d["environments"][0].update(node_groups=d["environments"][0]["node_groups"] * 16), "items outside"),
        (lambda d: d["environments"][0]["network"].update(node_target_ports=[1, 2, 3]), "no item allowed"),
    ],
    ids=["unknown-key", "old-enum-spelling", "missing-required", "wrong-type", "too-many-items", "fixed-tuple"],
)
def test_schema_refuses_what_the_loader_refuses(mutate: Any, error: str) -> None:
    data = copy.deepcopy(_example_json())
    mutate(data)
    assert any(error in message for message in schema_errors(data, SCHEMA, SCHEMA))


def test_schema_spells_enums_in_lowercase() -> None:
    network = SCHEMA["$defs"]["NetworkConfig"]["properties"]
    assert network["nat_mode"]["enum"] == ["none", "single", "per_az"]
    log_types = SCHEMA["$defs"]["ClusterConfig"]["properties"]["log_types"]["anyOf"][0]
    assert "controller_manager" in log_types["items"]["enum"]


def test_schema_bounds_node_groups_by_the_eks_quota() -> None:
    assert SCHEMA["$defs"]["EnvironmentConfig"]["properties"]["node_groups"]["maxItems"] == 30


def test_schema_required_fields_are_those_without_default() -> None:
    assert SCHEMA["$defs"]["NetworkConfig"]["required"] == ["vpc_cidr", "availability_zones"]


def test_every_field_has_a_description() -> None:
    missing = [
        f"{name}.{key}"
        for name, definition in SCHEMA["$defs"].items()
        for key, prop in definition["properties"].items()
        if not prop.get("description")
    ]
    assert missing == []


def test_descriptions_come_from_the_comment_above_the_field() -> None:
    from constructs_lib.network.config import NetworkConfig

    assert field_descriptions(NetworkConfig)["vpc_cidr"] == "The VPC's IPv4 range: an RFC 1918 network from /16 to /20."


def test_readme_documents_both_ways_to_load_the_example() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert "--config examples/config/environments.toml" in readme
    assert "EKS_PLATFORM_CONFIG" in readme


def test_zone_table_covers_the_reference_region() -> None:
    assert {e.region for e in ENVIRONMENTS} <= set(REGION_ZONES)
