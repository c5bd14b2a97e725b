"""Documents generated from a synthesized stack: architecture diagram, cost estimate, comparison.

Everything is read from the ``cdk.tf.json`` cdktf writes (and the environment configs), never from
a hand-kept list. Pure Python, no dependency: drawing the diagram needs only Graphviz's ``dot``
binary at run time (Debian: ``apt-get install -y graphviz``); the DOT text, the cost estimate and the
comparison need nothing. Generation is deterministic and needs no network.

* :func:`generate_docs` writes ``<out>/<env>/architecture.{dot,svg,png}``, ``<out>/<env>/cost.md``
  and ``<out>/comparison.md``; ``python -m constructs_lib.docs`` is its command line (``make docs``).
* :func:`print_synth_summary` is ``main.py``'s one-line-per-stack report after synthesis.
"""

from __future__ import annotations

from constructs_lib.docs.cost import CostEstimate, UsageAssumptions, estimate_cost, render_cost_markdown
from constructs_lib.docs.diagram import DotNotFoundError, render, to_dot
from constructs_lib.docs.facts import StackFacts, load_stack, read_stack_facts
from constructs_lib.docs.generate import GeneratedDocs, generate_docs
from constructs_lib.docs.prices import PRICE_TABLES, PriceTable, price_table
from constructs_lib.docs.summary import print_synth_summary, synth_summary

__all__ = [
    "PRICE_TABLES",
    "CostEstimate",
    "DotNotFoundError",
    "GeneratedDocs",
    "PriceTable",
    "StackFacts",
    "UsageAssumptions",
    "estimate_cost",
    "generate_docs",
    "load_stack",
    "price_table",
    "print_synth_summary",
    "read_stack_facts",
    "render",
    "render_cost_markdown",
    "synth_summary",
    "to_dot",
]
