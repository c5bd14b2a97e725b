"""Permissions of the platform's IRSA roles, each scoped as tightly as the service allows.

Every preset returns :class:`~constructs_lib.identity.irsa.Permissions` for an
:class:`~constructs_lib.identity.irsa.IrsaRole`. ARNs are built from an :class:`ArnContext`
(``AwsContext`` satisfies it), so partition, region and account are never hard-coded; dev, staging
and prod in one account stay apart through the environment prefix (secrets, parameters) and the
cluster name (tag conditions).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from cdktf import Token

from constructs_lib.iam import statement
from constructs_lib.identity.irsa import Permissions
from constructs_lib.security.context import ArnContext, arn
from constructs_lib.validation import (
    require,
    require_arn,
    require_dns_label,
    require_hosted_zone_id,
    require_unique,
)

__all__ = [
    "ArnContext",
    "application",
    "application_bucket_access",
    "aws_load_balancer_controller",
    "cluster_autoscaler",
    "ebs_csi_driver",
    "external_dns",
    "external_secrets",
    "karpenter",
    "velero",
]

_CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$")
_PATH_PREFIX = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")

#: The tag the AWS Load Balancer Controller puts on every resource it creates; value = cluster name.
ALB_CLUSTER_TAG = "elbv2.k8s.aws/cluster"


def _require_cluster_name(path: str, cluster_name: str) -> None:
    if isinstance(cluster_name, str) and Token.is_unresolved(cluster_name):
        return  # a terraform reference to the cluster's name, checked by the cluster tier
    require(
        isinstance(cluster_name, str) and _CLUSTER_NAME.match(cluster_name) is not None,
        path,
        "must be an EKS cluster name: 1-100 letters, digits, '-' and '_', starting with a letter or digit",
        cluster_name,
        "pass the cluster tier's cluster_name, e.g. 'eks-platform-dev'",
    )


def _require_prefix(path: str, prefix: str) -> None:
    require(
        isinstance(prefix, str) and _PATH_PREFIX.match(prefix) is not None,
        path,
        "must be a path prefix without leading or trailing '/' or wildcards",
        prefix,
        "use the environment prefix, e.g. 'eks-platform-dev'",
    )


def aws_load_balancer_controller(context: ArnContext, *, cluster_name: str) -> Permissions:
    """The controller's documented IAM policy (``docs/install/iam_policy.json``, v2.13/2.14).

    Kept: every statement, action and tag condition. Tightened: every write statement is limited to
    this stack's partition, region and account (``*`` stays only on describe calls, the ELB
    service-linked role, SetWebAcl and the certificate/WAF/Shield/Cognito calls, which support no
    resource-level permissions or are global); the conditions that only required the
    ``elbv2.k8s.aws/cluster`` tag to exist (``Null: false``) require it to equal ``cluster_name``,
    so the dev controller can never modify or delete staging's or prod's load balancers and
    security groups in a shared account.
    """
    _require_cluster_name("presets.aws_load_balancer_controller.cluster_name", cluster_name)
    request_tag = f"aws:RequestTag/{ALB_CLUSTER_TAG}"
    resource_tag = f"aws:ResourceTag/{ALB_CLUSTER_TAG}"
    owned_request = {"StringEquals": {request_tag: cluster_name}}
    owned_resource = {"StringEquals": {resource_tag: cluster_name}}
    security_groups = arn(context, "ec2", "security-group/*")
    # Upstream writes these on "*"; every resource of the service in this region and account is
    # as permissive for the controller and keeps it out of other regions.
    ec2_here = arn(context, "ec2", "*")
    elb_here = arn(context, "elasticloadbalancing", "*")
    balancers = [
        arn(context, "elasticloadbalancing", "targetgroup/*/*"),
        arn(context, "elasticloadbalancing", "loadbalancer/net/*/*"),
        arn(context, "elasticloadbalancing", "loadbalancer/app/*/*"),
    ]
    statements = (
        statement(
            "CreateElbServiceLinkedRole",
            ["iam:CreateServiceLinkedRole"],
            ["*"],
            conditions={"StringEquals": {"iam:AWSServiceName": f"elasticloadbalancing.{context.dns_suffix}"}},
        ),
        statement(
            "Describe",
            [
                "ec2:DescribeAccountAttributes",
                "ec2:DescribeAddresses",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeCoipPools",
                "ec2:DescribeInstances",
                "ec2:DescribeInternetGateways",
                "ec2:DescribeIpamPools",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeRouteTables",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeTags",
                "ec2:DescribeVpcPeeringConnections",
                "ec2:DescribeVpcs",
                "ec2:GetCoipPoolUsage",
                "ec2:GetSecurityGroupsForVpc",
                "elasticloadbalancing:DescribeCapacityReservation",
                "elasticloadbalancing:DescribeListenerAttributes",
                "elasticloadbalancing:DescribeListenerCertificates",
                "elasticloadbalancing:DescribeListeners",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeLoadBalancers",
                "elasticloadbalancing:DescribeRules",
                "elasticloadbalancing:DescribeSSLPolicies",
                "elasticloadbalancing:DescribeTags",
                "elasticloadbalancing:DescribeTargetGroupAttributes",
                "elasticloadbalancing:DescribeTargetGroups",
                "elasticloadbalancing:DescribeTargetHealth",
                "elasticloadbalancing:DescribeTrustStores",
            ],
            ["*"],
        ),
        statement(
            "CertificatesWafShieldCognito",
            [
                "acm:DescribeCertificate",
                "acm:ListCertificates",
                "cognito-idp:DescribeUserPoolClient",
                "iam:GetServerCertificate",
                "iam:ListServerCertificates",
                "shield:CreateProtection",
                "shield:DeleteProtection",
                "shield:DescribeProtection",
                "shield:GetSubscriptionState",
                "waf-regional:AssociateWebACL",
                "waf-regional:DisassociateWebACL",
                "waf-regional:GetWebACL",
                "waf-regional:GetWebACLForResource",
                "wafv2:AssociateWebACL",
                "wafv2:DisassociateWebACL",
                "wafv2:GetWebACL",
                "wafv2:GetWebACLForResource",
            ],
            ["*"],
        ),
        # Ingress rules on the cluster's node security group for the backend security group (as upstream:
        # the node group's security group carries no controller tag).
        statement(
            "NodeSecurityGroupIngress",
            ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            [ec2_here],
        ),
        statement("CreateSecurityGroup", ["ec2:CreateSecurityGroup"], [ec2_here]),
        statement(
            "TagSecurityGroupOnCreate",
            ["ec2:CreateTags"],
            [security_groups],
            conditions={"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup", request_tag: cluster_name}},
        ),
        statement(
            "TagOwnSecurityGroups",
            ["ec2:CreateTags", "ec2:DeleteTags"],
            [security_groups],
            conditions={"Null": {request_tag: "true"}, **owned_resource},
        ),
        statement(
            "ManageOwnSecurityGroups",
            ["ec2:AuthorizeSecurityGroupIngress", "ec2:DeleteSecurityGroup", "ec2:RevokeSecurityGroupIngress"],
            [ec2_here],
            conditions=owned_resource,
        ),
        statement(
            "CreateTaggedLoadBalancers",
            ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup"],
            [elb_here],
            conditions=owned_request,
        ),
        statement(
            "ListenersAndRules",
            [
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:DeleteRule",
            ],
            [elb_here],
        ),
        statement(
            "TagOwnLoadBalancers",
            ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            balancers,
            conditions={"Null": {request_tag: "true"}, **owned_resource},
        ),
        statement(
            "TagListenersAndRules",
            ["elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags"],
            [
                arn(context, "elasticloadbalancing", "listener/net/*/*/*"),
                arn(context, "elasticloadbalancing", "listener/app/*/*/*"),
                arn(context, "elasticloadbalancing", "listener-rule/net/*/*/*"),
                arn(context, "elasticloadbalancing", "listener-rule/app/*/*/*"),
            ],
        ),
        statement(
            "ManageOwnLoadBalancers",
            [
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyCapacityReservation",
                "elasticloadbalancing:ModifyIpPools",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
            ],
            [elb_here],
            conditions=owned_resource,
        ),
        statement(
            "TagOnCreate",
            ["elasticloadbalancing:AddTags"],
            balancers,
            conditions={
                "StringEquals": {
                    "elasticloadbalancing:CreateAction": ["CreateTargetGroup", "CreateLoadBalancer"],
                    request_tag: cluster_name,
                }
            },
        ),
        statement(
            "RegisterTargets",
            ["elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:RegisterTargets"],
            [arn(context, "elasticloadbalancing", "targetgroup/*/*")],
        ),
        statement(
            "ModifyListenersAndRules",
            [
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:SetRulePriorities",
            ],
            [elb_here],
        ),
        # SetWebAcl supports no resource-level permissions: "*" is the only resource that matches.
        statement("SetWebAcl", ["elasticloadbalancing:SetWebAcl"], ["*"]),
    )
    return Permissions(statements=statements)


def cluster_autoscaler(context: ArnContext, *, cluster_name: str) -> Permissions:
    """Describe on ``*``; scaling and terminating only Auto Scaling groups the cluster owns.

    EKS managed node groups tag their groups ``k8s.io/cluster-autoscaler/<cluster>=owned``; the
    write actions require that tag, so the autoscaler of one environment cannot scale another's nodes.
    """
    _require_cluster_name("presets.cluster_autoscaler.cluster_name", cluster_name)
    return Permissions(
        statements=(
            statement(
                "Describe",
                [
                    "autoscaling:DescribeAutoScalingGroups",
                    "autoscaling:DescribeAutoScalingInstances",
                    "autoscaling:DescribeLaunchConfigurations",
                    "autoscaling:DescribeScalingActivities",
                    "autoscaling:DescribeTags",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplateVersions",
                    "ec2:GetInstanceTypesFromInstanceRequirements",
                ],
                ["*"],
            ),
            statement(
                "DescribeOwnNodegroups",
                ["eks:DescribeNodegroup"],
                [arn(context, "eks", f"nodegroup/{cluster_name}/*/*")],
            ),
            statement(
                "ScaleOwnGroups",
                ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                [arn(context, "autoscaling", "autoScalingGroup:*:autoScalingGroupName/*")],
                conditions={"StringEquals": {f"aws:ResourceTag/k8s.io/cluster-autoscaler/{cluster_name}": "owned"}},
            ),
        )
    )


def karpenter(
    context: ArnContext, *, cluster_name: str, node_role_arn: str, instance_profile_arn: str, queue_arn: str
) -> Permissions:
    """Karpenter's controller: launch, tag and terminate only the instances, fleets and launch
    templates it tags as the cluster's; read-only discovery in the region; its interruption queue.

    Every write is bound to Karpenter's own tags (``kubernetes.io/cluster/<cluster>=owned`` and a
    ``karpenter.sh/nodepool``), so one environment's controller cannot touch another's nodes; it
    launches only into the subnets and security groups tagged ``karpenter.sh/discovery=<cluster>``.
    The instance profile is made by the stack and named in the EC2NodeClass, so the controller gets
    no IAM write action at all (upstream's policy lets it create and delete instance profiles); it may
    pass only the node role, and only to EC2. No zonal-shift read: the platform leaves that setting off.
    """
    _require_cluster_name("presets.karpenter.cluster_name", cluster_name)
    owned = {f"aws:ResourceTag/kubernetes.io/cluster/{cluster_name}": "owned"}
    in_pool = {"aws:ResourceTag/karpenter.sh/nodepool": "*"}
    request_owned = {
        f"aws:RequestTag/kubernetes.io/cluster/{cluster_name}": "owned",
        "aws:RequestTag/eks:eks-cluster-name": cluster_name,
    }
    request_pool = {"aws:RequestTag/karpenter.sh/nodepool": "*"}
    launched = [
        arn(context, "ec2", f"{kind}/*")
        for kind in ("fleet", "instance", "volume", "network-interface", "launch-template", "spot-instances-request")
    ]
    return Permissions(
        statements=(
            statement(
                "LaunchWithPublicImages",
                ["ec2:RunInstances", "ec2:CreateFleet"],
                [
                    arn(context, "ec2", "image/*", account=False),
                    arn(context, "ec2", "snapshot/*", account=False),
                    arn(context, "ec2", "capacity-reservation/*"),
                    arn(context, "ec2", "placement-group/*"),
                ],
            ),
            statement(
                "LaunchIntoDiscoveredNetwork",
                ["ec2:RunInstances", "ec2:CreateFleet"],
                [arn(context, "ec2", "subnet/*"), arn(context, "ec2", "security-group/*")],
                conditions={"StringEquals": {"aws:ResourceTag/karpenter.sh/discovery": cluster_name}},
            ),
            statement(
                "LaunchFromOwnTemplates",
                ["ec2:RunInstances", "ec2:CreateFleet"],
                [arn(context, "ec2", "launch-template/*")],
                conditions={"StringEquals": owned, "StringLike": in_pool},
            ),
            statement(
                "CreateOwnedResources",
                ["ec2:RunInstances", "ec2:CreateFleet", "ec2:CreateLaunchTemplate"],
                launched,
                conditions={"StringEquals": request_owned, "StringLike": request_pool},
            ),
            statement(
                "TagOnCreate",
                ["ec2:CreateTags"],
                launched,
                conditions={
                    "StringEquals": {
                        **request_owned,
                        "ec2:CreateAction": ["RunInstances", "CreateFleet", "CreateLaunchTemplate"],
                    },
                    "StringLike": request_pool,
                },
            ),
            statement(
                "LabelOwnInstances",
                ["ec2:CreateTags"],
                [arn(context, "ec2", "instance/*")],
                conditions={
                    "StringEquals": owned,
                    "StringLike": in_pool,
                    "StringEqualsIfExists": {"aws:RequestTag/eks:eks-cluster-name": cluster_name},
                    # Only the labels it adds after launch (node claim, name), never the ownership tags.
                    "ForAllValues:StringEquals": {
                        "aws:TagKeys": ["eks:eks-cluster-name", "karpenter.sh/nodeclaim", "Name"]
                    },
                },
            ),
            statement(
                "DeleteOwnedResources",
                ["ec2:TerminateInstances", "ec2:DeleteLaunchTemplate"],
                [arn(context, "ec2", "instance/*"), arn(context, "ec2", "launch-template/*")],
                conditions={"StringEquals": owned, "StringLike": in_pool},
            ),
            statement(
                "PassNodeRoleToEc2",
                ["iam:PassRole"],
                [node_role_arn],
                conditions={"StringEquals": {"iam:PassedToService": f"ec2.{context.dns_suffix}"}},
            ),
            statement("ReadNodeInstanceProfile", ["iam:GetInstanceProfile"], [instance_profile_arn]),
            statement("DescribeOwnCluster", ["eks:DescribeCluster"], [arn(context, "eks", f"cluster/{cluster_name}")]),
            statement(
                "ConsumeInterruptionQueue",
                ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
                [queue_arn],
            ),
            statement(
                "DiscoverInRegion",
                [
                    "ec2:DescribeCapacityReservations",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstanceStatus",
                    "ec2:DescribeInstanceTypeOfferings",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeInstances",
                    "ec2:DescribeLaunchTemplates",
                    "ec2:DescribePlacementGroups",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeSpotPriceHistory",
                    "ec2:DescribeSubnets",
                ],
                ["*"],
                conditions={"StringEquals": {"aws:RequestedRegion": context.region}},
            ),
            statement(
                "ReadPublicImageParameters",
                ["ssm:GetParameter"],
                # AWS's public parameters (image ids) have no account in their ARN; only AWS can own a
                # name under /aws/, so the account wildcard widens nothing.
                [f"arn:{context.partition}:ssm:{context.region}:*:parameter/aws/service/*"],
            ),
            statement("ReadPrices", ["pricing:GetProducts"], ["*"]),
        )
    )


def _decrypt_through_secrets_manager_and_ssm(context: ArnContext, kms_key_arns: Sequence[str]) -> dict[str, object]:
    """kms:Decrypt only when called by Secrets Manager or SSM in this region, on the given keys or the account's."""
    via = [f"{service}.{context.region}.{context.dns_suffix}" for service in ("secretsmanager", "ssm")]
    return statement(
        "DecryptThroughSecretsManagerAndSsm",
        ["kms:Decrypt"],
        list(kms_key_arns) or [arn(context, "kms", "key/*")],
        conditions={"StringEquals": {"kms:ViaService": via}},
    )


def external_secrets(
    context: ArnContext,
    *,
    name_prefix: str,
    kms_key_arns: Sequence[str] = (),
    database_secret_arn: str | None = None,
    database_kms_key_arn: str | None = None,
) -> Permissions:
    """Read secrets ``<name_prefix>/*`` and parameters ``/<name_prefix>/*`` of this environment only.

    ``kms:Decrypt`` is allowed only through Secrets Manager and SSM in this region; on
    ``kms_key_arns`` when given, else on the account's keys in this region (the key policies still
    decide). No ``ListSecrets``: ExternalSecrets name their keys.

    With ``database_secret_arn`` (the RDS-managed master secret, named ``rds!db-...`` by RDS and so
    outside ``<name_prefix>/*``) and ``database_kms_key_arn`` (the database's key, which encrypts
    that secret): GetSecretValue and DescribeSecret on exactly that secret, and ``kms:Decrypt`` on
    exactly that key when Secrets Manager in this region calls it. Both or neither.
    """
    _require_prefix("presets.external_secrets.name_prefix", name_prefix)
    require(
        (database_secret_arn is None) == (database_kms_key_arn is None),
        "presets.external_secrets.database_kms_key_arn",
        "must be given together with database_secret_arn (the key that encrypts that secret)",
        database_kms_key_arn,
        "pass the PostgresDatabase's master_user_secret_arn and kms_key_arn, or neither",
    )
    database: tuple[dict[str, object], ...] = ()
    if database_secret_arn is not None and database_kms_key_arn is not None:
        require_arn(
            "presets.external_secrets.database_secret_arn",
            database_secret_arn,
            what="a Secrets Manager secret",
            service="secretsmanager",
            fix="pass the PostgresDatabase's `master_user_secret_arn`",
        )
        require_arn(
            "presets.external_secrets.database_kms_key_arn",
            database_kms_key_arn,
            what="a KMS key",
            service="kms",
            fix="pass the PostgresDatabase's `kms_key_arn`",
        )
        database = (
            statement(
                "ReadDatabaseMasterSecret",
                ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                [database_secret_arn],
            ),
            statement(
                "DecryptDatabaseMasterSecret",
                ["kms:Decrypt"],
                [database_kms_key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"secretsmanager.{context.region}.{context.dns_suffix}"}
                },
            ),
        )
    return Permissions(
        statements=(
            statement(
                "ReadOwnSecrets",
                [
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:ListSecretVersionIds",
                ],
                [arn(context, "secretsmanager", f"secret:{name_prefix}/*")],
            ),
            statement(
                "ReadOwnParameters",
                ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
                [arn(context, "ssm", f"parameter/{name_prefix}/*")],
            ),
            _decrypt_through_secrets_manager_and_ssm(context, kms_key_arns),
            *database,
        )
    )


