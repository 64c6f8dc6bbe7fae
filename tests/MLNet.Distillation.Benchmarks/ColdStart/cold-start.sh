#!/usr/bin/env bash
# Cold start of the `distill` tool as a user installs it: `distill train` on modeldata's mlc_churn (5,000 rows, 19
# columns, LightGbm teacher, three seeds of two students, evaluation, report), each run a fresh process, variants
# interleaved round by round so that the machine's drift hits all of them alike.
#   before      the tool packed without precompilation and with the runtime's default tiered JIT (as shipped until 2026-12-05)
#   after       the tool as it ships now: ReadyToRun, tiered compilation off (MLNet.Distillation.Cli.csproj)
#   r2r-tiered  after, with DOTNET_TieredCompilation=1 (ReadyToRun alone)
#   jit-tc-off  before, with DOTNET_TieredCompilation=0 (tiering off alone)
# Each variant is packed from a clean clone of the working tree's HEAD (a build folder reused between packs keeps
# stale ReadyToRun images) and installed with `dotnet tool install --tool-path`.
# Usage: bash tests/MLNet.Distillation.Benchmarks/ColdStart/cold-start.sh [ROUNDS] [OUT_DIR]   (needs r-cran-modeldata)
set -euo pipefail
rounds=${1:-8}
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
out="$(realpath -m "${2:-$repo/tests/MLNet.Distillation.Benchmarks/results}")"
work="$(mktemp -d /tmp/distill-cold-start.XXXXXX)"
# Each variant gets a version of its own: the global package folder would otherwise hand the second install the first's.
version="0.0.0-cold.$(date +%s)"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.distillation.cli"
trap 'rm -rf "$work" "$packages/$version-before" "$packages/$version-after"' EXIT
cd "$work"
Rscript -e 'library(modeldata); data(mlc_churn); write.csv(mlc_churn, "churn.csv", row.names=FALSE)' >/dev/null

install() { # name, extra pack properties
    local name=$1; shift
    git clone -q "$repo" "src-$name"
    { dotnet pack "src-$name/src/MLNet.Distillation.Cli/MLNet.Distillation.Cli.csproj" -c Release -o "feed-$name" -p:Version="$version-$name" "$@" \
        && dotnet tool install --tool-path "tool-$name" --add-source "feed-$name" MLNet.Distillation.Cli --version "$version-$name"; } >"pack-$name.log" 2>&1 \
        || { tail -20 "pack-$name.log"; exit 1; }
}
install before -p:PublishReadyToRun=false -p:TieredCompilation=true
install after

declare -A cmd=(
    [before]="./tool-before/distill"
    [after]="./tool-after/distill"
    [r2r-tiered]="env DOTNET_TieredCompilation=1 ./tool-after/distill"
    [jit-tc-off]="env DOTNET_TieredCompilation=0 ./tool-before/distill"
)
order=(before after r2r-tiered jit-tc-off)
: > times.tsv
for round in $(seq 1 "$rounds"); do
    for name in "${order[@]}"; do
        rm -rf "run-$name"
        start=$(date +%s.%N)
        ${cmd[$name]} train --data churn.csv --label churn --out "run-$name" >"run-$name.log" 2>&1
        end=$(date +%s.%N)
        printf '%s\t%s\t%s\n' "$round" "$name" "$(echo "$end - $start" | bc)" | tee -a times.tsv
    done
done

mkdir -p "$out"
stamp=$(date +%F)
python3 - "$work/times.tsv" "$out/cold-start-$stamp" "$(nproc)" "$(git -C "$repo" rev-parse --short HEAD)" <<'PY'
import json, statistics, sys
times, stem, cores, commit = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
runs = {}
for line in open(times):
    _, name, seconds = line.split("\t")
    runs.setdefault(name, []).append(float(seconds))
before = statistics.median(runs["before"])
rows = [{"variant": n, "seconds": v, "median": statistics.median(v), "min": min(v), "max": max(v),
         "medianOverBefore": statistics.median(v) / before} for n, v in runs.items()]
json.dump({"experiment": "cold distill train, mlc_churn 5,000 rows", "cores": cores, "commit": commit,
           "rounds": len(runs["before"]), "variants": rows}, open(stem + ".json", "w"), indent=2)
with open(stem + ".md", "w") as md:
    md.write(f"# Cold `distill train` on mlc_churn (5,000 rows), {len(runs['before'])} interleaved rounds, {cores} cores, commit {commit}\n\n")
    md.write("| variant | median s | min s | max s | median ÷ before |\n|---|---:|---:|---:|---:|\n")
    for r in rows:
        md.write(f"| {r['variant']} | {r['median']:.2f} | {r['min']:.2f} | {r['max']:.2f} | {r['medianOverBefore']:.2f} |\n")
print(open(stem + ".md").read())
PY
