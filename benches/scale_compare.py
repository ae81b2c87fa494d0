#!/usr/bin/env python3
"""Compares the answers of two servers of the same index to the queries of scale_client.py.

    scale_compare.py REFERENCE_PORT OTHER_PORT

For each of the 44 search URLs of benches/scale_client.py (every facet on): whether the totals
and facet counts are identical, whether the pages (ids) are identical, the share of the
reference page found on the other, and whether the pages' score lists agree. Used to compare
a binary with an older one (or the two-pass search with the exhaustive one) at scale.
"""

import http.client
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale_client  # noqa: E402


def get(port, path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    return json.loads(conn.getresponse().read())


def main():
    ref, other = int(sys.argv[1]), int(sys.argv[2])
    facets = get(ref, "/api/facets")
    if isinstance(facets, dict) and "counts" in facets:
        facets = facets["counts"]
    paths = scale_client.urls(facets)
    counts = pages = scores = 0
    overlaps = []
    for p in paths:
        a, b = get(ref, p), get(other, p)
        counts += (a["total"], a["facets"]) == (b["total"], b["facets"])
        ia, ib = [h["id"] for h in a["hits"]], [h["id"] for h in b["hits"]]
        sa = [round(h["score"], 4) for h in a["hits"]]
        sb = [round(h["score"], 4) for h in b["hits"]]
        pages += ia == ib
        scores += sa == sb
        overlaps.append(len(set(ia) & set(ib)) / max(1, len(ia)))
        if sa != sb:
            print(f"  {urllib.parse.unquote(p)[:70]}: scores {sa[:3]}… vs {sb[:3]}…")
    print(f"RESULT queries={len(paths)} identical_counts={counts} identical_pages={pages} "
          f"identical_scores={scores} mean_overlap={sum(overlaps) / len(overlaps):.3f}")


if __name__ == "__main__":
    main()
