"""The identity tier: IRSA roles bound to one Kubernetes service account, and permission presets.

Import the constructs from :mod:`constructs_lib.identity.irsa` and the presets from
:mod:`constructs_lib.identity.presets`.
"""
