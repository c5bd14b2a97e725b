"""Hand-written synthesized stacks (the shape ``cdk.tf.json`` has) that each gate must reject.

Each gate runs over the reference stacks AND over one of these, so a gate that silently stops
finding anything (a renamed attribute, a new rendering of a block) fails its own test.
"""

from __future__ import annotations

import json
from typing import Any

from constructs_lib.iam import policy_document, statement

_ISSUER = '${replace(aws_iam_openid_connect_provider.oidc.url, "https://", "")}'
_PROVIDER = {"aws": [{"region": "us-east-1"}]}


def _trust(conditions: dict[str, dict[str, Any]], principal: dict[str, Any] | None = None) -> str:
    return policy_document(
        statement(
            "ServiceAccountAssumesRole",
            ["sts:AssumeRoleWithWebIdentity"],
            principals=principal or {"Federated": "${aws_iam_openid_connect_provider.oidc.arn}"},
            conditions=conditions,
        )
    )


def _role(assume_role_policy: str) -> dict[str, Any]:
    return {"name": "eks-platform-dev-irsa", "assume_role_policy": assume_role_policy}


GOOD_IRSA_CONDITIONS = {
    "StringEquals": {
        f"{_ISSUER}:sub": "system:serviceaccount:kube-system:aws-node",
        f"{_ISSUER}:aud": "sts.amazonaws.com",
    }
}

#: One good IRSA role and five bad ones, each breaking one rule.
IRSA_STACK: dict[str, Any] = {
    "provider": _PROVIDER,
    "resource": {
        "aws_iam_openid_connect_provider": {
            "oidc": {"url": "https://oidc.example", "client_id_list": ["sts.amazonaws.com"]}
        },
        "aws_iam_role": {
            "good": _role(_trust(GOOD_IRSA_CONDITIONS)),
            "string_like": _role(
                _trust(
                    {
                        "StringLike": {
                            f"{_ISSUER}:sub": "system:serviceaccount:*:*",
                            f"{_ISSUER}:aud": "sts.amazonaws.com",
                        }
                    }
                )
            ),
            "no_aud": _role(_trust({"StringEquals": {f"{_ISSUER}:sub": "system:serviceaccount:apps:api"}})),
            "wrong_aud": _role(
                _trust({"StringEquals": {f"{_ISSUER}:sub": "system:serviceaccount:apps:api", f"{_ISSUER}:aud": "*"}})
            ),
            "wildcard_sub": _role(
                _trust(
                    {
                        "StringEquals": {
                            f"{_ISSUER}:sub": "system:serviceaccount:apps:*",
                            f"{_ISSUER}:aud": "sts.amazonaws.com",
                        }
                    }
                )
            ),
            "star_principal": _role(_trust(GOOD_IRSA_CONDITIONS, principal={"AWS": "*"})),
        },
    },
}
IRSA_BAD_ROLES = ("string_like", "no_aud", "wrong_aud", "wildcard_sub", "star_principal")


def _pod_trust(
    *,
    actions: tuple[str, ...] = ("sts:AssumeRole", "sts:TagSession"),
    principal: dict[str, Any] | None = None,
    conditions: dict[str, dict[str, Any]] | None = None,
) -> str:
    return policy_document(
        statement(
            "PodIdentity0",
            list(actions),
            principals=principal or {"Service": "pods.eks.amazonaws.com"},
            conditions=conditions if conditions is not None else GOOD_POD_IDENTITY_CONDITIONS,
        )
    )


GOOD_POD_IDENTITY_CONDITIONS = {
    "StringEquals": {
        "aws:RequestTag/eks-cluster-name": "${aws_eks_cluster.cluster.name}",
        "aws:RequestTag/kubernetes-namespace": "kube-system",
        "aws:RequestTag/kubernetes-service-account": "ebs-csi-controller-sa",
    }
}

