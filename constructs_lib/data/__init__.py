"""The data tier: the environment's PostgreSQL database and its applications' S3 buckets.

* :mod:`constructs_lib.data.config`: ``DatabaseSpec``, the supported PostgreSQL versions and the
  per-stage defaults (no provider import, so a spec is validated without starting jsii).
* :mod:`constructs_lib.data.postgres`: ``PostgresDatabase`` / ``PostgresDatabaseProps``.
* :mod:`constructs_lib.data.bucket`: ``ApplicationBucket`` (seed 002's per-application bucket).
* :mod:`constructs_lib.data.secure_bucket`: the hardening every bucket of the library shares
  (also used by ``platform.backup.BackupBucket``).

This package file imports nothing on purpose, like the other tiers': importing the config module
must not pull the provider bindings in with it.
"""
