"""A tiny hand-written ``cdk.tf.json``: one AZ, one NAT gateway, one interface endpoint, two node
groups (one Spot), one application behind an ALB, one database and one bucket — small enough to
check the cost arithmetic by hand."""

from __future__ import annotations

from typing import Any


def _meta(path: str) -> dict[str, Any]:
    return {"metadata": {"path": f"tiny/{path}", "uniqueId": path.replace("/", "_")}}


def tiny_stack(
    *,
    region: str = "us-east-1",
    support_type: str = "STANDARD",
    instance_type: str = "m5.large",
    db_class: str = "db.t4g.small",
) -> dict[str, Any]:
    return {
        "provider": {"aws": [{"region": region}]},
        "resource": {
            "aws_vpc": {"vpc": {"//": _meta("network/vpc"), "cidr_block": "10.0.0.0/16"}},
            "aws_subnet": {
                "pub": {
                    "//": _meta("network/public-a"),
                    "availability_zone": "zz-1a",
                    "cidr_block": "10.0.192.0/24",
                    "tags": {"tier": "public"},
                },
                "priv": {
                    "//": _meta("network/private-a"),
                    "availability_zone": "zz-1a",
                    "cidr_block": "10.0.0.0/19",
                    "tags": {"tier": "private"},
                },
                "db": {
                    "//": _meta("network/database-a"),
                    "availability_zone": "zz-1a",
                    "cidr_block": "10.0.224.0/24",
                    "tags": {"tier": "database"},
                },
            },
            "aws_eip": {"eip": {"//": _meta("network/nat-eip")}},
            "aws_nat_gateway": {"nat": {"//": _meta("network/nat"), "subnet_id": "${aws_subnet.pub.id}"}},
            "aws_vpc_endpoint": {
                "sts": {
                    "//": _meta("network/endpoints/sts"),
                    "service_name": f"com.amazonaws.{region}.sts",
                    "vpc_endpoint_type": "Interface",
                    "subnet_ids": ["${aws_subnet.priv.id}"],
                },
                "s3": {
                    "//": _meta("network/endpoints/s3"),
                    "service_name": f"com.amazonaws.{region}.s3",
                    "vpc_endpoint_type": "Gateway",
                },
            },
            "aws_eks_cluster": {
                "cluster": {
                    "//": _meta("cluster/cluster"),
                    "name": "tiny",
                    "version": "1.35",
                    "upgrade_policy": {"support_type": support_type},
                    "vpc_config": {"endpoint_public_access": False},
                    "enabled_cluster_log_types": ["api"],
                }
            },
            "aws_launch_template": {
                "lt": {
                    "//": _meta("cluster/node-group-web/launch-template"),
                    "block_device_mappings": [{"ebs": {"volume_size": 20}}],
                },
            },
            "aws_eks_node_group": {
                "web": {
                    "//": _meta("cluster/node-group-web/node-group"),
                    "cluster_name": "tiny",
                    "node_group_name": "tiny-web",
                    "instance_types": [instance_type],
                    "capacity_type": "ON_DEMAND",
                    "scaling_config": {"min_size": 1, "desired_size": 1, "max_size": 3},
                    "launch_template": {"id": "${aws_launch_template.lt.id}"},
                },
                "batch": {
                    "//": _meta("cluster/node-group-batch/node-group"),
                    "cluster_name": "tiny",
                    "node_group_name": "tiny-batch",
                    "instance_types": ["m5.large"],
                    "capacity_type": "SPOT",
                    "scaling_config": {"min_size": 0, "desired_size": 0, "max_size": 2},
                    "disk_size": 20,
                },
            },
            "helm_release": {
                "metrics": {
                    "//": _meta("addons/metrics-server/release"),
                    "name": "metrics-server",
                    "namespace": "metrics-server",
                    "version": "3.14.0",
                },
            },
            "kubernetes_deployment_v1": {
                "shop": {
                    "//": _meta("applications/shop/deployment"),
                    "metadata": {"name": "shop", "namespace": "shop"},
                },
            },
            "kubernetes_ingress_v1": {
                "shop": {
                    "//": _meta("applications/shop/ingress"),
                    "metadata": {"namespace": "shop", "annotations": {"alb.ingress.kubernetes.io/group.name": "tiny"}},
                    "spec": {"rule": [{"host": "shop.example.org"}]},
                },
            },
            "aws_db_instance": {
                "orders": {
                    "//": _meta("data/orders"),
                    "identifier": "tiny-orders",
                    "engine": "postgres",
                    "instance_class": db_class,
                    "multi_az": True,
                    "allocated_storage": 20,
                    "deletion_protection": True,
                },
            },
            "aws_s3_bucket": {"assets": {"//": _meta("data/assets"), "bucket": "tiny-assets"}},
            "aws_cloudwatch_log_group": {
                "logs": {"//": _meta("cluster/logs"), "name": "/tiny", "retention_in_days": 30}
            },
            "aws_kms_key": {"key": {"//": _meta("cluster/key")}},
            "aws_iam_role": {"role": {"//": _meta("irsa-shop/role")}},
        },
    }
