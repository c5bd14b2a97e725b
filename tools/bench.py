"""Benchmark: whole-process wall time and peak memory of synthesis versus loading the providers.

Run with ``make bench``. Each scenario is a fresh ``python`` process, run once to warm the file
cache and the ``.pyc`` files, then ``--runs`` times (default 5, round-robin over the scenarios); the
table shows medians. Peak memory is the largest sum of resident memory over the process tree (Python
plus the jsii Node kernel), sampled from /proc every 10 ms. Bytecode caching is on
(``PYTHONDONTWRITEBYTECODE`` is removed from the runs' environment), as in a user's Python.

Scenarios:
  synth-all      ``python main.py``: the three reference stacks, written to a temporary directory
  eager-import   ``import`` of the three provider packages as they ship (every submodule)
  bare-load      cdktf, constructs and the three providers' jsii assemblies as they ship, nothing else
  bare-load-lib  the same assemblies loaded through ``constructs_lib``'s loader (lazy Node indexes):
                 the floor that synth-all builds on, shown so the cost of building is visible

Targets (issue 2): synth-all <= 1.2 x bare-load, and eager-import / synth-all >= 3.5.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# Importing ``<package>._jsii`` first runs the package's ``__init__``, which imports every submodule;
# register each provider package without running it (as constructs_lib does), then load the
# assemblies. This touches nothing on the Node side: the kernel loads them as they ship.
_PROVIDERS = ("cdktf_cdktf_provider_aws", "cdktf_cdktf_provider_kubernetes", "cdktf_cdktf_provider_helm")
_IMPORT_ASSEMBLIES = "import cdktf, constructs\n" + "".join(f"import {name}._jsii\n" for name in _PROVIDERS)
_LOAD_ASSEMBLIES = (
    "import importlib.util, sys\n"
    f"for name in {_PROVIDERS!r}:\n"
    "    sys.modules[name] = importlib.util.module_from_spec(importlib.util.find_spec(name))\n"
    f"{_IMPORT_ASSEMBLIES}"
)

SCENARIOS: dict[str, list[str]] = {
    "synth-all": [str(REPO / "main.py")],
    "eager-import": [
        "-c",
        "import cdktf_cdktf_provider_aws, cdktf_cdktf_provider_kubernetes, cdktf_cdktf_provider_helm",
    ],
    "bare-load": ["-c", _LOAD_ASSEMBLIES],
    "bare-load-lib": ["-c", f"import constructs_lib\n{_IMPORT_ASSEMBLIES}"],
}


def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, in KiB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm") as statm:
                pages = int(statm.read().split()[1])
        except OSError:
            continue
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * os.sysconf("SC_PAGE_SIZE") // 1024
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_once(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak tree RSS (KiB) of one ``python <args>`` process."""
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "PYTHONPATH": str(REPO)}
    # Measure Python as users run it: with its bytecode cache. (Some sandboxes set this variable,
    # which makes every run recompile the library's modules.)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # Every scenario starts from the same Node options; constructs_lib adds its own in-process.
    env.pop("NODE_OPTIONS", None)
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kib(process.pid))
        time.sleep(0.01)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(
            f"benchmark run failed: {' '.join(args)}\n{process.stderr.read().decode() if process.stderr else ''}"
        )
    return elapsed, peak


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs per scenario (default 5)")
    parser.add_argument("--json", type=Path, default=REPO / ".bench" / "results.json", help="where to write results")
    args = parser.parse_args()
    samples: dict[str, list[tuple[float, int]]] = {name: [] for name in SCENARIOS}
    with tempfile.TemporaryDirectory() as tmp:
        for scenario in SCENARIOS.values():
            run_once(scenario, Path(tmp))  # warm-up: file cache and .pyc files
        # Round-robin, so that a noisy spell on a shared machine falls on every scenario alike.
        for _ in range(args.runs):
            for name, scenario in SCENARIOS.items():
                samples[name].append(run_once(scenario, Path(tmp)))
    results: dict[str, dict[str, float]] = {
        name: {
            "wall_s": round(statistics.median(s[0] for s in runs), 2),
            "peak_mib": round(statistics.median(s[1] for s in runs) / 1024, 1),
            "runs": args.runs,
        }
        for name, runs in samples.items()
    }
    synth, eager, bare, bare_lib = (
        results[n]["wall_s"] for n in ("synth-all", "eager-import", "bare-load", "bare-load-lib")
    )
    print(
        f"{'scenario':<14} {'wall (s)':>9} {'peak RSS (MiB)':>15}   medians of {args.runs} runs, {os.cpu_count()} cores"
    )
    for name, row in results.items():
        print(f"{name:<14} {row['wall_s']:>9.2f} {row['peak_mib']:>15.1f}")
    ratio_bare, speedup = synth / bare, eager / synth
    print(f"synth-all / bare-load    = {ratio_bare:.2f}  (target <= 1.20: {'met' if ratio_bare <= 1.2 else 'MISSED'})")
    print(f"eager-import / synth-all = {speedup:.2f}  (target >= 3.50: {'met' if speedup >= 3.5 else 'MISSED'})")
    print(f"synth-all / bare-load-lib = {synth / bare_lib:.2f}  (what building the stacks adds to the library's floor)")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "results": results,
                "synth_over_bare": ratio_bare,
                "eager_over_synth": speedup,
                "synth_over_bare_lib": synth / bare_lib,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