def ebs_csi_driver(context: ArnContext) -> Permissions:
    """AWS's managed ``service-role/AmazonEBSCSIDriverPolicy``, maintained with the driver.

    It already limits volume and snapshot deletion to the driver's own tags
    (``ebs.csi.aws.com/cluster``, ``CSIVolumeName``).
    """
    return Permissions(
        managed_policy_arns=(f"arn:{context.partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",)
    )


def external_dns(context: ArnContext, *, hosted_zone_ids: Sequence[str]) -> Permissions:
    """Change records only in ``hosted_zone_ids``; list zones, records and tags (read-only) on ``*``."""
    zones = tuple(hosted_zone_ids)
    require(
        len(zones) > 0,
        "presets.external_dns.hosted_zone_ids",
        "must list at least one hosted zone external-dns may change",
        zones,
        "pass the ids of the environment's zones, e.g. ('Z0123456789ABCDEFGHIJ',)",
    )
    for index, zone in enumerate(zones):
        require_hosted_zone_id(f"presets.external_dns.hosted_zone_ids[{index}]", zone)
    require_unique("presets.external_dns.hosted_zone_ids", zones, "hosted zone id")
    return Permissions(
        statements=(
            statement(
                "ChangeOwnZones",
                ["route53:ChangeResourceRecordSets"],
                [arn(context, "route53", f"hostedzone/{zone}", region=False, account=False) for zone in zones],
            ),
            statement(
                "ListZonesAndRecords",
                [
                    "route53:ListHostedZones",
                    "route53:ListResourceRecordSets",
                    "route53:ListTagsForResource",
                    "route53:ListTagsForResources",
                ],
                ["*"],
            ),
        )
    )


