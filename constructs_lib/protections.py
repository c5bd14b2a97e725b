"""What differs by stage: :class:`~constructs_lib.stage.Stage` (the rules) and :class:`Protections`
(what resources do).

Two vocabularies, kept apart on purpose:

* :class:`Protections` says what a *resource* does when it is destroyed, replaced or changed:
  ``prevent_destroy``, deletion protection, emptying on destroy, volume retention, final snapshots,
  the KMS deletion window, when database changes land and whether paid extended support is kept.
  Every construct that shapes a resource this way takes ``protections: Protections | None``: None
  is the environment's (``EnvironmentStack``: ``config.resolved_protections``) and, in any other
  stack, a ConfigError (a construct wired by hand outside an environment must choose; never a silent
  default), and nothing else decides those attributes.
  ``Protections.for_stage(stage)`` gives the reviewed defaults; ``EnvironmentConfig.protections``
  overrides them per environment.
* :class:`~constructs_lib.stage.Stage` stays the input of the *policy* of an environment, the rules
  a configuration must pass and the defaults of the config fields that have their own knob. The
  config modules' ``validate`` and ``resolved_*`` methods take ``stage: Stage`` (required: no
  ``production`` flag with a default any more), and the constructs that apply such rules take
  ``stage`` in their props (None: the environment's, as for protections). These keep reading the
  stage (this is the one place that lists them):

  - prod refuses: ``0.0.0.0/0`` for the public API endpoint, log retention under 365 days (flow
    logs, control-plane logs, database logs), a missing control-plane log type, unpinned managed
    add-on versions, MUTABLE image tags, AES256 registry encryption (and a repository without the
    registry key), an ingress without a certificate, a burstable database class, fewer than 7 days of
    database backups, a Single-AZ database or one without deletion protection;
  - defaults by stage of fields that have their own knob: control-plane log types and retention,
    flow-log retention, add-on version pinning, cluster zonal shift, registry encryption, the
    database's sizing (``data.config.STAGE_DEFAULTS``), deployer and state requirements outside dev,
    and the DEV-only sandbox savings.

Prod may raise any protection but not lower the ones that guard data (:data:`GUARDED_IN_PROD`):
``EnvironmentConfig.validate`` refuses them with a ConfigError naming the field. ``apply_immediately``
and ``extended_support`` are operational and cost choices, so prod may change them. A finer knob
of a construct may not lower the environment's protection either: a StatefulSet's
``retain_claims_on_delete`` cannot be off under ``retain_volumes`` (a database's own
``deletion_protection`` can, outside prod).

Like every config module it loads no jsii at import (cdktf only inside :meth:`Protections.lifecycle`),
so configs are checked without Node.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from constructs_lib.stage import Stage
from constructs_lib.validation import require, require_range, require_shape

if TYPE_CHECKING:
    from cdktf import TerraformResourceLifecycle

__all__ = [
    "GUARDED_IN_PROD",
    "MAX_KEY_DELETION_WINDOW_DAYS",
    "MIN_KEY_DELETION_WINDOW_DAYS",
    "Protections",
    "Stage",
    "require_prod_protections",
    "require_protections",
    "require_stage_member",
]

#: The KMS deletion window AWS accepts, in days.
MIN_KEY_DELETION_WINDOW_DAYS = 7
MAX_KEY_DELETION_WINDOW_DAYS = 30


@dataclass(frozen=True, kw_only=True)
class Protections:
    """How an environment's resources behave on destroy, replacement and change (keyword-only).

    Every field is required: build it with :meth:`for_stage` and ``dataclasses.replace`` what differs.
    """

    #: Terraform ``lifecycle.prevent_destroy`` on every stateful resource: KMS keys, S3 buckets
    #: (application and backup), log groups (flow logs, control plane, database), the DB subnet group,
    #: ECR repositories, the RDS instance and its parameter group. A plan that would destroy one fails;
    #: removing one becomes a deliberate two-step change. Default: on in prod, off elsewhere (dev and
    #: staging are rebuilt from code). No cost.
    prevent_destroy: bool
    #: The service-side delete guard of the EKS cluster and the RDS instance (when
    #: ``DatabaseSpec.deletion_protection`` is unset): even a console or CLI delete fails until it is
    #: turned off. Default: on in prod, off elsewhere. No cost.
    deletion_protection: bool
    #: Empty on destroy: ``force_destroy`` of application buckets and ``force_delete`` of ECR
    #: repositories, so ``terraform destroy`` also deletes every object version and image. Default: on
    #: in dev and staging (test data; a versioned bucket could not otherwise be destroyed), off in prod.
    #: The velero backup bucket never empties on destroy, whatever this says. Risk: data loss when on.
    force_destroy: bool
    #: Keep volumes when their claims go: reclaim policy ``Retain`` on the gp3 StorageClass and
    #: StatefulSet claims kept when the StatefulSet is deleted (the default of
    #: ``retain_claims_on_delete``). Default: on in prod, off elsewhere. Cost: a released volume keeps
    #: billing until someone deletes it.
    retain_volumes: bool
    #: RDS: take a final snapshot (``<identifier>-final``) on delete and keep the automated backups for
    #: their retention. Default: on in prod, off elsewhere. Cost: the snapshot's storage until deleted.
    final_snapshot: bool
    #: Days a scheduled KMS key deletion waits (7-30); everything the key encrypted is lost when it
    #: ends. Default: 30 in prod (AWS's maximum, the longest chance to cancel), 14 elsewhere.
    key_deletion_window_days: int
    #: RDS ``apply_immediately``: a change lands at apply (a restart if it needs one) instead of in the
    #: weekly maintenance window. Default: off in prod, on elsewhere. Risk: an unplanned restart.
    apply_immediately: bool
    #: Keep paid extended support when a version's standard support ends, instead of a forced upgrade:
    #: the EKS cluster's ``support_type`` (when ``ClusterConfig.support_type`` is unset) and the RDS
    #: engine's lifecycle support. Default: on in prod, off elsewhere. Cost: extended-support
    #: charges per vCPU-hour (RDS) and per cluster-hour (EKS) once standard support ends.
    extended_support: bool

    @classmethod
    def for_stage(cls, stage: Stage) -> Protections:
        """The reviewed defaults of ``stage``: everything on (and a 30-day key window) in prod,
        off (14 days, empty on destroy, changes applied now) in dev and staging."""
        require(
            isinstance(stage, Stage),
            "stage",
            "must be one of dev, staging, prod",
            stage,
            "use Stage.DEV, Stage.STAGING or Stage.PROD",
        )
        prod = stage is Stage.PROD
        return cls(
            prevent_destroy=prod,
            deletion_protection=prod,
            force_destroy=not prod,
            retain_volumes=prod,
            final_snapshot=prod,
            key_deletion_window_days=MAX_KEY_DELETION_WINDOW_DAYS if prod else 14,
            apply_immediately=not prod,
            extended_support=prod,
        )

    def lifecycle(self) -> TerraformResourceLifecycle | None:
        """The ``lifecycle`` block of a stateful resource: ``prevent_destroy`` when it is on, else none.

        cdktf is imported here, not at the top, so that configs load without jsii.
        """
        from cdktf import TerraformResourceLifecycle

        return TerraformResourceLifecycle(prevent_destroy=True) if self.prevent_destroy else None

    def validate(self, path: str) -> None:
        """Each field has its type and range; raises ConfigError."""
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            if spec.name == "key_deletion_window_days":
                require_range(
                    f"{path}.{spec.name}",
                    value,
                    MIN_KEY_DELETION_WINDOW_DAYS,
                    MAX_KEY_DELETION_WINDOW_DAYS,
                    fix=f"use {MIN_KEY_DELETION_WINDOW_DAYS} to {MAX_KEY_DELETION_WINDOW_DAYS} days (AWS's range)",
                )
            else:
                require(
                    isinstance(value, bool), f"{path}.{spec.name}", "must be true or false", value, "use True or False"
                )


#: The protections prod may not lower below its defaults: each one stands between a mistaken
#: destroy and lost data.
GUARDED_IN_PROD: tuple[str, ...] = (
    "prevent_destroy",
    "deletion_protection",
    "force_destroy",
    "retain_volumes",
    "final_snapshot",
    "key_deletion_window_days",
)


def require_protections(path: str, value: object) -> Protections:
    """``value`` is a complete :class:`Protections` (each field typed and in range): what a construct
    checks first, so a hand-wired construct given something else fails with a ConfigError."""
    require_shape(path, value, Protections)
    assert isinstance(value, Protections)
    value.validate(path)
    return value


def require_stage_member(path: str, value: object) -> Stage:
    """``value`` is a :class:`Stage` member (not its string value)."""
    require(
        isinstance(value, Stage),
        path,
        "must be one of Stage.DEV, Stage.STAGING, Stage.PROD",
        value,
        "pass the environment's stage, e.g. config.stage",
    )
    assert isinstance(value, Stage)
    return value


def require_prod_protections(path: str, protections: Protections) -> None:
    """``protections`` keeps every :data:`GUARDED_IN_PROD` field at least as safe as prod's default."""
    defaults = Protections.for_stage(Stage.PROD)
    for name in GUARDED_IN_PROD:
        value, default = getattr(protections, name), getattr(defaults, name)
        # force_destroy is the one whose safe value is False.
        lowered = value != default if isinstance(default, bool) else value < default
        require(
            not lowered,
            f"{path}.{name}",
            f"must not be lowered in prod (prod's default is {default!r}): it guards data against a mistaken destroy",
            value,
            f"remove `{name}` from the override (or set it to {default!r}); to retire a prod resource, lift "
            "its protection in a reviewed change of its own",
        )
