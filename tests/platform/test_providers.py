"""The kubernetes and helm providers: endpoint, CA and exec authentication from the cluster."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from cdktf import TerraformStack

from constructs_lib.errors import ConfigError
from constructs_lib.platform.providers import (
    EXEC_API_VERSION,
    ClusterConnection,
    KubernetesProviders,
    KubernetesProvidersProps,
)
from tests.helpers import Synth, synth

CONNECTION = ClusterConnection("eks-platform-dev", "https://ABC.gr7.us-east-1.eks.amazonaws.com", "Q0E=", "us-east-1")
TOKEN_ARGS = ["eks", "get-token", "--cluster-name", "eks-platform-dev", "--region", "us-east-1", "--output", "json"]


@pytest.fixture(scope="module")
def doc() -> Synth:
    return synth(lambda stack: KubernetesProviders(stack, "providers", props=KubernetesProvidersProps(connection=CONNECTION)))


def kubernetes(doc: Synth) -> dict[str, Any]:
    return dict(doc["provider"]["kubernetes"][0])


def helm(doc: Synth) -> dict[str, Any]:
    return dict(doc["provider"]["helm"][0]["kubernetes"])


def test_kubernetes_host(doc: Synth) -> None:
    assert kubernetes(doc)["host"] == CONNECTION.endpoint


def test_kubernetes_ca_is_decoded_from_base64(doc: Synth) -> None:
    assert kubernetes(doc)["cluster_ca_certificate"] == '${base64decode("Q0E=")}'


def test_kubernetes_exec_auth(doc: Synth) -> None:
    assert kubernetes(doc)["exec"] == [{"api_version": EXEC_API_VERSION, "command": "aws", "args": TOKEN_ARGS}]


def test_kubernetes_has_no_static_credentials(doc: Synth) -> None:
    assert not {"token", "config_path", "config_paths", "password", "client_key"} & set(kubernetes(doc))


def test_helm_kubernetes_is_an_attribute_object(doc: Synth) -> None:
    assert isinstance(doc["provider"]["helm"][0]["kubernetes"], dict)


def test_helm_host_and_ca(doc: Synth) -> None:
    assert (helm(doc)["host"], helm(doc)["cluster_ca_certificate"]) == (CONNECTION.endpoint, '${base64decode("Q0E=")}')


def test_helm_exec_auth(doc: Synth) -> None:
    assert helm(doc)["exec"] == {"api_version": EXEC_API_VERSION, "command": "aws", "args": TOKEN_ARGS}


def test_helm_has_no_static_credentials(doc: Synth) -> None:
    assert not {"token", "config_path", "config_paths", "password", "client_key"} & set(helm(doc))


def test_terraform_references_are_accepted_as_endpoint() -> None:
    dataclasses.replace(CONNECTION, endpoint="${aws_eks_cluster.x.endpoint}").validate("c")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"cluster_name": ""}, r"`connection\.cluster_name`: must be the non-empty EKS cluster name"),
        ({"endpoint": "http://x"}, r"`connection\.endpoint`: must be the https:// API server URL"),
        ({"certificate_authority_data": ""}, r"`connection\.certificate_authority_data`: must be the cluster's base64"),
        ({"region": "mars-1"}, r"`connection\.region`: must be a commercial AWS region code"),
    ],
)
def test_errors(changes: dict[str, Any], message: str) -> None:
    connection = dataclasses.replace(CONNECTION, **changes)

    def build(stack: TerraformStack) -> None:
        KubernetesProviders(stack, "providers", props=KubernetesProvidersProps(connection=connection))

    with pytest.raises(ConfigError, match=message):
        synth(build)
