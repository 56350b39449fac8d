#!/usr/bin/env bash
# Fuzzes every cargo-fuzz target in fuzz/ for FUZZ_SECONDS seconds each (default 60), starting
# from the committed seeds (fuzz/seeds/<target>) and growing the working corpus in
# fuzz/corpus/<target> (git-ignored). Prints, per target, the executions, executions per second
# and whether it found a crash; exits non-zero if any target did. Crash inputs are written to
# fuzz/artifacts/<target>/.
#
#   FUZZ_SECONDS=300 scripts/fuzz.sh              # longer runs
#   FUZZ_TARGETS="proxy token" scripts/fuzz.sh    # some targets only
#
# Installs what is missing first (the nightly toolchain's standard library, cargo-fuzz from
# crates.io), and skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf 'fuzz: %s\n' "$*"; }

seconds=${FUZZ_SECONDS:-60}
case "$seconds" in
  '' | *[!0-9]*) echo "fuzz: FUZZ_SECONDS must be a whole number of seconds" >&2; exit 2 ;;
esac
all_targets=(token batch build_request parse_response proxy)
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"

# cargo-fuzz builds with -Zsanitizer=address, so it needs a nightly toolchain with the host's
# standard library.
if ! cargo +nightly --version >/dev/null 2>&1; then
  say "installing the nightly toolchain"
  rustup toolchain install nightly --profile minimal
fi
host=$(rustc +nightly -vV | sed -n 's/^host: //p')
if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -qx "rust-std-$host"; then
  say "adding rust-std for $host to the nightly toolchain"
  rustup component add rust-std --toolchain nightly
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  say "installing cargo-fuzz (a few minutes)"
  cargo install cargo-fuzz
fi

say "building ${#targets[@]} targets (nightly, address sanitizer, optimized)"
for t in "${targets[@]}"; do
  cargo +nightly fuzz build -O "$t"
done

logs="$root/fuzz/target/logs"
mkdir -p "$logs"
results=()
failed=0
for t in "${targets[@]}"; do
  corpus="$root/fuzz/corpus/$t"
  seeds="$root/fuzz/seeds/$t"
  artifacts="$root/fuzz/artifacts/$t"
  log="$logs/$t.log"
  mkdir -p "$corpus" "$seeds" "$artifacts"
  say "$t: ${seconds}s"
  status=0
  # The first corpus directory gets the new inputs; the seeds are only read.
  cargo +nightly fuzz run -O "$t" "$corpus" "$seeds" -- \
    -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 -len_control=0 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  if [ -z "$execs" ]; then
    # No final stats (killed early): the last status line has the count.
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
    execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
    rate=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$last")
  fi
  if [ "$status" -eq 0 ]; then
    verdict="no crash"
  else
    failed=1
    artifact=$(grep -oE "Test unit written to [^ ]+" "$log" | tail -n 1 | sed 's/^Test unit written to //' || true)
    if grep -q "ERROR: libFuzzer: timeout" "$log"; then
      verdict="TIMEOUT"
    elif grep -q "out-of-memory" "$log"; then
      verdict="OUT OF MEMORY"
    else
      verdict="CRASH"
    fi
    verdict="$verdict (exit $status) ${artifact:-see $log}"
    grep -m 1 -A 1 -E "panicked at|ERROR: (libFuzzer|AddressSanitizer)" "$log" | cut -c 1-400 | sed 's/^/  /' || true
    say "$t: $verdict; reproduce with: cargo +nightly fuzz run -O $t ${artifact:-<input>}"
  fi
  results+=("$(printf '%-16s %14s %10s  %s' "$t" "${execs:-?}" "${rate:-?}" "$verdict")")
done

echo
printf '%-16s %14s %10s  %s\n' target executions exec/s result
for line in "${results[@]}"; do echo "$line"; done
echo "(logs in fuzz/target/logs/)"
exit "$failed"
