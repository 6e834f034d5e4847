"""Load generator of bench/crm_ingest.sh (standard library only).

usage: python3 bench/crm_ingest.py BASE_URL LEADS CONNECTIONS_PER_VENDOR

Signs in as the seeded admin, makes 3 SALES agents (signup, role change, agent settings) and
4 vendors, then sends LEADS requests: 70 % new people, 30 % repeats of people sent earlier by
another vendor (the phone written +91 ...). 4 vendors x CONNECTIONS threads, each thread on
its own keep-alive connection. Prints the status counts, req/s and latency percentiles.
"""

import http.client
import json
import sys
import threading
import time
import urllib.parse

base, total, conns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
url = urllib.parse.urlparse(base)


def call(method, path, body=None, headers=None, conn=None):
    c = conn or http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    h = {"content-type": "application/json"}
    h.update(headers or {})
    c.request(method, path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    data = r.read()
    return r.status, (json.loads(data) if data else None)


_, login = call("POST", "/api/auth/login", {"email": "bench-admin@example.com", "password": "Quartz-Lantern-42-Bench"})
admin = {"authorization": "Bearer " + login["access_token"]}
for i in range(3):
    _, s = call("POST", "/api/auth/signup", {"email": f"agent{i}@example.com", "password": "Quartz-Lantern-42-Agent", "full_name": f"Agent {i}"})
    uid = s["user"]["id"]
    call("PATCH", f"/api/admin/users/{uid}", {"role": "SALES"}, admin)
    st, _ = call("PUT", f"/api/admin/crm/agents/{uid}", {"active": True, "capacity": 100000, "weight": 1}, admin)
    assert st == 200, st
keys = []
for v in range(4):
    _, made = call("POST", "/api/admin/vendors", {"name": f"bench-vendor-{v}"}, admin)
    keys.append(made["api_key"])

distinct = total * 7 // 10
# the request list: every person once, then repeats of earlier people; vendor by person
plan = [(n, False) for n in range(distinct)] + [((k * 7) % distinct, True) for k in range(total - distinct)]
size = len(plan)
plan.sort(key=lambda p: (p[0] * 7919 + (1 if p[1] else 0)) % size)


def body(n, repeat):
    phone = f"98{10_000_000 + n:08d}"
    if repeat:
        return {"full_name": f"Again {n}", "phone": "+91 " + phone, "source": "bench"}
    return {"full_name": f"Person {n}", "phone": phone, "email": f"person{n}@example.com", "source": "bench"}


lock = threading.Lock()
latencies, statuses = [], {}
cursor = [0]


def worker(vendor):
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    while True:
        with lock:
            if cursor[0] >= len(plan):
                return
            n, repeat = plan[cursor[0]]
            cursor[0] += 1
        key = keys[(n + (1 if repeat else 0)) % 4] if vendor is None else keys[vendor]
        t = time.perf_counter()
        st, _ = call("POST", "/api/v1/vendor/leads", body(n, repeat), {"x-api-key": key}, conn)
        dt = time.perf_counter() - t
        with lock:
            latencies.append(dt)
            statuses[st] = statuses.get(st, 0) + 1


threads = [threading.Thread(target=worker, args=(None,)) for _ in range(4 * conns)]
start = time.perf_counter()
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.perf_counter() - start
latencies.sort()


def pct(p):
    return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000


print(f"== POST /api/v1/vendor/leads: {len(latencies)} requests, 4 vendors x {conns} connections, {total - distinct} repeats")
print(f"statuses {dict(sorted(statuses.items()))}")
print(f"{len(latencies) / elapsed:.0f} req/s over {elapsed:.1f} s")
print(f"latency p50 {pct(0.50):.1f} ms  p90 {pct(0.90):.1f} ms  p99 {pct(0.99):.1f} ms  max {latencies[-1] * 1000:.1f} ms")
