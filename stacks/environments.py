"""The reference environments: three instances of one model, no per-environment code.

Choices that differ from the seed documents (see README "Decisions"):

* CIDRs: the seeds all use 10.0.0.0/16 and disagree on subnets (seed 004's private 10.0.30.0/24 is
  seed 002's database subnet). Each environment here gets its own /16 (dev 10.10, staging 10.20,
  prod 10.30) so they never overlap and can later be peered or attached to a transit gateway; the
  subnets inside are planned by the network tier.
* Region us-east-1 (seed 004's zones); two AZs in dev and staging (seed 002), three in prod.
* Kubernetes 1.35 instead of the seeds' 1.28, which left EKS extended support in 2025.
* Node groups: prod is seed 004's matrix; dev and staging are smaller. The system group
  (``NodeRole.SYSTEM``) is tainted ``CriticalAddonsOnly`` so application pods never crowd out
  cluster add-ons, and coredns and the EBS CSI controller are pinned to it.
* Stage knobs left at their documented defaults (``ClusterConfig``): upgrade policy EXTENDED and
  zonal shift on in prod, STANDARD and off elsewhere; the CloudWatch observability add-on on in
  staging and prod, off in dev.
* Applications: seed 002's progression (dev api + worker; staging + admin; prod + monitoring) with
  seed 003's replica counts (dev 1, staging 2, prod 3).
* Data: every environment has seed 002's PostgreSQL database (RDS, sized by the stage's defaults:
  dev db.t4g.micro Single-AZ, staging db.t4g.small, prod db.m7g.large Multi-AZ with deletion
  protection), used by the api, and the api's own bucket (seed 002's ``my-app-bucket``: Get, Put,
  Delete objects and List the bucket). The api's credentials come from the database's RDS-managed
  secret, not from a secret created by hand.
"""

from __future__ import annotations

from typing import Any

from constructs_lib.apps.config import ApplicationSpec, IngressSpec
from constructs_lib.cluster.config import CapacityType, ClusterConfig, NodeGroupSpec, NodeRole, Taint
from constructs_lib.config import EnvironmentConfig, Stage, StateBackend
from constructs_lib.data.config import DatabaseSpec
from constructs_lib.network.config import NatMode, NetworkConfig
from constructs_lib.platform.config import AddonsConfig, DnsConfig
from constructs_lib.registry.config import RepositorySpec, TagMutability, default_lifecycle_rules

__all__ = ["DEV", "ENVIRONMENTS", "PROD", "STAGING"]

_REGION = "us-east-1"
_TAGS = {"cost-center": "platform", "owner": "platform-team"}

#: The system group runs cluster add-ons only: ``NodeRole.SYSTEM`` gives it the ``node-role=system``
#: label and the ``CriticalAddonsOnly`` taint, and pins coredns and the EBS CSI controller to it.
_SYSTEM = NodeRole.SYSTEM

#: Seed 000's images (cached in ECR) with the tag prefix of their releases: its own builds are tagged
#: ``v1.0.0``; the third-party images keep upstream's tags (``2024.10.1``, ``7.0.14``, ``7.4.4``), so
#: the default "keep the last 5 tagged v*" rule would never select them.
_SEED_000_IMAGES: dict[str, tuple[str, ...]] = {
    "homeassistant": ("20",),
    "mongodb": ("7.", "8."),
    "kafka": ("7.", "8."),
    "plant-processor": ("v",),
    "plant-sensor": ("v",),
}
#: Seed 002's application images.
_APP_IMAGES = ("api", "admin", "worker", "monitoring")


def _repositories(mutability: TagMutability) -> tuple[RepositorySpec, ...]:
    seed_000 = tuple(
        RepositorySpec(
            name=f"plant-monitoring/{name}",
            tag_mutability=mutability,
            lifecycle_rules=None if prefixes == ("v",) else default_lifecycle_rules(release_prefixes=prefixes),
        )
        for name, prefixes in _SEED_000_IMAGES.items()
    )
    apps = tuple(RepositorySpec(name=f"apps/{name}") for name in _APP_IMAGES)
    return seed_000 + apps


# ---- Example values: replace them before the first deploy ---------------------------------------
# `make deploy` (preflight) refuses an environment that still holds any of them: AWS's documentation
# account, the documentation network 203.0.113.0/24, example.com hosts, the zero hosted zone and the
# example state bucket.

