"""velero: daily cluster backups (objects and EBS snapshots) to the environment's backup bucket."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from constructs_lib.identity import presets
from constructs_lib.identity.irsa import Permissions
from constructs_lib.platform.addon import (
    Addon,
    AddonContext,
    ChartFacts,
    CustomResources,
    PermissionsContext,
    PodSecurityLevel,
)
from constructs_lib.platform.config import ADDON_NAMESPACES
from constructs_lib.platform.helm import ChartSource
from constructs_lib.validation import require

__all__ = ["VELERO_AWS_PLUGIN_IMAGE", "VeleroAddon"]

#: velero's AWS object-store/snapshot plugin: the 1.14 line is the one for velero 1.18 (the plugin's
#: compatibility table, release-1.14 branch, read 2026-12-02); the velero chart ships no plugin itself.
VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.14.0"


class VeleroAddon(Addon):
    name = "velero"
    release_name = "velero"
    # 12.1.0 (velero 1.18.1), verified 2026-12-02 (tag velero-12.1.0, 2026-06-25; 12.2.0 not found).
    source = ChartSource("velero", "https://vmware-tanzu.github.io/helm-charts", "12.1.0")
    namespace = ADDON_NAMESPACES["velero"]
    service_account = "velero-server"
    pod_security = PodSecurityLevel.BASELINE
    role_name = "velero"
    facts = ChartFacts(
        version="12.1.0",
        repository="vmware-tanzu/helm-charts",
        ref="velero-12.1.0",
        chart_path="charts/velero",
        value_paths=frozenset(
            {
                "initContainers",
                "configuration.backupStorageLocation",
                "configuration.volumeSnapshotLocation",
                "credentials.useSecret",
                "serviceAccount.server.create",
                "serviceAccount.server.name",
                "serviceAccount.server.annotations",
                "deployNodeAgent",
            }
        ),
        notes=(
            "12.2.0 (the earlier pin) is not tagged; 12.1.0 (2026-06-25, velero 1.18.1) is the newest.",
            "velero-plugin-for-aws 1.14.x is the line for velero 1.18.x (the plugin's compatibility table on "
            "its release-1.14 branch); the chart ships no plugin by default.",
        ),
    )

    def permissions(self, context: PermissionsContext) -> Permissions:
        require(
            context.backup_bucket_arn is not None,
            "permissions.backup_bucket_arn",
            "is required when velero is on (its role may write only to the backup bucket)",
            context.backup_bucket_arn,
            "create a BackupBucket and pass its bucket_arn",
        )
        return presets.velero(
            context.aws, bucket_arn=str(context.backup_bucket_arn), kms_key_arns=context.backup_kms_key_arns
        )

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        return {
            "initContainers": [
                {
                    "name": "velero-plugin-for-aws",
                    "image": VELERO_AWS_PLUGIN_IMAGE,
                    "volumeMounts": [{"mountPath": "/target", "name": "plugins"}],
                }
            ],
            "configuration": {
                "backupStorageLocation": [
                    {
                        "name": "default",
                        "provider": "aws",
                        "bucket": context.backup_bucket_name,
                        "config": {"region": context.region},
                    }
                ],
                "volumeSnapshotLocation": [
                    {"name": "default", "provider": "aws", "config": {"region": context.region}}
                ],
            },
            # The role (Pod Identity or IRSA) through the AWS SDK's default chain, no static credentials secret.
            "credentials": {"useSecret": False},
            "serviceAccount": {"server": self.service_account_values(context)},
            "deployNodeAgent": False,
        }

    def custom_resources(self, context: AddonContext) -> Sequence[CustomResources]:
        options = context.options.backup
        schedule = {
            "apiVersion": "velero.io/v1",
            "kind": "Schedule",
            "metadata": {"name": "daily", "namespace": self.namespace},
            "spec": {
                "schedule": options.schedule,
                "template": {
                    "ttl": f"{options.retention_days * 24}h0m0s",
                    "includedNamespaces": list(options.included_namespaces) or ["*"],
                    "snapshotVolumes": True,
                    "storageLocation": "default",
                    "volumeSnapshotLocations": ["default"],
                },
            },
        }
        return (CustomResources("backup-schedule", (schedule,)),)
