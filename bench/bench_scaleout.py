"""The same simulated class on 1 worker, then on 2 workers behind HAProxy (scripts/serve.sh).

    flock /tmp/heavy.lock .venv/bin/python bench/bench_scaleout.py --students 4 --seconds 30

For each worker count, serve.sh starts the workers and the proxy on 127.0.0.1 (free ports), and
bench/bench_classroom.py --server-url plays the students through the proxy; its two reports are
printed one after the other (compare "epochs/s all students together"). Server CPU and memory
show nan there: the students go to the proxy, not to one server process. A report, not a test.
"""

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from browser_support import serve_classroom  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", default="4")
    parser.add_argument("--seconds", default="30")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare")
    args = parser.parse_args()
    for workers in [int(w) for w in args.workers.split(",")]:
        with serve_classroom(workers=workers) as classroom:
            report = subprocess.run(
                [sys.executable, str(ROOT / "bench/bench_classroom.py"), "--server-url",
                 classroom.url, "--students", args.students, "--seconds", args.seconds],
                capture_output=True, text=True, timeout=900)
            print(f"=== {workers} worker(s) behind the proxy ===\n{report.stdout}{report.stderr}",
                  flush=True)


if __name__ == "__main__":
    main()
