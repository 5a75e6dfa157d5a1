#!/usr/bin/env bash
# Run the whole test suite N times in a row while two busy loops keep both cores busy (issue 18: flaky tests show
# under load). Usage: scripts/loaded-runs.sh [N=10] [OUT=/tmp/gridlink-loaded]. Writes OUT/runK.log, OUT/runK.json
# and OUT/summary.txt (one line per run, then every failed test). Exits non-zero when any run failed.
set -u
n=${1:-10}
out=${2:-/tmp/gridlink-loaded}
cd "$(dirname "$0")/.."
mkdir -p "$out"
: > "$out/summary.txt"
node -e 'for(;;){}' & b1=$!
node -e 'for(;;){}' & b2=$!
trap 'kill $b1 $b2 2>/dev/null' EXIT
failed=0
for i in $(seq 1 "$n"); do
  s=$(date +%s)
  node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile.json="$out/run$i.json" > "$out/run$i.log" 2>&1
  rc=$?
  [ "$rc" = 0 ] || failed=1
  node -e '
    const [file, i, rc, secs] = process.argv.slice(1);
    const r = require(file);
    console.log(`run ${i}: rc=${rc} ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${secs} s`);
    for (const f of r.testResults) {
      const name = f.name.replace(/.*\/tests\//, "tests/");
      for (const t of f.assertionResults) if (t.status === "failed") console.log(`  FAIL ${name} > ${t.fullName}`);
      if (f.status === "failed" && !f.assertionResults.some((t) => t.status === "failed")) console.log(`  FAIL ${name} (file): ${(f.message || "").slice(0, 200)}`);
    }
  ' "$out/run$i.json" "$i" "$rc" "$(( $(date +%s) - s ))" >> "$out/summary.txt" 2>&1 || echo "run $i: rc=$rc (no report)" >> "$out/summary.txt"
  grep "^run $i:" "$out/summary.txt"
done
exit "$failed"
