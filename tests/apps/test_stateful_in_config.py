"""``EnvironmentConfig.stateful_workloads``: data stores declared with the environment, built by
``PlatformStack`` beside the applications, reached by the applications they name as peers."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from pathlib import Path
from typing import Any

import cdktf
import pytest

from constructs_lib.apps.config import VolumeSpec
from constructs_lib.apps.stateful import EXCLUDE_FROM_BACKUP_LABEL
from constructs_lib.apps.stateful_config import BackupHooks, DisruptionPolicy, StatefulWorkloadSpec
from constructs_lib.config import EnvironmentConfig, from_dict
from constructs_lib.errors import ConfigError
from constructs_lib.platform.config import BackupConfig
from constructs_lib.platform_stack import PlatformStack
from constructs_lib.registry.config import RepositorySpec
from tests.fixtures import DEV, KV_STORE, PROD, STAGING
from tests.helpers import Synth, resources

#: A key-value store the worker (and only the worker) talks to.
KV = KV_STORE


def _with(config: EnvironmentConfig, *workloads: StatefulWorkloadSpec, **changes: Any) -> EnvironmentConfig:
    return dataclasses.replace(
        config,
        repositories=(*config.repositories, RepositorySpec(name="data/kv")),
        stateful_workloads=workloads,
        **changes,
    )


_SYNTHS: dict[int, tuple[EnvironmentConfig, Synth]] = {}


def _synth(config: EnvironmentConfig) -> Synth:
    """The config's stack, synthesized once per config object (the module's configs are constants)."""
    if id(config) not in _SYNTHS:
        _SYNTHS[id(config)] = (config, dict(json.loads(cdktf.Testing.synth(PlatformStack(cdktf.Testing.app(), config)))))
    return _SYNTHS[id(config)][1]


DEV_KV = _with(DEV, KV)
PROD_KV = _with(PROD, KV)


def _body(doc: Synth, kind: str, fragment: str) -> dict[str, Any]:
    (body,) = [b for address, b in resources(doc, kind).items() if fragment in address]
    return dict(body)


def _egress(doc: Synth, application: str) -> list[Any]:
    """Every egress rule of the application's namespace policies."""
    policies = resources(doc, "kubernetes_network_policy_v1")
    prefix = f"applications_{application}_namespace_"
    return [rule for address, body in policies.items() if address.startswith(prefix) for rule in body["spec"].get("egress", [])]


# --- built by PlatformStack ------------------------------------------------------------------------


def test_the_workload_is_built_under_its_own_scope() -> None:
    doc = _synth(DEV_KV)
    statefulset = _body(doc, "kubernetes_stateful_set_v1", "stateful_workloads_kv_")
    assert statefulset["metadata"]["namespace"] == "kv"
    image = statefulset["spec"]["template"]["spec"]["container"][0]["image"]
    assert image == "${aws_ecr_repository.registry_data--kv_repository_5B710F67.repository_url}:7.2.4"
    assert doc["output"]["stateful_workload_namespaces"]["value"] == ["kv"]


def test_without_workloads_nothing_is_added() -> None:
    doc = _synth(DEV)
    assert "kubernetes_stateful_set_v1" not in doc["resource"]
    assert "stateful_workload_namespaces" not in doc["output"]


def test_a_peer_gets_egress_to_the_client_port_and_no_one_else_does() -> None:
    doc = _synth(DEV_KV)
    kv = {"namespace_selector": {"match_labels": {"kubernetes.io/metadata.name": "kv"}}}
    assert {"ports": [{"port": "6379", "protocol": "TCP"}], "to": [kv]} in _egress(doc, "worker")
    assert "6379" not in json.dumps(_egress(doc, "api"))
    # Without the workload the worker's egress has no such rule.
    assert "6379" not in json.dumps(_egress(_synth(DEV), "worker"))


def test_the_workload_admits_its_peers_on_the_client_port() -> None:
    doc = _synth(DEV_KV)
    policies = json.dumps([b for a, b in resources(doc, "kubernetes_network_policy_v1").items() if "stateful_workloads_kv" in a])
    assert '"kubernetes.io/metadata.name": "worker"' in policies
    assert '"kubernetes.io/metadata.name": "api"' not in policies


def test_backed_up_only_where_velero_schedules_the_namespace() -> None:
    def labels(config: EnvironmentConfig) -> dict[str, str]:
        return dict(_body(_synth(config), "kubernetes_stateful_set_v1", "stateful_workloads_kv_")["metadata"]["labels"])

    assert labels(DEV_KV)[EXCLUDE_FROM_BACKUP_LABEL] == "true"  # dev: no velero
    assert EXCLUDE_FROM_BACKUP_LABEL not in labels(PROD_KV)  # prod: velero backs up every namespace
    others = dataclasses.replace(PROD.addons, backup=BackupConfig(included_namespaces=("api",)))
    assert labels(_with(PROD, KV, addons=others))[EXCLUDE_FROM_BACKUP_LABEL] == "true"


