"""The application rules: how an environment's applications fit what the environment offers them.

One home for the rules that ``EnvironmentConfig.validate`` (paths ``<env>.applications[i]...``) and
``ApplicationsProps.validate`` (paths ``props.applications[i]...``) both apply: names unique and not
a system or add-on namespace, peers, repositories, the secrets' key prefix, the database, the node
group, the ingress's add-on, port and certificate, and the names derived from the application (its
bucket and IAM role). Each application's own rules (``ApplicationSpec.validate``) are its caller's:
the config checks every spec first, the ``Application`` construct checks its own.

No provider import: the config model uses this module.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.apps.stateful_config import StatefulWorkloadSpec
from constructs_lib.cluster.config import NodeGroupSpec, NodeRole
from constructs_lib.data.config import require_application_bucket_name
from constructs_lib.errors import ConfigError
from constructs_lib.platform.config import require_application_namespaces
from constructs_lib.stage import Stage
from constructs_lib.validation import parse_acm_certificate_arn, require, require_unique

__all__ = [
    "MAX_ROLE_NAME_LENGTH",
    "ApplicationOffer",
    "require_applications_fit",
    "require_certificate",
    "require_stateful_workloads_fit",
    "stateful_workload_backed_up",
]

#: IAM role names are at most 64 characters.
MAX_ROLE_NAME_LENGTH = 64


@dataclass(frozen=True, kw_only=True)
class ApplicationOffer:
    """What an environment offers its applications. A field left ``None`` is not known to the caller
    (a construct used alone does not know the network's target ports, for one), and its rule is skipped."""

    #: ``<project>-<env>``: secrets' remote keys start with it; bucket and role names with it.
    name_prefix: str
    #: Names of the repositories an application may name (``ApplicationSpec.repository``).
    repositories: Collection[str]
    #: The node groups an application may name (``ApplicationSpec.node_group``).
    node_groups: Sequence[NodeGroupSpec]
    #: Whether the external-secrets add-on (and its secret store) is there to sync secrets.
    external_secrets: bool
    #: Names of the environment's databases (it has at most one); ``None``: not checked.
    databases: Collection[str] | None = None
    #: Whether the AWS Load Balancer Controller provisions the ingresses' ALB; ``None``: not checked.
    load_balancer_controller: bool | None = None
    #: The ports the ALB may reach on the nodes (``NetworkConfig.node_target_ports``); ``None``: not checked.
    node_target_ports: tuple[int, int] | None = None
    #: The region an ingress certificate must be in (and, when given, the account); ``None``: not checked.
    region: str | None = None
    account_id: str | None = None


def require_applications_fit(
    path: str, applications: Sequence[ApplicationSpec], *, stage: Stage, offer: ApplicationOffer
) -> None:
    """Check each of ``applications`` on its own (:meth:`ApplicationSpec.validate`), then against
    ``offer`` and each other; raises the first ConfigError. ``path`` is the applications' parent
    (``dev``, ``props``).

    Linear in the number of applications: the sets are built once, and a fix message that lists
    names is only built when its rule fails.
    """
    for index, application in enumerate(applications):
        application.validate(f"{path}.applications[{index}]", stage=stage)
    repositories = set(offer.repositories)
    names = [a.name for a in applications]
    known = set(names)
    groups = {group.name: group for group in offer.node_groups}
    for index, application in enumerate(applications):
        at = f"{path}.applications[{index}]"
        _require_repository(at, application.repository, repositories)
        for peer_index, peer in enumerate(application.allowed_peers):
            if peer not in known:
                raise ConfigError(
                    f"{at}.allowed_peers[{peer_index}]",
                    "must name another application of this environment",
                    peer,
                    f"use one of {sorted(known - {application.name})}",
                )
        for secret_index, secret in enumerate(application.secrets):
            require(
                secret.remote_key.startswith(f"{offer.name_prefix}/"),
                f"{at}.secrets[{secret_index}].remote_key",
                f"must start with the environment prefix '{offer.name_prefix}/' (external-secrets reads nothing else)",
                secret.remote_key,
                f"store the secret as '{offer.name_prefix}/{application.name}/...'",
            )
        require(
            not application.secrets or offer.external_secrets,
            f"{at}.secrets",
            "need the external_secrets add-on, which syncs them from Secrets Manager",
            [s.name for s in application.secrets],
            "set addons.external_secrets=True or remove the secrets",
        )
        require(
            application.ingress is None or offer.load_balancer_controller is not False,
            f"{at}.ingress",
            "needs the aws_load_balancer_controller add-on, which provisions the ALB",
            application.ingress.host if application.ingress else None,
            "set addons.aws_load_balancer_controller=True or remove the ingress",
        )
        if application.node_group is not None:
            group = groups.get(application.node_group)
            require(
                group is not None and group.role is not NodeRole.SYSTEM and bool(group.labels),
                f"{at}.node_group",
                "must name a labelled, non-SYSTEM node group of this environment (its labels select it)",
                application.node_group,
                f"use one of {sorted(n for n, g in groups.items() if g.role is not NodeRole.SYSTEM and g.labels)}",
            )
        if offer.node_target_ports is not None:
            low, high = offer.node_target_ports
            require(
                application.ingress is None or low <= application.port <= high,
                f"{at}.port",
                f"must lie in network.node_target_ports ({low}-{high}): the ALB reaches the pods on it",
                application.port,
                "widen network.node_target_ports or move the application's port into the range",
            )
        if application.ingress is not None and application.ingress.certificate_arn is not None and offer.region:
            require_certificate(
                f"{at}.ingress.certificate_arn",
                application.ingress.certificate_arn,
                region=offer.region,
                account_id=offer.account_id,
            )
        _require_data_access(at, application, offer)
        role = f"{offer.name_prefix}-app-{application.name}"
        require(
            not application.needs_aws or len(role) <= MAX_ROLE_NAME_LENGTH,
            f"{at}.name",
            f"makes the IAM role name '{role}' longer than {MAX_ROLE_NAME_LENGTH} characters",
            application.name,
            "shorten the application or project name",
        )
    require_unique(f"{path}.applications", names, "application name")
    require_application_namespaces(f"{path}.applications", names)


def stateful_workload_backed_up(name: str, *, velero: bool, included_namespaces: Collection[str]) -> bool:
    """Whether velero's daily Schedule covers the workload ``name``: velero is on and its namespaces are
    all (``included_namespaces`` empty) or list ``name``."""
    return velero and (not included_namespaces or name in included_namespaces)


def require_stateful_workloads_fit(
    path: str,
    workloads: Sequence[StatefulWorkloadSpec],
    *,
    applications: Sequence[ApplicationSpec],
    repositories: Collection[str],
    velero: bool,
    included_namespaces: Collection[str],
) -> None:
    """Check each of ``workloads`` (``EnvironmentConfig.stateful_workloads``) on its own, then against
    the environment: its image in one of the ``repositories``, its name (a namespace) unique, no
    application's and no system or add-on namespace, its ``allowed_peers`` the environment's
    ``applications`` (they get egress to its client port), and its ``backup_hooks`` only where velero
    backs it up. ``path`` is the workloads' parent (``dev``)."""
    application_names = {a.name for a in applications}
    for index, workload in enumerate(workloads):
        at = f"{path}.stateful_workloads[{index}]"
        workload.validate(at)
        _require_repository(at, workload.repository, repositories)
        require(
            workload.name not in application_names,
            f"{at}.name",
            "must not be an application's name (each application and each stateful workload is a namespace)",
            workload.name,
            "rename the workload",
        )
        for peer_index, peer in enumerate(workload.allowed_peers):
            if peer not in application_names:
                raise ConfigError(
                    f"{at}.allowed_peers[{peer_index}]",
                    "must name an application of this environment (it gets egress to the workload's client port)",
                    peer,
                    f"use one of {sorted(application_names)}",
                )
        require(
            workload.backup_hooks is None
            or stateful_workload_backed_up(workload.name, velero=velero, included_namespaces=included_namespaces),
            f"{at}.backup_hooks",
            "only apply when velero backs the workload up (addons.velero on, and addons.backup.included_namespaces "
            "empty or listing it)",
            workload.backup_hooks,
            f"turn addons.velero on and include '{workload.name}', or drop the hooks",
        )
    names = [w.name for w in workloads]
    require_unique(f"{path}.stateful_workloads", names, "stateful workload name")
    require_application_namespaces(f"{path}.stateful_workloads", names, kind="stateful workload")


def _require_repository(at: str, repository: str, repositories: Collection[str]) -> None:
    """A workload's image is in one of the environment's ``repositories`` (the fix, which lists them,
    is only built when the rule fails)."""
    if repository not in repositories:
        raise ConfigError(
            f"{at}.repository",
            "must name one of the environment's repositories",
            repository,
            f"use one of {sorted(repositories)} or add the repository",
        )


def _require_data_access(at: str, application: ApplicationSpec, offer: ApplicationOffer) -> None:
    """An application's ``database`` names the environment's database; its bucket name fits S3."""
    if application.database is not None:
        if offer.databases is not None:
            database = next(iter(offer.databases), None)
            require(
                application.database in offer.databases,
                f"{at}.database",
                "must name the environment's database"
                + (f" '{database}'" if database is not None else ", and this environment has none"),
                application.database,
                f"use '{database}'" if database is not None else "add database=DatabaseSpec(...) or remove it",
            )
        require(
            offer.external_secrets,
            f"{at}.database",
            "needs the external_secrets add-on, which syncs the database credentials from Secrets Manager",
            application.database,
            "set addons.external_secrets=True or remove the database",
        )
    if application.bucket:
        require_application_bucket_name(f"{at}.bucket", name_prefix=offer.name_prefix, app_name=application.name)


def require_certificate(path: str, arn: str, *, region: str, account_id: str | None) -> None:
    """An ALB listener takes only an ACM certificate of its own region (and, with ``account_id``, account)."""
    certificate = parse_acm_certificate_arn(path, arn)
    require(
        certificate.partition == "aws",
        path,
        "must be an ACM certificate of the commercial partition (arn:aws:...), like the environment's region",
        arn,
        f"use a certificate ARN of the form 'arn:aws:acm:{region}:<account>:certificate/<uuid>'",
    )
    require(
        certificate.region == region,
        path,
        f"must be an ACM certificate in the environment's region {region} (an ALB takes only "
        f"certificates of its own region; this one is in {certificate.region})",
        arn,
        f"request or import the certificate in {region} and use that ARN",
    )
    require(
        account_id is None or certificate.account == account_id,
        path,
        f"must be an ACM certificate of the environment's account {account_id} (this one belongs "
        f"to {certificate.account})",
        arn,
        f"use a certificate of account {account_id}",
    )
