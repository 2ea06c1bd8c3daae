#!/usr/bin/env bash
# The pull-request step of vpcsite's GitHub Action (action.yml): compare the canvases of
# the pull request with its base branch and post the result as ONE comment, updated in
# place on every push (found by the hidden marker on its first line).
#
# Environment (set by action.yml):
#   VPCSITE_BASE          the base branch (github.base_ref), e.g. main
#   VPCSITE_PR            the pull request's number
#   GITHUB_REPOSITORY     owner/name (set by GitHub)
#   GH_TOKEN              a token that may write pull-request comments (for gh)
#   VPCSITE_SOURCE        the site's folder in the repository (default .)
#   VPCSITE_FAIL_ON_DROP  "true": exit 1 when a fit went down (after commenting)
#   VPCSITE               how to run vpcsite (default: vpcsite)
set -euo pipefail

: "${VPCSITE_BASE:?VPCSITE_BASE must name the base branch}"
: "${VPCSITE_PR:?VPCSITE_PR must be the pull request number}"
: "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY must be owner/name}"
source_dir="${VPCSITE_SOURCE:-.}"
vpcsite="${VPCSITE:-vpcsite}"
marker='<!-- vpcsite-diff -->'
base="origin/$VPCSITE_BASE"

# A checkout with fetch-depth 1 has no base branch: fetch its tip (enough for a diff).
if ! git rev-parse --verify --quiet "$base^{commit}" >/dev/null; then
  git fetch --no-tags --quiet --depth=1 origin "+refs/heads/$VPCSITE_BASE:refs/remotes/$base"
fi

body="$(mktemp)"
trap 'rm -f "$body" "$body.new"' EXIT
flags=(--format markdown)
if [ "${VPCSITE_FAIL_ON_DROP:-false}" = "true" ]; then
  flags+=(--fail-on-drop)
fi
status=0
$vpcsite -s "$source_dir" diff "$base" HEAD "${flags[@]}" >"$body" || status=$?
if [ "$status" -ge 2 ]; then
  echo "vpcsite diff failed (exit $status); no comment posted" >&2
  exit "$status"
fi
if ! head -n 1 "$body" | grep -qF "$marker"; then
  { printf '%s\n' "$marker"; cat "$body"; } >"$body.new" && mv "$body.new" "$body"
fi

existing="$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$VPCSITE_PR/comments" \
  --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -n 1)"
if [ -n "$existing" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" -F "body=@$body" >/dev/null
  echo "updated the vpcsite comment on pull request #$VPCSITE_PR"
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$VPCSITE_PR/comments" -F "body=@$body" >/dev/null
  echo "posted the vpcsite comment on pull request #$VPCSITE_PR"
fi
exit "$status"
