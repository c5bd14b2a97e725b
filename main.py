"""Synthesize every environment's stack (``cdktf synth`` runs this with ``.venv/bin/python``).

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


def _preflight(config_file: str | None, name: str) -> int:
    """Print one line per problem that must be fixed before ``name`` is deployed; 0 when there is none."""
    from constructs_lib.preflight import preflight

    try:
        environments = {environment.name: environment for environment in _environments(config_file)}
    except ConfigError as error:
        print(f"config error: {error.one_line()}", file=sys.stderr)
        return 2
    if name not in environments:
        print(f"preflight: no environment {name!r}; known: {', '.join(environments)}", file=sys.stderr)
        return 2
    problems = preflight(environments[name])
    for problem in problems:
        print(f"preflight: {problem.one_line()}", file=sys.stderr)
    if problems:
        print(f"preflight: {name} is not ready to deploy ({len(problems)} problems above)", file=sys.stderr)
        return 2
    print(f"preflight: {name} is ready to deploy")
    return 0


def _state_bucket(config_file: str | None, name: str) -> int:
    """Synthesize the ``state-bucket`` stack of environment ``name`` (created once, before its first deploy)."""
    try:
        environments = {environment.name: environment for environment in _environments(config_file)}
        if name not in environments:
            print(f"state-bucket: no environment {name!r}; known: {', '.join(environments)}", file=sys.stderr)
            return 2
        from cdktf import App

        from constructs_lib.state import StateBucketStack

        app = App()
        StateBucketStack(app, environments[name])
    except ConfigError as error:
        print(f"config error: {error.one_line()}", file=sys.stderr)
        return 2
    app.synth()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default=os.environ.get(CONFIG_ENV_VAR), help="JSON or TOML environments file")
    parser.add_argument(
        "--preflight",
        metavar="ENV",
        help="check that environment ENV holds no example values and names what a deploy needs, then exit",
    )
    parser.add_argument(
        "--state-bucket",
        metavar="ENV",
        help="synthesize only the stack that creates environment ENV's state bucket (`make state-bucket`)",
    )
    args = parser.parse_args(argv)
    if args.preflight:
        return _preflight(args.config, args.preflight)
    if args.state_bucket:
        return _state_bucket(args.config, args.state_bucket)
    try:
        # Validate before importing the stacks: a bad config fails in milliseconds, before the jsii
        # assemblies load and the stacks are built (~3 s). build_app validates again for callers that
        # skip main.py.
        environments = _environments(args.config)
        from constructs_lib.platform_stack import build_app

        app = build_app(environments)
    except ConfigError as error:
        print(f"config error: {error.one_line()}", file=sys.stderr)
        return 2
    local = [stack.node.id for stack in app.node.children if getattr(stack, "uses_local_state", False)]
    if local:
        # One line for all of them: the same advice three times hides the rest of the output.
        names = ", ".join(local)
        print(
            f"notice: terraform state in local files in the project root (terraform.<stack>.tfstate) for: {names}; set "
            "`state=StateBackend(bucket=...)` in an environment for shared, locked S3 state"
        )
    app.synth()
    print_synth_summary(app.outdir, [stack.node.id for stack in app.node.children])
    return 0


if __name__ == "__main__":
    sys.exit(main())
