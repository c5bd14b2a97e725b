"""Synthesize every environment's stack (``cdktf synth`` runs this through ``pipenv run``).

The environments come from ``stacks/environments.py`` or, when ``--config FILE`` (or the
``EKS_PLATFORM_CONFIG`` variable) names a JSON or TOML file, from that file. A configuration
error is printed on one line and the process exits with status 2, before any resource is built.
"""

from __future__ import annotations

import argparse
import os
import sys

from constructs_lib import ConfigError, EnvironmentConfig, load_environments
from constructs_lib.docs.summary import print_synth_summary

CONFIG_ENV_VAR = "EKS_PLATFORM_CONFIG"


def _environments(config_file: str | None) -> tuple[EnvironmentConfig, ...]:
    """The environments, validated: from ``config_file`` (``load_environments`` validates) or the reference app."""
    if config_file:
        return load_environments(config_file)
    from stacks.environments import ENVIRONMENTS

    for environment in ENVIRONMENTS:
        environment.validate()
    return ENVIRONMENTS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=os.environ.get(CONFIG_ENV_VAR), help="JSON or TOML environments file")
    args = parser.parse_args(argv)
    try:
        # Validate before importing the stacks: a bad config fails in milliseconds, before the jsii
        # assemblies load and the stacks are built (~3 s). build_app validates again for callers that
        # skip main.py.
        environments = _environments(args.config)
        from stacks.platform_stack import build_app

        app = build_app(environments)
    except ConfigError as error:
        print(f"config error: {error.one_line()}", file=sys.stderr)
        return 2
    for stack in app.node.children:
        if getattr(stack, "uses_local_state", False):
            print(
                f"notice: stack {stack.node.id!r} keeps terraform state in a local file; set "
                "`state=StateBackend(bucket=...)` in its environment for shared, locked S3 state"
            )
    app.synth()
    print_synth_summary(app.outdir, [stack.node.id for stack in app.node.children])
    return 0


if __name__ == "__main__":
    sys.exit(main())