#: One good Pod Identity role and six bad ones, each breaking one rule.
POD_IDENTITY_STACK: dict[str, Any] = {
    "provider": _PROVIDER,
    "resource": {
        "aws_iam_role": {
            "good": _role(_pod_trust()),
            "extra_action": _role(_pod_trust(actions=("sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"))),
            "no_tag_session": _role(_pod_trust(actions=("sts:AssumeRole",))),
            "second_principal": _role(
                _pod_trust(principal={"Service": ["pods.eks.amazonaws.com", "ec2.amazonaws.com"]})
            ),
            "star_principal": _role(_pod_trust(principal={"AWS": "*"}, actions=("sts:AssumeRole", "sts:TagSession"))),
            "no_conditions": _role(_pod_trust(conditions={})),
            "wildcard_namespace": _role(
                _pod_trust(
                    conditions={
                        "StringLike": {
                            "aws:RequestTag/eks-cluster-name": "${aws_eks_cluster.cluster.name}",
                            "aws:RequestTag/kubernetes-namespace": "*",
                            "aws:RequestTag/kubernetes-service-account": "ebs-csi-controller-sa",
                        }
                    }
                )
            ),
        },
    },
}
POD_IDENTITY_BAD_ROLES = (
    "extra_action",
    "no_tag_session",
    "second_principal",
    "star_principal",
    "no_conditions",
    "wildcard_namespace",
)

#: Action "*" in a role's inline policy, a key policy with NotAction, and a data-source document.
ACTION_STAR_STACK: dict[str, Any] = {
    "provider": _PROVIDER,
    "data": {"aws_iam_policy_document": {"legacy": {"statement": [{"actions": ["s3:GetObject"], "resources": ["*"]}]}}},
    "resource": {
        "aws_iam_role": {
            "admin": {
                "name": "eks-platform-dev-admin",
                "assume_role_policy": policy_document(
                    statement("Ec2", ["sts:AssumeRole"], principals={"Service": "ec2.amazonaws.com"})
                ),
                "inline_policy": [
                    {
                        "name": "everything",
                        "policy": json.dumps(
                            {
                                "Version": "2012-10-17",
                                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
                            }
                        ),
                    }
                ],
            }
        },
        "aws_kms_key": {
            "key": {
                "policy": json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Effect": "Allow", "Principal": {"AWS": "*"}, "NotAction": "kms:Decrypt", "Resource": "*"}
                        ],
                    }
                )
            }
        },
        "aws_iam_policy": {
            "rendered_by_data_source": {
                "name": "eks-platform-dev-x",
                "policy": "${data.aws_iam_policy_document.legacy.json}",
            }
        },
    },
}

#: Documents parliament must reject: an unknown action (typo) and a condition operator that does not exist.
PARLIAMENT_STACK: dict[str, Any] = {
    "provider": _PROVIDER,
    "resource": {
        "aws_s3_bucket": {"logs": {"bucket": "eks-platform-dev-logs"}},
        "aws_iam_policy": {
            "typo": {
                "name": "eks-platform-dev-typo",
                "policy": policy_document(statement("Read", ["s3:GetObjekt"], ["${aws_s3_bucket.logs.arn}/*"])),
            },
            "bad_operator": {
                "name": "eks-platform-dev-operator",
                "policy": policy_document(
                    statement(
                        "Read",
                        ["s3:GetObject"],
                        ["${aws_s3_bucket.logs.arn}/*"],
                        conditions={"StringEqualz": {"aws:PrincipalTag/team": "platform"}},
                    )
                ),
            },
            "mismatch": {
                "name": "eks-platform-dev-mismatch",
                "policy": policy_document(statement("Pull", ["ecr:BatchGetImage"], ["${aws_s3_bucket.logs.arn}"])),
            },
        },
    },
}


def _namespace(name: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"metadata": {"name": name, "labels": labels}}


_RESTRICTED = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
}


def _deny_all(namespace: str, policy_types: list[str] | None = None) -> dict[str, Any]:
    return {
        "metadata": {"name": "default-deny", "namespace": namespace},
        "spec": {"pod_selector": {}, "policy_types": policy_types or ["Ingress", "Egress"]},
    }


