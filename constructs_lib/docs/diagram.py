"""The architecture diagram of one stack: DOT text written here, rendered by Graphviz's ``dot``.

The DOT text is built only from :class:`~constructs_lib.docs.facts.StackFacts` (hence from the
synthesized JSON), with sorted collections and ids derived from names, so the same stack gives the
same bytes. Layout: the internet and the ALB on top; the VPC with one cluster per AZ, each holding
its three subnet tiers (public with its NAT gateway, private, database); the EKS cluster with its
node groups, Helm add-ons and applications; the data tier; regional services (S3, ECR, KMS, logs).

Rendering needs only the ``dot`` binary (Debian: ``apt-get install graphviz``); there is no Python
dependency. SVG output is deterministic for one Graphviz version; PNG bytes may differ between
renderers and font sets.
"""

from __future__ import annotations

import ipaddress
import itertools
import re
import shutil
import subprocess
from pathlib import Path

from constructs_lib.docs.facts import StackFacts

__all__ = ["DotNotFoundError", "render", "to_dot"]

_TIER_STYLE = {
    "public": ("public", "#e8f4e8"),
    "private": ("private", "#e8eef8"),
    "database": ("database", "#f8efe0"),
}
_TIERS = ("public", "private", "database")


class DotNotFoundError(RuntimeError):
    """Graphviz's ``dot`` is not on PATH (Debian: ``apt-get install -y graphviz``)."""


def _id(*parts: str) -> str:
    return "_".join(re.sub(r"[^A-Za-z0-9]", "_", part) for part in parts)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node(node_id: str, label: str, **attributes: str) -> str:
    extra = "".join(f", {key}={_quote(value)}" for key, value in sorted(attributes.items()))
    return f"{node_id} [label={_quote(label)}{extra}];"


def _az_cluster(facts: StackFacts, az: str) -> list[str]:
    lines = [f"subgraph {_id('cluster', 'az', az)} {{", f'label={_quote(az)}; style=dashed; color="#888888";']
    for tier in _TIERS:
        subnet = facts.subnet(tier, az)
        if subnet is None:
            continue
        title, color = _TIER_STYLE[tier]
        lines += [
            f"subgraph {_id('cluster', tier, az)} {{",
            f'label={_quote(f"{title} {subnet.cidr}")}; style=filled; fillcolor={_quote(color)}; color="#bbbbbb";',
        ]
        if tier == "public" and az in facts.nat_gateways:
            lines.append(_node(_id("nat", az), "NAT gateway\n+ Elastic IP", shape="octagon", fillcolor="#ffffff"))
        else:
            usable = ipaddress.ip_network(subnet.cidr, strict=False).num_addresses - 5  # AWS reserves 5 per subnet
            lines.append(
                _node(
                    _id("subnet", tier, az), f"{title} subnet\n{usable:,} usable IPs", shape="box", fillcolor="#ffffff"
                )
            )
        lines.append("}")
    lines.append("}")
    return lines


def _eks_cluster(facts: StackFacts) -> list[str]:
    access = "public + private endpoint" if facts.endpoint_public_access else "private endpoint only"
    protection = ", deletion protection" if facts.cluster_deletion_protection else ""
    label = (
        f"EKS {facts.cluster_name}  Kubernetes {facts.kubernetes_version}  ({facts.support_type} support policy, "
        f"{access}{protection})"
    )
    lines = [
        "subgraph cluster_eks {",
        f'label={_quote(label)}; style=filled; fillcolor="#fdf6e3"; color="#d08000";',
        "subgraph cluster_node_groups {",
        'label="node groups (private subnets, every AZ)"; style=solid; color="#d08000";',
    ]
    for group in facts.node_groups:
        capacity = "Spot" if group.capacity_type == "SPOT" else "on-demand"
        taint = f"\ntaint {group.taints[0].split(':')[0]}" if group.taints else ""
        lines.append(
            _node(
                _id("ng", group.name),
                f"{group.name}\n{', '.join(group.instance_types)} ({capacity})\n"
                f"min {group.min_size} / desired {group.desired_size} / max {group.max_size}{taint}",
                fillcolor="#fff3c4",
            )
        )
    lines.append("}")
    if facts.helm_releases:
        lines += ["subgraph cluster_addons {", 'label="Helm add-ons"; style=solid; color="#d08000";']
        rows = [f"{release.name} {release.version}" for release in facts.helm_releases]
        managed = ", ".join(facts.managed_addons)
        lines.append(
            _node(
                "helm_releases",
                "\n".join(rows) + (f"\n(EKS managed: {managed})" if managed else ""),
                fillcolor="#ffffff",
            )
        )
        lines.append("}")
    if facts.applications:
        lines += ["subgraph cluster_apps {", 'label="applications"; style=solid; color="#d08000";']
        for app in facts.applications:
            scheme = "https" if app.https else "http"
            hosts = "".join(f"\n{scheme}://{host}" for host in app.hosts) or "\n(no ingress)"
            lines.append(_node(_id("app", app.name), f"{app.name}{hosts}", fillcolor="#e3f2fd"))
        lines.append("}")
    lines.append("}")
    return lines


