"""The EKS tier: cluster, node-group matrix, managed add-ons, access entries and the IRSA OIDC provider.

* :mod:`constructs_lib.cluster.config`: ``ClusterConfig``, ``NodeGroupSpec`` and their enums (no
  provider import, so configuration is validated without starting jsii).
* :mod:`constructs_lib.cluster.eks_cluster`: ``EksCluster`` / ``EksClusterProps``.
* :mod:`constructs_lib.cluster.node_group`: ``ManagedNodeGroup`` / ``ManagedNodeGroupProps``.

This package file imports nothing on purpose: ``constructs_lib.config`` imports the config module,
and must not pull the provider bindings in with it.
"""