#: ``api`` is fine (deny-all by reference), ``worker`` has no policy, ``admin`` only denies ingress,
#: ``billing`` lacks PSS labels, ``tools`` (not an application) lacks the audit/warn labels.
NAMESPACE_STACK: dict[str, Any] = {
    "provider": {"kubernetes": [{}]},
    "resource": {
        "kubernetes_namespace_v1": {
            "api": _namespace("api", _RESTRICTED),
            "worker": _namespace("worker", _RESTRICTED),
            "admin": _namespace("admin", _RESTRICTED),
            "billing": _namespace("billing", {}),
            "tools": _namespace("tools", {"pod-security.kubernetes.io/enforce": "baseline"}),
        },
        "kubernetes_network_policy_v1": {
            "api_deny": _deny_all("${kubernetes_namespace_v1.api.metadata[0].name}"),
            "admin_deny": _deny_all("admin", ["Ingress"]),
        },
    },
}
NAMESPACE_APPLICATIONS = frozenset({"api", "worker", "admin", "billing"})

#: Workloads are deployed, but the ``payments`` application's namespace is missing.
WORKLOAD_STACK: dict[str, Any] = {
    "resource": {
        **NAMESPACE_STACK["resource"],
        "kubernetes_deployment_v1": {"api": {"metadata": {"name": "api", "namespace": "api"}}},
    }
}


def _ingress(cidr: str, port: int) -> dict[str, Any]:
    return {"cidr_blocks": [cidr], "from_port": port, "to_port": port, "protocol": "tcp", "description": "test"}


#: The ALB's 443 from anywhere is fine; everything else opens a port to the internet.
SECURITY_GROUP_STACK: dict[str, Any] = {
    "provider": _PROVIDER,
    "resource": {
        "aws_security_group": {
            "alb": {"name": "eks-platform-dev-alb", "description": "ALB", "ingress": [_ingress("0.0.0.0/0", 443)]},
            "alb_ssh": {"name": "eks-platform-dev-alb", "description": "ALB", "ingress": [_ingress("0.0.0.0/0", 22)]},
            "nodes": {
                "name": "eks-platform-dev-nodes",
                "description": "nodes",
                "ingress": [_ingress("0.0.0.0/0", 443)],
            },
            "bastion": {"name": "eks-platform-dev-bastion", "description": "bastion"},
        },
        "aws_security_group_rule": {
            "ssh": {
                "type": "ingress",
                "security_group_id": "${aws_security_group.bastion.id}",
                "cidr_blocks": ["0.0.0.0/0"],
                "from_port": 22,
                "to_port": 22,
                "protocol": "tcp",
            },
            "alb_http": {
                "type": "ingress",
                "security_group_id": "${aws_security_group.alb.id}",
                "cidr_blocks": ["0.0.0.0/0"],
                "from_port": 80,
                "to_port": 80,
                "protocol": "tcp",
                "description": "HTTP to the ALB, redirected to HTTPS",
            },
        },
        "aws_vpc_security_group_ingress_rule": {
            "v6_all": {
                "security_group_id": "${aws_security_group.nodes.id}",
                "cidr_ipv6": "::/0",
                "ip_protocol": "-1",
                "description": "everything",
            },
            "alb_range": {
                "security_group_id": "${aws_security_group.alb.id}",
                "cidr_ipv4": "0.0.0.0/0",
                "from_port": 80,
                "to_port": 443,
                "ip_protocol": "tcp",
                "description": "a range",
            },
        },
    },
}
SECURITY_GROUP_VIOLATIONS = (
    "aws_security_group.alb_ssh.ingress[0]",
    "aws_security_group.nodes.ingress[0]",
    "aws_security_group_rule.ssh",
    "aws_vpc_security_group_ingress_rule.v6_all",
    "aws_vpc_security_group_ingress_rule.alb_range",
)