def application(
    context: ArnContext,
    *,
    name_prefix: str,
    app_name: str,
    bucket_arn: str | None = None,
    kms_key_arns: Sequence[str] = (),
) -> Permissions:
    """Seed 002's application role, per application: its bucket, its secrets, its parameters.

    * S3 (when ``bucket_arn`` is given): ListBucket on the bucket, Get/Put/DeleteObject on its objects;
    * Secrets Manager: GetSecretValue, DescribeSecret on ``<name_prefix>/<app_name>/*``;
    * SSM: GetParameter(s), GetParametersByPath on ``/<name_prefix>/<app_name>/*``;
    * kms:Decrypt through Secrets Manager and SSM, on ``kms_key_arns`` (when given).
    """
    _require_prefix("presets.application.name_prefix", name_prefix)
    require_dns_label("presets.application.app_name", app_name)
    statements: list[dict[str, object]] = []
    if bucket_arn is not None:
        require_arn(
            "presets.application.bucket_arn",
            bucket_arn,
            what="an S3 bucket",
            service="s3",
            fix="pass the bucket's `arn` attribute, e.g. 'arn:aws:s3:::eks-platform-dev-api'",
        )
        statements.append(statement("ListOwnBucket", ["s3:ListBucket"], [bucket_arn]))
        statements.append(
            statement(
                "ReadWriteOwnObjects",
                ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                [f"{bucket_arn}/*"],
            )
        )
    statements.append(
        statement(
            "ReadOwnSecrets",
            ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
            [arn(context, "secretsmanager", f"secret:{name_prefix}/{app_name}/*")],
        )
    )
    statements.append(
        statement(
            "ReadOwnParameters",
            ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
            [arn(context, "ssm", f"parameter/{name_prefix}/{app_name}/*")],
        )
    )
    if kms_key_arns:
        statements.append(_decrypt_through_secrets_manager_and_ssm(context, kms_key_arns))
    return Permissions(statements=tuple(statements))


