#!/usr/bin/env bash
# Builds the documentation site into docs/_site and checks it: DocFX (the local tool in .config/dotnet-tools.json) with
# warnings as errors, so a broken link, bookmark or cross-reference or an API page that cannot be generated fails; then
# docs/check_site.py opens a few built pages in headless Chromium and checks they render with their code samples.
# Ends with "docs site: N passed, N failed" (the build is one check), which .ci/run adds to its total.
# Browse the result with: python3 -m http.server -d docs/_site   (then http://localhost:8000)
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
started=$SECONDS

echo "== Documentation site (DocFX, docs/docfx.json)"
# Stale API pages of types that no longer exist would otherwise be built again from last time's metadata.
rm -rf docs/_site docs/api/*.yml docs/api/.manifest
if dotnet tool restore && dotnet docfx docs/docfx.json --warningsAsErrors; then
    passed=$((passed + 1))
    echo "site built in $((SECONDS - started)) s"
    checks=$(mktemp)
    python3 docs/check_site.py docs/_site 2>&1 | tee "$checks"
    passed=$((passed + $(grep -Eo "checks: [0-9]+ passed" "$checks" | grep -Eo "[0-9]+" || echo 0)))
    check_failed=$(grep -Eo "[0-9]+ failed" "$checks" | tail -1 | grep -Eo "[0-9]+" || echo 1)
    failed=$((failed + check_failed))
    rm -f "$checks"
else
    echo "The documentation site did not build (warnings count as errors)."
    failed=$((failed + 1))
fi

echo "docs site: ${passed} passed, ${failed} failed ($((SECONDS - started)) s)"
[ "$failed" -eq 0 ]
