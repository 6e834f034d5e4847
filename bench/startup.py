#!/usr/bin/env python3
"""Exec-to-first-200 of GET /api/health on an already-migrated database, and idle RSS.

Usage: python3 bench/startup.py [path/to/gateway] [runs]
Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/mas_bench),
             REDIS_URL (default redis://127.0.0.1:6379).
"""
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/gateway"
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
env = dict(os.environ)
env.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mas_bench"))
env.setdefault("REDIS_URL", "redis://127.0.0.1:6379")
env["RUST_LOG"] = "warn"
env["HOST"] = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_200(port, deadline):
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.002)
    return False


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


# one boot to create + migrate + seed the database, so every timed run is "already migrated"
subprocess.run([binary, "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
subprocess.run([binary, "seed"], env=env, check=True, stdout=subprocess.DEVNULL)

times, rss = [], []
for _ in range(runs):
    port = free_port()
    run_env = dict(env, PORT=str(port))
    start = time.monotonic()
    proc = subprocess.Popen([binary, "serve"], env=run_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = first_200(port, start + 10)
    elapsed = time.monotonic() - start
    if not ok:
        proc.kill()
        sys.exit("gateway did not answer 200 within 10 s")
    times.append(elapsed * 1000)
    time.sleep(2)  # idle
    rss.append(rss_kib(proc.pid))
    proc.terminate()
    proc.wait(timeout=15)

print(f"runs: {runs}")
print(f"exec -> first 200 /api/health (ms): median {statistics.median(times):.1f}, "
      f"min {min(times):.1f}, max {max(times):.1f}")
print(f"idle RSS after 2 s (MiB): median {statistics.median(rss) / 1024:.1f}, "
      f"min {min(rss) / 1024:.1f}, max {max(rss) / 1024:.1f}")
