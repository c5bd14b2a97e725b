"""``python -m constructs_lib.docs``: generate the diagrams, cost estimates and comparison.

    python -m constructs_lib.docs --synth-dir cdktf.out --out docs/generated [--config envs.toml]

Without ``--config`` the environments are the reference app's (``stacks.environments``), so run it
from the repository root; with it, any JSON/TOML environments file ``main.py`` accepts.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from constructs_lib.config import EnvironmentConfig, load_environments
from constructs_lib.docs.generate import generate_docs
from constructs_lib.errors import ConfigError


def _environments(config_file: str | None) -> tuple[EnvironmentConfig, ...]:
    if config_file:
        return load_environments(config_file)
    from stacks.environments import ENVIRONMENTS

    return ENVIRONMENTS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m constructs_lib.docs", description=__doc__.splitlines()[0])
    parser.add_argument("--synth-dir", default="cdktf.out", help="cdktf output directory (default: cdktf.out)")
    parser.add_argument("--out", default="docs/generated", help="output directory (default: docs/generated)")
    parser.add_argument("--config", help="JSON or TOML environments file (default: stacks.environments)")
    parser.add_argument("--no-images", action="store_true", help="write DOT text only, no SVG/PNG")
    args = parser.parse_args(argv)
    if not args.no_images and shutil.which("dot") is None:
        print("error: Graphviz's `dot` is not on PATH (Debian: apt-get install -y graphviz)", file=sys.stderr)
        return 1
    try:
        environments = _environments(args.config)
    except ConfigError as error:
        print(f"config error: {error.one_line()}", file=sys.stderr)
        return 2
    result = generate_docs(
        synth_dir=Path(args.synth_dir),
        environments=environments,
        out_dir=Path(args.out),
        render_images=not args.no_images,
    )
    print(f"wrote {len(result.files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
