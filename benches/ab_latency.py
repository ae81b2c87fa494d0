#!/usr/bin/env python3
"""Per-query latency of two running servers of the same index, side by side.

    ab_latency.py URL_A URL_B [QUERY ...]
    ab_latency.py URL_A URL_B --scale        # the 44 URLs of scale_client.py (filters, pages)

Sends each query (default: the plain queries of scale_client.py) to A and B in turn, `ROUNDS`
times (env, default 7), on one keep-alive connection each, and prints the median of each side per
query and the sums. Start both servers with the caches off (`serve --cache-mb 0 --match-cache-mb
0`) on copies of one index, e.g. an old and a new release binary:

    old/edusearch --index /tmp/i1 serve --addr 127.0.0.1:18201 --cache-mb 0 --match-cache-mb 0 &
    new/edusearch --index /tmp/i2 serve --addr 127.0.0.1:18202 --cache-mb 0 --match-cache-mb 0 &
    benches/ab_latency.py http://127.0.0.1:18201 http://127.0.0.1:18202
"""

import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scale_client import QUERIES, urls  # noqa: E402


def connect(url):
    parts = urllib.parse.urlsplit(url)
    return http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)


def timed(conn, query):
    path = query if query.startswith("/") else "/api/search?" + urllib.parse.urlencode({"q": query})
    start = time.perf_counter()
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"{query!r}: HTTP {response.status}")
    return (time.perf_counter() - start) * 1000


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    a, b = connect(sys.argv[1]), connect(sys.argv[2])
    queries = sys.argv[3:] or QUERIES
    if queries == ["--scale"]:
        a.request("GET", "/api/facets")
        facets = json.loads(a.getresponse().read())
        queries = urls(facets.get("counts", facets) if isinstance(facets, dict) else facets)
    rounds = int(os.environ.get("ROUNDS", "7"))
    total_a = total_b = 0.0
    for q in queries:
        ta, tb = [], []
        for _ in range(rounds):
            ta.append(timed(a, q))
            tb.append(timed(b, q))
        ma, mb = statistics.median(ta), statistics.median(tb)
        total_a += ma
        total_b += mb
        print(f"{ma:8.1f} {mb:8.1f}  {urllib.parse.unquote(q)}")
    change = (total_b / total_a - 1) * 100 if total_a else 0.0
    print(f"sum {total_a:.1f} ms (A) {total_b:.1f} ms (B), B - A = {change:+.1f} %")


if __name__ == "__main__":
    main()
