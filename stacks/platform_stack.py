"""The platform stack: wires the library's tiers together through their typed attributes."""

from __future__ import annotations

from collections.abc import Iterable

from cdktf import App
from constructs import Construct

from constructs_lib.config import EnvironmentConfig
from constructs_lib.stack import EnvironmentStack

__all__ = ["PlatformStack", "build_app"]


class PlatformStack(EnvironmentStack):
    """Everything one environment runs, in dependency order: network, cluster, registry and
    identity, platform add-ons, applications."""

    def __init__(self, scope: Construct, config: EnvironmentConfig) -> None:
        super().__init__(scope, config)


def build_app(environments: Iterable[EnvironmentConfig], *, outdir: str | None = None) -> App:
    """Validate every environment, then build one stack per environment in a new App.

    All configs are validated before the first stack is built, so a bad prod config stops the
    run before dev's resources are created.
    """
    environments = tuple(environments)
    for environment in environments:
        environment.validate()
    app = App(outdir=outdir) if outdir else App()
    for environment in environments:
        PlatformStack(app, environment)
    return app
