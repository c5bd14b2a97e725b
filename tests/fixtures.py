"""Library-owned environment configs for the tests: small, valid, and independent of the reference app.

The library's tests build their configs here, never from ``stacks.environments`` (the reference
app may change its environments without breaking a library test; ``tests/quality/test_no_reference_app.py``
enforces it). Three stage-shaped configs cover what the library does differently per stage:

* :data:`DEV` - dev-like: two zones, one NAT gateway, a Spot application group, one mutable
  repository (allowed outside prod), the public API endpoint for a runner, local state.
* :data:`STAGING` - staging-like: fixed deployer, admin and shared state (required outside dev),
  the monitoring add-on.
* :data:`PROD` - prod-like: three zones, NAT per zone, a private API endpoint reached from a runner's
  security group, a tainted compute and memory group, ingress certificates, velero and external-dns.

Each has a PostgreSQL database used by ``api`` (which also has a bucket and an AWS role), ``api``
(and ``admin`` from staging on) behind the ALB on port 8080, and a ``worker`` that admits them.
Build a variant with ``dataclasses.replace``.
"""

from __future__ import annotations

from typing import Any

from constructs_lib.apps.config import ApplicationSpec, IngressSpec, VolumeSpec
from constructs_lib.apps.stateful_config import StatefulWorkloadSpec
from constructs_lib.cluster.config import CapacityType, ClusterConfig, NodeGroupSpec, NodeRole, Taint
from constructs_lib.config import EnvironmentConfig, Stage, StateBackend
from constructs_lib.data.config import DatabaseSpec
from constructs_lib.network.config import NatMode, NetworkConfig
from constructs_lib.platform.config import AddonsConfig, DnsConfig
from constructs_lib.registry.config import RepositorySpec, TagMutability, default_lifecycle_rules

__all__ = ["ACCOUNT", "DEV", "ENVIRONMENTS", "PROD", "REGION", "STAGING"]

REGION = "us-east-1"
#: AWS's documentation account: fine for synthesis, refused by ``main.py --preflight``.
ACCOUNT = "123456789012"
DEPLOYER = f"arn:aws:iam::{ACCOUNT}:role/test-deployer"
ADMIN = f"arn:aws:iam::{ACCOUNT}:role/test-admin"
CERTIFICATE = f"arn:aws:acm:{REGION}:{ACCOUNT}:certificate/00000000-0000-0000-0000-000000000000"
#: The ALB reaches every application on this port only.
APP_PORT = 8080
DATABASE = DatabaseSpec(name="app")


def _repositories(stage: Stage) -> tuple[RepositorySpec, ...]:
    """One repository per application image; dev adds a cached third-party image with mutable tags."""
    apps = tuple(RepositorySpec(name=f"apps/{name}") for name in ("api", "admin", "worker", "monitoring"))
    if stage is not Stage.DEV:
        return apps
    cached = RepositorySpec(
        name="cache/redis", tag_mutability=TagMutability.MUTABLE, lifecycle_rules=default_lifecycle_rules(release_prefixes=("7.",))
    )
    return (*apps, cached)


def _applications(
    names: tuple[str, ...], replicas: int, *, domain: str, certificate_arn: str | None = None
) -> tuple[ApplicationSpec, ...]:
    """``api`` (database, bucket, AWS role) and ``admin`` behind the ALB; ``worker`` admits both."""
    public = ("api", "admin")

    def spec(name: str) -> ApplicationSpec:
        return ApplicationSpec(
            name=name,
            repository=f"apps/{name}",
            image_tag="v1.0.0",
            replicas=replicas,
            ingress=IngressSpec(host=f"{name}.{domain}", certificate_arn=certificate_arn) if name in public else None,
            allowed_peers=tuple(p for p in public if p in names) if name == "worker" else (),
            database=DATABASE.name if name == "api" else None,
            bucket=name == "api",
            needs_aws=name == "api",
        )

    return tuple(spec(name) for name in names)


