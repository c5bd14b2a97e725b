"""Seed 003's ExpenseTracker baseline as one production environment, built only from the installed package.

Everything comes from one ``EnvironmentConfig``: the platform (VPC, private EKS cluster, ECR,
add-ons with Prometheus and velero) and one application, which gets the baseline every application
of the library gets: its own namespace with a quota, a LimitRange and default-deny network policies,
a hardened Deployment, an HPA, a PodDisruptionBudget, a TLS Ingress, Prometheus scraping, its
database URL synced from Secrets Manager, and daily velero backups.

Run ``python main.py``: it writes ``cdktf.out/stacks/prod/cdk.tf.json``.
"""

from __future__ import annotations

# constructs_lib before cdktf and any provider binding: importing it makes the bindings load only
# the modules a stack uses (a provider module imported first loads the whole AWS provider: ~50 s more
# per synth) and silences jsii's Node end-of-life banner before the jsii kernel starts.
import constructs_lib  # noqa: F401

# isort: split

from cdktf import App

from constructs_lib import EnvironmentConfig, Stage, StateBackend
from constructs_lib.apps.config import ApplicationSpec, IngressSpec, Resources, SecretRef
from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec, NodeRole
from constructs_lib.network.config import NatMode, NetworkConfig
from constructs_lib.platform.config import AddonsConfig, BackupConfig, MonitoringConfig
from constructs_lib.platform_stack import build_app
from constructs_lib.registry.config import RepositorySpec

# ---- Example values: replace them before a deploy -----------------------------------------------
ACCOUNT_ID = "123456789012"
REGION = "eu-west-1"
#: Terraform runs as this role (CI); it gets the deployer's cluster access entry.
DEPLOYER_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/expensetracker-deployer"
#: A stable human admin besides the deployer (break-glass).
ADMIN_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/platform-admin"
#: The API endpoint stays private: the deploy runner sits in the VPC with this security group.
RUNNER_SECURITY_GROUP = "sg-00000000000000000"
#: An existing, versioned S3 bucket for terraform state.
STATE_BUCKET = "example-expensetracker-tfstate"
#: The API's public host and its ACM certificate (same account and region).
API_HOST = "api.expensetracker.example.com"
CERTIFICATE_ARN = f"arn:aws:acm:{REGION}:{ACCOUNT_ID}:certificate/00000000-0000-0000-0000-000000000000"

PROJECT = "expensetracker"
ENVIRONMENT = "prod"

#: Seed 003: the API service, 3 replicas in production, autoscaled from 2 to 10.
API = ApplicationSpec(
    name="api",
    repository="api",
    image_tag="v1.0.0",
    replicas=3,
    min_replicas=2,
    max_replicas=10,
    resources=Resources(cpu_request="250m", cpu_limit="500m", memory_request="256Mi", memory_limit="512Mi"),
    ingress=IngressSpec(host=API_HOST, certificate_arn=CERTIFICATE_ARN),
    config={"LOG_LEVEL": "warn", "SWAGGER_ENABLED": "false"},
    # Read from Secrets Manager by external-secrets; mounted as /etc/secrets/DATABASE_URL.
    secrets=(
        SecretRef(name="DATABASE_URL", remote_key=f"{PROJECT}-{ENVIRONMENT}/api/database", remote_property="url"),
    ),
)

CONFIG = EnvironmentConfig(
    name=ENVIRONMENT,
    project=PROJECT,
    stage=Stage.PROD,
    region=REGION,
    account_id=ACCOUNT_ID,
    # Three zones with a NAT gateway each: losing a zone does not cut the others off.
    network=NetworkConfig(
        vpc_cidr="10.50.0.0/16", availability_zones=(f"{REGION}a", f"{REGION}b", f"{REGION}c"), nat_mode=NatMode.PER_AZ
    ),
    cluster=ClusterConfig(
        deployer_principal_arn=DEPLOYER_ROLE_ARN,
        admin_principal_arns=(ADMIN_ROLE_ARN,),
        private_access_security_group_ids=(RUNNER_SECURITY_GROUP,),
    ),
    node_groups=(
        NodeGroupSpec(
            name="system", instance_types=("m5.large",), min_size=2, desired_size=2, max_size=4, role=NodeRole.SYSTEM
        ),
        NodeGroupSpec(name="application", instance_types=("m5.xlarge",), min_size=3, desired_size=3, max_size=12),
    ),
    repositories=(RepositorySpec(name="api"),),
    applications=(API,),
    addons=AddonsConfig(
        # Prometheus and Grafana with 30 days of metrics on gp3 volumes (seed 003).
        kube_prometheus_stack=True,
        monitoring=MonitoringConfig(retention_days=30),
        # Daily backups at 2 AM kept for 7 days (seed 003), to an encrypted, versioned bucket.
        velero=True,
        backup=BackupConfig(schedule="0 2 * * *", retention_days=7),
    ),
    tags={"application": PROJECT},
    state=StateBackend(bucket=STATE_BUCKET, key_prefix=PROJECT),
)


def main() -> None:
    app: App = build_app([CONFIG])
    app.synth()


if __name__ == "__main__":
    main()
