"""Seed 001's hardened web app on an EKS cluster that already exists, built only from the installed package.

The stack holds no cluster: it reads the cluster's endpoint and CA by name (``aws_eks_cluster`` data
source), configures the Kubernetes and Helm providers from them (``KubernetesProviders``, token from
``aws eks get-token``), reads the image repository by name (``aws_ecr_repository`` data source) and
deploys one ``Application``: hardened Deployment, Service, HPA, PDB, TLS Ingress and network policies,
and its secrets through an ExternalSecret that reads the cluster's existing ClusterSecretStore by name.

Run ``python main.py``: it writes ``cdktf.out/stacks/toa-website/cdk.tf.json``.
"""

from __future__ import annotations

# constructs_lib before cdktf and any provider binding: importing it makes the bindings load only
# the modules a stack uses (a provider module imported first loads the whole AWS provider: ~50 s more
# per synth) and silences jsii's Node end-of-life banner before the jsii kernel starts.
import constructs_lib  # noqa: F401

# isort: split

from cdktf import App, LocalBackend, TerraformOutput, TerraformStack
from cdktf_cdktf_provider_aws.data_aws_ecr_repository import DataAwsEcrRepository
from cdktf_cdktf_provider_aws.data_aws_eks_cluster import DataAwsEksCluster
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags

from constructs_lib import Stage
from constructs_lib.apps.application import Application, ApplicationProps
from constructs_lib.apps.config import ApplicationSpec, EgressSpec, IngressSpec, Probes, Resources, SecretRef
from constructs_lib.platform.addons import SecretStoreRef
from constructs_lib.platform.catalog import PodSecurityLevel
from constructs_lib.platform.config import ResourceQuotaSpec
from constructs_lib.platform.providers import ClusterConnection, KubernetesProviders, KubernetesProvidersProps
from constructs_lib.stack import local_state_path

# ---- Example values: replace them before a deploy -----------------------------------------------
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
#: The existing cluster, by name (``aws eks list-clusters``).
CLUSTER_NAME = "eks-platform-prod-cluster"
#: The existing ECR repository holding the app's image, and the release to run.
REPOSITORY_NAME = "eks-platform-prod/apps/toa-website"
IMAGE_TAG = "v1.0.0"
#: Public host and its ACM certificate (same account and region as the cluster).
HOST = "www.example.com"
CERTIFICATE_ARN = f"arn:aws:acm:{REGION}:{ACCOUNT_ID}:certificate/00000000-0000-0000-0000-000000000000"
#: The cluster VPC's public subnets: an internet-facing ALB connects to the pods from there only.
PUBLIC_SUBNET_CIDRS = ("10.30.192.0/24", "10.30.193.0/24", "10.30.194.0/24")
#: The cluster VPC's database subnets: the app's PostgreSQL (``DATABASE_URL``) listens there on 5432.
DATABASE_SUBNET_CIDRS = ("10.30.224.0/24", "10.30.225.0/24", "10.30.226.0/24")
#: Namespace of the cluster's Prometheus, allowed to scrape the pods.
MONITORING_NAMESPACE = "kube-prometheus-stack"
#: The cluster's ClusterSecretStore (a cluster built by ``PlatformStack`` has ``aws-secrets-manager``,
#: the default) and the Secrets Manager prefix its role may read (``<project>-<environment>/``).
SECRET_STORE = SecretStoreRef()
SECRETS_PREFIX = "eks-platform-prod/toa-website"

#: Seed 001: the web app listens on 5000, runs 3 replicas (HPA 2-10), 250m-1 CPU and 256-512Mi memory,
#: with startup, liveness and readiness probes under /api.
WEB_APP = ApplicationSpec(
    name="toa-website",
    repository=REPOSITORY_NAME,
    image_tag=IMAGE_TAG,
    port=5000,
    replicas=3,
    min_replicas=2,
    max_replicas=10,
    resources=Resources(cpu_request="250m", cpu_limit="1", memory_request="256Mi", memory_limit="512Mi"),
    probes=Probes(startup_path="/api/startup", liveness_path="/api/alive", readiness_path="/api/ready"),
    ingress=IngressSpec(host=HOST, certificate_arn=CERTIFICATE_ARN),
    config={"NODE_ENV": "production", "PORT": "5000"},
    # Seed 001's database: its subnets on PostgreSQL's port, nothing else (default-deny otherwise).
    egress=tuple(EgressSpec(cidr=cidr, port=5432) for cidr in DATABASE_SUBNET_CIDRS),
    # Seed 001's two secrets, as files under /etc/secrets (not environment variables).
    secrets=(
        SecretRef(name="DATABASE_URL", remote_key=f"{SECRETS_PREFIX}/database", remote_property="url"),
        SecretRef(name="SESSION_SECRET", remote_key=f"{SECRETS_PREFIX}/session"),
    ),
)


class WebAppStack(TerraformStack):
    """The application alone, on a cluster someone else runs."""

    def __init__(self, app: App) -> None:
        super().__init__(app, WEB_APP.name)
        # State next to main.py, outside cdktf.out (which every synth rewrites); use an S3Backend
        # for anything shared.
        LocalBackend(self, path=local_state_path(WEB_APP.name))
        AwsProvider(
            self,
            "aws",
            region=REGION,
            allowed_account_ids=[ACCOUNT_ID],
            default_tags=[AwsProviderDefaultTags(tags={"managed-by": "cdktf", "application": WEB_APP.name})],
        )
        cluster = DataAwsEksCluster(self, "cluster", name=CLUSTER_NAME)
        KubernetesProviders(
            self,
            "kubernetes",
            props=KubernetesProvidersProps(
                connection=ClusterConnection(
                    cluster_name=CLUSTER_NAME,
                    endpoint=cluster.endpoint,
                    certificate_authority_data=cluster.certificate_authority.get(0).data,
                    region=REGION,
                ),
            ),
        )
        repository = DataAwsEcrRepository(self, "repository", name=REPOSITORY_NAME)
        application = Application(
            self,
            WEB_APP.name,
            props=ApplicationProps(
                spec=WEB_APP,
                repository_url=repository.repository_url,
                # The prod stage's policy: the Ingress must be HTTPS (HTTP only redirects).
                stage=Stage.PROD,
                load_balancer_group=WEB_APP.name,
                pod_security=PodSecurityLevel.RESTRICTED,
                # 10 replicas plus the rolling update's surge pod at 1 CPU each: more than the default
                # quota's 8 CPUs of limits (the library refuses a quota the HPA could not fill).
                quota=ResourceQuotaSpec(limits_cpu="12"),
                load_balancer_cidrs=PUBLIC_SUBNET_CIDRS,
                monitoring_namespace=MONITORING_NAMESPACE,
                # The store exists already (the cluster's stack made it): by name, nothing to wait for.
                secret_store=SECRET_STORE,
            ),
        )
        TerraformOutput(
            self,
            "namespace",
            value=application.namespace,
            description="Namespace of the web app (PSS restricted, default-deny network policies, quota)",
        )
        TerraformOutput(self, "url", value=f"https://{HOST}", description="Public URL of the web app")


def main() -> None:
    app = App()
    WebAppStack(app)
    app.synth()


if __name__ == "__main__":
    main()
