"""What a synthesized stack holds, read from its ``cdk.tf.json`` (not from the config).

The diagram, the cost estimate, the comparison and ``main.py``'s summary all start here, so they
describe what terraform would build, including resources a future construct adds (an
``aws_db_instance`` or an application bucket is picked up by its resource type). Every collection is
sorted, so two reads of the same JSON give equal values and the outputs are byte-identical.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "TIERS",
    "Application",
    "Bucket",
    "Database",
    "Endpoint",
    "HelmRelease",
    "LogGroup",
    "NodeGroup",
    "StackFacts",
    "Subnet",
    "load_stack",
    "read_stack_facts",
    "tier_of",
]

#: Summary tiers, in the order a stack is built; the first component of a construct path under the
#: stack decides the tier (``irsa-*`` roles are identity; add-ons, baseline and backup are platform).
TIERS = ("network", "cluster", "registry", "identity", "platform", "data", "applications", "other")
_TIER_OF_SCOPE = {
    "network": "network",
    "cluster": "cluster",
    "registry": "registry",
    "addons": "platform",
    "baseline": "platform",
    "backup": "platform",
    "applications": "applications",
    "data": "data",
    "database": "data",
}


def tier_of(construct_path: str) -> str:
    """The summary tier of a resource from its construct path (``prod/network/vpc`` -> ``network``)."""
    parts = construct_path.split("/")
    scope = parts[1] if len(parts) > 1 else ""
    if scope.startswith("irsa-"):
        return "identity"
    return _TIER_OF_SCOPE.get(scope, "other")


@dataclass(frozen=True)
class Subnet:
    tier: str
    availability_zone: str
    cidr: str


@dataclass(frozen=True)
class Endpoint:
    #: The service's short name (``ecr.api``), without ``com.amazonaws.<region>.``.
    service: str
    #: ``Interface`` or ``Gateway``.
    kind: str
    #: Subnets (hence AZs) an interface endpoint has an ENI in; 0 for gateway endpoints.
    subnet_count: int


@dataclass(frozen=True)
class NodeGroup:
    name: str
    instance_types: tuple[str, ...]
    capacity_type: str
    min_size: int
    desired_size: int
    max_size: int
    disk_size_gib: int
    taints: tuple[str, ...]


@dataclass(frozen=True)
class HelmRelease:
    name: str
    namespace: str
    #: The chart version, or ``local`` for the chart shipped in the package.
    version: str


@dataclass(frozen=True)
class Application:
    name: str
    hosts: tuple[str, ...]
    #: The ALB group of its ingress (one ALB per group); empty without an ingress.
    alb_group: str
    https: bool


@dataclass(frozen=True)
class Database:
    name: str
    #: ``aws_db_instance`` or ``aws_rds_cluster_instance``.
    kind: str
    engine: str
    instance_class: str
    multi_az: bool
    allocated_storage_gib: int
    deletion_protection: bool


@dataclass(frozen=True)
class Bucket:
    name: str
    prevent_destroy: bool


@dataclass(frozen=True)
class LogGroup:
    name: str
    retention_days: int


@dataclass(frozen=True)
class StackFacts:
    """The parts of one synthesized stack that the generated documents show."""

    stack: str
    region: str
    vpc_cidr: str
    availability_zones: tuple[str, ...]
    subnets: tuple[Subnet, ...]
    #: The AZ of each NAT gateway.
    nat_gateways: tuple[str, ...]
    elastic_ips: int
    endpoints: tuple[Endpoint, ...]
    cluster_name: str
    kubernetes_version: str
    support_type: str
    endpoint_public_access: bool
    public_access_cidrs: tuple[str, ...]
    cluster_deletion_protection: bool
    control_plane_log_types: tuple[str, ...]
    node_groups: tuple[NodeGroup, ...]
    managed_addons: tuple[str, ...]
    helm_releases: tuple[HelmRelease, ...]
    applications: tuple[Application, ...]
    databases: tuple[Database, ...]
    buckets: tuple[Bucket, ...]
    log_groups: tuple[LogGroup, ...]
    kms_keys: int
    ecr_repositories: int
    ecr_tag_mutability: tuple[str, ...]
    bastion_instance_type: str | None
    bastion_disk_gib: int
    #: ``type.name`` of every resource with ``lifecycle.prevent_destroy``.
    prevent_destroy: tuple[str, ...]
    #: Resources per summary tier (see :data:`TIERS`), only tiers that have some.
    resources_by_tier: tuple[tuple[str, int], ...]

    @property
    def resource_count(self) -> int:
        return sum(count for _, count in self.resources_by_tier)

    def subnet(self, tier: str, availability_zone: str) -> Subnet | None:
        for subnet in self.subnets:
            if (subnet.tier, subnet.availability_zone) == (tier, availability_zone):
                return subnet
        return None


def load_stack(synth_dir: Path, stack: str) -> dict[str, Any]:
    """The synthesized JSON of ``stack`` under a cdktf output directory (``cdktf.out``)."""
    path = Path(synth_dir) / "stacks" / stack / "cdk.tf.json"
    document: dict[str, Any] = json.loads(path.read_text())
    return document


def _resources(document: Mapping[str, Any], resource_type: str) -> list[tuple[str, dict[str, Any]]]:
    """``(name, body)`` of every resource of one type, sorted by name."""
    return sorted(document.get("resource", {}).get(resource_type, {}).items())


def _display(value: str) -> str:
    """A name with terraform references shortened (``...-${data...account_id}`` -> ``...-<account-id>``)."""
    return re.sub(r"\$\{[^}]*\}", lambda m: "<account-id>" if "account_id" in m.group(0) else "<computed>", value)


def _region(document: Mapping[str, Any]) -> str:
    providers = document.get("provider", {}).get("aws", [])
    for provider in providers:
        if "alias" not in provider and "region" in provider:
            return str(provider["region"])
    return ""


def _subnet_azs(document: Mapping[str, Any]) -> dict[str, str]:
    """Terraform reference of each subnet's id -> its AZ (to place NAT gateways)."""
    return {
        f"${{aws_subnet.{name}.id}}": str(body.get("availability_zone", ""))
        for name, body in _resources(document, "aws_subnet")
    }


