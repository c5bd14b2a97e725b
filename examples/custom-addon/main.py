"""An add-on of one's own, defined outside the package and installed like the built-in ones.

``CloudWatchExporter`` puts the Prometheus community's CloudWatch exporter chart on the platform: it
reads the environment database's CloudWatch metrics (CPU, memory, free storage, connections, read
and write latency) and serves them to the cluster's Prometheus, so database and pod dashboards sit side by side.
It follows ``constructs_lib.platform.addon.Addon``: a pinned chart, its namespace and Pod Security
level, its service account and AWS role with read-only CloudWatch permissions, Helm values, and the
add-on it must wait for. ``PlatformStack.add_addon`` gives it its namespace, role and release.

Run ``python main.py``: it writes ``cdktf.out/stacks/shop/cdk.tf.json``.
"""

from __future__ import annotations

# constructs_lib before cdktf and any provider binding: importing it makes the bindings load only
# the modules a stack uses and silences jsii's Node end-of-life banner before the jsii kernel starts.
import constructs_lib  # noqa: F401

# isort: split

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cdktf import App

from constructs_lib import EnvironmentConfig, Stage
from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec, NodeRole
from constructs_lib.data.config import DatabaseSpec
from constructs_lib.iam import statement
from constructs_lib.identity.irsa import Permissions
from constructs_lib.network.config import NetworkConfig
from constructs_lib.platform.addon import Addon, AddonContext, ChartFacts, PermissionsContext, PodSecurityLevel
from constructs_lib.platform.config import AddonsConfig
from constructs_lib.platform.helm import ChartSource
from constructs_lib.platform_stack import PlatformStack
from constructs_lib.registry.config import RepositorySpec

# ---- Example values: replace them before a deploy -----------------------------------------------
REGION = "eu-west-1"
#: The deploy runner's egress address: the public API endpoint admits only it.
RUNNER_CIDR = "198.51.100.7/32"

#: The chart version pinned, and what we read of it: every value path below exists in its
#: values.yaml (prometheus-community/helm-charts, charts/prometheus-cloudwatch-exporter, at the
#: commit whose Chart.yaml says 0.28.2; app version 0.17.0).
CHART = ChartSource("prometheus-cloudwatch-exporter", "https://prometheus-community.github.io/helm-charts", "0.28.2")
CHART_FACTS = ChartFacts(
    version="0.28.2",
    repository="prometheus-community/helm-charts",
    ref="989e778920321e082e9a01c26a270f2a8e337707",
    chart_path="charts/prometheus-cloudwatch-exporter",
    value_paths=frozenset(
        {
            "serviceAccount.create",
            "serviceAccount.name",
            "serviceAccount.annotations",
            "config",
            "resources",
            "securityContext",
            "containerSecurityContext",
            "serviceMonitor.enabled",
            "serviceMonitor.interval",
        }
    ),
    notes=(
        "config is the exporter's own YAML, rendered with tpl; JSON is YAML, so it is written as JSON.",
        "securityContext is the pod's (default runAsUser and fsGroup 65534), containerSecurityContext "
        "the container's (default empty).",
        "The exporter calls CloudWatch on every scrape: the scrape interval sets the API cost.",
    ),
)

#: The database metrics exported (namespace AWS/RDS) and the statistic of each.
RDS_METRICS = {
    "CPUUtilization": "Average",
    "FreeStorageSpace": "Minimum",
    "FreeableMemory": "Minimum",
    "DatabaseConnections": "Maximum",
    "ReadLatency": "Average",
    "WriteLatency": "Average",
}
#: Five minutes: RDS publishes one-minute data, but each scrape is a paid CloudWatch call
#: per metric (about 53,000 GetMetricStatistics calls a month for 6 metrics, some $0.53).
SCRAPE_INTERVAL_SECONDS = 300


@dataclass(frozen=True)
class CloudWatchExporter(Addon):
    """The environment database's CloudWatch metrics, scraped by the cluster's Prometheus."""

    #: The RDS instance whose metrics are exported (``PostgresDatabase.identifier``).
    db_instance_identifier: str = ""
    name: str = "cloudwatch_exporter"
    release_name: str = "cloudwatch-exporter"
    source: ChartSource = CHART
    namespace: str = "cloudwatch-exporter"
    service_account: str = "cloudwatch-exporter"
    # The chart's pod runs as nobody; with the securityContext below it meets "restricted".
    pod_security: PodSecurityLevel = PodSecurityLevel.RESTRICTED
    #: Its role ``<prefix>-cloudwatch-exporter`` (EKS Pod Identity or IRSA, as the cluster says).
    role_name: str | None = "cloudwatch-exporter"
    #: The ServiceMonitor needs kube-prometheus-stack's CRDs.
    after: tuple[str, ...] = ("kube_prometheus_stack",)
    facts: ChartFacts | None = CHART_FACTS

    def permissions(self, context: PermissionsContext) -> Permissions:
        # CloudWatch's read actions take no resource ARN or condition keys: "*" is the only resource.
        return Permissions(
            statements=(
                statement(
                    "ReadMetrics",
                    ["cloudwatch:GetMetricStatistics", "cloudwatch:GetMetricData", "cloudwatch:ListMetrics"],
                    ["*"],
                ),
            )
        )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        exporter = {
            "region": context.region,
            "period_seconds": SCRAPE_INTERVAL_SECONDS,
            "metrics": [
                {
                    "aws_namespace": "AWS/RDS",
                    "aws_metric_name": metric,
                    "aws_dimensions": ["DBInstanceIdentifier"],
                    "aws_dimension_select": {"DBInstanceIdentifier": [self.db_instance_identifier]},
                    "aws_statistics": [statistic],
                }
                for metric, statistic in RDS_METRICS.items()
            ],
        }
        return {
            "serviceAccount": self.service_account_values(context),
            "config": json.dumps(exporter, sort_keys=True),
            # A JVM: 256Mi requested, the limit on memory only (CPU throttling slows scrapes, not others).
            "resources": {"requests": {"cpu": "50m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": 65534,
                "fsGroup": 65534,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containerSecurityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
            "serviceMonitor": {"enabled": True, "interval": f"{SCRAPE_INTERVAL_SECONDS}s"},
        }


CONFIG = EnvironmentConfig(
    name="shop",
    stage=Stage.DEV,
    region=REGION,
    network=NetworkConfig(vpc_cidr="10.60.0.0/16", availability_zones=(f"{REGION}a", f"{REGION}b")),
    cluster=ClusterConfig(endpoint_public_access=True, public_access_cidrs=(RUNNER_CIDR,)),
    node_groups=(
        NodeGroupSpec(
            name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=3, role=NodeRole.SYSTEM
        ),
        NodeGroupSpec(name="apps", instance_types=("m5.large",), min_size=1, desired_size=2, max_size=6),
    ),
    repositories=(RepositorySpec(name="apps/shop"),),
    applications=(ApplicationSpec(name="shop", repository="apps/shop", image_tag="v1.0.0", database="app"),),
    database=DatabaseSpec(name="app"),
    # Prometheus, which scrapes the exporter through its ServiceMonitor.
    addons=AddonsConfig(kube_prometheus_stack=True),
)


def main() -> None:
    app = App()
    stack = PlatformStack(app, CONFIG)
    assert stack.database is not None  # CONFIG has one
    stack.add_addon(CloudWatchExporter(db_instance_identifier=stack.database.identifier))
    app.synth()


if __name__ == "__main__":
    main()
