#!/usr/bin/env bash
# Serve the app to a whole class: K app processes behind HAProxy, each student kept on the
# process that holds their run (sticky cookie). See "Classroom server" in the README.
#
#   bash scripts/serve.sh --workers K [--port P] [--address A] [--backend HOST:PORT]...
#
# Starts K `streamlit run` processes on 127.0.0.1, ports P+1 ... P+K, and HAProxy on port P
# (default 8501) in front of them and of every --backend (an app process started on another
# machine). Installs Debian's haproxy if it is missing, and the app's deps in .venv as
# scripts/run.sh does. Ctrl-C (or TERM) stops HAProxy and every worker.
#   --workers K       local app processes (default: one per core); 0 with --backend
#   --address A       the proxy listens on A only (default: every interface)
#   --python PY       run workers with this Python instead of preparing .venv
#   --print-config    print the HAProxy configuration that would be used, start nothing
#   -- ARGS           everything after -- goes to each local worker's `streamlit run`
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

die() { echo "serve.sh: $*" >&2; exit 2; }

workers=$(nproc) port=8501 address="" python="" print_config=0 backends=() extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --print-config) print_config=1; shift; continue ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  esac
  option="${1%%=*}"
  if [[ "$1" == *=* ]]; then value="${1#*=}"; shift
  else [ $# -ge 2 ] || die "$option needs a value"; value="$2"; shift 2; fi
  case "$option" in
    --workers) workers="$value" ;;
    --port) port="$value" ;;
    --address) address="$value" ;;
    --backend) backends+=("$value") ;;
    --python) python="$value" ;;
    *) die "unknown option $option (see --help)" ;;
  esac
done

[[ "$workers" =~ ^[0-9]+$ ]] || die "--workers wants a whole number (got '$workers')"
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1 ] && [ $((port + workers)) -le 65535 ] \
  || die "--port wants a port number, with room for the workers after it (got '$port')"
for backend in "${backends[@]}"; do
  [[ "$backend" =~ ^[A-Za-z0-9._-]+:[0-9]+$ ]] \
    || die "--backend wants HOST:PORT, e.g. 192.168.1.20:8501 (got '$backend')"
done
[ "$workers" -gt 0 ] || [ ${#backends[@]} -gt 0 ] || die "nothing to serve: --workers 0 and no --backend"

# The one server list: the local workers first, then the other machines' processes. Each is
# named w1, w2, ... and that name is the value of its students' SERVERID cookie.
servers=() worker_ports=()
for ((i = 1; i <= workers; i++)); do
  worker_ports+=($((port + i)))
  servers+=("127.0.0.1:$((port + i))")
done
servers+=("${backends[@]}")
server_lines=""
for i in "${!servers[@]}"; do
  server_lines+="    server w$((i + 1)) ${servers[i]} cookie w$((i + 1))"$'\n'
done
config=$(<scripts/haproxy.cfg.in)
config="${config//@BIND@/"${address}:${port}"}"
config="${config//@SERVERS@/"${server_lines%$'\n'}"}"
if [ "$print_config" -eq 1 ]; then printf '%s\n' "$config"; exit 0; fi

listening() { (: <>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
healthy() {  # the worker on port $1 answers its health check with "ok"
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$1" \
            && printf 'GET /_stcore/health HTTP/1.0\r\n\r\n' >&3 && timeout 3 cat <&3) 2>/dev/null) \
    || return 1
  [[ "$reply" == *$'\r\n\r\nok' ]]
}
for p in "$port" "${worker_ports[@]}"; do
  ! listening "$p" || die "port $p is already in use (choose another with --port)"
done

install_missing_packages "/usr/sbin/haproxy:haproxy"
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
if [ -z "$python" ] && [ "$workers" -gt 0 ]; then
  prepare_venv requirements.txt
  python=.venv/bin/python
fi

tmp=$(mktemp -d -t playground-serve.XXXXXX)
children=()
stop_all() {
  trap - EXIT INT TERM
  local pid waited=0
  for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${children[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$tmp"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

printf '%s\n' "$config" >"$tmp/haproxy.cfg"
"$haproxy" -c -q -f "$tmp/haproxy.cfg" || { echo "serve.sh: haproxy rejected $tmp/haproxy.cfg" >&2; exit 1; }

for i in "${!worker_ports[@]}"; do
  p=${worker_ports[i]}
  "$python" -m streamlit run streamlit_app.py --server.headless=true --server.address=127.0.0.1 \
    --server.port="$p" --server.fileWatcherType=none --browser.gatherUsageStats=false \
    "${extra[@]}" >"$tmp/w$((i + 1)).log" 2>&1 &
  children+=($!)
  echo "worker w$((i + 1)): pid $! on 127.0.0.1:$p, log $tmp/w$((i + 1)).log"
done

deadline=$((SECONDS + 120))
for i in "${!worker_ports[@]}"; do
  until healthy "${worker_ports[i]}"; do
    if ! kill -0 "${children[i]}" 2>/dev/null; then
      echo "serve.sh: worker w$((i + 1)) stopped while starting:" >&2
      cat "$tmp/w$((i + 1)).log" >&2
      exit 1
    fi
    [ $SECONDS -lt $deadline ] || { echo "serve.sh: worker w$((i + 1)) not healthy after 120 s" >&2; exit 1; }
    sleep 0.3
  done
done

# In the foreground (-db): HAProxy's notices, e.g. "Server app/w2 is DOWN", go to this terminal.
"$haproxy" -db -f "$tmp/haproxy.cfg" &
children+=($!)
echo "haproxy: pid $! on ${address:-every interface}, port $port, for ${#servers[@]} app processes"
echo "Serving on http://${address:-localhost}:$port/ (Ctrl-C stops everything)"
wait "${children[-1]}"