def _node_groups(document: Mapping[str, Any]) -> tuple[NodeGroup, ...]:
    templates = dict(_resources(document, "aws_launch_template"))
    groups = []
    for _, body in _resources(document, "aws_eks_node_group"):
        scaling = body.get("scaling_config", {})
        disk = int(body.get("disk_size", 0) or 0)
        template_ref = str(body.get("launch_template", {}).get("id", ""))
        for template_name, template in templates.items():
            if f"aws_launch_template.{template_name}." in template_ref:
                for mapping in template.get("block_device_mappings", []):
                    disk = int(mapping.get("ebs", {}).get("volume_size", disk))
        taints = tuple(sorted(f"{t.get('key')}={t.get('value', '')}:{t.get('effect')}" for t in body.get("taint", [])))
        cluster = str(body.get("cluster_name", ""))
        name = str(body.get("node_group_name", ""))
        groups.append(
            NodeGroup(
                name=name.removeprefix(f"{cluster}-"),
                instance_types=tuple(body.get("instance_types", ())),
                capacity_type=str(body.get("capacity_type", "ON_DEMAND")),
                min_size=int(scaling.get("min_size", 0)),
                desired_size=int(scaling.get("desired_size", 0)),
                max_size=int(scaling.get("max_size", 0)),
                disk_size_gib=disk,
                taints=taints,
            )
        )
    return tuple(sorted(groups, key=lambda group: group.name))


