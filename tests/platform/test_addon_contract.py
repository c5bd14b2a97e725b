"""The Addon contract: the built-in add-ons implement it, and an add-on of one's own plugs into
PlatformAddons.add_addon the same way (namespace, role, release, custom resources, ordering)."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from cdktf import TerraformStack
from cdktf_cdktf_provider_kubernetes.namespace_v1 import NamespaceV1

from constructs_lib.cluster.config import IdentityMode
from constructs_lib.errors import ConfigError
from constructs_lib.identity.irsa import Permissions
from constructs_lib.identity.workload import WorkloadRole
from constructs_lib.platform.addon import (
    Addon,
    AddonContext,
    CustomResources,
    PermissionsContext,
    PodSecurityLevel,
)
from constructs_lib.platform.addons import BUILTIN_ADDONS, AddonIdentity, PlatformAddons
from constructs_lib.platform.catalog import CATALOG, control_plane_ports
from constructs_lib.platform.chart_facts import CHART_FACTS
from constructs_lib.platform.config import ADDON_NAMESPACES, AddonsConfig
from constructs_lib.platform.helm import ChartSource
from tests.helpers import Synth, resources, synth
from tests.platform.test_addons import PROPS, ROLES

#: A public chart, pinned.
PODINFO = ChartSource("podinfo", "https://stefanprodan.github.io/podinfo", "6.7.1")


@dataclass(frozen=True)
class HelloAddon(Addon):
    """A user's add-on: a public chart, its own namespace, values from the context."""

    name: str = "hello"
    release_name: str = "hello"
    source: ChartSource = PODINFO
    namespace: str = "hello"
    service_account: str = "hello"
    pod_security: PodSecurityLevel = PodSecurityLevel.RESTRICTED
    after: tuple[str, ...] = ()
    role_name: str | None = None
    control_plane_ports: tuple[int, ...] = ()
    greeting: str = "hi"

    def values(self, context: AddonContext) -> Mapping[str, Any]:
        return {
            "ui": {"message": f"{self.greeting} from {context.cluster_name}"},
            "serviceAccount": self.service_account_values(context),
        }

    def permissions(self, context: PermissionsContext) -> Permissions:
        return Permissions(managed_policy_arns=("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",))

    def custom_resources(self, context: AddonContext) -> Sequence[CustomResources]:
        config_map = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "hello", "namespace": "hello"}}
        return (CustomResources("hello-resources", (config_map,)),)


MADE_ROLES: list[tuple[str, str, str, Permissions]] = []


def _make_role(name: str, namespace: str, account: str, permissions: Permissions) -> WorkloadRole:
    MADE_ROLES.append((name, namespace, account, permissions))
    return WorkloadRole(f"arn:aws:iam::123456789012:role/made-{name}", IdentityMode.IRSA)


@dataclass(frozen=True)
class Arns:
    """A literal ArnContext."""

    partition: str = "aws"
    account_id: str = "123456789012"
    region: str = "us-east-1"
    dns_suffix: str = "amazonaws.com"


IDENTITY = AddonIdentity(
    make_role=_make_role,
    permissions=PermissionsContext(aws=Arns(), cluster_name="eks-platform-prod", name_prefix="eks-platform-prod"),
)


def build(*addons: Addon, **changes: Any) -> tuple[Synth, PlatformAddons]:
    built: list[PlatformAddons] = []

    def _build(stack: TerraformStack) -> None:
        access = NamespaceV1(stack, "access", metadata={"name": "stand-in-for-access"})
        props = dataclasses.replace(PROPS, addons=AddonsConfig(), depends_on=(access,), **changes)
        platform = PlatformAddons(stack, "addons", props=props)
        for addon in addons:
            platform.add_addon(addon)
        built.append(platform)

    return synth(_build), built[0]


def release(doc: Synth, name: str) -> dict[str, Any]:
    (found,) = [body for body in resources(doc, "helm_release").values() if body["name"] == name]
    return dict(found)


def address(doc: Synth, name: str) -> str:
    (found,) = [key for key, body in resources(doc, "helm_release").items() if body["name"] == name]
    return f"helm_release.{found}"


@pytest.fixture(scope="module")
def hello() -> tuple[Synth, PlatformAddons]:
    return build(HelloAddon(after=("external_secrets",)))


# -- the built-in add-ons ----------------------------------------------------------------------


def test_builtin_addons_follow_the_toggles() -> None:
    assert tuple(BUILTIN_ADDONS) == AddonsConfig().toggles()


