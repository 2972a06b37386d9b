#!/usr/bin/env bash
# p50 / p99 over N requests, over HTTP, of the admin API's time-travel reads against a running tickerlake:
# rows of one market at an old snapshot, and a diff between two snapshots, on upbit.trade.
# Usage: bench/time-travel-http.sh [base-url] [requests] [old-snapshot] [diff-from] [diff-to]
set -euo pipefail
base=${1:-http://localhost:8080}
n=${2:-200}
old=${3:-5}
from=${4:-9}
to=${5:-10}

measure() {
    local name=$1 url=$2
    for _ in $(seq "$n"); do
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$url"
    done | sort -k2 -n | awk -v name="$name" '
        $1 != 200 { bad++ } { t[NR] = $2 }
        END {
            printf "| %s | %d | %.0f ms | %.0f ms | %d |\n", name, NR, t[int(NR * 0.50)] * 1000, t[int(NR * 0.99)] * 1000, bad
        }'
}

echo "| request | n | p50 | p99 | non-200 |"
echo "|---|---|---|---|---|"
measure "rows market=KRW-BTC at snapshot $old (limit 100)" "$base/api/tables/upbit/trade/rows?snapshot=$old&where=market:KRW-BTC"
measure "diff $from..$to (limit 100)" "$base/api/tables/upbit/trade/diff?from=$from&to=$to"