def _applications(document: Mapping[str, Any]) -> tuple[Application, ...]:
    """Applications are the namespaces that run a Deployment; their ingress gives hosts and ALB group."""
    ingresses: dict[str, dict[str, Any]] = {}
    for _, body in _resources(document, "kubernetes_ingress_v1"):
        ingresses[str(body.get("metadata", {}).get("namespace", ""))] = body
    apps = []
    for _, body in _resources(document, "kubernetes_deployment_v1"):
        metadata = body.get("metadata", {})
        name = str(metadata.get("name", ""))
        ingress = ingresses.get(str(metadata.get("namespace", "")))
        hosts: tuple[str, ...] = ()
        group = ""
        https = False
        if ingress is not None:
            hosts = tuple(sorted(str(rule.get("host", "")) for rule in ingress.get("spec", {}).get("rule", [])))
            annotations = ingress.get("metadata", {}).get("annotations", {})
            # An ingress without a group gets an ALB of its own, named after it.
            group = str(annotations.get("alb.ingress.kubernetes.io/group.name", f"ingress:{name}"))
            https = "alb.ingress.kubernetes.io/certificate-arn" in annotations
        apps.append(Application(name=name, hosts=hosts, alb_group=group, https=https))
    return tuple(sorted(apps, key=lambda app: app.name))


def _databases(document: Mapping[str, Any]) -> tuple[Database, ...]:
    databases = []
    for name, body in _resources(document, "aws_db_instance"):
        databases.append(
            Database(
                name=str(body.get("identifier", name)),
                kind="aws_db_instance",
                engine=str(body.get("engine", "")),
                instance_class=str(body.get("instance_class", "")),
                multi_az=bool(body.get("multi_az", False)),
                allocated_storage_gib=int(body.get("allocated_storage", 0) or 0),
                deletion_protection=bool(body.get("deletion_protection", False)),
            )
        )
    clusters = dict(_resources(document, "aws_rds_cluster"))
    for name, body in _resources(document, "aws_rds_cluster_instance"):
        cluster_ref = str(body.get("cluster_identifier", ""))
        cluster = next((c for n, c in clusters.items() if f"aws_rds_cluster.{n}." in cluster_ref), {})
        databases.append(
            Database(
                name=str(body.get("identifier", name)),
                kind="aws_rds_cluster_instance",
                engine=str(body.get("engine", cluster.get("engine", ""))),
                instance_class=str(body.get("instance_class", "")),
                multi_az=False,
                allocated_storage_gib=0,
                deletion_protection=bool(cluster.get("deletion_protection", False)),
            )
        )
    # A cluster without instance resources (serverless) still shows up, unpriced.
    for name, body in clusters.items():
        if not any(
            f"aws_rds_cluster.{name}." in str(b.get("cluster_identifier", ""))
            for _, b in _resources(document, "aws_rds_cluster_instance")
        ):
            databases.append(
                Database(
                    name=str(body.get("cluster_identifier", name)),
                    kind="aws_rds_cluster",
                    engine=str(body.get("engine", "")),
                    instance_class=str(body.get("engine_mode", "provisioned")),
                    multi_az=False,
                    allocated_storage_gib=0,
                    deletion_protection=bool(body.get("deletion_protection", False)),
                )
            )
    return tuple(sorted(databases, key=lambda db: (db.kind, db.name)))


def _prevent_destroy(document: Mapping[str, Any]) -> tuple[str, ...]:
    protected = []
    for resource_type, resources in document.get("resource", {}).items():
        for name, body in resources.items():
            if body.get("lifecycle", {}).get("prevent_destroy"):
                protected.append(f"{resource_type}.{name}")
    return tuple(sorted(protected))


