#!/usr/bin/env bash
# Train every network shipped in hdlesson/pretrained/, two at a time.
# Usage: scripts/train_pretrained.sh [PYTHON]   (about an hour on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
out=hdlesson/pretrained

jobs=()
for seed in 0 1 2 3 4 5; do jobs+=("default $seed"); done
for variant in slow_av fast_av mouse_av; do
    for seed in 0 1 2; do jobs+=("$variant $seed"); done
done

train_one() {
    variant=$1 seed=$2
    extra=()
    if [ "$variant" = default ] && [ "$seed" = 0 ]; then
        # Snapshots along training for the development chapter.
        extra=(--snapshots "0,50,100,200,400,800,1600,3200,6400")
    fi
    "$python" -m hdlesson train --preset paper --variant "$variant" --seed "$seed" \
        --out "$out/$variant" "${extra[@]}" > "$log_dir/$variant-seed$seed.log" 2>&1
    echo "done: $variant seed $seed"
}
export -f train_one
log_dir=${LOG_DIR:-$(mktemp -d)}
echo "logs in $log_dir"
export python out log_dir

for variant in default slow_av fast_av mouse_av; do mkdir -p "$out/$variant"; done
printf '%s\n' "${jobs[@]}" | xargs -P 2 -L 1 bash -c 'train_one "$0" "$1"'
