"""The cost estimate: arithmetic on a tiny fixture, the EXTENDED support rate, missing prices."""

from __future__ import annotations

from decimal import Decimal

import pytest

from constructs_lib.docs.cost import (
    CostEstimate,
    CostLine,
    UsageAssumptions,
    estimate_cost,
    money,
    render_cost_markdown,
)
from constructs_lib.docs.facts import read_stack_facts
from constructs_lib.docs.prices import PRICE_TABLES, price_table
from constructs_lib.errors import ConfigError
from tests.docs.fixtures import tiny_stack


def _estimate(**kwargs: str) -> CostEstimate:
    facts = read_stack_facts(tiny_stack(**kwargs), stack="tiny")
    return estimate_cost(facts, price_table(facts.region))


def _line(estimate: CostEstimate, item: str) -> CostLine:
    return next(line for line in estimate.lines if line.item == item)


@pytest.mark.parametrize(
    ("item", "low", "high"),
    [
        ("EKS control plane", "73.0", "73.0"),  # 0.10 x 730
        ("NAT gateways", "37.35", "37.35"),  # 0.045 x 730 + 100 GB x 0.045
        ("public IPv4 addresses", "7.3", "7.3"),  # (1 EIP + 1 ALB x 1 AZ) x 0.005 x 730
        ("interface VPC endpoints", "7.8", "7.8"),  # 1 AZ x 0.01 x 730 + 50 GB x 0.01
        ("nodes `batch`", "0", "56.064"),  # SPOT: 0..2 x 0.096 x 40 % x 730
        ("nodes `web`", "70.08", "210.24"),  # 1..3 x 0.096 x 730
        ("EBS root volumes (gp3)", "1.6", "8.0"),  # 20 / 100 GB x 0.08
        ("application load balancers", "22.265", "22.265"),  # (0.0225 + 1 LCU x 0.008) x 730
        ("database `tiny-orders`", "51.32", "51.32"),  # (0.032 x 730 + 20 GB x 0.115) x 2 (Multi-AZ)
        ("S3 buckets", "2.3", "2.3"),  # 100 GB x 0.023
        ("CloudWatch log ingestion", "10.0", "10.0"),  # 20 GB x 0.50
        ("KMS keys", "1", "1"),
    ],
)
def test_line_arithmetic(item: str, low: str, high: str) -> None:
    line = _line(_estimate(), item)
    assert (line.low, line.high) == (Decimal(low), Decimal(high))


def test_totals_are_the_sum_of_unrounded_lines() -> None:
    estimate = _estimate()
    assert (estimate.low, estimate.high) == (Decimal("284.015"), Decimal("486.639"))


def test_extended_support_policy_prices_the_high_column_at_the_extended_rate() -> None:
    line = _line(_estimate(support_type="EXTENDED"), "EKS control plane")
    assert (line.low, line.high) == (Decimal("73.0"), Decimal("438.0"))


def test_markdown_states_the_table_date_and_the_totals() -> None:
    text = render_cost_markdown(_estimate())
    assert "reviewed 2026-12-02 for us-east-1" in text
    assert "| **total per month** | | **$284** | **$487** |" in text


def test_markdown_states_the_assumptions() -> None:
    text = render_cost_markdown(_estimate())
    assert "Spot nodes at 60 % below on-demand." in text
    assert "NAT data 100 GB/month" in text


def test_region_without_a_price_table_is_marked_no_prices() -> None:
    estimate = _estimate(region="eu-south-2")
    assert (estimate.lines, estimate.complete) == ((), False)
    assert "**No prices:** there is no reviewed price table for region `eu-south-2`" in render_cost_markdown(estimate)


def test_instance_type_without_a_price_is_shown_as_no_price_and_the_total_as_incomplete() -> None:
    estimate = _estimate(instance_type="x2iedn.32xlarge")
    line = _line(estimate, "nodes `web`")
    assert (line.priced, line.low, estimate.complete) == (False, Decimal(0), False)
    assert "(incomplete: some items have no price)" in render_cost_markdown(estimate)


def test_database_class_without_a_price_is_not_guessed() -> None:
    line = _line(_estimate(db_class="db.r7g.16xlarge"), "database `tiny-orders`")
    assert line.priced is False


def test_usage_assumptions_change_the_estimate() -> None:
    facts = read_stack_facts(tiny_stack(), stack="tiny")
    estimate = estimate_cost(facts, price_table("us-east-1"), UsageAssumptions(nat_gb_per_month=1000))
    assert _line(estimate, "NAT gateways").low == Decimal("77.85")


def test_spot_discount_assumption_changes_spot_nodes() -> None:
    facts = read_stack_facts(tiny_stack(), stack="tiny")
    estimate = estimate_cost(facts, price_table("us-east-1"), UsageAssumptions(spot_discount_percent=0))
    assert _line(estimate, "nodes `batch`").high == Decimal("140.16")


@pytest.mark.parametrize(
    ("assumptions", "message"),
    [
        (
            UsageAssumptions(spot_discount_percent=100),
            "`assumptions.spot_discount_percent`: must be a whole percentage in [0, 100) (got 100); "
            "fix: use the observed Spot discount, e.g. 60",
        ),
        (
            UsageAssumptions(nat_gb_per_month=-1),
            "`assumptions.nat_gb_per_month`: must be a whole number >= 0 (got -1); "
            "fix: estimate the monthly usage, or 0 to leave it out",
        ),
    ],
)
def test_bad_assumptions_are_config_errors(assumptions: UsageAssumptions, message: str) -> None:
    facts = read_stack_facts(tiny_stack(), stack="tiny")
    with pytest.raises(ConfigError) as error:
        estimate_cost(facts, price_table("us-east-1"), assumptions)
    assert str(error.value) == message


def test_money_rounds_half_up_to_whole_dollars() -> None:
    assert (money(Decimal("1234.5")), money(Decimal("0.49"))) == ("$1,235", "$0")


def test_every_price_table_is_dated_and_prices_the_reference_instance_types() -> None:
    from stacks.environments import ENVIRONMENTS

    types = {t for env in ENVIRONMENTS for group in env.node_groups for t in group.instance_types[:1]}
    for table in PRICE_TABLES.values():
        assert table.reviewed and types <= set(table.ec2_hour)
