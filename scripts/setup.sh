#!/usr/bin/env bash
# Prepare a checkout for development, tests and the demo:
#   1. Debian packages: chromium, fonts-wqy-microhei, xvfb, and nodejs/npm when
#      `node` is missing. As root, setup installs them with apt-get. As any other
#      user, it prints the missing packages and continues.
#   2. .venv: a virtual environment (Python >= 3.11) with `pip install -e '.[test]'`.
#   3. node_modules: `npm ci` from package-lock.json (gltf-validator, playwright-core),
#      and export/node_modules: the web player's libraries (three, hls.js) from
#      export/package-lock.json, which `venue build` copies beside each bundle.
#
# Run it from any directory. It is safe to rerun: steps 2 and 3 are skipped while
# the stamp files in .venv/ match the hashes of pyproject.toml and the npm files.
# Environment: PYTHON selects the interpreter for a new .venv (default python3).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# playwright-core (the only Playwright package here) never downloads a browser,
# and `npm ci --ignore-scripts` below runs no install script at all. This
# variable also stops the `playwright` package, should it ever be added.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export DEBIAN_FRONTEND=noninteractive

min_python="3.11"
min_node_major=20
venv_dir=".venv"
pip_stamp="$venv_dir/.setup-pip.stamp"
npm_stamp="$venv_dir/.setup-npm.stamp"
player_npm_stamp="$venv_dir/.setup-npm-export.stamp"
start_seconds=$SECONDS

log() { printf 'setup: %s\n' "$*" >&2; }
die() {
    printf 'setup: error: %s\n' "$*" >&2
    exit 1
}

# Serialise concurrent runs (say, test.sh and demo.sh started together) by
# locking this script's own file, so no lock file has to exist beforehand.
if command -v flock >/dev/null 2>&1; then
    exec 9<"${BASH_SOURCE[0]}"
    flock 9
fi

# Print one SHA-256 hash over the extra text in $1 and the contents of the files after it.
fingerprint() {
    local extra="$1"
    shift
    { sha256sum "$@"; printf '%s\n' "$extra"; } | sha256sum | cut -d' ' -f1
}

stamp_matches() {
    local stamp="$1" expected="$2"
    [[ -f "$stamp" && "$(cat "$stamp")" == "$expected" ]]
}

# --- 1. Debian packages -------------------------------------------------------

debian_package_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

install_debian_packages() {
    local missing=() package
    if ! command -v dpkg-query >/dev/null 2>&1; then
        log "dpkg-query not found, so this is not Debian: install Chromium, a CJK font" \
            "(WenQuanYi Micro Hei), Xvfb and Node.js >= $min_node_major with npm yourself"
        return 0
    fi

    for package in chromium fonts-wqy-microhei xvfb; do
        debian_package_installed "$package" || missing+=("$package")
    done
    # Node.js may come from elsewhere (NodeSource, nvm), so test the commands,
    # not the Debian packages.
    # NOTE: Debian 12's nodejs is 18.x, older than playwright-core 1.65's minimum
    # (Node.js 20), and setup_node prints a warning for it.
    if ! command -v node >/dev/null 2>&1; then
        missing+=(nodejs npm)
    elif ! command -v npm >/dev/null 2>&1; then
        missing+=(npm)
    fi

    if ((${#missing[@]} == 0)); then
        return 0
    fi
    if [[ "$(id -u)" != 0 ]]; then
        log "missing Debian packages: ${missing[*]}"
        log "install them as root with: apt-get install ${missing[*]}"
        return 0
    fi

    log "installing Debian packages: ${missing[*]}"
    apt-get update -q
    apt-get install -y -q -o DPkg::Lock::Timeout=300 "${missing[@]}"
}

# --- 2. Python virtual environment --------------------------------------------

# Return success when the interpreter $1 runs and is Python >= $min_python.
python_is_recent_enough() {
    "$1" -c "import sys; sys.exit(sys.version_info < (${min_python/./, }))" 2>/dev/null
}

setup_python() {
    local venv_python="$venv_dir/bin/python" python expected

    if ! python_is_recent_enough "$venv_python"; then
        python="${PYTHON:-python3}"
        command -v "$python" >/dev/null 2>&1 \
            || die "$python not found. Install Python >= $min_python or set PYTHON=/path/to/python3.X"
        python_is_recent_enough "$python" \
            || die "$python is $("$python" -V 2>&1), but this project needs Python >= $min_python." \
                "Set PYTHON=/path/to/python3.X"
        "$python" -c 'import ensurepip' 2>/dev/null \
            || die "$python has no ensurepip module, so it cannot create $venv_dir." \
                "On Debian, install the python3-venv package"
        if [[ -e "$venv_python" || -L "$venv_python" ]]; then
            log "$venv_python does not run as Python >= $min_python; recreating $venv_dir"
        fi
        log "creating $venv_dir with $("$python" -V 2>&1)"
        "$python" -m venv --clear "$venv_dir" \
            || die "'$python -m venv --clear $venv_dir' failed with the error above"
    fi

    expected="$(fingerprint "pip install -e .[test] / $("$venv_python" -V 2>&1)" pyproject.toml)"
    if stamp_matches "$pip_stamp" "$expected"; then
        return 0
    fi

    log "installing the toolkit and its test dependencies into $venv_dir"
    "$venv_python" -m pip install --disable-pip-version-check -q -e '.[test]'
    printf '%s\n' "$expected" >"$pip_stamp"
}

# --- 3. Node tools --------------------------------------------------------------

setup_node() {
    local node_version node_major expected

    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        die "node or npm not found. Install Node.js >= $min_node_major with npm," \
            "then rerun this script, which installs Debian's nodejs and npm when run as root"
    fi
    node_version="$(node --version)"
    node_major="${node_version#v}"
    node_major="${node_major%%.*}"
    if ((node_major < min_node_major)); then
        log "warning: Node.js $node_version is older than $min_node_major," \
            "which playwright-core needs"
    fi

    expected="$(fingerprint "npm ci / node $node_major" package.json package-lock.json)"
    if stamp_matches "$npm_stamp" "$expected" && [[ -f node_modules/.package-lock.json ]]; then
        return 0
    fi

    log "installing Node tools into node_modules with npm ci"
    npm ci --ignore-scripts --no-audit --no-fund --update-notifier=false --loglevel=error
    printf '%s\n' "$expected" >"$npm_stamp"
}

setup_player_packages() {
    local expected
    expected="$(fingerprint "npm ci --prefix export" export/package.json \
        export/package-lock.json)"
    if stamp_matches "$player_npm_stamp" "$expected" \
        && [[ -f export/node_modules/.package-lock.json ]]; then
        return 0
    fi

    log "installing the web player's libraries into export/node_modules with npm ci"
    npm ci --prefix export --ignore-scripts --no-audit --no-fund \
        --update-notifier=false --loglevel=error
    printf '%s\n' "$expected" >"$player_npm_stamp"
}

install_debian_packages
setup_python
setup_node
setup_player_packages
log "ready in $((SECONDS - start_seconds)) s: $repo_root/$venv_dir, $repo_root/node_modules"
