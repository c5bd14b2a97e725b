"""Seed 000's plant monitoring on its own EKS environment, built only from the installed package.

One ``PlatformStack`` (VPC, private EKS cluster, ECR, add-ons, baseline) built from one
``EnvironmentConfig`` holds:

* Home Assistant, the only workload reachable from the internet (one TLS Ingress on the shared ALB),
  its configuration and history on a persistent volume (``ApplicationSpec.volume``);
* the plant processor and the plant sensor, internal services without an Ingress;
* MongoDB and Kafka (``EnvironmentConfig.stateful_workloads``), whose namespaces admit only the
  processor and the sensor; those clients get egress to exactly the ports they call.

Every image comes from the environment's own ECR repositories ``<prefix>/plant-monitoring/<name>``:
the seed's builds tagged ``v1.0.0``, the third-party images cached under their upstream tags.

Run ``python main.py``: it writes ``cdktf.out/stacks/dev/cdk.tf.json``.
"""

from __future__ import annotations

# constructs_lib before cdktf and any provider binding: importing it makes the bindings load only
# the modules a stack uses (a provider module imported first loads the whole AWS provider: ~50 s more
# per synth) and silences jsii's Node end-of-life banner before the jsii kernel starts.
import constructs_lib  # noqa: F401

# isort: split

from collections.abc import Mapping

from cdktf import App, TerraformOutput

from constructs_lib import EnvironmentConfig, Stage
from constructs_lib.apps.config import ApplicationSpec, IngressSpec, Probes, Resources, VolumeSpec
from constructs_lib.apps.stateful_config import (
    BackupHooks,
    DisruptionPolicy,
    NamedPort,
    PodManagementPolicy,
    StatefulWorkloadSpec,
)
from constructs_lib.cluster.config import CapacityType, ClusterConfig, NodeGroupSpec, NodeRole
from constructs_lib.network.config import NatMode, NetworkConfig
from constructs_lib.platform.config import AddonsConfig, BackupConfig
from constructs_lib.platform_stack import PlatformStack
from constructs_lib.registry.config import RepositorySpec, default_lifecycle_rules

# ---- Example values: replace them before a deploy -----------------------------------------------
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
#: The deploy runner's egress address: the only address allowed on the public API endpoint.
RUNNER_CIDRS = ("203.0.113.10/32",)
#: Home Assistant's public host and its ACM certificate (same account and region).
HOME_ASSISTANT_HOST = "plant.example.com"
CERTIFICATE_ARN = f"arn:aws:acm:{REGION}:{ACCOUNT_ID}:certificate/00000000-0000-0000-0000-000000000000"

#: Seed 000's images and the tag prefixes of their releases: the seed's own builds are tagged
#: ``v1.0.0``; the cached third-party images keep upstream's tags, so each repository keeps its own
#: last releases (the default rule only selects ``v*``).
IMAGES: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "homeassistant": ("2024.10.1", ("20",)),
    "mongodb": ("7.0.14", ("7.", "8.")),
    "kafka": ("7.4.4", ("7.", "8.")),
    "plant-processor": ("v1.0.0", ("v",)),
    "plant-sensor": ("v1.0.0", ("v",)),
}


def repository(name: str) -> str:
    """The repository of one of seed 000's images, inside the environment's registry."""
    return f"plant-monitoring/{name}"


#: MongoDB keeps the readings: a three-member replica set, reached only by the processor.
MONGODB = StatefulWorkloadSpec(
    name="mongodb",
    repository=repository("mongodb"),
    image_tag=IMAGES["mongodb"][0],
    port=27017,
    volumes=(VolumeSpec(name="data", mount_path="/data/db", size="20Gi"),),
    writable_paths=("/data/configdb",),
    # A replica set: a drain must leave a majority, and members find each other before Ready.
    disruption=DisruptionPolicy.QUORUM,
    publish_not_ready_addresses=True,
    allowed_peers=("plant-processor",),
    resources=Resources(cpu_request="500m", cpu_limit="1", memory_request="1Gi", memory_limit="2Gi"),
    backup_hooks=BackupHooks(
        pre=("mongosh", "--quiet", "--eval", "db.fsyncLock()"),
        post=("mongosh", "--quiet", "--eval", "db.fsyncUnlock()"),
        timeout_seconds=60,
    ),
)
#: Kafka carries the sensor -> processor stream: three KRaft members (broker and controller each).
KAFKA = StatefulWorkloadSpec(
    name="kafka",
    repository=repository("kafka"),
    image_tag=IMAGES["kafka"][0],
    port=9092,
    peer_ports=(NamedPort(name="controller", port=9093),),
    volumes=(VolumeSpec(name="data", mount_path="/var/lib/kafka/data", size="50Gi"),),
    writable_paths=("/etc/kafka",),
    # KRaft: readiness needs the controller quorum, so members start together.
    pod_management_policy=PodManagementPolicy.PARALLEL,
    disruption=DisruptionPolicy.QUORUM,
    publish_not_ready_addresses=True,
    allowed_peers=("plant-processor", "plant-sensor"),
    resources=Resources(cpu_request="500m", cpu_limit="1", memory_request="1Gi", memory_limit="2Gi"),
    config={
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": "PLAINTEXT://:9092,CONTROLLER://:9093",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "CLUSTER_ID": "plant-monitoring",
    },
)