@pytest.mark.parametrize("name", sorted(BUILTIN_ADDONS))
def test_builtin_addon_namespace_is_the_reserved_one(name: str) -> None:
    assert BUILTIN_ADDONS[name].namespace == ADDON_NAMESPACES[name]


@pytest.mark.parametrize("name", sorted(BUILTIN_ADDONS))
def test_catalog_entry_is_the_addon(name: str) -> None:
    assert CATALOG[name] == BUILTIN_ADDONS[name].entry


@pytest.mark.parametrize("name", sorted(BUILTIN_ADDONS))
def test_chart_facts_are_the_addon_facts(name: str) -> None:
    assert CHART_FACTS[name] is BUILTIN_ADDONS[name].facts


def test_only_the_load_balancer_controller_intercepts_services() -> None:
    assert [n for n, a in BUILTIN_ADDONS.items() if a.intercepts_services] == ["aws_load_balancer_controller"]


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("aws_load_balancer_controller", "alb-controller"),
        ("cluster_autoscaler", "cluster-autoscaler"),
        ("external_secrets", "external-secrets"),
        ("velero", "velero"),
    ],
)
def test_role_names_keep_the_terraform_addresses(name: str, role: str) -> None:
    """The stack's roles are `irsa-<role_name>` (in both identity modes): renaming one replaces a production role."""
    assert BUILTIN_ADDONS[name].role_name == role


def test_roles_come_from_the_identity_when_no_arn_is_given() -> None:
    MADE_ROLES.clear()
    roles = {k: v for k, v in ROLES.items() if k != "cluster_autoscaler"}
    _, platform = build(service_account_role_arns=roles, identity=IDENTITY)
    assert (platform.role_arns["cluster_autoscaler"], [r[:3] for r in MADE_ROLES]) == (
        "arn:aws:iam::123456789012:role/made-cluster-autoscaler",
        [("cluster-autoscaler", "cluster-autoscaler", "cluster-autoscaler")],
    )


def test_velero_permissions_need_the_backup_bucket() -> None:
    with pytest.raises(ConfigError, match=r"`permissions\.backup_bucket_arn`: is required when velero is on"):
        BUILTIN_ADDONS["velero"].permissions(IDENTITY.permissions)


# -- an add-on of one's own --------------------------------------------------------------------


def test_own_addon_release_uses_its_chart(hello: tuple[Synth, PlatformAddons]) -> None:
    body = release(hello[0], "hello")
    assert (body["chart"], body["repository"], body["version"], body["namespace"]) == (
        "podinfo",
        "https://stefanprodan.github.io/podinfo",
        "6.7.1",
        "hello",
    )


def test_own_addon_values_read_the_context(hello: tuple[Synth, PlatformAddons]) -> None:
    assert json.loads(release(hello[0], "hello")["values"][0])["ui"] == {"message": "hi from eks-platform-prod"}


def test_own_addon_namespace_has_pss_labels(hello: tuple[Synth, PlatformAddons]) -> None:
    (body,) = [b for b in resources(hello[0], "kubernetes_namespace_v1").values() if b["metadata"]["name"] == "hello"]
    labels = body["metadata"]["labels"]
    assert (labels["pod-security.kubernetes.io/enforce"], labels["pod-security.kubernetes.io/warn"]) == (
        "restricted",
        "restricted",
    )


def test_own_addon_waits_for_access_controller_and_its_after(hello: tuple[Synth, PlatformAddons]) -> None:
    doc = hello[0]
    depends_on = release(doc, "hello")["depends_on"]
    assert {
        "kubernetes_namespace_v1.access",
        address(doc, "aws-load-balancer-controller"),
        address(doc, "external-secrets"),
    } <= set(depends_on)


def test_own_addon_custom_resources_wait_for_it(hello: tuple[Synth, PlatformAddons]) -> None:
    assert release(hello[0], "hello-resources")["depends_on"] == [address(hello[0], "hello")]


def test_own_addon_attributes(hello: tuple[Synth, PlatformAddons]) -> None:
    platform = hello[1]
    assert (platform.namespaces["hello"], "hello-resources" in platform.custom_resource_releases) == ("hello", True)


