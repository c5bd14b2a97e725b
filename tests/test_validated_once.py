"""Validate once: the parts of a valid EnvironmentConfig are known valid, so the constructs built from it
(Network, EksCluster, EcrRegistry, PlatformAddons, PostgresDatabase, Applications) do not check them
again; a construct given a part no config checked still checks it in full."""

from __future__ import annotations

import collections
import dataclasses
from collections.abc import Callable
from typing import Any

import cdktf
import pytest

from constructs_lib.apps.config import ApplicationSpec
from constructs_lib.cluster.config import ClusterConfig, NodeGroupSpec
from constructs_lib.config import EnvironmentConfig
from constructs_lib.data.config import DatabaseSpec
from constructs_lib.errors import ConfigError
from constructs_lib.network.config import NetworkConfig
from constructs_lib.platform.config import AddonsConfig
from constructs_lib.platform_stack import PlatformStack
from constructs_lib.registry.config import RegistryConfig, RepositorySpec
from constructs_lib.stage import Stage
from constructs_lib.validation import validated_once
from tests.fixtures import PROD

#: The parts of an environment whose ``validate`` a construct also calls.
PARTS: tuple[type, ...] = (
    NetworkConfig,
    ClusterConfig,
    NodeGroupSpec,
    RepositorySpec,
    RegistryConfig,
    AddonsConfig,
    DatabaseSpec,
    ApplicationSpec,
)


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> collections.Counter[str]:
    """How often each part's rules run (its ``validate`` body), behind the library's own memo."""
    counter: collections.Counter[str] = collections.Counter()
    for part in PARTS:
        body: Callable[..., None] = part.validate.__wrapped__  # type: ignore[attr-defined]

        def counted(self: Any, path: str, /, *args: Any, _body: Callable[..., None] = body, **kwargs: Any) -> None:
            counter[type(self).__name__] += 1
            _body(self, path, *args, **kwargs)

        monkeypatch.setattr(part, "validate", validated_once(counted))
    return counter


def _fresh(config: EnvironmentConfig) -> EnvironmentConfig:
    """A copy of ``config`` whose parts are new objects, so nothing is remembered about them yet."""
    return dataclasses.replace(
        config,
        network=dataclasses.replace(config.network),
        cluster=dataclasses.replace(config.cluster),
        node_groups=tuple(dataclasses.replace(g) for g in config.node_groups),
        repositories=tuple(dataclasses.replace(r) for r in config.repositories),
        registry=dataclasses.replace(config.registry),
        addons=dataclasses.replace(config.addons),
        database=dataclasses.replace(config.database) if config.database is not None else None,
        applications=tuple(dataclasses.replace(a) for a in config.applications),
    )


@pytest.mark.parametrize("part", PARTS, ids=lambda part: part.__name__)
def test_each_part_remembers_a_pass(part: type) -> None:
    assert part.validate.__wrapped__ is not part.validate  # type: ignore[attr-defined]


def test_a_stack_built_from_a_config_checks_each_part_once(runs: collections.Counter[str]) -> None:
    config = _fresh(PROD)
    config.validate()
    after_config = dict(runs)
    PlatformStack(cdktf.Testing.app(), config)
    assert (
        dict(runs)
        == after_config
        == {
            "NetworkConfig": 1,
            "ClusterConfig": 1,
            "NodeGroupSpec": len(config.node_groups),
            "RepositorySpec": len(config.repositories),
            "RegistryConfig": 1,
            "AddonsConfig": 1,
            "DatabaseSpec": 1,
            "ApplicationSpec": len(config.applications),
        }
    )


def test_parts_no_config_checked_are_checked_by_their_construct(runs: collections.Counter[str]) -> None:
    from constructs_lib.apps.application import Applications, ApplicationsProps

    api, worker = (ApplicationSpec(name=name, repository=f"apps/{name}", image_tag="v1.0.0") for name in ("api", "worker"))
    props = ApplicationsProps(
        applications=(api, worker),
        repository_urls={"apps/api": "registry/apps/api", "apps/worker": "registry/apps/worker"},
        name_prefix="eks-platform-dev",
        stage=Stage.DEV,
    )
    Applications(cdktf.TerraformStack(cdktf.Testing.app(), "alone"), "applications", props=props)
    # Checked once each, by Applications; each Application then finds its spec checked.
    assert runs["ApplicationSpec"] == 2
    with pytest.raises(ConfigError, match=r"^`props\.applications\[0\]\.image_tag`"):
        dataclasses.replace(props, applications=(dataclasses.replace(api, image_tag="latest"),)).validate("props")


def test_a_pass_is_remembered_per_arguments(runs: collections.Counter[str]) -> None:
    network = dataclasses.replace(PROD.network)
    network.validate("a", region="us-east-1", stage=Stage.PROD)
    network.validate("b", region="us-east-1", stage=Stage.PROD)
    network.validate("c", region="us-east-1", stage=Stage.DEV)
    assert runs["NetworkConfig"] == 2


def test_a_failure_is_not_remembered(runs: collections.Counter[str]) -> None:
    network = dataclasses.replace(PROD.network, availability_zones=("us-east-1a",))
    for _ in range(2):
        with pytest.raises(ConfigError):
            network.validate("n", region="us-east-1", stage=Stage.PROD)
    assert runs["NetworkConfig"] == 2


def test_unhashable_arguments_are_checked_and_not_remembered() -> None:
    bodies: list[object] = []

    @dataclasses.dataclass(frozen=True)
    class Part:
        @validated_once
        def validate(self, path: str, *, zones: object) -> None:
            bodies.append(zones)

    part = Part()
    for _ in range(2):
        part.validate("p", zones=["us-east-1a"])
        part.validate("p", zones=("us-east-1a",))
    assert bodies == [["us-east-1a"], ("us-east-1a",), ["us-east-1a"]]
