#!/usr/bin/env bash
# run.sh is wharf's load benchmark. It builds wharf, generates a flat folder
# of tiny valid wheels, times "wharf import" of it, then load-tests the Simple
# API (one project page per request, HTML and PEP 691 JSON) with wrk, with
# nginx serving byte-identical copies of the same pages as the baseline.
# Results go to stdout, to $BENCH_OUT/results.txt and to
# $BENCH_OUT/results-<projects>x<releases>.txt.
#
# Three servers run side by side and are measured in turn, format by format:
# wharf with the default log level (info: one access-log line per request),
# wharf with WHARF_LOG_LEVEL=warn (no access log), and nginx. Interleaving
# them keeps a burst of other work on the machine from favouring one.
#
# Everything runs on this machine and talks only to 127.0.0.1. Every loop is
# bounded and every server started here is stopped on exit.
#
# Environment (defaults in brackets):
#   BENCH_QUICK=1        smoke-run defaults: 500 projects, 3s runs, 1s warm-up,
#                        200-name sample (any variable below still wins)
#   BENCH_PROJECTS       projects to generate and import [10000]
#   BENCH_RELEASES       releases (one wheel each) per project [5]
#   BENCH_SAMPLE         project names requested under load [1000]
#   BENCH_DURATION       length of each measured wrk run [15s]
#   BENCH_WARMUP         unmeasured wrk run against each server first [2s]
#   BENCH_ROUNDS         measured rounds; the table shows each figure's
#                        median over them [1]
#   BENCH_THREADS        wrk threads [2]
#   BENCH_CONNECTIONS    wrk connections [64]
#   BENCH_PORT           wharf (info) listens on it, wharf (warn) on +1 and
#                        nginx on +2, all on 127.0.0.1 [18080]
#   BENCH_JOBS           wharf import --jobs [number of CPUs]
#   BENCH_FULL_CACHE     1: at the end, request every project in both forms
#                        and report wharf's RSS with every page cached [1]
#   BENCH_OUT            working and output folder [bench/out]
#
# The generated wheels are kept in $BENCH_OUT/wheels-<projects>x<releases>,
# so a rerun of the same size skips generation; the wharf data folder is
# made anew on every run, since importing it is one of the measurements.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)
started=$SECONDS

if [[ "${BENCH_QUICK:-0}" == 1 ]]; then
	: "${BENCH_PROJECTS:=500}" "${BENCH_DURATION:=3s}" "${BENCH_WARMUP:=1s}" "${BENCH_SAMPLE:=200}"
fi
projects=${BENCH_PROJECTS:-10000}
releases=${BENCH_RELEASES:-5}
sample=${BENCH_SAMPLE:-1000}
duration=${BENCH_DURATION:-15s}
warmup=${BENCH_WARMUP:-2s}
rounds=${BENCH_ROUNDS:-1}
threads=${BENCH_THREADS:-2}
connections=${BENCH_CONNECTIONS:-64}
port=${BENCH_PORT:-18080}
jobs=${BENCH_JOBS:-$(nproc)}
full_cache=${BENCH_FULL_CACHE:-1}
out=${BENCH_OUT:-$repo/bench/out}

for v in projects releases sample rounds threads connections port jobs; do
	if ! [[ "${!v}" =~ ^[1-9][0-9]*$ ]]; then
		echo "run.sh: $v must be a positive integer, not '${!v}'" >&2
		exit 2
	fi
done
for v in duration warmup; do
	if ! [[ "${!v}" =~ ^[1-9][0-9]*[smh]?$ ]]; then
		echo "run.sh: $v must be a wrk duration such as 15s, not '${!v}'" >&2
		exit 2
	fi
done
((port + 2 <= 65535)) || { echo "run.sh: BENCH_PORT is too high" >&2; exit 2; }
((sample > projects)) && sample=$projects
for tool in go curl wrk /usr/sbin/nginx shuf awk diff pgrep getconf; do
	command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done

