#!/usr/bin/env bash
# Makes .venv/ at the repository root, a virtual environment for vpcsite alone, and
# installs vpcsite into it, editable (the code in vpcsite/ is used as it stands), with
# the extras named as arguments: `bash scripts/venv.sh test` adds what the tests need.
# Nothing is installed into the Python that creates it, so this works where pip refuses
# to touch the system's Python (PEP 668, "externally-managed-environment": Debian 12,
# Ubuntu 24.04), and a user's own environment, pip included, is left as it is.
#
# The environment does not see the system's site-packages (no --system-site-packages),
# on purpose: it holds exactly what pyproject.toml asks for, so the tests pass or fail
# for the same reasons on every machine, not because of whatever versions a distribution
# or an earlier `pip install` left in the system (nor does an apt upgrade change them
# under it; nor can a vpcsite installed elsewhere, e.g. another clone's editable install,
# be imported instead of this one). The price is one download of the dependencies (about
# 15 s, 25 s with the test extra), paid once: pip runs again only when pyproject.toml,
# the extras asked for or the repository's place changed (a stamp in .venv/ says what
# was installed), so a second run takes a fraction of a second. Delete .venv/ to start
# over. PYTHON chooses the interpreter that creates it (default: python3 on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd -P)
venv=$root/.venv
python=${PYTHON:-python3}
stamp=$venv/.vpcsite-installed   # the repository's place, pyproject.toml's checksum, the extras
checksum=$(cksum <pyproject.toml)

create() {
    if ! command -v "$python" >/dev/null 2>&1; then
        echo "$python not found: vpcsite needs Python 3.11 or newer (PYTHON=/path/to/python3 chooses one)" >&2
        exit 1
    fi
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        echo "vpcsite needs Python 3.11 or newer; $python is $("$python" -V 2>&1) (PYTHON=/path/to/python3 chooses another)" >&2
        exit 1
    fi
    echo "creating a virtual environment in .venv/"
    "$python" -m venv --clear "$venv"
}

extras=("$@")
done_extras=()
stamp_root=
if [ -f "$stamp" ]; then
    stamp_root=$(sed -n 1p "$stamp")
    read -r -a done_extras <<<"$(sed -n 3p "$stamp")"
fi
if ! { [ -x "$venv/bin/python" ] && "$venv/bin/python" -c '' 2>/dev/null; }; then
    create
    done_extras=()
elif [ -n "$stamp_root" ] && [ "$stamp_root" != "$root" ]; then
    # made for a copy of the repository somewhere else: its scripts and its editable
    # install point there
    echo "recreating .venv/: it was made for $stamp_root"
    create
    done_extras=()
elif [ -n "$stamp_root" ] && [ "$(sed -n 2p "$stamp")" = "$checksum" ]; then
    up_to_date=1
    for extra in ${extras[@]+"${extras[@]}"}; do
        case " ${done_extras[*]-} " in *" $extra "*) ;; *) up_to_date=0 ;; esac
    done
    [ "$up_to_date" = 1 ] && exit 0
fi
if ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo ".venv/ holds $("$venv/bin/python" -V 2>&1), and vpcsite needs Python 3.11 or newer: delete .venv/ and run this again" >&2
    exit 1
fi

# what was asked for now and what was installed before, each once, comma-separated
extras_list=$(printf '%s\n' ${extras[@]+"${extras[@]}"} ${done_extras[@]+"${done_extras[@]}"} | grep . | sort -u | paste -sd, - || true)
spec=.
[ -n "$extras_list" ] && spec=".[$extras_list]"
echo "installing vpcsite into .venv/: pip install -e '$spec'"
rm -f "$stamp"
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$spec"
printf '%s\n%s\n%s\n' "$root" "$checksum" "${extras_list//,/ }" >"$stamp"
