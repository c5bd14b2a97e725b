"""Generate the API reference (``docs/api/*.md``) from the package's docstrings.

Run with ``make apidocs`` (or ``python tools/apidocs.py [--out DIR] [--check]``). One Markdown file
per tier package (``network.md``, ``cluster.md``, ...) plus ``constructs_lib.md`` for the top-level
modules and an index, ``README.md``. For every module: its docstring, then each public name (the
module's ``__all__``, in that order) with its signature and docstring; dataclass fields and
constants with their ``#:`` comments, enums with their members.

The source is read with :mod:`ast`, never imported: no jsii, no Node, no provider bindings, and the
output depends only on the files (sorted walk, no dates), so it is byte-for-byte reproducible.
``--check`` exits 1 when the files on disk differ from what would be written.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "constructs_lib"
DEFAULT_OUT = ROOT / "docs" / "api"
#: Constants whose source is longer than this are shown as ``...`` (tables, long tuples).
MAX_VALUE_LENGTH = 80


@dataclass(frozen=True)
class Module:
    """One parsed module of the package."""

    name: str
    path: Path
    tree: ast.Module
    lines: tuple[str, ...]

    @property
    def public_names(self) -> tuple[str, ...]:
        """The names in the module's literal ``__all__`` (empty when it declares none)."""
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and "__all__" in [t.id for t in node.targets if isinstance(t, ast.Name)]:
                return tuple(ast.literal_eval(node.value))
        return ()

    def comment_above(self, node: ast.stmt) -> str:
        """The ``#:`` comment lines right above ``node`` (or its decorators), joined."""
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
        found: list[str] = []
        index = first - 2
        while index >= 0 and self.lines[index].strip().startswith("#:"):
            found.insert(0, self.lines[index].strip()[2:].strip())
            index -= 1
        return " ".join(line for line in found if line)


def modules(package_dir: Path = ROOT / PACKAGE) -> list[Module]:
    """Every public module of the package, in a fixed order (package ``__init__`` first)."""
    found = []
    for path in sorted(package_dir.rglob("*.py"), key=lambda p: (p.parent.parts, p.name != "__init__.py", p.name)):
        relative = path.relative_to(package_dir.parent).with_suffix("")
        parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
        if any(part.startswith("_") for part in parts):
            continue
        source = path.read_text(encoding="utf-8")
        found.append(Module(".".join(parts), path, ast.parse(source), tuple(source.splitlines())))
    return found


def page_of(module: str, package_dir: Path = ROOT / PACKAGE) -> str:
    """The page a module is documented on: its tier package, or ``constructs_lib`` for top-level modules."""
    parts = module.split(".")
    if len(parts) >= 2 and (package_dir / parts[1]).is_dir():
        return parts[1]
    return PACKAGE


def _docstring(node: ast.AST) -> str:
    if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
        return ast.get_docstring(node) or ""
    return ""


def _signature(function: ast.FunctionDef | ast.AsyncFunctionDef, *, method: bool) -> str:
    arguments = ast.unparse(function.args)
    if method:  # drop `self` / `cls`: the reader calls the method on an instance or the class
        arguments = arguments.split(", ", 1)[1] if ", " in arguments else ""
    returns = f" -> {ast.unparse(function.returns)}" if function.returns else ""
    return f"{function.name}({arguments}){returns}"


def _is_dataclass(node: ast.ClassDef) -> bool:
    return any("dataclass" in ast.unparse(d) for d in node.decorator_list)


def _is_enum(node: ast.ClassDef) -> bool:
    return any(ast.unparse(b).split(".")[-1] in ("Enum", "IntEnum", "StrEnum") for b in node.bases)


def _value(node: ast.expr | None) -> str:
    if node is None:
        return ""
    text = ast.unparse(node)
    return text if len(text) <= MAX_VALUE_LENGTH and "\n" not in text else "..."


