"""A monthly cost estimate of one synthesized stack, from its facts and a reviewed price table.

Two columns: **low** (node groups at ``min_size``, control plane at the rate its support tier pays
while the version is in standard support) and **high** (node groups at ``max_size``; a cluster whose
upgrade policy is EXTENDED at the extended-support rate, which it pays once its version leaves
standard support instead of being upgraded). Usage-based charges (NAT and endpoint data, ALB
capacity units, log ingestion, S3 storage) come from :class:`UsageAssumptions`, printed with the
estimate. Amounts are computed in :class:`~decimal.Decimal` and rounded to whole dollars only when
printed, so the total is the rounded sum, not the sum of rounded lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from constructs_lib.docs.facts import StackFacts
from constructs_lib.docs.prices import HOURS_PER_MONTH, PriceTable
from constructs_lib.validation import require

__all__ = ["CostEstimate", "CostLine", "UsageAssumptions", "estimate_cost", "money", "render_cost_markdown"]


@dataclass(frozen=True)
class UsageAssumptions:
    """Usage the synthesized JSON cannot tell; every default is a small, steady platform's month."""

    #: GB per month through the NAT gateways (image pulls not cached in ECR, OS updates, external APIs).
    nat_gb_per_month: int = 100
    #: GB per month through the interface endpoints (ECR image layers, logs, STS).
    endpoint_gb_per_month: int = 50
    #: Average load balancer capacity units per ALB (1 LCU: 25 new connections/s or 1 GB/h).
    alb_lcus: int = 1
    #: GB per month of CloudWatch log ingestion (control-plane and VPC flow logs).
    log_gb_per_month: int = 20
    #: GB stored per S3 bucket.
    s3_gb_per_bucket: int = 100
    #: Spot price as a discount off on-demand, in percent (Spot typically runs 60-70 % below; 60 is
    #: the cautious end).
    spot_discount_percent: int = 60

    def validate(self, path: str = "assumptions") -> None:
        for name in ("nat_gb_per_month", "endpoint_gb_per_month", "alb_lcus", "log_gb_per_month", "s3_gb_per_bucket"):
            value = getattr(self, name)
            require(
                isinstance(value, int) and value >= 0,
                f"{path}.{name}",
                "must be a whole number >= 0",
                value,
                "estimate the monthly usage, or 0 to leave it out",
            )
        require(
            isinstance(self.spot_discount_percent, int) and 0 <= self.spot_discount_percent < 100,
            f"{path}.spot_discount_percent",
            "must be a whole percentage in [0, 100)",
            self.spot_discount_percent,
            "use the observed Spot discount, e.g. 60",
        )


@dataclass(frozen=True)
class CostLine:
    item: str
    #: How the amount is computed (quantities and unit prices), shown next to it.
    basis: str
    low: Decimal
    high: Decimal
    #: False when an instance type or class has no price in the table (the amount is then 0).
    priced: bool = True


@dataclass(frozen=True)
class CostEstimate:
    stack: str
    region: str
    #: ``None`` when the region has no reviewed price table.
    prices: PriceTable | None
    assumptions: UsageAssumptions
    lines: tuple[CostLine, ...]

    @property
    def low(self) -> Decimal:
        return sum((line.low for line in self.lines), Decimal(0))

    @property
    def high(self) -> Decimal:
        return sum((line.high for line in self.lines), Decimal(0))

    @property
    def complete(self) -> bool:
        return self.prices is not None and all(line.priced for line in self.lines)


def money(amount: Decimal) -> str:
    """Whole dollars, rounded half up, with thousands separators (``$1,234``)."""
    whole = amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"${whole:,}"


def _rate(amount: Decimal) -> str:
    return f"${amount.normalize():f}"


def _node_lines(facts: StackFacts, prices: PriceTable, assumptions: UsageAssumptions) -> list[CostLine]:
    lines = []
    spot_factor = (Decimal(100) - assumptions.spot_discount_percent) / Decimal(100)
    for group in facts.node_groups:
        instance_type = group.instance_types[0] if group.instance_types else ""
        hourly = prices.ec2_hour.get(instance_type)
        spot = group.capacity_type == "SPOT"
        kind = f"SPOT at {assumptions.spot_discount_percent} % off" if spot else "on-demand"
        if hourly is None:
            lines.append(
                CostLine(
                    f"nodes `{group.name}`",
                    f"no price for {instance_type} in the table",
                    Decimal(0),
                    Decimal(0),
                    priced=False,
                )
            )
            continue
        rate = hourly * spot_factor if spot else hourly
        lines.append(
            CostLine(
                f"nodes `{group.name}`",
                f"{group.min_size} / {group.max_size} x {instance_type} {kind} ({_rate(hourly)}/h)",
                rate * group.min_size * HOURS_PER_MONTH,
                rate * group.max_size * HOURS_PER_MONTH,
            )
        )
    return lines


