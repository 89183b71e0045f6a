"""Benchmark: a cold build against a rebuild after a one-line edit.

Run from the repository root:

    .venv/bin/python bench/rebuild.py [--runs 5] [--cli-runs 3]

It copies the Nanjing venue project (venues/, scenes/, schedules/, assets/)
into a temporary folder and times, as the median of the runs:

- in this process (the way a preview server builds): load, compile and
  write, with no cache, with an empty cache, with a full cache and no edit,
  and after a one-line edit of each scene in turn;
- as `venue -q build --no-web` in a new Python process, which adds the
  interpreter's and the libraries' start-up, for the same cases.

The edit moves the scene's first hotspot along x by a different amount in
each run, so no run finds the edited scene in the cache. It prints Markdown
tables for docs/benchmarks.md. The repository's own files are not touched.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from toolkit.bundle import prepare_bundle, write_bundle
from toolkit.cache import BuildCache
from toolkit.importers import clear_model_cache
from toolkit.load import load_venue

REPO = Path(__file__).resolve().parents[1]
VENUE = "venues/nanjing-innovation-week-2020.yaml"
PROJECT_FOLDERS = ("venues", "scenes", "schedules", "assets")
_FIRST_HOTSPOT_X = re.compile(r"at: \[(-?[0-9.]+)")

Timings = dict[str, float]


def copy_project(target: Path) -> Path:
    """Copy the venue project's folders into `target`; return the venue file."""
    for name in PROJECT_FOLDERS:
        shutil.copytree(REPO / name, target / name)
    return target / VENUE


def edit_scene(scene_file: Path, original: str, step: int) -> None:
    """Move the scene's first hotspot by 0.25 * step metres along x (one line)."""
    match = _FIRST_HOTSPOT_X.search(original, original.index("\nhotspots:"))
    assert match is not None, f"no hotspot position in {scene_file}"
    moved = float(match.group(1)) + 0.25 * step
    scene_file.write_text(original[:match.start(1)] + f"{moved:g}"
                          + original[match.end(1):], encoding="utf-8")


def build_in_process(venue_file: Path, cache_dir: Path | None,
                     out_dir: Path) -> Timings:
    """Build once; return the seconds of each stage and the scenes compiled."""
    cache = BuildCache(cache_dir) if cache_dir is not None else None
    cpu_started = time.process_time()
    started = time.perf_counter()
    venue = load_venue(venue_file, cache=cache)
    loaded = time.perf_counter()
    bundle = prepare_bundle(venue, cache)
    prepared = time.perf_counter()
    write_bundle(bundle, out_dir)
    written = time.perf_counter()
    compiled = len(venue.scenes) - (cache.stats.hits["glb"] if cache else 0)
    return {"load": loaded - started, "compile": prepared - loaded,
            "write": written - prepared, "total": written - started,
            "cpu": time.process_time() - cpu_started, "compiled": compiled}


def build_in_new_process(venue_file: Path, cache_dir: Path | None,
                         out_dir: Path) -> Timings:
    """Run `venue -q build --no-web` in a new interpreter; return its wall time."""
    command = [sys.executable, "-m", "toolkit", "-q", "build", str(venue_file),
               "-o", str(out_dir), "--no-web"]
    command += ["--cache", str(cache_dir)] if cache_dir else ["--no-cache"]
    cpu_started = _children_cpu()
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=REPO)
    return {"total": time.perf_counter() - started,
            "cpu": _children_cpu() - cpu_started}


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def median_of(runs: int, measure: Callable[[int], Timings]) -> Timings:
    results = [measure(step) for step in range(1, runs + 1)]
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def measure_cases(venue_file: Path, scratch: Path, runs: int,
                  build: Callable[[Path, Path | None, Path], Timings],
                  fresh_imports: bool) -> dict[str, Timings]:
    """Time the no-cache, cold, warm and per-scene edit builds."""
    cache_dir = scratch / "cache"
    out_dir = scratch / "out"

    def cold(step: int) -> Timings:
        shutil.rmtree(cache_dir, ignore_errors=True)
        if fresh_imports:
            clear_model_cache()
        return build(venue_file, cache_dir, out_dir)

    def uncached(step: int) -> Timings:
        if fresh_imports:
            clear_model_cache()
        return build(venue_file, None, out_dir)

    cases = {"no cache": median_of(runs, uncached),
             "cold cache": median_of(runs, cold)}
    build(venue_file, cache_dir, out_dir)
    cases["warm, no edit"] = median_of(runs, lambda step: build(venue_file,
                                                               cache_dir, out_dir))
    root = venue_file.parents[1]
    for scene_file in sorted((root / "scenes").glob("*.yaml")):
        original = scene_file.read_text(encoding="utf-8")

        def edited(step: int) -> Timings:
            edit_scene(scene_file, original, step)
            return build(venue_file, cache_dir, out_dir)

        cases[f"edit {scene_file.stem}"] = median_of(runs, edited)
        scene_file.write_text(original, encoding="utf-8")
    return cases


def print_table(title: str, cases: dict[str, Timings]) -> None:
    keys = list(next(iter(cases.values())))
    cold = cases["cold cache"]
    print(f"\n{title}\n")
    print("| case | " + " | ".join(keys) + " | total / cold | cpu / cold |")
    print("| --- |" + " --- |" * (len(keys) + 2))
    for name, timings in cases.items():
        cells = [f"{timings[key]:.0f}" if key == "compiled" else f"{timings[key]:.3f}"
                 for key in keys]
        print(f"| {name} | " + " | ".join(cells)
              + f" | {timings['total'] / cold['total']:.2f}"
              + f" | {timings['cpu'] / cold['cpu']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5,
                        help="in-process runs per case (default 5)")
    parser.add_argument("--cli-runs", type=int, default=3,
                        help="new-process runs per case (default 3; 0 skips)")
    args = parser.parse_args()

    print(f"Python {platform.python_version()} on {platform.machine()} with "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"{args.runs} in-process and {args.cli_runs} new-process runs per case "
          "(medians, seconds; cpu is user + system time)")
    with tempfile.TemporaryDirectory(prefix="venue-rebuild-") as folder:
        scratch = Path(folder)
        venue_file = copy_project(scratch / "project")
        in_process = measure_cases(venue_file, scratch, args.runs,
                                   build_in_process, fresh_imports=True)
        print_table("In one process:", in_process)
        if args.cli_runs:
            new_process = measure_cases(venue_file, scratch, args.cli_runs,
                                        build_in_new_process, fresh_imports=False)
            print_table("`venue -q build --no-web` in a new process:", new_process)


if __name__ == "__main__":
    main()
