#!/usr/bin/env bash
# Fails when `npm install` would rewrite package-lock.json (entries it would drop, add or change),
# so the committed lockfile stays the one a clean install writes. It resolves from the lockfile and
# the registry only; the working tree is left as it was.
# Usage: bash .ci/check-lockfile.sh [package folder, default: this repository]
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

saved="$(mktemp)"
cp package-lock.json "$saved"
trap 'cp "$saved" package-lock.json; rm -f "$saved"' EXIT

npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error
if ! cmp -s "$saved" package-lock.json; then
	echo "package-lock.json is not what 'npm install' writes ($(diff "$saved" package-lock.json | grep -c '^<' || true) lines dropped, $(diff "$saved" package-lock.json | grep -c '^>' || true) added); run 'npm install' and commit the lockfile. First differences:" >&2
	diff -u "$saved" package-lock.json | head -n 40 >&2 || true
	exit 1
fi
echo "package-lock.json is what 'npm install' writes"
