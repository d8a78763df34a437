#!/usr/bin/env python3
"""How far each localizer box lies from its neighbours' along the series (docs/validation.md).

  trainer/scripts/box-track.py SET:GRADE_JSON [SET:GRADE_JSON ...]

SET is a folder with labels.csv, GRADE_JSON a `cordwatch grade --json` document of it graded with the
localizer. For every boxed slice with at least two boxed neighbours (up to two each side in
slice-position order): the offset of its box centre from the neighbours' median centre, in units of
their median box width and height, and |log2| of its area over their median area. Split by whether
the box meets the labelled canal (IoU >= 0.5), with how many of each a few cut-offs would flag: a
check for a rule that drops boxes off the canal's track. Nothing is graded. Standard library only.
"""
import csv
import json
import math
import statistics
import sys

K = 2
CUTS = [(0.5, 1.0), (1.0, 1.0), (0.5, 0.75)]


def iou(a, b):
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union else 0.0


def corners(b):
    return [b["x0"], b["y0"], b["x1"], b["y1"]]


def rows(setdir, path):
    with open(setdir + "/labels.csv") as f:
        labels = {r["sop_instance_uid"]: r for r in csv.DictReader(f)}
    out = []
    for study in json.load(open(path))["studies"]:
        for se in study["series"]:
            boxed = sorted((s for s in se.get("slices") or []
                            if s.get("box") and s.get("slice_position") is not None),
                           key=lambda s: s["slice_position"])
            for i, s in enumerate(boxed):
                nb = [corners(n["box"]) for n in boxed[max(0, i - K):i] + boxed[i + 1:i + 1 + K]]
                if len(nb) < 2:
                    continue
                b = corners(s["box"])
                w = statistics.median(n[2] - n[0] for n in nb)
                h = statistics.median(n[3] - n[1] for n in nb)
                cx = statistics.median((n[0] + n[2]) / 2 for n in nb)
                cy = statistics.median((n[1] + n[3]) / 2 for n in nb)
                off = math.hypot(((b[0] + b[2]) / 2 - cx) / w, ((b[1] + b[3]) / 2 - cy) / h)
                area = abs(math.log2((b[2] - b[0]) * (b[3] - b[1]) / (w * h)))
                lab = labels.get(s["sop_instance_uid"])
                hit = None if lab is None else iou(b, [int(lab[k]) for k in ("x0", "y0", "x1", "y1")]) >= 0.5
                out.append((hit, lab is not None and lab["grade"] in ("1c", "2", "3"), off, area))
    return out


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))] if v else float("nan")


def main():
    if len(sys.argv) < 2 or any(":" not in a for a in sys.argv[1:]):
        sys.exit(__doc__.split("\n\n")[1].strip())
    r = [x for a in sys.argv[1:] for x in rows(*a.split(":", 1))]
    print("| box | slices | offset p50 / p90 / p99 | abs log2 area p50 / p90 / p99 | "
          + " | ".join(f"flagged at offset > {o} or area > {a}" for o, a in CUTS) + " |")
    print("|---|---|---|---|" + "---|" * len(CUTS))
    for hit, name in ((True, "on the canal"), (False, "off the canal"), (None, "unlabelled slice")):
        s = [x for x in r if x[0] is hit]
        if not s:
            continue
        o = " / ".join(f"{pct([x[2] for x in s], p):.2f}" for p in (.5, .9, .99))
        a = " / ".join(f"{pct([x[3] for x in s], p):.2f}" for p in (.5, .9, .99))
        flags = [sum(1 for x in s if x[2] > co or x[3] > ca) for co, ca in CUTS]
        high = [sum(1 for x in s if x[1] and (x[2] > co or x[3] > ca)) for co, ca in CUTS]
        nh = sum(1 for x in s if x[1])
        cells = " | ".join(f"{f} ({hh} of {nh} high grade)" for f, hh in zip(flags, high))
        print(f"| {name} | {len(s)} | {o} | {a} | {cells} |")


if __name__ == "__main__":
    main()