def _class(module: Module, node: ast.ClassDef) -> Iterator[str]:
    bases = ", ".join(ast.unparse(b) for b in node.bases)
    decorators = "".join(f"@{ast.unparse(d)}\n" for d in node.decorator_list)
    yield f"```python\n{decorators}class {node.name}{f'({bases})' if bases else ''}\n```\n"
    if doc := _docstring(node):
        yield f"{doc}\n"
    members: list[str] = []
    fields: list[str] = []
    for item in node.body:
        if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name) and not item.target.id.startswith("_"):
            default = f" = {_value(item.value)}" if item.value is not None else ""
            comment = module.comment_above(item)
            line = f"- `{item.target.id}: {ast.unparse(item.annotation)}{default}`"
            fields.append(f"{line}: {comment}" if comment else line)
        elif isinstance(item, ast.Assign) and _is_enum(node):
            for target in item.targets:
                if isinstance(target, ast.Name) and not target.id.startswith("_"):
                    members.append(f"- `{target.id} = {_value(item.value)}`")
    if members:
        yield "Members:\n\n" + "\n".join(members) + "\n"
    if fields:
        yield ("Fields:" if _is_dataclass(node) else "Attributes:") + "\n\n" + "\n".join(fields) + "\n"
    for item in node.body:
        if not isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if item.name.startswith("_") and item.name != "__init__":
            continue
        is_property = any(ast.unparse(d) == "property" for d in item.decorator_list)
        if is_property:
            returns = f": {ast.unparse(item.returns)}" if item.returns else ""
            yield f"#### `{node.name}.{item.name}{returns}` (property)\n"
        else:
            yield f"#### `{node.name}.{_signature(item, method=True)}`\n"
        if doc := _docstring(item):
            yield f"{doc}\n"


def _definition(module: Module, name: str, package_dir: Path) -> Iterator[str]:
    """The Markdown for public ``name`` of ``module``."""
    yield f"### `{name}`\n"
    for node in module.tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            yield from _class(module, node)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            yield f"```python\ndef {_signature(node, method=False)}\n```\n"
            if doc := _docstring(node):
                yield f"{doc}\n"
            return
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            annotation = f": {ast.unparse(node.annotation)}" if isinstance(node, ast.AnnAssign) else ""
            value = node.value if isinstance(node, ast.Assign | ast.AnnAssign) else None
            yield f"```python\n{name}{annotation} = {_value(value)}\n```\n"
            if comment := module.comment_above(node):
                yield f"{comment}\n"
            return
        if isinstance(node, ast.ImportFrom) and any((a.asname or a.name) == name for a in node.names):
            source = node.module or ""
            page = page_of(source, package_dir)
            yield f"Re-exported from `{source}`; documented on [{page}]({page}.md).\n"
            return
    raise LookupError(f"{module.name}.__all__ names {name!r}, which the module does not define")


def render_page(page: str, members: list[Module], package_dir: Path = ROOT / PACKAGE) -> str:
    """One page: its modules in order, each with its docstring and public names."""
    title = PACKAGE if page == PACKAGE else f"{PACKAGE}.{page}"
    out = [
        f"# `{title}`\n",
        "<!-- Generated by tools/apidocs.py from the docstrings (make apidocs); do not edit. -->\n",
    ]
    for module in members:
        out.append(f"## `{module.name}`\n")
        if doc := _docstring(module.tree):
            out.append(f"{doc}\n")
        for name in module.public_names:
            out.extend(_definition(module, name, package_dir))
    return "\n".join(part.rstrip("\n") + "\n" for part in out)


def render(package_dir: Path = ROOT / PACKAGE) -> dict[str, str]:
    """File name -> Markdown for the whole package, index included."""
    pages: dict[str, list[Module]] = {}
    for module in modules(package_dir):
        pages.setdefault(page_of(module.name, package_dir), []).append(module)
    files = {f"{page}.md": render_page(page, members, package_dir) for page, members in sorted(pages.items())}
    index = [
        "# API reference\n",
        "<!-- Generated by tools/apidocs.py from the docstrings (make apidocs); do not edit. -->\n",
        "One page per tier package; the top-level modules are on `constructs_lib.md`.\n",
        "\n".join(
            f"- [{page}]({page}.md): " + ", ".join(f"`{m.name}`" for m in members)
            for page, members in sorted(pages.items())
        ),
    ]
    files["README.md"] = "\n".join(part.rstrip("\n") + "\n" for part in index)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default docs/api)")
    parser.add_argument("--check", action="store_true", help="exit 1 if the files on disk are out of date")
    args = parser.parse_args(argv)
    files = render()
    out: Path = args.out
    if args.check:
        stale = sorted(
            name for name, text in files.items() if not (out / name).is_file() or (out / name).read_text() != text
        )
        extra = sorted(p.name for p in out.glob("*.md") if p.name not in files) if out.is_dir() else []
        for name in [*stale, *extra]:
            print(f"out of date: {out / name} (run `make apidocs`)", file=sys.stderr)
        return 1 if stale or extra else 0
    out.mkdir(parents=True, exist_ok=True)
    for stale_page in out.glob("*.md"):
        if stale_page.name not in files:
            stale_page.unlink()
    for name, text in files.items():
        (out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
