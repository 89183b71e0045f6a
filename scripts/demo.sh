#!/usr/bin/env bash
# Build the Nanjing Innovation Week 2020 venue and show it: in the desktop
# viewer when a display is available ($DISPLAY is set), otherwise as snapshot
# images rendered offscreen.
#
# Usage: scripts/demo.sh [VIEWER-OPTION...]
# Extra arguments go to `venue view` or `venue snapshot`, for example
# `scripts/demo.sh --lang en`.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

bash scripts/setup.sh

venue_file="venues/nanjing-innovation-week-2020.yaml"
bundle_dir="build/nanjing"
snapshot_dir="build/nanjing-snapshots"

.venv/bin/venue build "$venue_file" -o "$bundle_dir"

if [[ -n "${DISPLAY:-}" ]]; then
    exec .venv/bin/venue view "$bundle_dir" "$@"
fi

echo "demo: DISPLAY is not set, so rendering snapshots instead of opening the viewer" >&2
.venv/bin/venue snapshot "$bundle_dir" -o "$snapshot_dir" "$@"
echo "demo: snapshots are in $repo_root/$snapshot_dir"