#: The AWS account every environment deploys into (the provider refuses any other account).
EXAMPLE_ACCOUNT_ID = "123456789012"
#: Prod's ALB listeners need an ACM certificate for its domain: replace this example ARN with your
#: certificate's (same region and account); prod refuses an ingress without one.
PROD_CERTIFICATE_ARN = f"arn:aws:acm:us-east-1:{EXAMPLE_ACCOUNT_ID}:certificate/00000000-0000-0000-0000-000000000000"
#: The role CI runs terraform as: it gets the deployer's access entry, and an apply by anyone else stops.
DEPLOYER_ROLE_ARN = f"arn:aws:iam::{EXAMPLE_ACCOUNT_ID}:role/eks-platform-deployer"
#: A stable human admin (break-glass) besides the deployer, assumed through SSO.
ADMIN_ROLE_ARN = f"arn:aws:iam::{EXAMPLE_ACCOUNT_ID}:role/platform-admin"
#: Dev and staging: the deploy runner's egress address, allowed on the public API endpoint (nothing
#: else is). Convenient for a hosted CI runner; the nodes and the control plane stay private.
RUNNER_CIDRS = ("203.0.113.10/32",)
#: Prod keeps the API endpoint private: its deploy runner sits in the VPC (or a network attached to
#: it) and this is its security group, allowed on 443. The all-zero id is a placeholder.
PROD_RUNNER_SECURITY_GROUP = "sg-00000000000000000"
#: State bucket shared by staging and prod (one key per environment); create it with `make state-bucket`.
STATE = StateBackend(bucket="example-eks-platform-tfstate")
#: Prod's public Route 53 zone (external-dns publishes the ingress hosts there); the zero id is a placeholder.
PROD_HOSTED_ZONE_ID = "Z00000000000000000000"


def _cluster(*, private: bool = False) -> ClusterConfig:
    """The same administration in every environment; the API reached publicly or from inside the VPC."""
    access: dict[str, Any] = (
        {"private_access_security_group_ids": (PROD_RUNNER_SECURITY_GROUP,)}
        if private
        else {"endpoint_public_access": True, "public_access_cidrs": RUNNER_CIDRS}
    )
    return ClusterConfig(deployer_principal_arn=DEPLOYER_ROLE_ARN, admin_principal_arns=(ADMIN_ROLE_ARN,), **access)


#: The ALB reaches the applications' pods on their port only (all listen on 8080), not on seed 002's
#: 1025-65535: nothing else on a node is the load balancer's business.
_APP_PORTS = (8080, 8080)

#: Applications reachable from the internet through the AWS Load Balancer Controller (seed 002).
_PUBLIC_APPLICATIONS = ("api", "admin")

#: Seed 002's PostgreSQL database; every size is the stage's default (``data.config.STAGE_DEFAULTS``).
_DATABASE = DatabaseSpec(name="app")


def _applications(
    names: tuple[str, ...], replicas: int, *, domain: str, certificate_arn: str | None = None
) -> tuple[ApplicationSpec, ...]:
    """Seed 002's applications: api and admin behind the ALB; the worker takes jobs from them; the
    api uses the database and its own bucket, and talks to AWS through its own IRSA role."""

    def spec(name: str) -> ApplicationSpec:
        return ApplicationSpec(
            name=name,
            repository=f"apps/{name}",
            image_tag="v1.0.0",
            replicas=replicas,
            ingress=IngressSpec(host=f"{name}.{domain}", certificate_arn=certificate_arn)
            if name in _PUBLIC_APPLICATIONS
            else None,
            allowed_peers=tuple(p for p in _PUBLIC_APPLICATIONS if p in names) if name == "worker" else (),
            database=_DATABASE.name if name == "api" else None,
            bucket=name == "api",
            needs_aws=name == "api",
        )

    return tuple(spec(name) for name in names)


