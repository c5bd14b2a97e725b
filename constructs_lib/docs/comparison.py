"""The environment comparison: every setting that differs between the environments, side by side.

Rows come from the configs (stage, NAT mode, replicas, state backend) and from each stack's
synthesized facts (everything terraform would build, and the cost totals), so the table cannot drift
from the code. Settings equal in every environment are listed after the table, in one line each.
"""

from __future__ import annotations

from collections.abc import Sequence

from constructs_lib.config import EnvironmentConfig
from constructs_lib.docs.cost import CostEstimate, money
from constructs_lib.docs.facts import StackFacts

__all__ = ["comparison_rows", "render_comparison_markdown"]

_ABSENT = "—"
_LAST = ("resources", "monthly cost (low / high)")


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _rows_of(config: EnvironmentConfig, facts: StackFacts, cost: CostEstimate) -> dict[str, str]:
    rows: dict[str, str] = {
        "stage": config.stage.name.lower(),
        "region": facts.region,
        "VPC CIDR": facts.vpc_cidr,
        "availability zones": ", ".join(facts.availability_zones),
        "NAT": f"{config.network.nat_mode.name} ({_count(len(facts.nat_gateways), 'gateway')})",
        "interface endpoints": ", ".join(e.service for e in facts.endpoints if e.kind == "Interface") or _ABSENT,
        "Kubernetes version": facts.kubernetes_version,
        "upgrade policy (support type)": facts.support_type,
        "API endpoint access": (
            f"public ({', '.join(facts.public_access_cidrs)}) + private"
            if facts.endpoint_public_access
            else "private only"
        ),
        "cluster deletion protection": _yes(facts.cluster_deletion_protection),
        "control-plane log types": ", ".join(facts.control_plane_log_types) or _ABSENT,
        "log retention (days)": ", ".join(str(days) for days in sorted({g.retention_days for g in facts.log_groups}))
        or _ABSENT,
        "prevent_destroy resources": str(len(facts.prevent_destroy)),
        "ECR tag mutability": ", ".join(facts.ecr_tag_mutability) or _ABSENT,
        "terraform state": f"S3 bucket {config.state.bucket}" if config.state else "local file",
    }
    for group in facts.node_groups:
        capacity = "Spot" if group.capacity_type == "SPOT" else "on-demand"
        rows[f"node group `{group.name}`"] = (
            f"{', '.join(group.instance_types)} {capacity}, {group.min_size}/{group.desired_size}/{group.max_size}"
        )
    for release in facts.helm_releases:
        rows[f"Helm release `{release.name}`"] = release.version
    replicas = {spec.name: spec.replicas for spec in config.applications}
    for app in facts.applications:
        hosts = ", ".join(app.hosts) or "no ingress"
        rows[f"application `{app.name}`"] = f"{_count(replicas.get(app.name, 0), 'replica')}, {hosts}"
    for db in facts.databases:
        storage = f", {db.allocated_storage_gib} GB" if db.allocated_storage_gib else ""
        rows[f"database `{db.name}`"] = (
            f"{db.engine} {db.instance_class}{' Multi-AZ' if db.multi_az else ''}{storage}, "
            f"deletion protection {_yes(db.deletion_protection)}"
        )
    for bucket in facts.buckets:
        rows[f"bucket `{bucket.name}`"] = f"prevent_destroy {_yes(bucket.prevent_destroy)}"
    rows["resources"] = str(facts.resource_count)
    if cost.prices is None:
        rows["monthly cost (low / high)"] = f"no prices for {cost.region}"
    else:
        incomplete = "" if cost.complete else " (incomplete)"
        rows["monthly cost (low / high)"] = f"{money(cost.low)} / {money(cost.high)}{incomplete}"
    return rows


def comparison_rows(
    environments: Sequence[tuple[EnvironmentConfig, StackFacts, CostEstimate]],
) -> tuple[list[tuple[str, list[str]]], list[tuple[str, str]]]:
    """``(differing, same)``: rows whose values differ (one value per environment) and rows equal in all."""
    per_env = [_rows_of(config, facts, cost) for config, facts, cost in environments]
    names: list[str] = []
    for rows in per_env:
        names += [name for name in rows if name not in names]
    # Totals last, whatever the environments hold.
    names = [name for name in names if name not in _LAST] + [name for name in _LAST if name in names]
    differing: list[tuple[str, list[str]]] = []
    same: list[tuple[str, str]] = []
    for name in names:
        values = [rows.get(name, _ABSENT) for rows in per_env]
        if len(set(values)) == 1:
            same.append((name, values[0]))
        else:
            differing.append((name, values))
    return differing, same


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_comparison_markdown(environments: Sequence[tuple[EnvironmentConfig, StackFacts, CostEstimate]]) -> str:
    """The comparison as Markdown (deterministic: rows in a fixed order, environments in the given order)."""
    differing, same = comparison_rows(environments)
    names = [config.name for config, _, _ in environments]
    out = [
        "# Environment comparison",
        "",
        "Generated by `make docs` from the environment configs and each stack's synthesized `cdk.tf.json`;",
        "do not edit by hand. Costs are the estimates in `<env>/cost.md` (nodes at min / at max). "
        f"`{_ABSENT}`: not present in that environment.",
        "",
        "| setting | " + " | ".join(names) + " |",
        "| --- | " + " | ".join("---" for _ in names) + " |",
    ]
    for name, values in differing:
        out.append(f"| {_cell(name)} | " + " | ".join(_cell(value) for value in values) + " |")
    out += ["", "Same in every environment:", ""]
    out += [f"* {name}: {value}" for name, value in same]
    out.append("")
    return "\n".join(out)