def _database_lines(facts: StackFacts, prices: PriceTable) -> list[CostLine]:
    lines = []
    for db in facts.databases:
        hourly = prices.rds_hour.get(db.instance_class)
        if hourly is None or db.kind != "aws_db_instance":
            lines.append(
                CostLine(
                    f"database `{db.name}`",
                    f"no price for {db.kind} {db.instance_class} in the table",
                    Decimal(0),
                    Decimal(0),
                    priced=False,
                )
            )
            continue
        copies = 2 if db.multi_az else 1
        amount = (hourly * HOURS_PER_MONTH + db.allocated_storage_gib * prices.rds_gp3_gb_month) * copies
        az = "Multi-AZ (x2)" if db.multi_az else "single-AZ"
        lines.append(
            CostLine(
                f"database `{db.name}`",
                f"{db.instance_class} {az} ({_rate(hourly)}/h) + {db.allocated_storage_gib} GB gp3",
                amount,
                amount,
            )
        )
    return lines


def estimate_cost(
    facts: StackFacts, prices: PriceTable | None, assumptions: UsageAssumptions | None = None
) -> CostEstimate:
    """The monthly estimate of one stack; with ``prices=None`` an estimate with no lines ("no prices")."""
    assumptions = assumptions or UsageAssumptions()
    assumptions.validate()
    if prices is None:
        return CostEstimate(facts.stack, facts.region, None, assumptions, ())
    hours = HOURS_PER_MONTH
    lines: list[CostLine] = []

    standard = prices.eks_standard_hour * hours
    extended = prices.eks_extended_hour * hours if facts.support_type == "EXTENDED" else standard
    lines.append(
        CostLine(
            "EKS control plane",
            f"upgrade policy {facts.support_type}: {_rate(prices.eks_standard_hour)}/h standard"
            + (
                f", {_rate(prices.eks_extended_hour)}/h once in extended support"
                if facts.support_type == "EXTENDED"
                else ""
            ),
            standard,
            extended,
        )
    )
    nat_count = len(facts.nat_gateways)
    if nat_count:
        nat = nat_count * prices.nat_hour * hours + assumptions.nat_gb_per_month * prices.nat_gb
        lines.append(
            CostLine(
                "NAT gateways",
                f"{nat_count} x {_rate(prices.nat_hour)}/h"
                f" + {assumptions.nat_gb_per_month} GB x {_rate(prices.nat_gb)}",
                nat,
                nat,
            )
        )
    albs = sorted({app.alb_group for app in facts.applications if app.alb_group})
    alb_ips = len(albs) * len(facts.availability_zones)
    ips = facts.elastic_ips + alb_ips
    if ips:
        amount = ips * prices.public_ipv4_hour * hours
        lines.append(
            CostLine(
                "public IPv4 addresses",
                f"{facts.elastic_ips} EIPs + {alb_ips} ALB addresses (one per AZ) x {_rate(prices.public_ipv4_hour)}/h",
                amount,
                amount,
            )
        )
    interface = [endpoint for endpoint in facts.endpoints if endpoint.kind == "Interface"]
    if interface:
        az_hours = sum(endpoint.subnet_count for endpoint in interface)
        amount = az_hours * prices.interface_endpoint_az_hour * hours + (
            assumptions.endpoint_gb_per_month * prices.interface_endpoint_gb
        )
        lines.append(
            CostLine(
                "interface VPC endpoints",
                f"{len(interface)} endpoints, {az_hours} AZ-attachments x {_rate(prices.interface_endpoint_az_hour)}/h"
                f" + {assumptions.endpoint_gb_per_month} GB x {_rate(prices.interface_endpoint_gb)}",
                amount,
                amount,
            )
        )
    lines.extend(_node_lines(facts, prices, assumptions))
    if facts.bastion_instance_type:
        hourly = prices.ec2_hour.get(facts.bastion_instance_type)
        if hourly is None:
            lines.append(
                CostLine(
                    "SSM bastion",
                    f"no price for {facts.bastion_instance_type} in the table",
                    Decimal(0),
                    Decimal(0),
                    priced=False,
                )
            )
        else:
            lines.append(
                CostLine(
                    "SSM bastion",
                    f"1 x {facts.bastion_instance_type} ({_rate(hourly)}/h)",
                    hourly * hours,
                    hourly * hours,
                )
            )
    disk_low = sum(group.min_size * group.disk_size_gib for group in facts.node_groups) + facts.bastion_disk_gib
    disk_high = sum(group.max_size * group.disk_size_gib for group in facts.node_groups) + facts.bastion_disk_gib
    lines.append(
        CostLine(
            "EBS root volumes (gp3)",
            f"{disk_low} / {disk_high} GB x {_rate(prices.ebs_gp3_gb_month)}/GB-month",
            disk_low * prices.ebs_gp3_gb_month,
            disk_high * prices.ebs_gp3_gb_month,
        )
    )
    if albs:
        amount = len(albs) * (prices.alb_hour + assumptions.alb_lcus * prices.alb_lcu_hour) * hours
        lines.append(
            CostLine(
                "application load balancers",
                f"{len(albs)} ALB (one per ingress group) x ({_rate(prices.alb_hour)}/h"
                f" + {assumptions.alb_lcus} LCU x {_rate(prices.alb_lcu_hour)}/h)",
                amount,
                amount,
            )
        )
    lines.extend(_database_lines(facts, prices))
    if facts.buckets:
        amount = len(facts.buckets) * assumptions.s3_gb_per_bucket * prices.s3_standard_gb_month
        lines.append(
            CostLine(
                "S3 buckets",
                f"{len(facts.buckets)} x {assumptions.s3_gb_per_bucket} GB"
                f" x {_rate(prices.s3_standard_gb_month)}/GB-month",
                amount,
                amount,
            )
        )
    if facts.log_groups:
        amount = assumptions.log_gb_per_month * prices.logs_ingest_gb
        lines.append(
            CostLine(
                "CloudWatch log ingestion",
                f"{len(facts.log_groups)} log groups,"
                f" {assumptions.log_gb_per_month} GB x {_rate(prices.logs_ingest_gb)}",
                amount,
                amount,
            )
        )
    if facts.kms_keys:
        amount = facts.kms_keys * prices.kms_key_month
        lines.append(CostLine("KMS keys", f"{facts.kms_keys} x {_rate(prices.kms_key_month)}/month", amount, amount))
    return CostEstimate(facts.stack, facts.region, prices, assumptions, tuple(lines))


