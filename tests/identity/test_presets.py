"""Permission presets: every statement's actions, resources and conditions, scoped per environment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from constructs_lib.errors import ConfigError
from constructs_lib.identity import presets
from constructs_lib.identity.irsa import Permissions


@dataclass(frozen=True)
class Context:
    """Literal stand-in for AwsContext (same four attributes)."""

    partition: str = "aws"
    account_id: str = "111122223333"
    region: str = "us-east-1"
    dns_suffix: str = "amazonaws.com"


CTX = Context()
CLUSTER = "eks-platform-dev"


def _by_sid(permissions: Permissions) -> dict[str, Any]:
    return {s["Sid"]: s for s in permissions.statements}


def _actions(statement: dict[str, Any]) -> list[str]:
    action = statement["Action"]
    return [action] if isinstance(action, str) else list(action)


def _resources(statement: dict[str, Any]) -> list[str]:
    resource = statement["Resource"]
    return [resource] if isinstance(resource, str) else list(resource)


# --- AWS Load Balancer Controller ------------------------------------------------------------


@pytest.fixture(scope="module")
def alb() -> dict[str, Any]:
    return _by_sid(presets.aws_load_balancer_controller(CTX, cluster_name=CLUSTER))


def test_alb_never_grants_a_service_wildcard(alb: dict[str, Any]) -> None:
    assert [a for s in alb.values() for a in _actions(s) if a.endswith(":*") or a == "*"] == []


def test_alb_service_linked_role_only_for_elb(alb: dict[str, Any]) -> None:
    assert alb["CreateElbServiceLinkedRole"]["Condition"] == {
        "StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}
    }


def test_alb_describe_covers_v2_14_actions(alb: dict[str, Any]) -> None:
    assert {
        "elasticloadbalancing:DescribeListenerAttributes",
        "elasticloadbalancing:DescribeCapacityReservation",
        "ec2:GetSecurityGroupsForVpc",
    } <= set(_actions(alb["Describe"]))


def test_alb_describe_is_read_only(alb: dict[str, Any]) -> None:
    assert all(a.split(":")[1].startswith(("Describe", "Get")) for a in _actions(alb["Describe"]))


def test_alb_creates_load_balancers_only_tagged_for_its_cluster(alb: dict[str, Any]) -> None:
    assert alb["CreateTaggedLoadBalancers"]["Condition"] == {
        "StringEquals": {"aws:RequestTag/elbv2.k8s.aws/cluster": CLUSTER}
    }


def test_alb_modifies_and_deletes_only_its_clusters_load_balancers(alb: dict[str, Any]) -> None:
    statement = alb["ManageOwnLoadBalancers"]
    assert (statement["Condition"], "elasticloadbalancing:DeleteLoadBalancer" in statement["Action"]) == (
        {"StringEquals": {"aws:ResourceTag/elbv2.k8s.aws/cluster": CLUSTER}},
        True,
    )


def test_alb_deletes_only_its_clusters_security_groups(alb: dict[str, Any]) -> None:
    assert alb["ManageOwnSecurityGroups"]["Condition"] == {
        "StringEquals": {"aws:ResourceTag/elbv2.k8s.aws/cluster": CLUSTER}
    }


def test_alb_tags_security_groups_on_create_only(alb: dict[str, Any]) -> None:
    statement = alb["TagSecurityGroupOnCreate"]
    assert (statement["Resource"], statement["Condition"]) == (
        "arn:aws:ec2:us-east-1:111122223333:security-group/*",
        {
            "StringEquals": {
                "ec2:CreateAction": "CreateSecurityGroup",
                "aws:RequestTag/elbv2.k8s.aws/cluster": CLUSTER,
            }
        },
    )


def test_alb_retags_only_its_own_security_groups(alb: dict[str, Any]) -> None:
    assert alb["TagOwnSecurityGroups"]["Condition"] == {
        "Null": {"aws:RequestTag/elbv2.k8s.aws/cluster": "true"},
        "StringEquals": {"aws:ResourceTag/elbv2.k8s.aws/cluster": CLUSTER},
    }


def test_alb_load_balancer_tags_are_scoped_to_account_and_region(alb: dict[str, Any]) -> None:
    assert _resources(alb["TagOwnLoadBalancers"]) == [
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/*/*",
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/*/*",
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/*/*",
    ]


def test_alb_tags_on_create_only_for_its_cluster(alb: dict[str, Any]) -> None:
    assert alb["TagOnCreate"]["Condition"] == {
        "StringEquals": {
            "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
            "aws:RequestTag/elbv2.k8s.aws/cluster": CLUSTER,
        }
    }


def test_alb_registers_targets_in_target_groups_only(alb: dict[str, Any]) -> None:
    assert _resources(alb["RegisterTargets"]) == [
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/*/*"
    ]


def test_alb_only_reads_and_certificate_waf_shield_calls_use_resource_star(alb: dict[str, Any]) -> None:
    assert sorted(sid for sid, s in alb.items() if "*" in _resources(s)) == [
        "CertificatesWafShieldCognito",
        "CreateElbServiceLinkedRole",
        "Describe",
        "SetWebAcl",
    ]


def test_alb_other_writes_stay_in_this_region_and_account(alb: dict[str, Any]) -> None:
    assert _resources(alb["ListenersAndRules"]) + _resources(alb["CreateSecurityGroup"]) == [
        "arn:aws:elasticloadbalancing:us-east-1:111122223333:*",
        "arn:aws:ec2:us-east-1:111122223333:*",
    ]


def test_alb_bad_cluster_name_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`presets.aws_load_balancer_controller.cluster_name`: must be an EKS"):
        presets.aws_load_balancer_controller(CTX, cluster_name="bad name")


# --- cluster-autoscaler ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def autoscaler() -> dict[str, Any]:
    return _by_sid(presets.cluster_autoscaler(CTX, cluster_name=CLUSTER))


def test_autoscaler_describes_everything_read_only(autoscaler: dict[str, Any]) -> None:
    statement = autoscaler["Describe"]
    assert (statement["Resource"], all(":Describe" in a or ":Get" in a for a in statement["Action"])) == ("*", True)


def test_autoscaler_scales_only_owned_groups(autoscaler: dict[str, Any]) -> None:
    assert autoscaler["ScaleOwnGroups"] == {
        "Sid": "ScaleOwnGroups",
        "Effect": "Allow",
        "Action": ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        "Resource": "arn:aws:autoscaling:us-east-1:111122223333:autoScalingGroup:*:autoScalingGroupName/*",
        "Condition": {"StringEquals": {"aws:ResourceTag/k8s.io/cluster-autoscaler/eks-platform-dev": "owned"}},
    }


def test_autoscaler_describes_only_own_nodegroups(autoscaler: dict[str, Any]) -> None:
    assert autoscaler["DescribeOwnNodegroups"]["Resource"] == (
        "arn:aws:eks:us-east-1:111122223333:nodegroup/eks-platform-dev/*/*"
    )


def test_autoscaler_bad_cluster_name_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`presets.cluster_autoscaler.cluster_name`"):
        presets.cluster_autoscaler(CTX, cluster_name="")


# --- external-secrets -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def external_secrets() -> dict[str, Any]:
    return _by_sid(presets.external_secrets(CTX, name_prefix=CLUSTER))


def test_external_secrets_reads_own_secrets_only(external_secrets: dict[str, Any]) -> None:
    statement = external_secrets["ReadOwnSecrets"]
    assert (statement["Action"], statement["Resource"]) == (
        ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds"],
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:eks-platform-dev/*",
    )


def test_external_secrets_reads_own_parameters_only(external_secrets: dict[str, Any]) -> None:
    statement = external_secrets["ReadOwnParameters"]
    assert (statement["Action"], statement["Resource"]) == (
        ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
        "arn:aws:ssm:us-east-1:111122223333:parameter/eks-platform-dev/*",
    )


def test_external_secrets_decrypts_only_via_secrets_manager_and_ssm(external_secrets: dict[str, Any]) -> None:
    statement = external_secrets["DecryptThroughSecretsManagerAndSsm"]
    assert (statement["Action"], statement["Resource"], statement["Condition"]) == (
        "kms:Decrypt",
        "arn:aws:kms:us-east-1:111122223333:key/*",
        {"StringEquals": {"kms:ViaService": ["secretsmanager.us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"]}},
    )


def test_external_secrets_decrypt_can_name_keys() -> None:
    key = "arn:aws:kms:us-east-1:111122223333:key/1234"
    permissions = presets.external_secrets(CTX, name_prefix=CLUSTER, kms_key_arns=(key,))
    assert _by_sid(permissions)["DecryptThroughSecretsManagerAndSsm"]["Resource"] == key


def test_external_secrets_never_lists_all_secrets(external_secrets: dict[str, Any]) -> None:
    assert [a for s in external_secrets.values() for a in _actions(s) if "List" in a and "Version" not in a] == []


def test_external_secrets_prefix_with_wildcard_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`presets.external_secrets.name_prefix`: must be a path prefix"):
        presets.external_secrets(CTX, name_prefix="*")


DB_SECRET = "arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!db-0123-AbCdEf"
DB_KEY = "arn:aws:kms:us-east-1:111122223333:key/5678"


def test_external_secrets_without_a_database_reads_no_managed_secret(external_secrets: dict[str, Any]) -> None:
    assert sorted(external_secrets) == ["DecryptThroughSecretsManagerAndSsm", "ReadOwnParameters", "ReadOwnSecrets"]


def test_external_secrets_reads_exactly_the_database_secret() -> None:
    permissions = presets.external_secrets(
        CTX, name_prefix=CLUSTER, database_secret_arn=DB_SECRET, database_kms_key_arn=DB_KEY
    )
    by_sid = _by_sid(permissions)
    assert (by_sid["ReadDatabaseMasterSecret"], by_sid["DecryptDatabaseMasterSecret"]) == (
        {
            "Sid": "ReadDatabaseMasterSecret",
            "Effect": "Allow",
            "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            "Resource": DB_SECRET,
        },
        {
            "Sid": "DecryptDatabaseMasterSecret",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": DB_KEY,
            "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}},
        },
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"database_secret_arn": DB_SECRET},
            r"`presets\.external_secrets\.database_kms_key_arn`: must be given together with database_secret_arn",
        ),
        (
            {"database_kms_key_arn": DB_KEY},
            r"`presets\.external_secrets\.database_kms_key_arn`: must be given together with database_secret_arn",
        ),
        (
            {"database_secret_arn": "rds!db-0123", "database_kms_key_arn": DB_KEY},
            r"`presets\.external_secrets\.database_secret_arn`: must be a Secrets Manager secret ARN",
        ),
        (
            {"database_secret_arn": DB_SECRET, "database_kms_key_arn": "5678"},
            r"`presets\.external_secrets\.database_kms_key_arn`: must be a KMS key ARN",
        ),
    ],
)
def test_external_secrets_database_errors(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        presets.external_secrets(CTX, name_prefix=CLUSTER, **changes)


# --- EBS CSI driver -------------------------------------------------------------------------------


def test_ebs_csi_uses_the_aws_managed_policy() -> None:
    assert presets.ebs_csi_driver(CTX) == Permissions(
        managed_policy_arns=("arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",)
    )


# --- external-dns ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def external_dns() -> dict[str, Any]:
    return _by_sid(presets.external_dns(CTX, hosted_zone_ids=("Z0123456789ABC", "Z2FDTNDATAQYW2")))


def test_external_dns_changes_configured_zones_only(external_dns: dict[str, Any]) -> None:
    statement = external_dns["ChangeOwnZones"]
    assert (statement["Action"], statement["Resource"]) == (
        "route53:ChangeResourceRecordSets",
        ["arn:aws:route53:::hostedzone/Z0123456789ABC", "arn:aws:route53:::hostedzone/Z2FDTNDATAQYW2"],
    )


def test_external_dns_lists_read_only(external_dns: dict[str, Any]) -> None:
    statement = external_dns["ListZonesAndRecords"]
    assert (statement["Resource"], all(a.startswith("route53:List") for a in statement["Action"])) == ("*", True)


def test_external_dns_needs_a_zone() -> None:
    with pytest.raises(ConfigError, match=r"`presets.external_dns.hosted_zone_ids`: must list at least one"):
        presets.external_dns(CTX, hosted_zone_ids=())


def test_external_dns_zone_id_format() -> None:
    with pytest.raises(ConfigError, match=r"`presets.external_dns.hosted_zone_ids\[0\]`: must be a Route 53"):
        presets.external_dns(CTX, hosted_zone_ids=("/hostedzone/Z0123",))


def test_external_dns_duplicate_zone_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`presets.external_dns.hosted_zone_ids`: hosted zone id must be unique"):
        presets.external_dns(CTX, hosted_zone_ids=("Z0123", "Z0123"))


# --- application (seed 002) -----------------------------------------------------------------------

BUCKET = "arn:aws:s3:::eks-platform-dev-api"


@pytest.fixture(scope="module")
def app() -> dict[str, Any]:
    return _by_sid(presets.application(CTX, name_prefix=CLUSTER, app_name="api", bucket_arn=BUCKET))


def test_app_lists_its_bucket_only(app: dict[str, Any]) -> None:
    assert (app["ListOwnBucket"]["Action"], app["ListOwnBucket"]["Resource"]) == ("s3:ListBucket", BUCKET)


def test_app_reads_and_writes_its_objects_only(app: dict[str, Any]) -> None:
    statement = app["ReadWriteOwnObjects"]
    assert (statement["Action"], statement["Resource"]) == (
        ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
        f"{BUCKET}/*",
    )


def test_app_reads_its_secrets_only(app: dict[str, Any]) -> None:
    statement = app["ReadOwnSecrets"]
    assert (statement["Action"], statement["Resource"]) == (
        ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
        "arn:aws:secretsmanager:us-east-1:111122223333:secret:eks-platform-dev/api/*",
    )


def test_app_reads_its_parameters_only(app: dict[str, Any]) -> None:
    assert app["ReadOwnParameters"]["Resource"] == "arn:aws:ssm:us-east-1:111122223333:parameter/eks-platform-dev/api/*"


def test_app_without_bucket_has_no_s3() -> None:
    permissions = presets.application(CTX, name_prefix=CLUSTER, app_name="worker")
    assert sorted(_by_sid(permissions)) == ["ReadOwnParameters", "ReadOwnSecrets"]


def test_app_kms_keys_add_decrypt_via_services() -> None:
    key = "arn:aws:kms:us-east-1:111122223333:key/1234"
    statement = _by_sid(presets.application(CTX, name_prefix=CLUSTER, app_name="api", kms_key_arns=(key,)))[
        "DecryptThroughSecretsManagerAndSsm"
    ]
    assert (statement["Resource"], list(statement["Condition"]["StringEquals"])) == (key, ["kms:ViaService"])


def test_app_bad_name_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`presets.application.app_name`: must be a DNS-1123 label"):
        presets.application(CTX, name_prefix=CLUSTER, app_name="API")


def test_app_bad_bucket_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`presets.application.bucket_arn`: must be an S3 bucket ARN"):
        presets.application(CTX, name_prefix=CLUSTER, app_name="api", bucket_arn="my-bucket")


def test_permissions_add_up() -> None:
    combined = presets.ebs_csi_driver(CTX) + presets.application(CTX, name_prefix=CLUSTER, app_name="api")
    assert (len(combined.statements), len(combined.managed_policy_arns)) == (2, 1)


def test_token_cluster_name_is_accepted() -> None:
    from cdktf import Fn

    token = Fn.lower("eks-platform-dev")  # an unresolved terraform expression, as the cluster tier passes
    statement = _by_sid(presets.cluster_autoscaler(CTX, cluster_name=token))["ScaleOwnGroups"]
    assert list(statement["Condition"]["StringEquals"]) == [f"aws:ResourceTag/k8s.io/cluster-autoscaler/{token}"]


# --- velero ---------------------------------------------------------------------------------------

BACKUPS = "arn:aws:s3:::eks-platform-prod-backups"


@pytest.fixture(scope="module")
def velero() -> dict[str, Any]:
    return _by_sid(presets.velero(CTX, bucket_arn=BACKUPS, kms_key_arns=("arn:aws:kms:us-east-1:111122223333:key/b",)))


def test_velero_objects_of_its_bucket_only(velero: dict[str, Any]) -> None:
    assert (velero["ListBackupBucket"]["Resource"], velero["ReadWriteBackups"]["Resource"]) == (
        BACKUPS,
        f"{BACKUPS}/*",
    )


def test_velero_snapshots_in_this_region_only(velero: dict[str, Any]) -> None:
    assert _resources(velero["SnapshotAndRestoreVolumes"]) == [
        "arn:aws:ec2:us-east-1:111122223333:volume/*",
        "arn:aws:ec2:us-east-1::snapshot/*",
    ]


def test_velero_uses_bucket_key_through_s3_only(velero: dict[str, Any]) -> None:
    assert velero["UseBucketKeyThroughS3"]["Condition"] == {
        "StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}
    }


def test_velero_without_key_has_no_kms() -> None:
    assert "UseBucketKeyThroughS3" not in _by_sid(presets.velero(CTX, bucket_arn=BACKUPS))


def test_velero_bad_bucket_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`presets.velero.bucket_arn`: must be an S3 bucket ARN"):
        presets.velero(CTX, bucket_arn="backups")


def test_app_prefix_with_leading_slash_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"`presets.application.name_prefix`: must be a path prefix without leading"):
        presets.application(CTX, name_prefix="/eks-platform-dev", app_name="api")
