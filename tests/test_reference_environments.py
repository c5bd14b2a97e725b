"""The reference app's environments (``stacks/environments.py``): valid, and the seeds' choices they make.

A reference-app test (listed in ``tests/quality/test_no_reference_app.py``): the library's own tests use
``tests/fixtures.py``.
"""

from __future__ import annotations

import pytest

from constructs_lib.config import EnvironmentConfig, Stage
from stacks.environments import ENVIRONMENTS, PROD


@pytest.mark.parametrize("environment", ENVIRONMENTS, ids=lambda e: e.name)
def test_reference_environments_are_valid(environment: EnvironmentConfig) -> None:
    environment.validate()


def test_reference_environments_have_distinct_vpc_cidrs() -> None:
    cidrs = [e.network.vpc_cidr for e in ENVIRONMENTS]
    assert len(set(cidrs)) == 3


def test_reference_stages() -> None:
    assert [e.stage for e in ENVIRONMENTS] == [Stage.DEV, Stage.STAGING, Stage.PROD]


def test_prod_uses_seed_004_matrix() -> None:
    rows = [(g.name, g.instance_types[0], g.min_size, g.max_size) for g in PROD.node_groups]
    assert rows == [
        ("system", "m5.large", 2, 4),
        ("application", "m5.xlarge", 5, 50),
        ("compute-intensive", "c5.2xlarge", 2, 20),
        ("memory-intensive", "r5.xlarge", 2, 10),
    ]


def test_application_progression_follows_seed_002() -> None:
    assert [[a.name for a in e.applications] for e in ENVIRONMENTS] == [
        ["api", "worker"],
        ["api", "admin", "worker"],
        ["api", "admin", "worker", "monitoring"],
    ]


def test_reference_environments_scale_with_cluster_autoscaler() -> None:
    assert [(e.addons.karpenter, e.addons.cluster_autoscaler) for e in ENVIRONMENTS] == [(False, True)] * 3