mkdir -p "$out"
out=$(cd "$out" && pwd)
run=$out/run
bin=$out/bin
json_type='application/vnd.pypi.simple.v1+json'
declare -A base=(
	[wharf-info]="http://127.0.0.1:$port"
	[wharf-warn]="http://127.0.0.1:$((port + 1))"
	[nginx]="http://127.0.0.1:$((port + 2))"
)
declare -A accept=([html]=text/html [json]=$json_type)

log() { printf '[%4ds] %s\n' $((SECONDS - started)) "$*" >&2; }

# Servers started here, by name; cleanup stops them on any exit.
declare -A pid=()
cleanup() {
	local name i
	for name in "${!pid[@]}"; do
		kill -TERM "${pid[$name]}" 2>/dev/null || continue
		for ((i = 0; i < 100; i++)); do
			kill -0 "${pid[$name]}" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "${pid[$name]}" 2>/dev/null || true
		wait "${pid[$name]}" 2>/dev/null || true
		unset "pid[$name]"
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# wait_up waits (at most 10 s) until url answers, failing if the server died.
wait_up() {
	local name=$1 url=$2 i
	for ((i = 0; i < 100; i++)); do
		kill -0 "${pid[$name]}" 2>/dev/null || { echo "run.sh: $name exited; see its log in $run" >&2; return 1; }
		curl -fsS --max-time 1 -o /dev/null "$url" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "run.sh: $url did not answer within 10 s" >&2
	return 1
}

# procs prints the server's process and its children (nginx's workers).
procs() { echo "${pid[$1]}" $(pgrep -P "${pid[$1]}" || true); }

# rss_kib prints the server's resident set (with its children), in KiB.
rss_kib() {
	local total=0 p kib
	for p in $(procs "$1"); do
		kib=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status" 2>/dev/null || true)
		total=$((total + ${kib:-0}))
	done
	echo "$total"
}

# cpu_ticks prints the server's user+system CPU time so far (with its
# children), in clock ticks: fields 14 and 15 of /proc/PID/stat, counted
# here after the ")" that ends the command name.
cpu_ticks() {
	local total=0 p t
	for p in $(procs "$1"); do
		t=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null | awk '{print $12 + $13}' || true)
		total=$((total + ${t:-0}))
	done
	echo "$total"
}

mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
seconds_since() { awk -v a="$1" -v b="$(date +%s%N)" 'BEGIN {printf "%.1f", (b - a) / 1e9}'; }

# fetch_all requests every path in the file once with the given Accept
# header, saving each reply as <dest><path>index.<ext> (or discarding it
# when dest is empty). One curl process does them all, 8 at a time over
# kept-alive connections.
fetch_all() {
	local url=$1 paths=$2 format=$3 dest=$4 cfg=$run/curl.cfg p got
	{
		echo 'fail'
		echo 'max-time = 30'
		echo "header = \"Accept: ${accept[$format]}\""
		while read -r p; do
			echo "url = \"$url$p\""
			if [[ -n "$dest" ]]; then
				echo "output = \"$dest${p}index.$format\""
			else
				echo 'output = "/dev/null"'
			fi
		done <"$paths"
	} >"$cfg"
	curl --no-progress-meter --create-dirs --parallel --parallel-max 8 --config "$cfg"
	if [[ -n "$dest" ]]; then
		got=$(find "$dest" -name "index.$format" | wc -l)
		((got == $(wc -l <"$paths"))) || { echo "run.sh: only $got of the pages in $paths were saved" >&2; return 1; }
	fi
}

# wrk_run runs one load test of a server in a format for a duration,
# keeping wrk's report in the file given and its CPU time (user and system
# seconds) beside it in FILE.time.
wrk_run() {
	local name=$1 format=$2 dur=$3 txt=$4 TIMEFORMAT='%U %S'
	{
		time wrk -t"$threads" -c"$connections" -d"$dur" --latency -s "$repo/bench/rotate.lua" "${base[$name]}" \
			-- "$run/paths.txt" "${accept[$format]}" >"$txt"
	} 2>"$txt.time"
}

