"""The application tier: seed 002's workloads, one namespace each.

* :mod:`constructs_lib.apps.config`: ``ApplicationSpec`` and its parts (no provider import).
* :mod:`constructs_lib.apps.rules`: the application rules, how applications fit what an environment
  offers them (no provider import); the config and ``Applications`` both ask it.
* :mod:`constructs_lib.apps.application`: ``Application`` (one workload) and ``Applications`` (all
  workloads of an environment and the network policies between them).
* :mod:`constructs_lib.apps.stateful_config`: ``StatefulWorkloadSpec`` and its parts (no provider import).
* :mod:`constructs_lib.apps.stateful`: ``StatefulWorkload``, a data store (MongoDB, Kafka) as a
  StatefulSet with a volume per member.

This package file imports nothing on purpose (see :mod:`constructs_lib.platform`).
"""
