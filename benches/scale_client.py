#!/usr/bin/env python3
"""Client of benches/scale.sh: sends a fixed list of cold queries with every facet on.

    scale_client.py BASE_URL SERVER_PID

Builds 44 distinct search URLs (broad and narrow queries, with and without filters drawn from
the served index's own facet values, every facet on), sends each twice in an interleaved order
(all once, then all again), one at a time on one keep-alive connection, and prints each URL's
median latency and a RESULT line: p50/p90/p99/max over all requests and the server's CPU time
per request (from /proc/PID/stat). Every answer must be 200.
"""

import http.client
import json
import os
import random
import statistics
import sys
import time
import urllib.parse

QUERIES = [
    "обеспечить", "образование", "дополнительное образование детей", "школа",
    "наставничество", "функциональной грамотности", "методическое сопровождение",
    "\"цифровой образовательной среды\"", "педагогов", "ВСОКО", "обеспечить -школ",
    "профориентация", "родителей", "мониторинг качества", "до 2022 года",
    "рабочие программы воспитания", "инклюзивного образования", "молодых педагогов",
    "детей с ОВЗ", "точка роста",
]


def percentile(values, p):
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def urls(facets):
    rnd = random.Random(15)
    years = [f["value"] for f in facets.get("year", [])[:12]]
    roles = sorted({v["value"].split("/")[1] for v in facets.get("addressee", [])[:200]
                    if v["value"].count("/") >= 1 and v["value"].split("/")[1]})
    topics = [f["value"] for f in facets.get("topic", [])[:30]]
    regions = [f["value"] for f in facets.get("region", [])[:40]]
    out = []
    for q in QUERIES:  # every query alone: the broad cost
        out.append([("q", q)])
    for i in range(24):  # the same queries with filters, narrow and wide
        params = [("q", QUERIES[i % len(QUERIES)])]
        kind = i % 6
        if kind in (0, 3) and years:
            params.append(("year", rnd.choice(years)))
        if kind in (1, 3) and roles:
            params.append(("addressee", rnd.choice(roles)))
        if kind == 2 and topics:
            params.append(("topic", rnd.choice(topics)))
        if kind == 4 and regions:
            params.append(("region", rnd.choice(regions)))
        if kind == 5:
            params += [("year_from", "2018"), ("year_to", "2022"), ("type", "recommendation"),
                       ("offset", "20")]
        out.append(params)
    return ["/api/search?" + urllib.parse.urlencode(p) for p in out]


def main():
    base, pid = sys.argv[1], int(sys.argv[2])
    host = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=120)

    def get(path):
        conn.request("GET", path)
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            sys.exit(f"scale_client: {resp.status} for {path}: {body[:200]!r}")
        return body

    facets = json.loads(get("/api/facets"))
    if isinstance(facets, dict) and "counts" in facets:
        facets = facets["counts"]
    paths = urls(facets)
    times = {p: [] for p in paths}
    cpu0 = cpu_seconds(pid)
    for _ in range(2):
        for p in paths:
            start = time.perf_counter()
            get(p)
            times[p].append((time.perf_counter() - start) * 1000)
    cpu = cpu_seconds(pid) - cpu0
    everything = [t for ts in times.values() for t in ts]
    slowest = sorted(paths, key=lambda p: -statistics.median(times[p]))[:5]
    for p in slowest:
        print(f"  {statistics.median(times[p]):7.1f} ms  {urllib.parse.unquote(p)}")
    print(f"RESULT requests={len(everything)} distinct={len(paths)} "
          f"p50_ms={percentile(everything, 50):.1f} p90_ms={percentile(everything, 90):.1f} "
          f"p99_ms={percentile(everything, 99):.1f} max_ms={max(everything):.1f} "
          f"cpu_ms_per_request={cpu * 1000 / len(everything):.1f}")


if __name__ == "__main__":
    main()