# parse_wrk prints "requests/s p99_ms errors requests" from a wrk report.
parse_wrk() {
	awk '
		/^Requests\/sec:/ { rps = $2 }
		/ requests in / { reqs = $1 }
		$1 == "99%" {
			v = $2; unit = v; sub(/^[0-9.]+/, "", unit); n = v + 0
			if (unit == "us") n /= 1000; else if (unit == "s") n *= 1000; else if (unit == "m") n *= 60000
			p99 = n
		}
		/^  Non-2xx or 3xx responses:/ { errs += $NF }
		/^  Socket errors:/ { for (i = 3; i <= NF; i += 2) { x = $(i + 1); gsub(/,/, "", x); errs += x } }
		END { printf "%s %.3f %d %d\n", rps, p99, errs, reqs }' "$1"
}

# machine_ticks prints the busy and total CPU time of the whole machine so
# far, in clock ticks summed over its CPUs.
machine_ticks() {
	awk '$1 == "cpu" {busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6; exit}' /proc/stat
}

# measure runs one measured load test and appends its requests/s, p99, the
# server's CPU time per request and the share of the machine's CPU that
# neither the server nor wrk used (other work: noise) to the lists kept for
# the report.
declare -A rps=() p99=() cpu=() noise=()
clk_tck=$(getconf CLK_TCK)
measure() {
	local name=$1 format=$2 round=$3 key=$1-$2 txt=$run/wrk-$1-$2-$3.txt
	local r p e n c0 c1 b0 t0 b1 t1 c o
	c0=$(cpu_ticks "$name")
	read -r b0 t0 < <(machine_ticks)
	wrk_run "$name" "$format" "$duration" "$txt"
	read -r b1 t1 < <(machine_ticks)
	c1=$(cpu_ticks "$name")
	read -r r p e n < <(parse_wrk "$txt")
	if [[ -z "$r" ]] || ((e > 0 || n == 0)); then
		echo "run.sh: $key: ${e:-?} errors or no result; see $txt" >&2
		exit 1
	fi
	c=$(awk -v t=$((c1 - c0)) -v hz="$clk_tck" -v n="$n" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}')
	o=$(awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v s=$((c1 - c0)) -v hz="$clk_tck" -v w="$(cat "$txt.time")" \
		'BEGIN {split(w, x, " "); o = (b - s) / hz - x[1] - x[2]; if (o < 0) o = 0; printf "%.0f", (t > 0 ? 100 * o * hz / t : 0)}')
	rps[$key]+="$r "
	p99[$key]+="$p "
	cpu[$key]+="$c "
	noise[$key]+="$o "
	log "$key (round $round): $r req/s, p99 $p ms, server CPU $c us/request, other load $o%"
}

# median prints the median of its arguments (the lower one of an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# 1. Build.
log "building wharf and the generator"
mkdir -p "$bin"
go build -o "$bin/wharf" ./cmd/wharf
go build -o "$bin/gen" ./bench/gen

# 2. Data, cached by size.
wheels=$out/wheels-${projects}x${releases}
if [[ ! -d "$wheels" ]]; then
	log "generating $projects projects x $releases releases"
	rm -rf "$wheels.tmp"
	"$bin/gen" -out "$wheels.tmp" -projects "$projects" -releases "$releases" >&2
	mv "$wheels.tmp" "$wheels"
fi
files=$(find "$wheels" -maxdepth 1 -name '*.whl' | wc -l)
((files == projects * releases)) || { echo "run.sh: $wheels holds $files wheels, not $((projects * releases)); remove it" >&2; exit 1; }

