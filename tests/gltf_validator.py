"""Run the Khronos glTF-Validator (npm package gltf-validator) from the tests.

The package folder comes from GLTF_VALIDATOR_DIR (the package itself or a folder
whose node_modules contains it), else node_modules/gltf-validator at the repository
root. Tests that need it are skipped, with the reason, when it or Node is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

__all__ = ["find_validator", "validate_glb", "assert_valid_glb", "format_issues"]

REPO = Path(__file__).resolve().parents[1]
SCRIPT = Path(__file__).with_name("validate_gltf.mjs")
PACKAGE = "gltf-validator"
TIMEOUT_SECONDS = 120


def _is_validator_package(folder: Path) -> bool:
    try:
        metadata = json.loads((folder / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(metadata, dict) and metadata.get("name") == PACKAGE


def find_validator() -> Path | None:
    """Return the gltf-validator package folder, or None if it is not installed."""
    configured = os.environ.get("GLTF_VALIDATOR_DIR")
    bases = [Path(configured)] if configured else [REPO / "node_modules" / PACKAGE]
    for base in bases:
        for folder in (base, base / "node_modules" / PACKAGE):
            if _is_validator_package(folder):
                return folder
    return None


def _skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "Node.js (node) is not on PATH, so the glTF validator cannot run"
    if find_validator() is None:
        where = os.environ.get("GLTF_VALIDATOR_DIR") or REPO / "node_modules"
        return (
            f"{PACKAGE} not found in {where}; run `npm install` at the repository "
            "root or set GLTF_VALIDATOR_DIR"
        )
    return None


def validate_glb(data: bytes) -> dict[str, Any]:
    """Return the validator's JSON report on GLB `data`; skip if it is unavailable."""
    reason = _skip_reason()
    if reason is not None:
        pytest.skip(reason)
    package = find_validator()
    completed = subprocess.run(
        ["node", str(SCRIPT), str(package), "-"],
        input=data,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if completed.returncode != 0:
        stderr = completed.stderr.decode("utf-8", "replace").strip()
        status = completed.returncode
        raise AssertionError(f"glTF validator exited with status {status}: {stderr}")
    report: dict[str, Any] = json.loads(completed.stdout)
    return report


def format_issues(report: dict[str, Any]) -> str:
    """Return one line per issue: severity, code, JSON pointer and message."""
    severities = {0: "error", 1: "warning", 2: "info", 3: "hint"}
    lines = [
        f"{severities.get(issue.get('severity'), issue.get('severity'))} "
        f"{issue.get('code')} at {issue.get('pointer', '-')}: {issue.get('message')}"
        for issue in report.get("issues", {}).get("messages", [])
    ]
    return "\n".join(lines) or "(no issues)"


def assert_valid_glb(data: bytes) -> dict[str, Any]:
    """Validate GLB `data`; fail listing every issue if there is an error or warning."""
    report = validate_glb(data)
    issues = report["issues"]
    assert issues["numErrors"] == 0, format_issues(report)
    assert issues["numWarnings"] == 0, format_issues(report)
    return report
