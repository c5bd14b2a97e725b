"""One home for each rule the library applies in many places: a construct that checks a name prefix,
an "ARN or reference", a security group id or writes an IRSA trust policy asks the rule's home
instead of repeating it (found with ``ast``, so a copy added later fails here)."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

from constructs_lib.errors import ConfigError
from constructs_lib.validation import MAX_NAME_PREFIX_LENGTH, require_name_prefix, require_security_group_id

PACKAGE = Path(__file__).parent.parent.parent / "constructs_lib"


@functools.cache
def _modules() -> tuple[tuple[str, ast.Module], ...]:
    """Every module of the package (path relative to it, parsed), read once for all the walks below."""
    return tuple(
        (str(source.relative_to(PACKAGE)), ast.parse(source.read_text(encoding="utf-8")))
        for source in sorted(PACKAGE.rglob("*.py"))
    )


def _nodes() -> Iterator[tuple[str, ast.AST]]:
    """(module path, node) for every node of every module."""
    for module, tree in _modules():
        for node in ast.walk(tree):
            yield module, node


def _calls(name: str) -> list[tuple[str, ast.Call]]:
    return [
        (f"{module}:{node.lineno}", node)
        for module, node in _nodes()
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
    ]


def _text(node: ast.AST) -> str:
    return ast.unparse(node)


def test_no_construct_checks_a_name_prefix_itself() -> None:
    """``require_dns_label(<...name_prefix>, ..., max_length=...)`` is ``require_name_prefix``."""
    own = [
        where
        for where, call in _calls("require_dns_label")
        if call.args and "name_prefix" in _text(call.args[0]) and where.split(":")[0] != "validation.py"
    ]
    assert own == []


@pytest.mark.parametrize(("prefix", "home"), [("arn:", "require_arn"), ("sg-", "require_security_group_id")])
def test_no_module_writes_its_own_id_check(prefix: str, home: str) -> None:
    """``value.startswith("arn:")`` or ``("sg-")`` beside a reference check is ``home``."""
    own = [
        f"{module}:{node.lineno}"
        for module, node in _nodes()
        if module != "validation.py"
        and isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "startswith"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and str(node.args[0].value).startswith(prefix)
    ]
    assert own == [], f"use validation.{home}"


def test_one_irsa_trust_policy() -> None:
    """Only ``identity.irsa.trust_policy`` writes ``sts:AssumeRoleWithWebIdentity``."""
    writers = [
        module
        for module, node in _nodes()
        if isinstance(node, ast.Constant) and node.value == "sts:AssumeRoleWithWebIdentity"
    ]
    assert writers == ["identity/irsa.py"]


@pytest.mark.parametrize("length", [MAX_NAME_PREFIX_LENGTH + 1, 63])
def test_the_name_prefix_limit(length: int) -> None:
    require_name_prefix("props.name_prefix", "a" * MAX_NAME_PREFIX_LENGTH)
    with pytest.raises(ConfigError, match=rf"`props\.name_prefix`: .*{MAX_NAME_PREFIX_LENGTH}"):
        require_name_prefix("props.name_prefix", "a" * length)


@pytest.mark.parametrize("value", ["sg-0a1b2c3d", "sg-0a1b2c3d4e5f67890", "${aws_security_group.nodes.id}"])
def test_a_security_group_id_or_a_reference_passes(value: str) -> None:
    assert require_security_group_id("props.group", value, fix="pass the group's id") == value


@pytest.mark.parametrize("value", ["sg-nodes", "sg-123", "sg-0A1B2C3D", "10.0.0.0/8", "", None])
def test_anything_else_is_refused(value: object) -> None:
    with pytest.raises(ConfigError, match=r"^`props\.group`: must be a security group id \(sg- and 8 or 17 hex"):
        require_security_group_id("props.group", value, fix="pass the group's id")