# 3. A fresh wharf, and the timed import.
rm -rf "$run"
mkdir -p "$run"
data=$run/wharf-data
"$bin/wharf" user create bench --email bench@example.invalid --data "$data" 2>>"$run/cli.log"
log "importing $files wheels (--jobs $jobs)"
t0=$(date +%s%N)
"$bin/wharf" import "$wheels" --user bench --data "$data" --jobs "$jobs" --quiet >"$run/import.txt" 2>>"$run/cli.log"
import_wall=$(seconds_since "$t0")
summary=$(grep '^imported ' "$run/import.txt" | tail -1)
[[ "$summary" == *"failed 0,"* ]] || { echo "run.sh: import failed: $summary (see $run/import.txt)" >&2; exit 1; }
log "$summary; wall $import_wall s"

# The sample: random project names, the same ones on every run of a size.
width=$((${#projects} > 5 ? ${#projects} : 5))
seq 1 "$projects" | shuf -n "$sample" --random-source=<(yes 42) |
	awk -v w="$width" '{printf "/simple/bench-pkg-%0*d/\n", w, $1}' >"$run/paths.txt"

# 4. Two wharf servers over the imported data, differing in log level only.
for level in info warn; do
	name=wharf-$level
	WHARF_LOG_LEVEL=$level "$bin/wharf" serve --data "$data" --addr "${base[$name]#http://}" >"$run/$name.log" 2>&1 &
	pid[$name]=$!
	wait_up "$name" "${base[$name]}/_health"
done
log "wharf is serving at ${base[wharf-info]} (info) and ${base[wharf-warn]} (warn); saving the sample pages"
root=$run/nginx/root
fetch_all "${base[wharf-info]}" "$run/paths.txt" html "$root"
fetch_all "${base[wharf-info]}" "$run/paths.txt" json "$root"
fetch_all "${base[wharf-warn]}" "$run/paths.txt" html ""
fetch_all "${base[wharf-warn]}" "$run/paths.txt" json ""

# 5. nginx serving the same bytes, negotiating on Accept as wharf does.
prefix=$run/nginx
mkdir -p "$prefix/tmp"
{
	echo 'daemon off;'
	echo 'worker_processes 2;'
	echo "pid $prefix/nginx.pid;"
	echo "error_log $prefix/error.log warn;"
	if ((EUID == 0)); then echo "user $(id -un) $(id -gn);"; fi
	echo 'events { worker_connections 4096; }'
	echo 'http {'
	echo '  access_log off;'
	echo '  sendfile on;'
	echo '  tcp_nopush on;'
	echo '  tcp_nodelay on;'
	echo '  keepalive_timeout 120s;'
	echo '  keepalive_requests 1000000;'
	for t in client_body proxy fastcgi scgi uwsgi; do
		if ! /usr/sbin/nginx -V 2>&1 | grep -q -- "--without-http_${t}_module"; then
			echo "  ${t}_temp_path $prefix/tmp/$t;"
		fi
	done
	echo "  types { text/html html; $json_type json; }"
	echo '  default_type application/octet-stream;'
	echo '  charset utf-8;'
	echo '  map $http_accept $simple_index {'
	echo '    default index.html;'
	echo '    "~application/vnd\.pypi\.simple\.v1\+json" index.json;'
	echo '  }'
	echo '  server {'
	echo "    listen ${base[nginx]#http://};"
	echo "    root $root;"
	echo '    location /simple/ { try_files $uri$simple_index =404; }'
	echo '  }'
	echo '}'
} >"$prefix/nginx.conf"
/usr/sbin/nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/error.log" &
pid[nginx]=$!
wait_up nginx "${base[nginx]}$(head -1 "$run/paths.txt")"
check=$run/nginx-check
fetch_all "${base[nginx]}" "$run/paths.txt" html "$check"
fetch_all "${base[nginx]}" "$run/paths.txt" json "$check"
diff -rq "$root" "$check" >/dev/null || { echo "run.sh: nginx's replies differ from wharf's (diff -r $root $check)" >&2; exit 1; }
log "nginx is serving byte-identical copies at ${base[nginx]}"

# 6. The load: a warm-up of each server, then each format against each server
# in turn, for every round.
declare -A rss_before=() rss_after=()
servers=(wharf-info wharf-warn nginx)
for name in "${servers[@]}"; do
	rss_before[$name]=$(rss_kib "$name")
	wrk_run "$name" html "$warmup" "$run/wrk-$name-warmup.txt"
done
log_start=$(stat -c %s "$run/wharf-info.log")
for ((round = 1; round <= rounds; round++)); do
	for format in html json; do
		for name in "${servers[@]}"; do
			measure "$name" "$format" "$round"
		done
	done
done
log_bytes=$(($(stat -c %s "$run/wharf-info.log") - log_start))
for name in "${servers[@]}"; do
	rss_after[$name]=$(rss_kib "$name")
done

# 7. Memory with every page cached.
rss_full=
if [[ "$full_cache" == 1 ]]; then
	log "requesting all $projects projects in both forms from wharf (warn)"
	awk -v n="$projects" -v w="$width" 'BEGIN {for (i = 1; i <= n; i++) printf "/simple/bench-pkg-%0*d/\n", w, i}' >"$run/all-paths.txt"
	t0=$(date +%s%N)
	fetch_all "${base[wharf-warn]}" "$run/all-paths.txt" html ""
	fetch_all "${base[wharf-warn]}" "$run/all-paths.txt" json ""
	full_secs=$(seconds_since "$t0")
	rss_full=$(rss_kib wharf-warn)
fi
cleanup

# 8. The report.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
report() {
	local format name key vs r p c
	echo "wharf load benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "machine: $(nproc) CPUs ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)), $(go version | awk '{print $3}'), $(/usr/sbin/nginx -v 2>&1 | sed 's/^nginx version: //'), wrk $(wrk -v 2>&1 | awk 'NR == 1 {print $2}')"
	echo "data: $projects projects x $releases releases = $files wheels"
	echo "load: $sample random project pages in turn, wrk -t$threads -c$connections -d$duration --latency, $rounds round(s), median shown"
	echo "wrk and the servers share the machine's CPUs; nginx: worker_processes 2, access_log off, sendfile, keep-alive"
	echo
	echo "import: $summary"
	echo "import: wall time $import_wall s for $files files, including start-up"
	echo
	printf '%-16s %9s %8s %11s %15s %13s %13s %7s\n' run 'req/s' 'p99 ms' 'CPU us/req' 'req/s vs nginx' 'p99 vs nginx' 'CPU vs nginx' 'other'
	for format in html json; do
		vs=nginx-$format
		for name in "${servers[@]}"; do
			key=$name-$format
			r=$(median ${rps[$key]})
			p=$(median ${p99[$key]})
			c=$(median ${cpu[$key]})
			printf '%-16s %9.0f %8.2f %11.1f %14sx %12sx %12sx %6s%%\n' "$key" "$r" "$p" "$c" \
				"$(ratio "$r" "$(median ${rps[$vs]})")" "$(ratio "$p" "$(median ${p99[$vs]})")" "$(ratio "$c" "$(median ${cpu[$vs]})")" \
				"$(median ${noise[$key]})"
		done
	done
	echo
	for name in "${servers[@]}"; do
		echo "RSS $name: $(mib "${rss_before[$name]}") MiB after start and warm-up, $(mib "${rss_after[$name]}") MiB after the load"
	done
	if [[ -n "$rss_full" ]]; then
		echo "RSS wharf-warn with all $projects projects cached in both forms: $(mib "$rss_full") MiB (rendering them took $full_secs s)"
	fi
	echo "other: share of the machine's CPU used by neither the server nor wrk during the run (other work on the host: noise)"
	echo "access log of wharf-info: $(mib $((log_bytes / 1024))) MiB written during its measured runs"
	echo "run.sh took $((SECONDS - started)) s"
}
report | tee "$out/results.txt" "$out/results-${projects}x${releases}.txt"
