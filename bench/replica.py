"""One replica of the many-replica benchmark: a process of its own (its own runtime, gateway and in-process
cache), sharing the database and Redis with the others, running N sessions of a page under AppTest.

    python -m bench.replica --url URL --redis-url URL --prefix P --sessions N [--page P] [--query JSON]

It answers on stdout, one line per command read on stdin (lines starting with "@@ "):
    cycle T   every session reruns at once with the gateway's clock at T (epoch seconds) → {"statements": n, ...}
    quit      ends
Run by bench.harness.replicated_statements; not the product."""

from __future__ import annotations

import argparse
import json
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.replica")
    parser.add_argument("--url", required=True)
    parser.add_argument("--redis-url", default=None)
    parser.add_argument("--prefix", default="cockpit-bench")
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--page", default=None)
    parser.add_argument("--query", default="{}")
    args = parser.parse_args(argv)
    if args.redis_url:
        os.environ["COCKPIT_REDIS_URL"] = args.redis_url
        os.environ["COCKPIT_REDIS_PREFIX"] = args.prefix
    else:
        os.environ.pop("COCKPIT_REDIS_URL", None)

    from bench.harness import Bench

    bench = Bench(args.url, shared=bool(args.redis_url))
    query = json.loads(args.query) or None
    sessions = [bench._session(args.page, query) for _ in range(args.sessions)]
    print("@@ " + json.dumps({"ready": True, "shared": bench.gateway.shared is not None}), flush=True)
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        if command[0] == "cycle":
            now = float(command[1])
            bench.gateway.clock = lambda: now
            before, adopted = bench.gateway.executions, bench.gateway.adopted
            try:
                bench._run_together(sessions)
                answer = {"statements": bench.gateway.executions - before,
                          "adopted": bench.gateway.adopted - adopted}
            except RuntimeError as exc:
                answer = {"error": str(exc)[:300]}
            print("@@ " + json.dumps(answer), flush=True)
    bench.gateway.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