DEV = EnvironmentConfig(
    name="dev",
    stage=Stage.DEV,
    region=_REGION,
    network=NetworkConfig(
        vpc_cidr="10.10.0.0/16",
        availability_zones=(f"{_REGION}a", f"{_REGION}b"),
        nat_mode=NatMode.SINGLE,
        node_target_ports=_APP_PORTS,
    ),
    cluster=_cluster(),
    account_id=EXAMPLE_ACCOUNT_ID,
    node_groups=(
        NodeGroupSpec(
            name="system", instance_types=("t3.large",), min_size=2, desired_size=2, max_size=3, role=_SYSTEM
        ),
        NodeGroupSpec(
            name="application",
            instance_types=("t3.large", "t3a.large", "m5.large"),
            min_size=1,
            desired_size=2,
            max_size=4,
            capacity_type=CapacityType.SPOT,
            labels={"node-role": "application"},
        ),
    ),
    # Seed 000 kept its cached third-party images MUTABLE; dev allows it, staging and prod do not.
    repositories=_repositories(TagMutability.MUTABLE),
    applications=_applications(("api", "worker"), 1, domain="dev.example.com"),
    database=_DATABASE,
    addons=AddonsConfig(),
    tags=_TAGS,
)

STAGING = EnvironmentConfig(
    name="staging",
    stage=Stage.STAGING,
    region=_REGION,
    network=NetworkConfig(
        vpc_cidr="10.20.0.0/16",
        availability_zones=(f"{_REGION}a", f"{_REGION}b"),
        nat_mode=NatMode.SINGLE,
        node_target_ports=_APP_PORTS,
    ),
    cluster=_cluster(),
    account_id=EXAMPLE_ACCOUNT_ID,
    node_groups=(
        NodeGroupSpec(
            name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=3, role=_SYSTEM
        ),
        NodeGroupSpec(
            name="application",
            instance_types=("m5.large",),
            min_size=2,
            desired_size=2,
            max_size=10,
            labels={"node-role": "application"},
        ),
    ),
    repositories=_repositories(TagMutability.IMMUTABLE),
    applications=_applications(("api", "admin", "worker"), 2, domain="staging.example.com"),
    database=_DATABASE,
    addons=AddonsConfig(kube_prometheus_stack=True),
    tags=_TAGS,
    state=STATE,
)

PROD = EnvironmentConfig(
    name="prod",
    stage=Stage.PROD,
    region=_REGION,
    network=NetworkConfig(
        vpc_cidr="10.30.0.0/16",
        availability_zones=(f"{_REGION}a", f"{_REGION}b", f"{_REGION}c"),
        nat_mode=NatMode.PER_AZ,
        node_target_ports=_APP_PORTS,
    ),
    cluster=_cluster(private=True),
    account_id=EXAMPLE_ACCOUNT_ID,
    # Seed 004's matrix. The compute and memory groups are tainted `dedicated=<kind>`: only workloads that
    # name them (ApplicationSpec.node_group) land there.
    node_groups=(
        NodeGroupSpec(
            name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=4, role=_SYSTEM
        ),
        NodeGroupSpec(
            name="application",
            instance_types=("m5.xlarge",),
            min_size=5,
            desired_size=5,
            max_size=50,
            labels={"node-role": "application"},
        ),
        NodeGroupSpec(
            name="compute-intensive",
            instance_types=("c5.2xlarge",),
            min_size=2,
            desired_size=2,
            max_size=20,
            labels={"node-role": "compute"},
            taints=(Taint(key="dedicated", value="compute"),),
        ),
        NodeGroupSpec(
            name="memory-intensive",
            instance_types=("r5.xlarge",),
            min_size=2,
            desired_size=2,
            max_size=10,
            labels={"node-role": "memory"},
            taints=(Taint(key="dedicated", value="memory"),),
        ),
    ),
    repositories=_repositories(TagMutability.IMMUTABLE),
    applications=_applications(
        ("api", "admin", "worker", "monitoring"),
        3,
        domain="example.com",
        certificate_arn=PROD_CERTIFICATE_ARN,
    ),
    database=_DATABASE,
    addons=AddonsConfig(
        kube_prometheus_stack=True,
        velero=True,
        external_dns=True,
        dns=DnsConfig(hosted_zone_ids=(PROD_HOSTED_ZONE_ID,), domains=("example.com",)),
    ),
    tags=_TAGS,
    state=STATE,
)

#: The environments ``main.py`` synthesizes, in order; each becomes a stack of the same name.
ENVIRONMENTS: tuple[EnvironmentConfig, ...] = (DEV, STAGING, PROD)
