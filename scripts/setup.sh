#!/usr/bin/env bash
# The README's set-up command: the system libraries vpcsite's PDFs need (with apt; said
# what to install by hand elsewhere), vpcsite in a virtual environment of its own
# (.venv/, see scripts/venv.sh), and the example site in content/ built into public/.
# A second run installs nothing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
deps=ok
bash scripts/system-deps.sh || deps=missing
bash scripts/venv.sh
# The libraries may be there although the check above did not find them (or only fonts
# were missing): what counts is whether WeasyPrint loads.
if [ "$deps" = missing ] && .venv/bin/python -c 'import weasyprint' >/dev/null 2>&1; then
    echo "(WeasyPrint loads Pango all the same: carrying on)" >&2
elif [ "$deps" = missing ]; then
    cat >&2 <<'MESSAGE'

vpcsite is installed in .venv/, but WeasyPrint cannot load Pango: install what is
named above, then run `bash scripts/setup.sh` again. (On a Mac with Homebrew under
/opt/homebrew, WeasyPrint finds it with DYLD_FALLBACK_LIBRARY_PATH=/opt/homebrew/lib.)
MESSAGE
    exit 1
fi
.venv/bin/vpcsite build
echo "The example site is in public/: open public/index.html. Run vpcsite as .venv/bin/vpcsite, or as vpcsite after \`. .venv/bin/activate\`."
