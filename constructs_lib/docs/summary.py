"""``main.py``'s short report after synthesis: one line per stack and one for the output folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from constructs_lib.docs.facts import load_stack, read_stack_facts

__all__ = ["print_synth_summary", "synth_summary"]


def synth_summary(synth_dir: Path | str, stacks: Sequence[str] | None = None) -> list[str]:
    """One line per synthesized stack (resources by tier, counted from its JSON), then the output folder.

    ``stacks`` gives the order (the app's); default: every stack under ``synth_dir``, sorted.
    """
    stacks_dir = Path(synth_dir) / "stacks"
    names = (
        list(stacks)
        if stacks is not None
        else sorted(path.name for path in stacks_dir.iterdir() if (path / "cdk.tf.json").is_file())
    )
    lines = []
    for name in names:
        facts = read_stack_facts(load_stack(Path(synth_dir), name), stack=name)
        tiers = ", ".join(f"{tier} {count}" for tier, count in facts.resources_by_tier)
        lines.append(f"synthesized {name}: {facts.resource_count} resources ({tiers})")
    lines.append(
        f"terraform JSON in {stacks_dir}/<stack>/cdk.tf.json; `make docs` draws the diagrams and cost estimates"
    )
    return lines


def print_synth_summary(synth_dir: Path | str, stacks: Sequence[str] | None = None) -> None:
    """Print :func:`synth_summary` (``main.py`` calls this once, after ``app.synth()``)."""
    print("\n".join(synth_summary(synth_dir, stacks)))
