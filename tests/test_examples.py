"""Every example in ``examples/<scenario>/`` synthesizes with the installed wheel, outside the repo.

Each example is copied into a temporary folder and run with the python of the virtualenv that holds
the wheel (``wheel_venv``, shared with ``tests/test_packaging.py``), so it can only use what a pip
user gets; a few facts of each synthesized stack are then checked.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.wheel import clean_environment

EXAMPLES = REPO_ROOT / "examples"
#: Example folder -> the stack it synthesizes.
SCENARIOS = {"plant-monitoring": "dev"}
#: What an example may import: the library, cdktf and the provider bindings the library depends on.
ALLOWED_IMPORTS = {
    "__future__",
    "collections",
    "constructs",
    "constructs_lib",
    "cdktf",
    "cdktf_cdktf_provider_aws",
    "cdktf_cdktf_provider_helm",
    "cdktf_cdktf_provider_kubernetes",
}
#: ``${aws_ecr_repository.<id>.repository_url}:<tag>``: an image of one of the stack's repositories.
_ECR_IMAGE = re.compile(r"^\$\{aws_ecr_repository\.([^.}]+)\.repository_url\}:([A-Za-z0-9_.-]+)$")


def _scenario_folders() -> set[str]:
    return {p.name for p in EXAMPLES.iterdir() if (p / "main.py").is_file()}


@pytest.fixture(scope="module")
def synthesized(wheel_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Example name -> its synthesized ``cdk.tf.json``, each run once with the wheel's python."""
    python = wheel_venv / "bin" / "python"
    stacks: dict[str, dict[str, Any]] = {}
    for name, stack in SCENARIOS.items():
        folder = tmp_path_factory.mktemp("examples") / name
        shutil.copytree(EXAMPLES / name, folder)
        run = subprocess.run(
            [str(python), "main.py"], cwd=folder, env=clean_environment(), capture_output=True, text=True, timeout=300
        )
        assert run.returncode == 0, f"{name}: {run.stderr}"
        stacks[name] = json.loads((folder / "cdktf.out" / "stacks" / stack / "cdk.tf.json").read_text())
    return stacks


def resources(doc: dict[str, Any], resource_type: str) -> dict[str, Any]:
    return dict(doc["resource"].get(resource_type, {}))


def workload_images(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Namespace -> the container images of its Deployments and StatefulSets."""
    images: dict[str, list[str]] = {}
    for kind in ("kubernetes_deployment_v1", "kubernetes_stateful_set_v1"):
        for workload in resources(doc, kind).values():
            containers = workload["spec"]["template"]["spec"]["container"]
            images.setdefault(workload["metadata"]["namespace"], []).extend(c["image"] for c in containers)
    return images


# ---- every example --------------------------------------------------------------------------


def test_every_example_folder_is_tested() -> None:
    assert _scenario_folders() == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_example_imports_only_the_installed_packages(name: str) -> None:
    tree = ast.parse((EXAMPLES / name / "main.py").read_text())
    modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert {m.split(".")[0] for m in modules} <= ALLOWED_IMPORTS


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_example_readme_says_how_to_synthesize(name: str) -> None:
    readme = (EXAMPLES / name / "README.md").read_text()
    assert ("pip install" in readme, "python main.py" in readme, "## Before a deploy" in readme) == (True, True, True)


# ---- plant-monitoring (seed 000) ------------------------------------------------------------


@pytest.fixture(scope="module")
def plants(synthesized: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return synthesized["plant-monitoring"]


@pytest.mark.slow
def test_plants_runs_mongodb_and_kafka_as_the_two_statefulsets(plants: dict[str, Any]) -> None:
    names = sorted(s["metadata"]["name"] for s in resources(plants, "kubernetes_stateful_set_v1").values())
    assert names == ["kafka", "mongodb"]


@pytest.mark.slow
def test_plants_exposes_only_home_assistant(plants: dict[str, Any]) -> None:
    ingresses = [
        (i["metadata"]["namespace"], i["spec"]["rule"][0]["host"])
        for i in resources(plants, "kubernetes_ingress_v1").values()
    ]
    assert ingresses == [("homeassistant", "plant.example.com")]


@pytest.mark.slow
def test_plants_home_assistant_ingress_is_tls_only(plants: dict[str, Any]) -> None:
    (ingress,) = resources(plants, "kubernetes_ingress_v1").values()
    assert ingress["metadata"]["annotations"]["alb.ingress.kubernetes.io/ssl-redirect"] == "443"


@pytest.mark.slow
def test_plants_images_all_come_from_the_environments_repositories(plants: dict[str, Any]) -> None:
    repositories = resources(plants, "aws_ecr_repository")
    pulled = {}
    for namespace, images in workload_images(plants).items():
        for image in images:
            match = _ECR_IMAGE.match(image)
            assert match is not None, image
            pulled[namespace] = (repositories[match.group(1)]["name"], match.group(2))
    assert pulled == {
        "homeassistant": ("plants-dev/plant-monitoring/homeassistant", "2024.10.1"),
        "kafka": ("plants-dev/plant-monitoring/kafka", "7.4.4"),
        "mongodb": ("plants-dev/plant-monitoring/mongodb", "7.0.14"),
        "plant-processor": ("plants-dev/plant-monitoring/plant-processor", "v1.0.0"),
        "plant-sensor": ("plants-dev/plant-monitoring/plant-sensor", "v1.0.0"),
    }


def _policy(doc: dict[str, Any], namespace: str, name: str) -> dict[str, Any]:
    (policy,) = (
        p
        for p in resources(doc, "kubernetes_network_policy_v1").values()
        if p["metadata"]["namespace"] == namespace and p["metadata"]["name"] == name
    )
    return dict(policy["spec"])


def _peers(rules: list[dict[str, Any]], side: str) -> dict[str, list[str]]:
    """Namespace -> ports of a policy's ``from`` (ingress) or ``to`` (egress) namespace rules."""
    found: dict[str, list[str]] = {}
    for rule in rules:
        for peer in rule.get(side, []):
            labels = peer.get("namespace_selector", {}).get("match_labels", {})
            if "kubernetes.io/metadata.name" in labels:
                ports = [p["port"] for p in rule.get("ports", [])]
                found.setdefault(labels["kubernetes.io/metadata.name"], []).extend(ports)
    return found


@pytest.mark.slow
def test_plants_data_stores_admit_only_their_clients(plants: dict[str, Any]) -> None:
    admitted = {
        store: _peers(_policy(plants, store, "allow-ingress")["ingress"], "from") for store in ("mongodb", "kafka")
    }
    assert admitted == {
        "mongodb": {"plant-processor": ["27017"]},
        "kafka": {"plant-processor": ["9092"], "plant-sensor": ["9092"]},
    }


@pytest.mark.slow
def test_plants_clients_get_egress_to_exactly_what_they_call(plants: dict[str, Any]) -> None:
    egress = {
        app: _peers(_policy(plants, app, "allow-egress")["egress"], "to") for app in ("plant-processor", "plant-sensor")
    }
    assert egress == {
        "plant-processor": {"homeassistant": ["8123"], "kafka": ["9092"], "mongodb": ["27017"]},
        "plant-sensor": {"kafka": ["9092"]},
    }