def test_prod_retains_the_claims_and_dev_deletes_them() -> None:
    def policy(config: EnvironmentConfig) -> Any:
        body = _body(_synth(config), "kubernetes_stateful_set_v1", "stateful_workloads_kv_")
        (retention,) = body["spec"]["persistent_volume_claim_retention_policy"]
        return retention

    assert policy(PROD_KV)["when_deleted"] == "Retain"
    assert policy(DEV_KV)["when_deleted"] == "Delete"


def test_prometheus_scrapes_only_a_workload_that_serves_metrics() -> None:
    def scraped(spec: StatefulWorkloadSpec) -> bool:
        doc = _synth(_with(STAGING, spec))  # staging runs kube-prometheus-stack
        policies = [b for a, b in resources(doc, "kubernetes_network_policy_v1").items() if "stateful_workloads_kv" in a]
        return "kube-prometheus-stack" in json.dumps(policies)

    assert scraped(dataclasses.replace(KV, metrics_port=9121))
    assert not scraped(KV)


# --- rules ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"repository": "data/none"}, r"`dev\.stateful_workloads\[0\]\.repository`: must name one of the environment's"),
        ({"name": "worker", "allowed_peers": ()}, r"`dev\.stateful_workloads\[0\]\.name`: must not be an application's name"),
        ({"name": "kube-system"}, r"`dev\.stateful_workloads\[0\]\.name`: must not be a Kubernetes or add-on namespace "
         r"\(each stateful workload gets its own namespace\)"),
        ({"allowed_peers": ("ghost",)}, r"`dev\.stateful_workloads\[0\]\.allowed_peers\[0\]`: must name an application"),
        ({"backup_hooks": BackupHooks(pre=("sync",))}, r"`dev\.stateful_workloads\[0\]\.backup_hooks`: only apply when "
         r"velero backs the workload up"),
        ({"image_tag": "latest"}, r"`dev\.stateful_workloads\[0\]\.image_tag`: must be a pinned image tag"),
    ],
    ids=["repository", "application-name", "reserved-namespace", "peer", "hooks-without-velero", "own-rule"],
)
def test_a_bad_workload_names_its_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _with(DEV, dataclasses.replace(KV, **changes)).validate()


def test_names_are_unique() -> None:
    with pytest.raises(ConfigError, match=r"`dev\.stateful_workloads`: .*kv"):
        _with(DEV, KV, KV).validate()


def test_hooks_are_fine_where_velero_backs_the_workload_up() -> None:
    hooked = dataclasses.replace(KV, backup_hooks=BackupHooks(pre=("sync",)))
    _with(PROD, hooked).validate()
    elsewhere = dataclasses.replace(PROD.addons, backup=BackupConfig(included_namespaces=("api",)))
    with pytest.raises(ConfigError, match=r"backup_hooks`: only apply when velero backs the workload up"):
        _with(PROD, hooked, addons=elsewhere).validate()
    _with(PROD, hooked, addons=dataclasses.replace(elsewhere, backup=BackupConfig(included_namespaces=("kv",)))).validate()


def test_the_rules_are_the_platform_tiers() -> None:
    """A cluster-only stack builds no workload, so it does not check them."""
    from constructs_lib.config import ConfigTier

    broken = _with(DEV, dataclasses.replace(KV, repository="data/none"))
    broken.validate(tier=ConfigTier.CLUSTER)
    with pytest.raises(ConfigError):
        broken.validate(tier=ConfigTier.PLATFORM)


# --- files ---------------------------------------------------------------------------------------


def test_a_file_declares_workloads_with_lowercase_enum_names() -> None:
    data = {
        "name": "dev",
        "stage": "dev",
        "region": "us-east-1",
        "network": {"vpc_cidr": "10.10.0.0/16", "availability_zones": ["us-east-1a", "us-east-1b"]},
        "stateful_workloads": [
            {
                "name": "kv",
                "repository": "data/kv",
                "image_tag": "7.2.4",
                "port": 6379,
                "volumes": [{"name": "data", "mount_path": "/data", "size": "20Gi"}],
                "disruption": "quorum",
                "allowed_peers": ["worker"],
            }
        ],
    }
    config = from_dict(EnvironmentConfig, data, "dev")
    (workload,) = config.stateful_workloads
    assert workload.disruption is DisruptionPolicy.QUORUM
    assert workload.volumes == (VolumeSpec(name="data", mount_path="/data", size="20Gi"),)
    assert workload.allowed_peers == ("worker",)



def test_the_file_example_in_the_config_readme_loads() -> None:
    """The TOML block of examples/config/README.md, inside an environment, is the fixtures' store made quorum."""
    readme = (Path(__file__).parent.parent.parent / "examples" / "config" / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in readme.split("```toml")[1:] if "[[environments.stateful_workloads]]" in b]
    text = "\n".join(line.strip() for line in block.split("```")[0].splitlines())
    (workload,) = tomllib.loads(text)["environments"]["stateful_workloads"]
    spec = from_dict(StatefulWorkloadSpec, workload, "kv")
    assert spec == dataclasses.replace(
        KV_STORE,
        disruption=DisruptionPolicy.QUORUM,
        volumes=(VolumeSpec(name="data", mount_path="/data", size="20Gi"),),
    )
