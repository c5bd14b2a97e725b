"""The network tier: the VPC and its subnet plan, NAT, endpoints, security groups and the bastion.

Configuration types (no cdktf import) live in :mod:`constructs_lib.network.config`,
:mod:`~constructs_lib.network.cidr` and :mod:`~constructs_lib.network.capacity`; the constructs in
:mod:`~constructs_lib.network.vpc` (``Network``), :mod:`~constructs_lib.network.endpoints`,
:mod:`~constructs_lib.network.security_groups` and :mod:`~constructs_lib.network.bastion`.
"""