#: Home Assistant behind the ALB: one instance (it is not built to run as several replicas), its
#: configuration and history in ``/config`` on a gp3 volume that outlives the pod.
HOME_ASSISTANT = ApplicationSpec(
    name="homeassistant",
    repository=repository("homeassistant"),
    image_tag=IMAGES["homeassistant"][0],
    port=8123,
    replicas=1,
    max_replicas=1,
    volume=VolumeSpec(name="config", mount_path="/config", size="10Gi"),
    resources=Resources(cpu_request="250m", cpu_limit="1", memory_request="512Mi", memory_limit="1Gi"),
    probes=Probes(startup_path="/manifest.json", liveness_path="/manifest.json", readiness_path="/manifest.json"),
    ingress=IngressSpec(host=HOME_ASSISTANT_HOST, certificate_arn=CERTIFICATE_ARN),
    # The processor pushes plant states to Home Assistant's API (seed 000's network policy).
    allowed_peers=("plant-processor",),
)
#: Reads the sensor stream from Kafka, stores readings in MongoDB, pushes states to Home Assistant.
PROCESSOR = ApplicationSpec(
    name="plant-processor",
    repository=repository("plant-processor"),
    image_tag=IMAGES["plant-processor"][0],
    port=3000,
    config={
        "MONGODB_URL": f"mongodb://{','.join(f'{host}:{MONGODB.port}' for host in MONGODB.pod_dns_names)}",
        "KAFKA_BOOTSTRAP_SERVERS": KAFKA.client_endpoint,
        "HOMEASSISTANT_URL": f"http://{HOME_ASSISTANT.name}.{HOME_ASSISTANT.name}.svc.cluster.local",
    },
)
#: Publishes readings to Kafka.
SENSOR = ApplicationSpec(
    name="plant-sensor",
    repository=repository("plant-sensor"),
    image_tag=IMAGES["plant-sensor"][0],
    port=3000,
    replicas=1,
    max_replicas=3,
    config={"KAFKA_BOOTSTRAP_SERVERS": KAFKA.client_endpoint},
)

CONFIG = EnvironmentConfig(
    name="dev",
    project="plants",
    stage=Stage.DEV,
    region=REGION,
    account_id=ACCOUNT_ID,
    # One NAT gateway and two zones: a home project's budget; the nodes stay in private subnets.
    network=NetworkConfig(
        vpc_cidr="10.40.0.0/16", availability_zones=(f"{REGION}a", f"{REGION}b"), nat_mode=NatMode.SINGLE
    ),
    cluster=ClusterConfig(endpoint_public_access=True, public_access_cidrs=RUNNER_CIDRS),
    node_groups=(
        NodeGroupSpec(
            name="system", instance_types=("t3.large",), min_size=2, desired_size=2, max_size=3, role=NodeRole.SYSTEM
        ),
        # Three nodes at least: each data store spreads its three members over distinct nodes.
        NodeGroupSpec(
            name="application",
            instance_types=("m5.large", "m6i.large"),
            min_size=3,
            desired_size=3,
            max_size=6,
            capacity_type=CapacityType.SPOT,
        ),
    ),
    repositories=tuple(
        RepositorySpec(name=repository(name), lifecycle_rules=default_lifecycle_rules(release_prefixes=prefixes))
        for name, (_, prefixes) in IMAGES.items()
    ),
    # Velero snapshots MongoDB's volumes every night (its fsyncLock hooks make them consistent). Only
    # its namespace: Kafka only buffers readings the processor stores in MongoDB, and the other
    # workloads keep no state.
    addons=AddonsConfig(velero=True, backup=BackupConfig(included_namespaces=(MONGODB.name,))),
    applications=(HOME_ASSISTANT, PROCESSOR, SENSOR),
    # Each admits the applications it lists in allowed_peers, which get egress to its client port.
    stateful_workloads=(MONGODB, KAFKA),
    tags={"owner": "plant-monitoring"},
)


def main() -> None:
    app = App()
    stack = PlatformStack(app, CONFIG)
    TerraformOutput(
        stack,
        "home_assistant_url",
        value=f"https://{HOME_ASSISTANT_HOST}",
        description="Home Assistant, the only workload reachable from the internet",
    )
    app.synth()


if __name__ == "__main__":
    main()
