#!/bin/sh
# mirrorset-pr-diff.sh: say on a pull request (GitHub) or merge request
# (GitLab) what its change to mirror objects does to the nodes.
#
# Usage: mirrorset-pr-diff.sh BASE_REF [PATH...]
#
# Runs `mirrorset diff --base-ref BASE_REF --output markdown PATH...` in the
# current git checkout (the head), writes the markdown to $MIRRORSET_REPORT
# (default mirrorset-diff.md) and to stdout, posts it as a comment when a
# token is set, and exits with mirrorset's exit code: 1 when a side is
# refused or the change reaches --fail-on, so that the job fails after
# the comment is posted.
#
# Environment:
#   MIRRORSET        the mirrorset binary (default: mirrorset on PATH)
#   MIRRORSET_FLAGS  more flags for mirrorset diff, e.g.
#                    "--openshift-version 4.16 --fail-on drain"
#   MIRRORSET_REPORT where to write the markdown (default mirrorset-diff.md)
# Posting (skipped, with a note on stderr, when no token is set):
#   GitHub Actions:  GITHUB_TOKEN, PR_NUMBER, and the runner's GITHUB_REPOSITORY
#                    and GITHUB_API_URL; needs curl and jq
#   GitLab CI:       GITLAB_TOKEN (a token with the api scope), and the runner's
#                    CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID; needs curl
set -eu

if [ $# -lt 1 ]; then
	echo "usage: $0 BASE_REF [PATH...]" >&2
	exit 2
fi
base_ref=$1
shift
mirrorset=${MIRRORSET:-mirrorset}
report=${MIRRORSET_REPORT:-mirrorset-diff.md}

# The base must be a commit here: CI checkouts are often shallow.
if ! git rev-parse --verify --quiet "$base_ref^{commit}" >/dev/null; then
	echo "error: $base_ref is not a commit in this checkout: fetch it first (GitHub: fetch-depth: 0; GitLab: GIT_DEPTH: 0)" >&2
	exit 2
fi

status=0
# shellcheck disable=SC2086 # MIRRORSET_FLAGS is a list of flags
"$mirrorset" diff --base-ref "$base_ref" --output markdown ${MIRRORSET_FLAGS:-} "$@" >"$report" || status=$?
cat "$report"
if [ "$status" -ge 2 ] || [ ! -s "$report" ]; then
	exit "$status" # a usage error: nothing to post
fi

if [ -n "${GITHUB_TOKEN:-}" ] && [ -n "${PR_NUMBER:-}" ]; then
	jq -Rs '{body: .}' "$report" |
		curl --fail --silent --show-error -X POST \
			-H "Authorization: Bearer $GITHUB_TOKEN" \
			-H "Accept: application/vnd.github+json" \
			--data @- \
			"${GITHUB_API_URL:-https://api.github.com}/repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" >/dev/null
	echo "posted on pull request #$PR_NUMBER" >&2
elif [ -n "${GITLAB_TOKEN:-}" ] && [ -n "${CI_MERGE_REQUEST_IID:-}" ]; then
	curl --fail --silent --show-error -X POST \
		-H "PRIVATE-TOKEN: $GITLAB_TOKEN" \
		--data-urlencode "body@$report" \
		"$CI_API_V4_URL/projects/$CI_PROJECT_ID/merge_requests/$CI_MERGE_REQUEST_IID/notes" >/dev/null
	echo "posted on merge request !$CI_MERGE_REQUEST_IID" >&2
else
	echo "note: no GITHUB_TOKEN and PR_NUMBER, nor GITLAB_TOKEN and CI_MERGE_REQUEST_IID: not posting" >&2
fi
exit "$status"