def render_cost_markdown(estimate: CostEstimate) -> str:
    """The estimate as a Markdown document (deterministic: same estimate, same bytes)."""
    out = [f"# Monthly cost estimate: `{estimate.stack}` ({estimate.region})", ""]
    if estimate.prices is None:
        out += [
            f"**No prices:** there is no reviewed price table for region `{estimate.region}` in",
            "`constructs_lib/docs/prices.py`, so this stack is not estimated. Add a dated table for the",
            "region (with its sources) to get one.",
            "",
        ]
        return "\n".join(out)
    prices = estimate.prices
    out += [
        f"**Estimate, not a quote.** List prices (USD, on-demand, Linux) from the price table reviewed "
        f"{prices.reviewed} for {prices.region}; sources are listed in `constructs_lib/docs/prices.py`. "
        f"{HOURS_PER_MONTH} hours per month. Taxes, support plans, data transfer out to the internet, "
        "ECR storage, KMS requests and Secrets Manager are not included.",
        "",
        "| item | basis | low (nodes at min) | high (nodes at max) |",
        "| --- | --- | ---: | ---: |",
    ]
    for line in estimate.lines:
        low = money(line.low) if line.priced else "no price"
        high = money(line.high) if line.priced else "no price"
        out.append(f"| {line.item} | {line.basis} | {low} | {high} |")
    marker = "" if estimate.complete else " (incomplete: some items have no price)"
    out += [f"| **total per month**{marker} | | **{money(estimate.low)}** | **{money(estimate.high)}** |", ""]
    a = estimate.assumptions
    out += [
        "Assumptions:",
        "",
        "* low: every node group at its minimum size; high: at its maximum (the cluster autoscaler moves "
        "between them). A group with several instance types is priced at its first.",
        "* An EXTENDED upgrade policy costs the standard rate while the Kubernetes version is in standard "
        "support; the high column shows the extended-support rate it pays after that.",
        f"* Spot nodes at {a.spot_discount_percent} % below on-demand.",
        f"* NAT data {a.nat_gb_per_month} GB/month; interface endpoint data {a.endpoint_gb_per_month} GB/month; "
        f"{a.alb_lcus} LCU per ALB on average; log ingestion {a.log_gb_per_month} GB/month; "
        f"{a.s3_gb_per_bucket} GB per S3 bucket.",
        "* EKS managed add-ons, Helm releases, IAM, security groups and the S3 gateway endpoint cost nothing "
        "themselves.",
        "",
    ]
    return "\n".join(out)