def velero(context: ArnContext, *, bucket_arn: str, kms_key_arns: Sequence[str] = ()) -> Permissions:
    """velero-plugin-for-aws: its backup bucket's objects, EBS snapshots of this region and account.

    * S3: ListBucket on the bucket; Get/Put/Delete(Tagging)/multipart on its objects only;
    * EC2: Describe on ``*``; CreateVolume, CreateSnapshot, CreateTags, DeleteSnapshot on this
      region's volumes and snapshots;
    * KMS (when ``kms_key_arns``, the bucket's key): Decrypt and GenerateDataKey through S3 only.
    """
    require_arn(
        "presets.velero.bucket_arn",
        bucket_arn,
        what="an S3 bucket",
        service="s3",
        fix="pass the backup bucket's `bucket_arn`",
    )
    statements: list[dict[str, object]] = [
        statement("DescribeVolumesAndSnapshots", ["ec2:DescribeSnapshots", "ec2:DescribeVolumes"], ["*"]),
        statement(
            "SnapshotAndRestoreVolumes",
            ["ec2:CreateSnapshot", "ec2:CreateTags", "ec2:CreateVolume", "ec2:DeleteSnapshot"],
            [arn(context, "ec2", "volume/*"), arn(context, "ec2", "snapshot/*", account=False)],
        ),
        statement("ListBackupBucket", ["s3:ListBucket"], [bucket_arn]),
        statement(
            "ReadWriteBackups",
            [
                "s3:AbortMultipartUpload",
                "s3:DeleteObject",
                "s3:GetObject",
                "s3:ListMultipartUploadParts",
                "s3:PutObject",
                "s3:PutObjectTagging",
            ],
            [f"{bucket_arn}/*"],
        ),
    ]
    if kms_key_arns:
        statements.append(
            statement(
                "UseBucketKeyThroughS3",
                ["kms:Decrypt", "kms:GenerateDataKey"],
                list(kms_key_arns),
                conditions={"StringEquals": {"kms:ViaService": f"s3.{context.region}.{context.dns_suffix}"}},
            )
        )
    return Permissions(statements=tuple(statements))


