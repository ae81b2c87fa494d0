#!/usr/bin/env python3
"""Paths of benches/longtail.sh: distinct search requests made from a corpus's own words.

    longtail_paths.py CORPUS_DIR BASE_URL COUNT > paths.txt

Words (Cyrillic, 4+ letters, seen at least 3 times in the corpus) drawn by frequency make
single-word, two-word and three-word queries; about a third of the requests add a filter (a
year, an addressee role, an entry type, a document level, a region or a topic, values taken
from the served index's /api/facets). Every facet is counted. No path repeats.
"""

import collections
import json
import os
import random
import re
import sys
import urllib.parse
import urllib.request


def vocabulary(corpus):
    counts = collections.Counter()
    for name in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, name), encoding="utf-8", errors="replace") as f:
            counts.update(w.lower() for w in re.findall(r"[А-Яа-яЁё]{4,}", f.read()))
    return [(w, n) for w, n in counts.items() if n >= 3]


def main():
    corpus, base, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with urllib.request.urlopen(base + "/api/facets") as resp:
        facets = json.load(resp)
    facets = facets.get("counts", facets)
    words = vocabulary(corpus)
    population = [w for w, _ in words]
    # Frequency-weighted but flattened (square root): common and rare words both appear.
    weights = [n ** 0.5 for _, n in words]
    rnd = random.Random(2000)
    values = {
        "year": [f["value"] for f in facets.get("year", [])[:15]],
        "addressee": sorted({f["value"].split("/")[1] for f in facets.get("addressee", [])
                             if f["value"].count("/") >= 1 and f["value"].split("/")[1]}),
        "type": ["recommendation", "finding", "provision"],
        "level": ["federal", "regional", "municipal"],
        "region": [f["value"] for f in facets.get("region", [])[:40]],
        "topic": [f["value"] for f in facets.get("topic", [])[:40]],
    }
    values = {k: v for k, v in values.items() if v}
    seen = set()
    while len(seen) < count:
        n = rnd.choices([1, 2, 3], weights=[5, 4, 1])[0]
        params = [("q", " ".join(rnd.choices(population, weights=weights, k=n)))]
        if values and rnd.random() < 0.33:
            key = rnd.choice(sorted(values))
            params.append((key, rnd.choice(values[key])))
        path = "/api/search?" + urllib.parse.urlencode(params)
        if path not in seen:
            seen.add(path)
            print(path)


if __name__ == "__main__":
    main()
