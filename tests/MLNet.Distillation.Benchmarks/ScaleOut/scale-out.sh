#!/usr/bin/env bash
# A job array on this machine at the largest size it allows: `distill score` workers (separate processes, at most
# PARALLEL at once, as a cluster with that many worker slots would run them) score SHARDS shards of a large CSV with an
# ML.NET teacher; one worker is killed while writing its shard and restarted, one is run a second time; then
# `distill train --shards` and `distill train` on the file itself train the same student, compared byte for byte.
# Timings (wall seconds, peak resident memory) go to results/scale-out-DATE.{md,json}.
# The data is examples/data/breast_cancer.csv's 569 rows repeated to ROWS rows (the scoring cost of a row does not
# depend on whether it repeats); the teacher is the LightGbm teacher.zip that `distill train` fits on the 569 rows.
# Usage: bash tests/MLNet.Distillation.Benchmarks/ScaleOut/scale-out.sh [ROWS] [SHARDS] [PARALLEL] [OUT_DIR]
set -euo pipefail
rows=${1:-2000000}
shards=${2:-8}
parallel=${3:-2}
repo="$(cd "$(dirname "$0")/../../.." && pwd)"
out="$(realpath -m "${4:-$repo/tests/MLNet.Distillation.Benchmarks/results}")"
work="$(mktemp -d /tmp/distill-scale-out.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "publishing the tool..."
dotnet publish "$repo/src/MLNet.Distillation.Cli" -c Release -o app >publish.log 2>&1 || { tail -20 publish.log; exit 1; }
distill() { dotnet app/distill.dll "$@"; }
distill train --data "$repo/examples/data/breast_cancer.csv" --label Malignant --out teacher --no-baseline --epochs 1 >teacher.log 2>&1 \
    || { tail -5 teacher.log; exit 1; }
python3 - "$repo/examples/data/breast_cancer.csv" "$rows" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
rows = int(sys.argv[2])
with open("large.csv", "w") as f:
    f.write(lines[0] + "\n")
    body = lines[1:]
    for i in range(rows):
        f.write(body[i % len(body)] + "\n")
PY
bytes=$(stat -c %s large.csv)
echo "large.csv: $rows rows, $bytes bytes; $shards shards, $parallel workers at once"
score_args=(score --data large.csv --label Malignant --teacher teacher/teacher.zip --out shards)

# One worker per shard, at most $parallel at once; each records "INDEX WALL_S PEAK_KB".
worker() { # index
    /usr/bin/time -f "$1 %e %M" -a -o times.txt dotnet app/distill.dll "${score_args[@]}" --shard "$1/$shards" >"score-$1.log" 2>&1 || true
}
start=$(date +%s.%N)
pids=()
next=0
killed=no
while [ "$next" -lt "$shards" ] || [ "${#pids[@]}" -gt 0 ]; do
    while [ "$next" -lt "$shards" ] && [ "${#pids[@]}" -lt "$parallel" ]; do
        worker "$next" & pids+=("$!:$next"); next=$((next + 1))
    done
    # Kill shard 1's worker once, while it writes its shard (its temporary file is there).
    if [ "$killed" = no ] && compgen -G "shards/.shard-00001-of-*.tmp" >/dev/null; then
        # The dotnet process itself (its command line starts with dotnet), not the time process that waits for it.
        pkill -KILL -f -- "^dotnet app/distill.dll score .* --shard 1/$shards" && killed=yes
        echo "killed the worker of shard 1 while it wrote its shard"
    fi
    alive=()
    for entry in "${pids[@]}"; do kill -0 "${entry%%:*}" 2>/dev/null && alive+=("$entry"); done
    pids=("${alive[@]+"${alive[@]}"}")
    sleep 0.05
done
first_pass=$(python3 -c "import time; print(round(time.time() - $start, 1))")
[ "$killed" = yes ] || { echo "shard 1's worker finished before it could be killed: use more rows"; exit 1; }
[ ! -f "shards/shard-00001-of-$(printf %05d "$shards").json" ] || { echo "the killed worker left a manifest"; exit 1; }
temporaries=$({ compgen -G "shards/.*.tmp" || true; } | wc -l)

