"""Reviewed, dated list prices per region for the cost estimate (USD, on-demand, Linux).

The table is static on purpose: generation needs no network and gives the same bytes every run.
Review it (and bump ``reviewed``) when AWS changes a price or the platform uses a new instance type;
an instance type missing here is shown as "no price" in the estimate, never guessed.

Sources (looked up 2026-12-02; AWS's own pricing pages are the reference, the others were used to
cross-check the same figures):

* EKS control plane: $0.10 per cluster-hour in standard support, $0.60 in extended support — AWS
  Containers blog "Amazon EKS extended support for Kubernetes versions pricing"; vantage.sh "Amazon
  EKS extended support cost"; cloudburn.io "Amazon EKS pricing" (March 2026, us-east-1).
* NAT gateway: $0.045 per hour and $0.045 per GB processed — basavytix.com and costpatrol.io NAT
  gateway pricing guides (us-east-1), rajesh.medampudi.com "NAT gateway hidden tax".
* Public IPv4 address: $0.005 per hour each, in use or idle, since 2024-02-01 — doit.com "AWS public
  IPv4 price increase", vishalvyas.com.
* Interface VPC endpoint: $0.01 per endpoint per AZ-hour and $0.01 per GB (first PB) — AWS
  PrivateLink pricing page; awsnegotiations.com "PrivateLink cost analysis". Gateway endpoints (S3)
  are free.
* EC2 on-demand, Linux, us-east-1: m5.large $0.096, t3.micro $0.0104 (cloud-bench.com "EC2 Spot vs
  On-Demand"), m5.xlarge $0.192 (npblue.com "EC2 pricing models"), c5.2xlarge $0.34 (AWS Auto Scaling
  user guide, spot price per unit hour example). t3.large $0.0832, t3a.large $0.0752 and r5.xlarge
  $0.252 are AWS's published list rates (EC2 on-demand pricing page), not found in a second source:
  re-check them first.
* EBS gp3: $0.08 per GB-month, 3,000 IOPS and 125 MB/s included — saisci.com "gp2 vs gp3 cost
  comparison" (N. Virginia), from the EBS pricing page.
* Application Load Balancer: $0.0225 per ALB-hour and $0.008 per LCU-hour — cloud-horizons.com
  "ALB: the line item nobody watches" (May 2026).
* CloudWatch Logs: $0.50 per GB ingested (standard class) — c3x.dev and hykell.com CloudWatch Logs
  pricing (us-east-1, 2026).
* KMS: $1 per customer managed key-month (rotation adds up to $1 per rotated key-month; requests
  beyond the free tier are not estimated) — AWS KMS pricing page; wring.co KMS pricing guide.
* S3 Standard: $0.023 per GB-month (first 50 TB) — AWS S3 pricing page.
* RDS PostgreSQL/MySQL single-AZ: db.t4g.micro $0.016, db.t4g.small $0.032, db.t4g.medium $0.065 per
  hour, Multi-AZ twice that (infratally.com "AWS RDS pricing explained", 2026); gp3 storage $0.115 per
  GB-month (usage.ai RDS pricing calculator, June 2026). db.m7g.large $0.168 per hour (AWS list rate
  for PostgreSQL, not confirmed in a searchable page: re-check it first, with the rates above).
  Aurora and other classes: not in the table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

__all__ = ["HOURS_PER_MONTH", "PRICE_TABLES", "PriceTable", "price_table"]

#: AWS's own monthly convention (365 days x 24 h / 12).
HOURS_PER_MONTH = Decimal(730)


def _frozen(prices: Mapping[str, str]) -> Mapping[str, Decimal]:
    return MappingProxyType({key: Decimal(value) for key, value in sorted(prices.items())})


@dataclass(frozen=True)
class PriceTable:
    """List prices of one region, as reviewed on ``reviewed`` (ISO date)."""

    region: str
    reviewed: str
    eks_standard_hour: Decimal
    eks_extended_hour: Decimal
    nat_hour: Decimal
    nat_gb: Decimal
    public_ipv4_hour: Decimal
    interface_endpoint_az_hour: Decimal
    interface_endpoint_gb: Decimal
    ebs_gp3_gb_month: Decimal
    alb_hour: Decimal
    alb_lcu_hour: Decimal
    logs_ingest_gb: Decimal
    kms_key_month: Decimal
    s3_standard_gb_month: Decimal
    rds_gp3_gb_month: Decimal
    #: On-demand Linux price per hour of each EC2 instance type.
    ec2_hour: Mapping[str, Decimal] = field(default_factory=dict)
    #: Single-AZ price per hour of each RDS instance class (Multi-AZ bills two instances).
    rds_hour: Mapping[str, Decimal] = field(default_factory=dict)


US_EAST_1 = PriceTable(
    region="us-east-1",
    reviewed="2026-12-02",
    eks_standard_hour=Decimal("0.10"),
    eks_extended_hour=Decimal("0.60"),
    nat_hour=Decimal("0.045"),
    nat_gb=Decimal("0.045"),
    public_ipv4_hour=Decimal("0.005"),
    interface_endpoint_az_hour=Decimal("0.01"),
    interface_endpoint_gb=Decimal("0.01"),
    ebs_gp3_gb_month=Decimal("0.08"),
    alb_hour=Decimal("0.0225"),
    alb_lcu_hour=Decimal("0.008"),
    logs_ingest_gb=Decimal("0.50"),
    kms_key_month=Decimal("1.00"),
    s3_standard_gb_month=Decimal("0.023"),
    rds_gp3_gb_month=Decimal("0.115"),
    ec2_hour=_frozen(
        {
            "c5.2xlarge": "0.34",
            "m5.large": "0.096",
            "m5.xlarge": "0.192",
            "r5.xlarge": "0.252",
            "t3.large": "0.0832",
            "t3.micro": "0.0104",
            "t3a.large": "0.0752",
        }
    ),
    rds_hour=_frozen(
        {"db.m7g.large": "0.168", "db.t4g.medium": "0.065", "db.t4g.micro": "0.016", "db.t4g.small": "0.032"}
    ),
)

#: Region -> its reviewed price table. A region missing here gets a cost file marked "no prices".
PRICE_TABLES: Mapping[str, PriceTable] = MappingProxyType({US_EAST_1.region: US_EAST_1})


def price_table(region: str) -> PriceTable | None:
    """The reviewed price table of ``region``, or ``None`` when there is none (never a guess)."""
    return PRICE_TABLES.get(region)