def _endpoints(facts: StackFacts) -> list[str]:
    if not facts.endpoints:
        return []
    interface = [endpoint.service for endpoint in facts.endpoints if endpoint.kind == "Interface"]
    gateway = [endpoint.service for endpoint in facts.endpoints if endpoint.kind != "Interface"]
    rows = []
    if interface:
        rows.append(f"interface ({len(facts.availability_zones)} AZs): {', '.join(interface)}")
    if gateway:
        rows.append(f"gateway: {', '.join(gateway)}")
    return [_node("endpoints", "VPC endpoints\n" + "\n".join(rows), shape="component", fillcolor="#f3e5f5")]


def _data_tier(facts: StackFacts) -> list[str]:
    if not facts.databases:
        return []
    lines = ["subgraph cluster_data {", 'label="data tier (database subnets)"; style=filled; fillcolor="#f8efe0";']
    for db in facts.databases:
        az = "Multi-AZ" if db.multi_az else ("cluster" if db.kind != "aws_db_instance" else "single-AZ")
        storage = f", {db.allocated_storage_gib} GB" if db.allocated_storage_gib else ""
        lines.append(
            _node(
                _id("db", db.name),
                f"{db.name}\n{db.engine} {db.instance_class}\n{az}{storage}",
                shape="cylinder",
                fillcolor="#ffffff",
            )
        )
    lines.append("}")
    return lines


def _regional(facts: StackFacts) -> list[str]:
    lines = ["subgraph cluster_regional {", f"label={_quote(f'regional services ({facts.region})')}; style=dashed;"]
    for bucket in facts.buckets:
        lines.append(_node(_id("bucket", bucket.name), f"S3 {bucket.name}", shape="folder", fillcolor="#e8f5e9"))
    lines.append(_node("ecr", f"ECR\n{facts.ecr_repositories} repositories", shape="folder", fillcolor="#e8f5e9"))
    retention = sorted({group.retention_days for group in facts.log_groups})
    lines.append(
        _node(
            "observability",
            f"KMS: {facts.kms_keys} keys\nCloudWatch: {len(facts.log_groups)} log groups "
            f"({', '.join(str(days) for days in retention)} days)",
            shape="note",
            fillcolor="#ffffff",
        )
    )
    lines.append("}")
    return lines