def test_own_addon_gets_a_role_from_the_identity() -> None:
    MADE_ROLES.clear()
    doc, _ = build(HelloAddon(role_name="hello"), identity=IDENTITY)
    account = json.loads(release(doc, "hello")["values"][0])["serviceAccount"]
    assert (MADE_ROLES[0][:3], account["annotations"]) == (
        ("hello", "hello", "hello"),
        {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/made-hello"},
    )


def test_own_addon_with_pod_identity_has_no_annotation_and_waits_for_the_association() -> None:
    def _build(stack: TerraformStack) -> None:
        association = NamespaceV1(stack, "association", metadata={"name": "stand-in-for-the-association"})
        identity = dataclasses.replace(
            IDENTITY,
            make_role=lambda name, namespace, account, permissions: WorkloadRole(
                f"arn:aws:iam::123456789012:role/made-{name}", IdentityMode.POD_IDENTITY, depends_on=(association,)
            ),
        )
        access = NamespaceV1(stack, "access", metadata={"name": "stand-in-for-access"})
        props = dataclasses.replace(PROPS, addons=AddonsConfig(), depends_on=(access,), identity=identity)
        PlatformAddons(stack, "addons", props=props).add_addon(HelloAddon(role_name="hello"))

    doc = synth(_build)
    body = release(doc, "hello")
    account = json.loads(body["values"][0])["serviceAccount"]
    assert ("annotations" in account, "kubernetes_namespace_v1.association" in body["depends_on"]) == (False, True)


def test_own_addon_opens_its_ports_in_control_plane_ports() -> None:
    assert 8080 in control_plane_ports(AddonsConfig(), [HelloAddon(control_plane_ports=(8080,))])


@pytest.mark.parametrize(
    ("addon", "message"),
    [
        (HelloAddon(name="Hello"), r"`add_addon\.name`: must be a snake_case name"),
        (HelloAddon(name="velero"), r"`add_addon\(velero\)\.name`: must not be the name of a built-in add-on"),
        (HelloAddon(namespace="kube-system"), r"`add_addon\(hello\)\.namespace`: must not be a Kubernetes or built-in"),
        (HelloAddon(namespace="velero"), r"`add_addon\(hello\)\.namespace`: must not be a Kubernetes or built-in"),
        (HelloAddon(namespace="Hello"), r"`add_addon\(hello\)\.namespace`"),
        (HelloAddon(release_name="external-secrets"), r"`add_addon\(hello\)\.release_name`: must not be the release"),
        (
            HelloAddon(release_name="cluster-secret-store"),
            r"`add_addon\(hello\)\.release_name`: must not be the release of an installed add-on or of its custom",
        ),
        (
            HelloAddon(source=ChartSource("podinfo", "https://stefanprodan.github.io/podinfo", "6.x")),
            r"`add_addon\(hello\)\.source\.version`: must pin an exact chart version",
        ),
        (HelloAddon(after=("argo_cd",)), r"`add_addon\(hello\)\.after\[0\]`: must name an add-on installed before"),
        (HelloAddon(role_name="hello"), r"`add_addon\(hello\)\.role_name`: needs a role"),
        (HelloAddon(control_plane_ports=(70000,)), r"`add_addon\(hello\)\.control_plane_ports\[0\]`"),
        (HelloAddon(pod_security="restricted"), r"`add_addon\(hello\)\.pod_security`: must be a PodSecurityLevel"),  # type: ignore[arg-type]
    ],
)
def test_add_addon_errors(addon: Addon, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        build(addon)


def test_an_addon_is_added_once() -> None:
    with pytest.raises(ConfigError, match=r"`add_addon\(hello\)\.name`: must not name an add-on that is already"):
        build(HelloAddon(), HelloAddon())


def test_two_addons_cannot_share_a_namespace() -> None:
    with pytest.raises(ConfigError, match=r"`add_addon\(other\)\.namespace`: must not be the namespace of an"):
        build(HelloAddon(), HelloAddon(name="other", release_name="other"))


def test_add_addon_rejects_what_is_not_an_addon() -> None:
    with pytest.raises(ConfigError, match=r"`add_addon`: must be an Addon"):
        build(object())  # type: ignore[arg-type]


def test_errors_come_before_any_resource() -> None:
    """A rejected add-on leaves nothing behind: the construct tree has no `hello` child."""
    built: list[PlatformAddons] = []

    def _build(stack: TerraformStack) -> None:
        platform = PlatformAddons(stack, "addons", props=dataclasses.replace(PROPS, addons=AddonsConfig()))
        built.append(platform)
        with pytest.raises(ConfigError):
            platform.add_addon(HelloAddon(role_name="hello"))

    synth(_build)
    assert (built[0].node.try_find_child("hello"), built[0].node.try_find_child("hello-namespace")) == (None, None)
