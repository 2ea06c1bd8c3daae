#!/usr/bin/env bash
# System libraries vpcsite needs at run time: Pango (WeasyPrint lays out the PDFs with
# it) and fonts to embed. Installed only when missing, so a second run does nothing.
set -euo pipefail
missing=()
for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