def to_dot(facts: StackFacts) -> str:
    """The diagram of ``facts`` as DOT text (deterministic)."""
    title = f"{facts.stack}: {facts.cluster_name} in {facts.region}  (drawn from the synthesized cdk.tf.json)"
    lines = [
        f"digraph {_quote(facts.stack)} {{",
        f'graph [label={_quote(title)}, labelloc=t, fontname="DejaVu Sans", fontsize=16, compound=true, '
        "newrank=true, rankdir=TB, nodesep=0.25, ranksep=0.45];",
        'node [shape=box, style="rounded,filled", fontname="DejaVu Sans", fontsize=10, fillcolor="#ffffff"];',
        'edge [fontname="DejaVu Sans", fontsize=9, color="#555555"];',
        _node("internet", "Internet", shape="ellipse", fillcolor="#eeeeee"),
    ]
    albs = sorted({app.alb_group for app in facts.applications if app.alb_group})
    for group in albs:
        lines.append(_node(_id("alb", group), f"ALB (internet-facing)\ngroup {group}", fillcolor="#c8e6c9"))
    lines += [
        "subgraph cluster_vpc {",
        f'label={_quote(f"VPC {facts.vpc_cidr}")}; style=rounded; color="#1565c0"; penwidth=2;',
    ]
    for az in facts.availability_zones:
        lines += _az_cluster(facts, az)
    lines += _eks_cluster(facts)
    lines += _endpoints(facts)
    lines += _data_tier(facts)
    lines.append("}")
    lines += _regional(facts)

    # Layout: each AZ a column (public over private over database), the AZs side by side, the EKS
    # cluster under them, then endpoints, data and regional services. Invisible edges only order.
    def tier_node(tier: str, az: str) -> str:
        return _id("nat", az) if tier == "public" and az in facts.nat_gateways else _id("subnet", tier, az)

    for az in facts.availability_zones:
        present = [tier for tier in _TIERS if facts.subnet(tier, az) is not None]
        for upper, lower in itertools.pairwise(present):
            lines.append(f"{tier_node(upper, az)} -> {tier_node(lower, az)} [style=invis];")
    for tier in _TIERS:
        same = [tier_node(tier, az) for az in facts.availability_zones if facts.subnet(tier, az) is not None]
        if same:
            lines.append("{rank=same; " + "; ".join(same) + ";}")
    bottom = [tier_node("database", az) for az in facts.availability_zones if facts.subnet("database", az)]
    top_of_eks = [_id("app", app.name) for app in facts.applications] or [_id("ng", g.name) for g in facts.node_groups]
    if bottom and top_of_eks:
        lines.append(f"{bottom[len(bottom) // 2]} -> {top_of_eks[len(top_of_eks) // 2]} [style=invis];")
    for row in ([_id("app", app.name) for app in facts.applications], [_id("ng", g.name) for g in facts.node_groups]):
        if row:
            lines.append("{rank=same; " + "; ".join(row) + ";}")
    if facts.applications and facts.node_groups:
        lines.append(
            f"{_id('app', facts.applications[0].name)} -> {_id('ng', facts.node_groups[0].name)} [style=invis];"
        )
    if facts.node_groups and facts.helm_releases:
        lines.append(f"{_id('ng', facts.node_groups[0].name)} -> helm_releases [style=invis];")
    public = [tier_node("public", az) for az in facts.availability_zones if facts.subnet("public", az)]

    # Edges: traffic in through the ALB, egress through the NAT gateways.
    for group in albs:
        lines.append(f'internet -> {_id("alb", group)} [label="HTTP(S)"];')
        for node in public:
            lines.append(f"{_id('alb', group)} -> {node} [style=invis];")
        routed = [app for app in facts.applications if app.alb_group == group]
        if routed:
            hosts = len([host for app in routed for host in app.hosts])
            lines.append(
                f'{_id("alb", group)} -> {_id("app", routed[len(routed) // 2].name)} [color="#2e7d32", '
                f'lhead=cluster_apps, constraint=false, label="{hosts} host{"" if hosts == 1 else "s"}"];'
            )
    for az in sorted(set(facts.nat_gateways)):
        lines.append(f'{_id("nat", az)} -> internet [label="egress", style=dashed, constraint=false];')
    anchor = _id("ng", facts.node_groups[0].name) if facts.node_groups else ""
    if anchor:
        last = "helm_releases" if facts.helm_releases else anchor
        below = ["endpoints"] if facts.endpoints else []
        below += [_id("db", db.name) for db in facts.databases]
        for node in below:
            lines.append(f"{last} -> {node} [style=invis];")
        regional = ["ecr", "observability"] + [_id("bucket", bucket.name) for bucket in facts.buckets]
        for node in regional:
            lines.append(f"{(below or [last])[0]} -> {node} [style=invis];")
        lines.append("{rank=same; " + "; ".join(regional) + ";}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(dot_text: str, output: Path, fmt: str) -> None:
    """Render ``dot_text`` to ``output`` with ``dot -T<fmt>`` (``svg`` or ``png``)."""
    dot = shutil.which("dot")
    if dot is None:
        raise DotNotFoundError("Graphviz's `dot` is not on PATH; install it (Debian: apt-get install -y graphviz)")
    output.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([dot, f"-T{fmt}", "-o", str(output)], input=dot_text.encode(), check=True)
