#!/usr/bin/env bash
# dealcheck against Cedar (cedar-policy from crates.io), side by side in one run.
# Kept out of the main crate's dependencies and out of CI; see docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/cedar-peer"
cargo run --release --quiet