#: References to things that do not exist, a depends_on to nothing and a leaked cdktf token.
REFERENCE_STACK: dict[str, Any] = {
    "provider": _PROVIDER,
    "variable": {"cluster_version": {"type": "string"}},
    "data": {"aws_partition": {"partition": {}}},
    "resource": {
        "aws_s3_bucket": {"logs": {"bucket": "eks-platform-dev-logs"}},
        "aws_s3_bucket_policy": {
            "ok": {
                "bucket": "${aws_s3_bucket.logs.id}",
                "policy": "arn:${data.aws_partition.partition.partition}:${var.cluster_version}",
            },
            "typo": {"bucket": "${aws_s3_bucket.log.id}", "policy": "${data.aws_caller_identity.me.account_id}"},
            "function": {
                "bucket": "${element(aws_subnet.gone.*.id, 0)}",
                "policy": '${replace(local.missing, "a.b", "")}',
            },
            "token": {"bucket": "${TfToken[TOKEN.42]}", "policy": "x", "depends_on": ["aws_s3_bucket.nowhere"]},
        },
    },
}
REFERENCE_VIOLATIONS = (
    "aws_s3_bucket.log",
    "data.aws_caller_identity.me",
    "aws_subnet.gone",
    "local.missing",
    "TfToken",
    "aws_s3_bucket.nowhere",
)


def _named(name: str) -> dict[str, Any]:
    return {"name": name}


#: Names of two environments: dev and prod share a log group and an un-prefixed role.
NAMES_DEV: dict[str, Any] = {
    "resource": {
        "aws_cloudwatch_log_group": {"flow": _named("/eks-platform/vpc/flow-logs")},
        "aws_iam_role": {"nodes": _named("eks-platform-dev-nodes"), "ci": _named("ci-deployer")},
        "aws_kms_alias": {"logs": _named("alias/eks-platform-dev-logs")},
        "aws_ecr_repository": {"api": _named("eks-platform/dev/apps/api")},
        "aws_iam_role_policy": {"inline": _named("ecr-pull")},
        "kubernetes_namespace_v1": {"api": {"metadata": {"name": "api"}}},
    }
}
NAMES_PROD: dict[str, Any] = {
    "resource": {
        "aws_cloudwatch_log_group": {"flow": _named("/eks-platform/vpc/flow-logs")},
        "aws_iam_role": {"nodes": _named("eks-platform-prod-nodes"), "ci": _named("ci-deployer")},
        "aws_kms_alias": {"logs": _named("alias/eks-platform-prod-logs")},
        "aws_ecr_repository": {"api": _named("eks-platform/prod/apps/api")},
        "aws_iam_role_policy": {"inline": _named("ecr-pull")},
        "kubernetes_namespace_v1": {"api": {"metadata": {"name": "api"}}},
    }
}

#: Prod stateful resources without prevent_destroy, and KMS keys with short windows / no rotation.
STATEFUL_STACK: dict[str, Any] = {
    "resource": {
        "aws_kms_key": {
            "protected": {
                "deletion_window_in_days": 30,
                "enable_key_rotation": True,
                "lifecycle": {"prevent_destroy": True},
            },
            "short": {
                "deletion_window_in_days": 7,
                "enable_key_rotation": True,
                "lifecycle": {"prevent_destroy": True},
            },
            "fourteen": {
                "deletion_window_in_days": 14,
                "enable_key_rotation": False,
                "lifecycle": {"prevent_destroy": True},
            },
        },
        "aws_ecr_repository": {"api": {"name": "eks-platform/prod/api"}},
        "aws_s3_bucket": {"backups": {"bucket": "eks-platform-prod-backups", "lifecycle": {"prevent_destroy": False}}},
        "aws_db_instance": {"db": {"identifier": "eks-platform-prod-db"}},
    }
}

#: checkov must fail SSH open to the world (CKV_AWS_24) on this stack.
CHECKOV_BAD_STACK: dict[str, Any] = {
    "provider": _PROVIDER,
    "resource": {
        "aws_security_group": {
            "ssh_open": {
                "name": "eks-platform-dev-ssh",
                "description": "SSH from anywhere",
                "ingress": [_ingress("0.0.0.0/0", 22)],
            }
        }
    },
}

#: checkov refuses a stack with ``terraform.required_version`` (a parse error, not a pass).
CHECKOV_UNPARSABLE_STACK: dict[str, Any] = {"terraform": {"required_version": ">= 1.10"}, **CHECKOV_BAD_STACK}
