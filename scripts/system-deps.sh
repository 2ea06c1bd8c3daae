#!/usr/bin/env bash
# System packages vpcsite needs: Pango (WeasyPrint lays out the PDFs with it), fonts to
# embed, and Python's venv module (Debian and Ubuntu ship it apart, as python3-venv).
#   --test   also what the test suite needs: Chromium at /usr/bin/chromium (the browser
#            tests launch that path), a Java runtime (the HTML checker), Node and npm
#   --check  install nothing: list what is missing, exit 1 if anything is
# With apt (Debian, Ubuntu) it installs only what is missing, as root or through sudo, so
# a run with nothing missing prints nothing. Without apt (macOS, Fedora, ...) it installs
# nothing and says what to install by hand. It exits 1 when something it needs is still
# missing; the scripts that call it carry on with what they can do.
set -euo pipefail
python=${PYTHON:-python3}
tests=0
check=0
for arg in "$@"; do
    case $arg in
        --test) tests=1 ;;
        --check) check=1 ;;
        *) echo "usage: bash scripts/system-deps.sh [--test] [--check]" >&2; exit 2 ;;
    esac
done

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
    installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
    missing=()
    for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
        installed "$package" || missing+=("$package")
    done
    # Only the distribution's own python3 can be mended with apt: it comes without
    # ensurepip, so `python3 -m venv` fails until python3-venv is installed.
    if ! command -v "$python" >/dev/null 2>&1; then
        [ "$python" = python3 ] && missing+=(python3 python3-venv)
    elif "$python" -c 'import sys; sys.exit(sys.base_prefix != "/usr")' 2>/dev/null \
        && ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        missing+=(python3-venv)
    fi
    if [ "$tests" = 1 ]; then
        [ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation)
        command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
        command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
    fi
    [ "${#missing[@]}" -eq 0 ] && exit 0
    command="apt-get update && apt-get install --no-install-recommends ${missing[*]}"
    if [ "$check" = 1 ]; then
        echo "missing system packages: ${missing[*]}" >&2
        exit 1
    fi
    if [ "$(id -u)" = 0 ]; then
        as_root() { "$@"; }
    elif command -v sudo >/dev/null 2>&1; then
        echo "installing system packages with sudo (it may ask for your password): ${missing[*]}"
        as_root() { sudo "$@"; }
    else
        echo "vpcsite needs these system packages: ${missing[*]}" >&2
        echo "installing them takes root, and sudo is not available: as root, run" >&2
        echo "    $command" >&2
        echo "then run this command again." >&2
        exit 1
    fi
    [ "$(id -u)" = 0 ] && echo "installing system packages: ${missing[*]}"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
        || ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; then
        echo "could not install the system packages vpcsite needs. As root (or with sudo), run" >&2
        echo "    $command" >&2
        echo "then run this command again." >&2
        exit 1
    fi
    exit 0
fi

# No apt: nothing is installed here. Pango is what vpcsite cannot do without.
have_pango() {
    "$python" -c 'import ctypes.util, sys; sys.exit(not ctypes.util.find_library("pango-1.0"))' >/dev/null 2>&1 && return 0
    command -v pkg-config >/dev/null 2>&1 && pkg-config --exists pangoft2 && return 0
    command -v brew >/dev/null 2>&1 && [ -e "$(brew --prefix)/lib/libpango-1.0.dylib" ] && return 0
    return 1
}
status=0
if ! have_pango; then
    cat >&2 <<'EOF'
vpcsite's PDFs are laid out by WeasyPrint, which needs the Pango library; this script
installs system packages only with apt. Install Pango yourself, then run this again:
    macOS (Homebrew):  brew install pango
    Fedora:            sudo dnf install pango
    anything else:     https://doc.courtbouillon.org/weasyprint/stable/first_steps.html
EOF
    status=1
fi
if [ "$tests" = 1 ]; then
    notes=()
    [ -x /usr/bin/chromium ] || notes+=("Chromium at /usr/bin/chromium")
    command -v java >/dev/null 2>&1 || notes+=("a Java runtime (java on PATH)")
    command -v npm >/dev/null 2>&1 || notes+=("Node.js with npm")
    if [ "${#notes[@]}" -gt 0 ]; then
        echo "the browser tests also need, installed by hand here:" >&2
        printf '    %s\n' "${notes[@]}" >&2
        status=1
    fi
fi
exit "$status"