def application_bucket_access(context: ArnContext, *, bucket_arn: str, kms_key_arn: str) -> Permissions:
    """An application's own S3 bucket (``data.ApplicationBucket``): read, write and delete its objects.

    * ``s3:ListBucket`` on the bucket; ``s3:GetObject``, ``s3:PutObject``, ``s3:DeleteObject`` on
      ``<bucket_arn>/*`` and nothing else (no bucket configuration, no ACLs, no other bucket);
    * ``kms:GenerateDataKey`` (writes) and ``kms:Decrypt`` (reads) on the bucket's key only, and only
      when S3 in this region calls KMS on the application's behalf (``kms:ViaService``).
    """
    require_arn(
        "presets.application_bucket_access.bucket_arn",
        bucket_arn,
        what="an S3 bucket",
        service="s3",
        fix="pass the ApplicationBucket's `bucket_arn`",
    )
    require_arn(
        "presets.application_bucket_access.kms_key_arn",
        kms_key_arn,
        what="a KMS key",
        service="kms",
        fix="pass the ApplicationBucket's `kms_key_arn`",
    )
    return Permissions(
        statements=(
            statement("ListOwnBucket", ["s3:ListBucket"], [bucket_arn]),
            statement(
                "ReadWriteOwnObjects",
                ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
                [f"{bucket_arn}/*"],
            ),
            statement(
                "UseBucketKeyThroughS3",
                ["kms:Decrypt", "kms:GenerateDataKey"],
                [kms_key_arn],
                conditions={"StringEquals": {"kms:ViaService": f"s3.{context.region}.{context.dns_suffix}"}},
            ),
        )
    )
