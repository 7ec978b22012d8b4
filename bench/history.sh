#!/usr/bin/env bash
# bench/history.sh measures the security history pages against the account
# page (the baseline: same server, same session, no event query) with wrk,
# over a database of 200,000 audit events, 20,000 of them the user's.
# Needs Go, python3 (its sqlite3 module seeds the events), curl and wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out/history
port=${BENCH_PORT:-18083}
duration=${BENCH_DURATION:-8s}
rm -rf "$out" && mkdir -p "$out"
go build -o "$out/wharf" ./cmd/wharf
data=$out/data
pw="basalt-ferry-lumen-63"
echo "$pw" | "$out/wharf" user create perf --email perf@example.org --admin --password-stdin --data "$data"
python3 - "$data/wharf.db" <<'PY'
import json, random, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
uid = db.execute("SELECT id FROM users WHERE name = 'perf'").fetchone()[0]
tags = ['account:login:success', 'account:login:failure', 'account:api_token:added', 'file:add',
        'project:release:add', 'account:password:change']
now, n = int(time.time() * 1e6), 200000
rows = []
for i in range(n):
    u = uid if i % 10 == 0 else uid + 1 + i % 50
    rows.append((random.choice(tags), 0, u, u, '192.0.2.%d' % (i % 250), 'Mozilla/5.0 bench',
                 json.dumps({'n': i}), now - (n - i) * 1000000))
db.executemany("INSERT INTO events (tag, project_id, user_id, actor_id, ip, user_agent, details, time) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.commit()
PY
"$out/wharf" serve --data "$data" --addr "127.0.0.1:$port" >"$out/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/_health" >/dev/null && break; sleep 0.1; done
sid=$(curl -s -o /dev/null -D - --data-urlencode "username=perf" --data-urlencode "password=$pw" \
  "http://127.0.0.1:$port/account/login/" | sed -n 's/^[Ss]et-[Cc]ookie: session_id=\([^;]*\).*/\1/p')
for path in /manage/account/ /manage/account/history/ "/manage/account/history/?tag=account:login" \
  /admin/history/ "/admin/history/?tag=file:add"; do
  status=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: session_id=$sid" "http://127.0.0.1:$port$path")
  rps=$(wrk -t2 -c8 -d"$duration" -H "Cookie: session_id=$sid" "http://127.0.0.1:$port$path" | awk '/Requests\/sec/ {print $2}')
  echo "$path status=$status requests/s=$rps" | tee -a "$out/results.txt"
done
