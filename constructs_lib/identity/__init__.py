"""The identity tier: IAM roles bound to Kubernetes service accounts, and permission presets.

Import the constructs from :mod:`constructs_lib.identity.pod_identity` (EKS Pod Identity, the
default for new roles: ``PodIdentityRole``) and :mod:`constructs_lib.identity.irsa` (IRSA,
``IrsaRole``, still available per role), and the presets from :mod:`constructs_lib.identity.presets`.
"""
