#!/usr/bin/env python3
"""Latency of one authenticated request (GET /api/modules) on two hosts, alternating, to compare builds.

Usage: scripts/measure-key-lookup.py URL_A URL_B KEY [N]
Start two hosts (e.g. two builds) on empty data folders with TANDEM_BOOTSTRAP_API_KEY=KEY first.
"""
import http.client, statistics, sys, time
from urllib.parse import urlparse

def connect(url):
    u = urlparse(url)
    return http.client.HTTPConnection(u.hostname, u.port)

def one(conn, headers):
    started = time.perf_counter()
    conn.request("GET", "/api/modules", headers=headers)
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"GET /api/modules answered {response.status}")
    return (time.perf_counter() - started) * 1e6

def main():
    url_a, url_b, key = sys.argv[1:4]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 3000
    headers = {"Authorization": "Bearer " + key}
    a, b = connect(url_a), connect(url_b)
    for _ in range(300):  # warm-up
        one(a, headers); one(b, headers)
    times_a, times_b = [], []
    for _ in range(n):  # alternating, so that the machine's load falls on both alike
        times_a.append(one(a, headers)); times_b.append(one(b, headers))
    for name, times in ((url_a, times_a), (url_b, times_b)):
        times.sort()
        print(f"{name}: median {statistics.median(times):.0f} us, mean {statistics.mean(times):.0f} us, p90 {times[int(len(times) * .9)]:.0f} us")

main()
