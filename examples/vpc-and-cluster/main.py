"""A VPC and an EKS cluster without anything inside the cluster, built only from the installed package.

Two stacks from two configs:

* ``core`` (``ClusterStack``): a production VPC and cluster: three zones, NAT per zone, private API
  endpoint, managed node groups, the EBS CSI driver, ECR. No Kubernetes or Helm provider, so
  terraform never needs to reach the API server: the deploy runner may sit anywhere. Platform teams
  install add-ons and applications later from another stack that reads the cluster by name (the
  ``cluster_name`` output; see ``examples/hardened-web-app``).
* ``lab`` (``NetworkStack``): a VPC alone, for a sandbox whose config has no node groups at all.

Run ``python main.py``: it writes ``cdktf.out/stacks/core/cdk.tf.json`` and ``cdktf.out/stacks/lab/cdk.tf.json``.
"""

from __future__ import annotations

# constructs_lib before cdktf and any provider binding: importing it makes the bindings load only
# the modules a stack uses and silences jsii's Node end-of-life banner before the jsii kernel starts.
import constructs_lib  # noqa: F401

# isort: split

from cdktf import App

from constructs_lib import EnvironmentConfig, Stage, StateBackend
from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec, NodeRole
from constructs_lib.network.config import NatMode, NetworkConfig
from constructs_lib.platform_stack import ClusterStack, NetworkStack
from constructs_lib.registry.config import RepositorySpec

# ---- Example values: replace them before a deploy -----------------------------------------------
ACCOUNT_ID = "123456789012"
REGION = "eu-central-1"
#: Terraform runs as this role; it gets the deployer's access entry (required outside dev).
DEPLOYER_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/platform-deployer"
#: A stable human admin besides the deployer (required outside dev).
ADMIN_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/platform-admin"
#: An existing, versioned S3 bucket for terraform state (required outside dev).
STATE_BUCKET = "example-platform-tfstate"

CORE = EnvironmentConfig(
    name="core",
    project="acme",
    stage=Stage.PROD,
    region=REGION,
    account_id=ACCOUNT_ID,
    network=NetworkConfig(
        vpc_cidr="10.80.0.0/16", availability_zones=(f"{REGION}a", f"{REGION}b", f"{REGION}c"), nat_mode=NatMode.PER_AZ
    ),
    # No public endpoint and no runner access: this stack never talks to the API server. The admins'
    # and the deployer's access entries are still made, so kubectl works for them from inside the VPC (the SSM bastion).
    cluster=ClusterConfig(deployer_principal_arn=DEPLOYER_ROLE_ARN, admin_principal_arns=(ADMIN_ROLE_ARN,)),
    node_groups=(
        NodeGroupSpec(
            name="system", instance_types=("m7g.large",), min_size=2, desired_size=2, max_size=4, role=NodeRole.SYSTEM
        ),
        NodeGroupSpec(name="general", instance_types=("m7g.xlarge",), min_size=3, desired_size=3, max_size=12),
    ),
    repositories=(RepositorySpec(name="apps/storefront"),),
    state=StateBackend(bucket=STATE_BUCKET, key_prefix="acme"),
)

LAB = EnvironmentConfig(
    name="lab",
    project="acme",
    stage=Stage.DEV,
    region=REGION,
    # Two zones and one NAT gateway: a sandbox's cost, no node groups.
    network=NetworkConfig(
        vpc_cidr="10.81.0.0/16", availability_zones=(f"{REGION}a", f"{REGION}b"), nat_mode=NatMode.SINGLE
    ),
)


def main() -> None:
    app = App()
    ClusterStack(app, CORE)
    NetworkStack(app, LAB)
    app.synth()


if __name__ == "__main__":
    main()
