#!/usr/bin/env bash
# Runs fuzz targets one after another, each for a fixed time, resuming from fuzz/corpus/.
# Usage: fuzz/campaign.sh MINUTES TARGET... (logs go to fuzz/logs/TARGET-DATE.log)
# Extra libFuzzer flags go in FUZZ_FLAGS, e.g. FUZZ_FLAGS="-len_control=0 -max_len=256" for
# large_rule_set, whose inputs are short but slow to run (libFuzzer grows lengths slowly then).
# The last "#N DONE" / "stat::" lines of each log are what docs/robustness.md records.
set -euo pipefail
cd "$(dirname "$0")"
minutes=$1
shift
mkdir -p logs
for target in "$@"; do
    log="logs/$target-$(date -u +%Y%m%dT%H%M).log"
    mkdir -p "corpus/$target" "artifacts/$target"
    cargo fuzz run "$target" --sanitizer none -O -- \
        -dict=deal.dict -max_len=4096 -timeout=10 -rss_limit_mb=4096 \
        -max_total_time=$((minutes * 60)) -print_final_stats=1 ${FUZZ_FLAGS:-} \
        >"$log" 2>&1 || echo "$target stopped with a finding: see $log"
    tail -n 3 "$log" | head -n 1
done