def _resources_by_tier(document: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    counts = dict.fromkeys(TIERS, 0)
    for resources in document.get("resource", {}).values():
        for body in resources.values():
            counts[tier_of(str(body.get("//", {}).get("metadata", {}).get("path", "")))] += 1
    return tuple((tier, count) for tier, count in counts.items() if count)


def read_stack_facts(document: Mapping[str, Any], *, stack: str) -> StackFacts:
    """Read the facts of one stack's synthesized JSON (a ``cdk.tf.json`` loaded as a dict)."""
    subnets = tuple(
        sorted(
            (
                Subnet(
                    tier=str(body.get("tags", {}).get("tier", "")),
                    availability_zone=str(body.get("availability_zone", "")),
                    cidr=str(body.get("cidr_block", "")),
                )
                for _, body in _resources(document, "aws_subnet")
            ),
            key=lambda subnet: (subnet.availability_zone, subnet.tier),
        )
    )
    subnet_azs = _subnet_azs(document)
    nat_gateways = tuple(
        sorted(
            subnet_azs.get(str(body.get("subnet_id", "")), "") for _, body in _resources(document, "aws_nat_gateway")
        )
    )
    endpoints = tuple(
        sorted(
            (
                Endpoint(
                    service=str(body.get("service_name", "")).split(".", 3)[-1],
                    kind=str(body.get("vpc_endpoint_type", "Gateway")),
                    subnet_count=len(body.get("subnet_ids", []) or []),
                )
                for _, body in _resources(document, "aws_vpc_endpoint")
            ),
            key=lambda endpoint: (endpoint.kind, endpoint.service),
        )
    )
    vpcs = _resources(document, "aws_vpc")
    clusters = _resources(document, "aws_eks_cluster")
    cluster = clusters[0][1] if clusters else {}
    vpc_config = cluster.get("vpc_config", {})
    helm = tuple(
        sorted(
            (
                HelmRelease(
                    name=str(body.get("name", "")),
                    namespace=str(body.get("namespace", "")),
                    version=str(body.get("version") or "local"),
                )
                for _, body in _resources(document, "helm_release")
            ),
            key=lambda release: release.name,
        )
    )
    buckets = tuple(
        Bucket(
            name=_display(str(body.get("bucket", body.get("bucket_prefix", name)))),
            prevent_destroy=bool(body.get("lifecycle", {}).get("prevent_destroy", False)),
        )
        for name, body in _resources(document, "aws_s3_bucket")
    )
    log_groups = tuple(
        sorted(
            (
                LogGroup(name=str(body.get("name", name)), retention_days=int(body.get("retention_in_days", 0) or 0))
                for name, body in _resources(document, "aws_cloudwatch_log_group")
            ),
            key=lambda group: group.name,
        )
    )
    bastion_type: str | None = None
    bastion_disk = 0
    for _, body in _resources(document, "aws_launch_template"):
        if body.get("//", {}).get("metadata", {}).get("path", "").endswith("bastion/launch-template"):
            bastion_type = str(body.get("instance_type", ""))
            for mapping in body.get("block_device_mappings", []):
                bastion_disk = int(mapping.get("ebs", {}).get("volume_size", 0))
    return StackFacts(
        stack=stack,
        region=_region(document),
        vpc_cidr=str(vpcs[0][1].get("cidr_block", "")) if vpcs else "",
        availability_zones=tuple(sorted({subnet.availability_zone for subnet in subnets})),
        subnets=subnets,
        nat_gateways=nat_gateways,
        elastic_ips=len(_resources(document, "aws_eip")),
        endpoints=endpoints,
        cluster_name=str(cluster.get("name", "")),
        kubernetes_version=str(cluster.get("version", "")),
        # Without an upgrade_policy, EKS applies EXTENDED (its default), so that is what is billed.
        support_type=str(cluster.get("upgrade_policy", {}).get("support_type", "EXTENDED")),
        endpoint_public_access=bool(vpc_config.get("endpoint_public_access", False)),
        public_access_cidrs=tuple(sorted(vpc_config.get("public_access_cidrs", []) or [])),
        cluster_deletion_protection=bool(cluster.get("deletion_protection", False)),
        control_plane_log_types=tuple(sorted(cluster.get("enabled_cluster_log_types", []))),
        node_groups=_node_groups(document),
        managed_addons=tuple(
            sorted(str(body.get("addon_name", "")) for _, body in _resources(document, "aws_eks_addon"))
        ),
        helm_releases=helm,
        applications=_applications(document),
        databases=_databases(document),
        buckets=buckets,
        log_groups=log_groups,
        kms_keys=len(_resources(document, "aws_kms_key")),
        ecr_repositories=len(_resources(document, "aws_ecr_repository")),
        ecr_tag_mutability=tuple(
            sorted(
                {
                    str(body.get("image_tag_mutability", "MUTABLE"))
                    for _, body in _resources(document, "aws_ecr_repository")
                }
            )
        ),
        bastion_instance_type=bastion_type,
        bastion_disk_gib=bastion_disk,
        prevent_destroy=_prevent_destroy(document),
        resources_by_tier=_resources_by_tier(document),
    )
