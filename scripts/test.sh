#!/usr/bin/env bash
# Run the test suite after bringing the checkout up to date with setup.sh.
#
# Usage: scripts/test.sh [PYTEST-ARGUMENT...]   (default verbosity: -q)
# Exits with pytest's status. Exit status 5 (no tests collected) counts as a
# failure unless VENUE_ALLOW_NO_TESTS=1 is set, for example when a -k filter
# is expected to match nothing.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

bash scripts/setup.sh

# Locations of the tools the tests use. A value already set in the environment wins.
export GLTF_VALIDATOR_DIR="${GLTF_VALIDATOR_DIR:-$repo_root/node_modules/gltf-validator}"
export PLAYWRIGHT_CORE_DIR="${PLAYWRIGHT_CORE_DIR:-$repo_root/node_modules/playwright-core}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# Add -q unless the caller chose a verbosity.
verbosity=(-q)
for argument in "$@"; do
    case "$argument" in
        -v* | -q* | --verbose | --quiet | --verbosity*) verbosity=() ;;
    esac
done

status=0
.venv/bin/python -m pytest "${verbosity[@]}" "$@" || status=$?

if ((status == 5)); then
    if [[ "${VENUE_ALLOW_NO_TESTS:-0}" == 1 ]]; then
        echo "test: no tests were collected, accepted because VENUE_ALLOW_NO_TESTS=1" >&2
        exit 0
    fi
    echo "test: error: pytest collected no tests (exit status 5); check the test paths" \
        "and -k/-m filters, or set VENUE_ALLOW_NO_TESTS=1 if that is expected" >&2
fi
exit "$status"