def _network(cidr: str, zones: int, nat: NatMode) -> NetworkConfig:
    azs = tuple(f"{REGION}{zone}" for zone in "abc"[:zones])
    return NetworkConfig(vpc_cidr=cidr, availability_zones=azs, nat_mode=nat, node_target_ports=(APP_PORT, APP_PORT))


def _cluster(**access: Any) -> ClusterConfig:
    return ClusterConfig(deployer_principal_arn=DEPLOYER, admin_principal_arns=(ADMIN,), **access)


_PUBLIC_RUNNER = {"endpoint_public_access": True, "public_access_cidrs": ("203.0.113.10/32",)}
_TAGS = {"cost-center": "platform", "owner": "platform-team"}

DEV = EnvironmentConfig(
    name="dev",
    stage=Stage.DEV,
    region=REGION,
    network=_network("10.10.0.0/16", 2, NatMode.SINGLE),
    cluster=_cluster(**_PUBLIC_RUNNER),
    account_id=ACCOUNT,
    node_groups=(
        NodeGroupSpec(name="system", instance_types=("t3.large",), min_size=2, desired_size=2, max_size=3, role=NodeRole.SYSTEM),
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
    repositories=_repositories(Stage.DEV),
    applications=_applications(("api", "worker"), 1, domain="dev.example.com"),
    database=DATABASE,
    tags=_TAGS,
)

STAGING = EnvironmentConfig(
    name="staging",
    stage=Stage.STAGING,
    region=REGION,
    network=_network("10.20.0.0/16", 2, NatMode.SINGLE),
    cluster=_cluster(**_PUBLIC_RUNNER),
    account_id=ACCOUNT,
    node_groups=(
        NodeGroupSpec(name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=3, role=NodeRole.SYSTEM),
        NodeGroupSpec(name="application", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=10, labels={"node-role": "application"}),
    ),
    repositories=_repositories(Stage.STAGING),
    applications=_applications(("api", "admin", "worker"), 2, domain="staging.example.com"),
    database=DATABASE,
    addons=AddonsConfig(kube_prometheus_stack=True),
    tags=_TAGS,
    state=StateBackend(bucket="platform-tests-tfstate"),
)

PROD = EnvironmentConfig(
    name="prod",
    stage=Stage.PROD,
    region=REGION,
    network=_network("10.30.0.0/16", 3, NatMode.PER_AZ),
    cluster=_cluster(private_access_security_group_ids=("sg-0123456789abcdef0",)),
    account_id=ACCOUNT,
    node_groups=(
        NodeGroupSpec(name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=4, role=NodeRole.SYSTEM),
        NodeGroupSpec(name="application", instance_types=("m5.xlarge",), min_size=5, desired_size=5, max_size=50, labels={"node-role": "application"}),
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
    repositories=_repositories(Stage.PROD),
    applications=_applications(
        ("api", "admin", "worker", "monitoring"), 3, domain="example.com", certificate_arn=CERTIFICATE
    ),
    database=DATABASE,
    addons=AddonsConfig(
        kube_prometheus_stack=True,
        velero=True,
        external_dns=True,
        dns=DnsConfig(hosted_zone_ids=("Z0123456789ABCDEFGHIJ",), domains=("example.com",)),
    ),
    tags=_TAGS,
    state=StateBackend(bucket="platform-tests-tfstate"),
)

#: The three, in stage order.
ENVIRONMENTS: tuple[EnvironmentConfig, ...] = (DEV, STAGING, PROD)

#: A key-value store the worker reaches, in repository ``data/kv`` (the environments above declare no
#: stateful workload; tests add it with that repository).
KV_STORE = StatefulWorkloadSpec(
    name="kv",
    repository="data/kv",
    image_tag="7.2.4",
    port=6379,
    volumes=(VolumeSpec(name="data", mount_path="/data"),),
    allowed_peers=("worker",),
)
