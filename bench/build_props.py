"""Benchmark: build a generated scene of 10,000 props drawn from 20 meshes.

Run from the repository root:

    .venv/bin/python bench/build_props.py [--props 10000] [--meshes 20] [--runs 3]

It writes a venue project into a temporary folder (one scene whose 20
objects each have a `placements` list), then times `venue build` stages
in this process and prints a Markdown table row for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from toolkit.bundle import prepare_bundle, write_bundle
from toolkit.load import load_venue

SHAPES = [
    "box: {size: [1.2, 0.8, 2.0]}",
    "cylinder: {radius: 0.4, height: 3, segments: 24}",
    "cylinder: {radius: 0.9, top_radius: 0, height: 2.5, segments: 16}",
    "sphere: {radius: 0.6, segments: 24}",
    "extrude: {points: [[0, 0], [2, 0], [2, 1], [1, 1.6], [0, 1]], height: 1.5}",
]


def write_project(root: Path, props: int, meshes: int, seed: int = 7) -> Path:
    """Write a one-scene venue with `props` placements over `meshes` objects."""
    rng = np.random.default_rng(seed)
    lines = ["scene: props", "title: Props", "objects:"]
    per_mesh = np.full(meshes, props // meshes)
    per_mesh[: props % meshes] += 1
    for index, count in enumerate(per_mesh):
        shape = SHAPES[index % len(SHAPES)]
        colour = "#%02x%02x%02x" % tuple(rng.integers(40, 220, 3))
        lines += [f"  - id: prop-{index}", f"    {shape}",
                  f'    material: {{color: "{colour}"}}', "    placements:"]
        xy = rng.uniform(-200, 200, (count, 2))
        headings = rng.uniform(0, 360, count)
        for (x, y), heading in zip(xy, headings):
            lines.append(f"      - {{at: [{x:.2f}, {y:.2f}, 0], rotate: {heading:.1f}}}")
    lines += ["viewpoints:", "  - {id: overview, at: [0, -260, 120], "
              "look_at: [0, 0, 0]}"]
    (root / "scenes").mkdir(parents=True)
    (root / "venues").mkdir()
    (root / "scenes" / "props.yaml").write_text("\n".join(lines) + "\n")
    venue = root / "venues" / "bench.yaml"
    venue.write_text("venue: bench\ntitle: Bench\nscenes: [props]\n")
    return venue


def run_once(venue: Path, out: Path) -> dict[str, float]:
    """Build once; return seconds per stage and the GLB's size."""
    started = time.perf_counter()
    spec = load_venue(venue)
    loaded = time.perf_counter()
    bundle = prepare_bundle(spec)
    compiled = time.perf_counter()
    write_bundle(bundle, out)
    written = time.perf_counter()
    return {
        "load": loaded - started,
        "compile": compiled - loaded,
        "write": written - compiled,
        "total": written - started,
        "glb_bytes": len(bundle.files["scenes/props.glb"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--props", type=int, default=10_000)
    parser.add_argument("--meshes", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        venue = write_project(Path(scratch) / "project", args.props, args.meshes)
        runs = [run_once(venue, Path(scratch) / "out") for _ in range(args.runs)]
        tracemalloc.start()
        run_once(venue, Path(scratch) / "out")
        _current, peak_traced = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    print(f"machine: {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {args.runs} runs, median")
    print("| props | meshes | load s | compile+GLB s | write s | total s | "
          "peak Python heap MB | peak RSS MB | GLB MB |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(f"| {args.props} | {args.meshes} | {median['load']:.2f} | "
          f"{median['compile']:.2f} | {median['write']:.3f} | {median['total']:.2f} | "
          f"{peak_traced / 1e6:.0f} | {peak_rss:.0f} | "
          f"{median['glb_bytes'] / 1e6:.2f} |")


if __name__ == "__main__":
    main()
