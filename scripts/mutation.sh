#!/usr/bin/env bash
# Mutation testing (mutmut) of the modules that keep funders' templates and
# keys safe; see docs/testing.md, "Mutation testing".
#
#   scripts/mutation.sh            CI: the modules of .ci/mutation-baseline
#                                  whose sha256 differs from the one there
#                                  (nothing to do when none does), within
#                                  MUTATION_MINUTES (30); fails below 90 %.
#   scripts/mutation.sh --full     every module; on success rewrites
#                                  .ci/mutation-baseline (commit it).
#   scripts/mutation.sh FILE...    just these modules; with MUTATION_BASELINE=1
#                                  their new sha256 go into the baseline when
#                                  they pass.
#
# Killed counts mutants a test failed on or that ran past mutmut's timeout;
# the mutants named in .ci/mutation-equivalent (no test can tell them apart
# from the original; each has its reason there) are left out of the rate.
set -euo pipefail
cd "$(dirname "$0")/.."

MODULES=(
  service/rendering/package_limits.py
  service/rendering/outside_references.py
  service/rendering/field_codes.py
  service/rendering/isolation.py
  service/rendering/isolated_worker.py
  service/auth.py
  service/api/stored.py
  service/api/templates.py
  service/storage/repository.py
  service/rendering/engine.py
  service/rendering/inspection/*.py
  schemas/*.py
)
BASELINE=.ci/mutation-baseline
EQUIVALENT=.ci/mutation-equivalent
MINIMUM=90
python=.venv/bin/python
[ -x "$python" ] || { echo "No .venv: run scripts/setup.sh test first." >&2; exit 1; }

full=false
if [ "${1:-}" = "--full" ]; then
  full=true
  selected=("${MODULES[@]}")
elif [ $# -gt 0 ]; then
  selected=("$@")
else
  # The baseline names the gated modules (those measured at 90 % or more)
  # with the sha256 they had then; a module not yet in it is not gated.
  selected=()
  while read -r digest module; do
    if [ "$(sha256sum "$module" | cut -d' ' -f1)" != "$digest" ]; then
      selected+=("$module")
    fi
  done <"$BASELINE"
  if [ ${#selected[@]} -eq 0 ]; then
    echo "mutation: no module of $BASELINE changed; nothing to test."
    exit 0
  fi
fi

# mutmut names a mutant module.path.function__mutmut_N.
patterns=()
for module in "${selected[@]}"; do
  name="${module%.py}"
  patterns+=("${name//\//.}.*")
done
echo "mutation: testing ${selected[*]}"
rm -rf mutants
status=0
timeout --signal=INT "$((${MUTATION_MINUTES:-30} * 60))" \
  "$python" -m mutmut run --max-children "${MUTATION_JOBS:-2}" "${patterns[@]}" \
  >mutants.log 2>&1 || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 40 mutants.log >&2
  echo "mutation: mutmut stopped (exit $status): see mutants.log" >&2
  exit 1
fi
"$python" -m mutmut results --all true >mutants.results
"$python" - "$MINIMUM" "$EQUIVALENT" "${patterns[@]}" <<'PY'
"""Per module: mutants, killed, equivalent, survivors; fail below the minimum."""
import fnmatch
import sys
from collections import Counter
from pathlib import Path

minimum, equivalent_file, *patterns = sys.argv[1:]
equivalent = set()
if Path(equivalent_file).exists():
    for line in Path(equivalent_file).read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            equivalent.add(line.split()[0])
rows: dict[str, Counter] = {}
survivors = []
for line in Path("mutants.results").read_text().splitlines():
    name, _, status = line.strip().rpartition(": ")
    pattern = next((p for p in patterns if fnmatch.fnmatch(name, p)), None)
    if pattern is None:
        continue
    row = rows.setdefault(pattern[:-2], Counter())
    row["mutants"] += 1
    if name in equivalent:
        row["equivalent"] += 1
    elif status in ("killed", "timeout"):
        row["killed"] += 1
    elif status in ("not checked", "skipped"):
        row["not checked"] += 1
    else:
        row["survived"] += 1
        survivors.append(f"{name}: {status}")
failed = False
print(f"{'module':45} mutants killed equiv. survived rate")
for module, row in sorted(rows.items()):
    judged = row["killed"] + row["survived"]
    rate = 100.0 * row["killed"] / judged if judged else 100.0
    failed |= rate < float(minimum) or row["not checked"] > 0
    print(
        f"{module:45} {row['mutants']:7} {row['killed']:6} {row['equivalent']:6} "
        f"{row['survived']:8} {rate:5.1f}%"
        + (f" ({row['not checked']} not checked)" if row["not checked"] else "")
    )
for survivor in survivors:
    print("  survived:", survivor)
if failed:
    print(f"mutation: below {minimum} % killed, or not every mutant checked.")
sys.exit(1 if failed else 0)
PY
if $full; then
  sha256sum "${MODULES[@]}" >"$BASELINE"
  echo "mutation: wrote $BASELINE"
elif [ "${MUTATION_BASELINE:-}" = 1 ]; then
  for module in "${selected[@]}"; do
    grep -v "  $module\$" "$BASELINE" >"$BASELINE.new" || true
    sha256sum "$module" >>"$BASELINE.new"
    sort -k2 "$BASELINE.new" >"$BASELINE"
    rm "$BASELINE.new"
  done
  echo "mutation: recorded ${selected[*]} in $BASELINE"
fi