start=$(date +%s.%N)
worker 1
restart=$(python3 -c "import time; print(round(time.time() - $start, 1))")
grep -q "Scored shard 1" score-1.log || { cat score-1.log; exit 1; }
start=$(date +%s.%N)
worker 0
repeat=$(python3 -c "import time; print(round(time.time() - $start, 1))")
grep -q "already complete" score-0.log || { cat score-0.log; exit 1; }
left=$({ compgen -G "shards/.*.tmp" || true; } | wc -l)

train() { # out, extra...
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "time-$name.txt" dotnet app/distill.dll train --data large.csv --label Malignant --teacher teacher/teacher.zip \
        --out "$name" --no-baseline --epochs 1 "$@" >"train-$name.log" 2>&1 || { tail -5 "train-$name.log"; exit 1; }
}
train from-shards --shards shards
train from-file
same=no
cmp -s from-shards/student.onnx from-file/student.onnx && same=yes

python3 - "$out" "$rows" "$bytes" "$shards" "$parallel" "$first_pass" "$restart" "$repeat" "$temporaries" "$left" "$same" <<'PY'
import json, os, sys, datetime, platform
out, rows, size, shards, parallel, first, restart, repeat, temporaries, left, same = sys.argv[1:]
rows, shards, parallel = int(rows), int(shards), int(parallel)
workers = []
for line in open("times.txt"):
    parts = line.split()
    if len(parts) == 3 and parts[0].isdigit():
        workers.append({"shard": int(parts[0]), "wallSeconds": float(parts[1]), "peakMB": round(int(parts[2]) / 1024)})
def train(name):
    wall, peak = open(f"time-{name}.txt").read().split()[-2:]
    return {"wallSeconds": float(wall), "peakMB": round(int(peak) / 1024)}
complete = [w for w in workers if w["shard"] != 1][: shards - 1]
per_worker = rows / shards / (sum(w["wallSeconds"] for w in complete) / len(complete))
result = {
    "date": datetime.date.today().isoformat(), "machine": f"{os.cpu_count()} cores, {platform.platform()}",
    "rows": rows, "csvBytes": int(size), "shards": shards, "workersAtOnce": parallel,
    "firstPassSeconds": float(first), "restartedShardSeconds": float(restart), "repeatedShardSeconds": float(repeat),
    "temporariesLeftByTheKill": int(temporaries), "temporariesAfterRestart": int(left),
    "rowsPerSecondPerWorker": round(per_worker), "workers": workers,
    "trainFromShards": train("from-shards"), "trainFromFile": train("from-file"), "sameStudentBytes": same == "yes",
}
os.makedirs(out, exist_ok=True)
stem = os.path.join(out, f"scale-out-{result['date']}")
with open(stem + ".json", "w") as f:
    json.dump(result, f, indent=2)
md = [f"# Scale-out: distill score workers and train --shards ({result['date']}, {result['machine']})", "",
      f"{rows:,} rows ({int(size):,} bytes of CSV: breast_cancer.csv repeated), {shards} shards, at most {parallel} workers at once, "
      "LightGbm teacher.zip; each worker a separate `dotnet distill.dll score` process.", "",
      "| step | figure |", "|---|---|",
      f"| all shards, first pass (shard 1's worker killed mid-write) | {float(first):.1f} s wall |",
      f"| scoring rate of one worker (start-up, row count, fingerprint and scoring included) | {per_worker:,.0f} rows/s |",
      f"| worker peak memory | {min(w['peakMB'] for w in workers)}–{max(w['peakMB'] for w in workers)} MB |",
      f"| shard 1 restarted (redone) | {float(restart):.1f} s; temporaries left by the kill {temporaries}, after the restart {left} |",
      f"| shard 0 run again (skipped: SHA-256 of its file checked) | {float(repeat):.1f} s |",
      f"| `train --shards` (1 epoch, no baseline) | {result['trainFromShards']['wallSeconds']:.1f} s, peak {result['trainFromShards']['peakMB']:,} MB |",
      f"| `train` on the file (teacher scored in process) | {result['trainFromFile']['wallSeconds']:.1f} s, peak {result['trainFromFile']['peakMB']:,} MB |",
      f"| same student.onnx, byte for byte | {'yes' if same == 'yes' else 'NO'} |", ""]
open(stem + ".md", "w").write("\n".join(md))
print("\n".join(md))
PY
[ "$same" = yes ] || { echo "the students differ"; exit 1; }
