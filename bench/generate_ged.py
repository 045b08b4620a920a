"""Write a UCDP-GED-shaped CSV of N invented rows, for measuring `kgtool import ucdp-ged` (issue 12).

The columns are GED's (kgtool.importers.ucdp_ged.COLUMNS, the codebook's order); the values are
random but well formed and seeded, so the same --rows and --seed give the same bytes. Like the
real file: a few hundred conflicts and dyads, about twice as many actors, governments with
their Gleditsch-Ward codes, one-sided rows without a side B code, date ranges, all seven
location precisions, zero and non-zero deaths by side, and source fields that need CSV quoting
(commas, doubled quotes, newlines) and non-ASCII place names. Nothing here is UCDP data.

    python bench/generate_ged.py --rows 10000 --seed 1 -o ged-10k.csv
    kgtool init h && /usr/bin/time -f '%e s %M KB' kgtool --home h import ucdp-ged ged-10k.csv --release 24.1
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from datetime import date, timedelta

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1] / "src"))
from kgtool.importers.ucdp_ged import COLUMNS  # noqa: E402

# Real Gleditsch-Ward codes and names (the crosswalk links 371 and 373; 365 and 640 carry several ids)
STATES = [(371, "Armenia"), (373, "Azerbaijan"), (365, "Russia (Soviet Union)"), (640, "Turkey"), (630, "Iran"),
          (652, "Syria"), (645, "Iraq"), (700, "Afghanistan"), (770, "Pakistan"), (750, "India"), (475, "Nigeria"),
          (500, "Uganda"), (490, "DR Congo (Zaire)"), (520, "Somalia"), (625, "Sudan"), (100, "Colombia"),
          (70, "Mexico"), (369, "Ukraine"), (372, "Georgia"), (703, "Kyrgyzstan")]  # fmt: skip
PLACES = ["Xankəndi", "Şuşa", "Gəncə", "Yerevan", "Gyumri", "Kirovohrad", "Kraków", "São Tomé", "Zürich", "Tiḍḍas",
          "Mosul", "Kandahar", "Goma", "Beledweyne", "El Fasher", "Medellín", "Culiacán", "Tbilisi", "Osh", "Ağdam"]  # fmt: skip
OFFICES = ["Example Wire", "Example Daily", "Regional Radio", "NGO report", "Ministry statement"]


def generate(rows: int, seed: int, out) -> None:
    rng = random.Random(seed)
    w = csv.writer(out, lineterminator="\n")
    w.writerow(COLUMNS)
    n_conflicts = max(3, min(400, rows // 800 + 3))
    conflicts = []
    for c in range(n_conflicts):
        violence = rng.choices((1, 2, 3), weights=(6, 2, 2))[0]
        gw, state = STATES[c % len(STATES)]
        a_id, b_id = 10000 + 2 * c, 10001 + 2 * c
        group_a, group_b = f"Generated Front {a_id}", f"Generated Brigade {b_id}"
        if violence == 1:  # a government against a rebel group
            side_a, gwa, side_b, gwb, a_id = f"Government of {state}", gw, group_b, "", 1000 + gw
            name = f"{state}: Generated Front {c}"
        elif violence == 2:
            side_a, gwa, side_b, gwb = group_a, "", group_b, ""
            name = f"{group_a} - {group_b}"
        else:  # one-sided: the actor and the civilians, no side B code
            side_a, gwa, side_b, gwb, b_id = group_a, "", "Civilians", "", ""
            name = f"{group_a} - civilians"
        conflicts.append((violence, 20000 + c, 30000 + c, name, a_id, side_a, gwa, b_id, side_b, gwb, state, gw))
    start = date(1989, 1, 1)
    for i in range(rows):
        violence, cid, did, name, a_id, side_a, gwa, b_id, side_b, gwb, country, gw = rng.choice(conflicts)
        first = start + timedelta(days=rng.randrange(35 * 365))
        date_prec = rng.choices((1, 2, 3, 4, 5), weights=(70, 10, 8, 8, 4))[0]
        last = first + timedelta(days={1: 0, 2: rng.randrange(1, 6), 3: 6, 4: rng.randrange(7, 30), 5: rng.randrange(31, 365)}[date_prec])
        deaths = {k: rng.choices((0, rng.randrange(1, 40)), weights=(2, 1))[0] for k in ("a", "b", "civ", "unk")}
        if violence == 3:
            deaths["b"] = 0
        best = sum(deaths.values())
        low = max(0, best - rng.randrange(0, 3))
        high = best + rng.randrange(0, 10)
        place = rng.choice(PLACES)
        lat, lon = rng.uniform(-40, 60), rng.uniform(-100, 120)
        office = rng.choice(OFFICES)
        article = f'{office},{first.isoformat()},"{place}: {best} killed, officials say"'
        if rng.random() < 0.1:
            article += f"\n{rng.choice(OFFICES)},{last.isoformat()},Follow-up report"
        values = {
            "id": 1_000_000 + i, "relid": f"GEN-{first.year}-{violence}-{did}-{i}", "year": first.year, "active_year": 1,
            "code_status": "Clear", "type_of_violence": violence, "conflict_dset_id": cid, "conflict_new_id": cid,
            "conflict_name": name, "dyad_dset_id": did, "dyad_new_id": did, "dyad_name": f"{side_a} - {side_b}",
            "side_a_dset_id": a_id, "side_a_new_id": a_id, "side_a": side_a, "side_b_dset_id": b_id, "side_b_new_id": b_id,
            "side_b": side_b, "number_of_sources": rng.randrange(1, 4), "source_article": article, "source_office": office,
            "source_date": first.isoformat(), "source_headline": f"{place}: {best} killed, officials say", "source_original": "",
            "where_prec": rng.randrange(1, 8), "where_coordinates": f"{place} town" if rng.random() < 0.7 else "",
            "where_description": "", "adm_1": f"{place} province", "adm_2": "", "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}",
            "geom_wkt": f"POINT ({lon:.4f} {lat:.4f})", "priogrid_gid": rng.randrange(1, 259200), "country": country,
            "country_id": gw, "region": "Generated", "event_clarity": rng.choice((1, 2)), "date_prec": date_prec,
            "date_start": f"{first.isoformat()} 00:00:00.000", "date_end": f"{last.isoformat()} 00:00:00.000",
            "deaths_a": deaths["a"], "deaths_b": deaths["b"], "deaths_civilians": deaths["civ"], "deaths_unknown": deaths["unk"],
            "best": best, "high": high, "low": low, "gwnoa": gwa, "gwnob": gwb,
        }  # fmt: skip
        w.writerow([values[c] for c in COLUMNS])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10000, help="how many rows (default 10000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", "--output", help="file to write (default: standard output)")
    args = ap.parse_args()
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as f:
            generate(args.rows, args.seed, f)
    else:
        generate(args.rows, args.seed, sys.stdout)


if __name__ == "__main__":
    main()
