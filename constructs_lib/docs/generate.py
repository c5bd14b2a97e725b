"""Write the generated documents of a synthesis: per environment the diagram and cost estimate, plus
the comparison of all environments.

Layout under ``out_dir``: ``<env>/architecture.dot|svg|png``, ``<env>/cost.md`` and ``comparison.md``.
Everything but the PNG is byte-identical for the same input (the PNG depends on the renderer and its
fonts). Nothing here touches the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from constructs_lib.config import EnvironmentConfig
from constructs_lib.docs.comparison import render_comparison_markdown
from constructs_lib.docs.cost import CostEstimate, UsageAssumptions, estimate_cost, render_cost_markdown
from constructs_lib.docs.diagram import render, to_dot
from constructs_lib.docs.facts import StackFacts, load_stack, read_stack_facts
from constructs_lib.docs.prices import price_table

__all__ = ["GeneratedDocs", "generate_docs"]


@dataclass(frozen=True)
class GeneratedDocs:
    facts: tuple[StackFacts, ...]
    costs: tuple[CostEstimate, ...]
    #: Every file written, sorted.
    files: tuple[Path, ...]


def _write(path: Path, text: str, written: list[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    written.append(path)


def generate_docs(
    *,
    synth_dir: Path,
    environments: Sequence[EnvironmentConfig],
    out_dir: Path,
    render_images: bool = True,
    assumptions: UsageAssumptions | None = None,
) -> GeneratedDocs:
    """Read ``synth_dir/stacks/<env>/cdk.tf.json`` for each environment and write the documents.

    ``render_images=False`` writes the DOT text but not the SVG/PNG (for machines without ``dot``).
    """
    written: list[Path] = []
    all_facts = []
    costs = []
    for config in environments:
        facts = read_stack_facts(load_stack(Path(synth_dir), config.name), stack=config.name)
        cost = estimate_cost(facts, price_table(facts.region), assumptions)
        env_dir = Path(out_dir) / config.name
        dot_text = to_dot(facts)
        _write(env_dir / "architecture.dot", dot_text, written)
        if render_images:
            for fmt in ("svg", "png"):
                render(dot_text, env_dir / f"architecture.{fmt}", fmt)
                written.append(env_dir / f"architecture.{fmt}")
        _write(env_dir / "cost.md", render_cost_markdown(cost), written)
        all_facts.append(facts)
        costs.append(cost)
    comparison = render_comparison_markdown(list(zip(environments, all_facts, costs, strict=True)))
    _write(Path(out_dir) / "comparison.md", comparison, written)
    return GeneratedDocs(tuple(all_facts), tuple(costs), tuple(sorted(written)))
