#!/usr/bin/env python3
"""Would two bundles together grade better than either? An offline check on validate.sh outputs.

  trainer/scripts/ensemble-phigh.py DATA VAL_A VAL_B

VAL_A and VAL_B are validate.sh output folders of two bundles over the same DATA sets (the
"supplied" grade documents are read: reference canal boxes, so the localizer does not differ).
Per slice it combines the two P(high) values (each bundle alone, their mean, their minimum), fits
the two thresholds the way a bundle gets them, on val-rand only (the largest P(high) threshold that
keeps slice sensitivity >= 0.95; the confident band: the smallest cut at or above it with
precision >= 0.85), and prints per set "AC1/N": the high/low AC1 (Gwet) at the threshold and N, the
low-grade reference slices (0, 1a, 1b) at or above the confident cut (confident false alarms; on the
real normal set all are grade 0). Standard library only.
"""
import csv
import json
import os
import sys

HIGH = {"1c", "2", "3"}
SETS = ["val-rand", "hold-artefact", "hold-contrast", "hold-anatomy", "hold-texture",
        "hold-level", "real-test", "real-test-normal", "real-train"]


def p_high(folder, s):
    doc = json.load(open(os.path.join(folder, s + "-supplied.grade.json")))
    out = {}
    for study in doc["studies"]:
        for series in study["series"]:
            for sl in series.get("slices") or []:
                if sl.get("status") == "graded":
                    out[sl["sop_instance_uid"]] = sl["p_high"]
    return out


def reference(data, s):
    with open(os.path.join(data, s, "labels.csv")) as f:
        return {r["sop_instance_uid"]: r["grade"] in HIGH for r in csv.DictReader(f)}


def ac1(y, c):
    n = len(y)
    pa = sum(a == b for a, b in zip(y, c)) / n
    q = (sum(y) / n + sum(c) / n) / 2
    pe = 2 * q * (1 - q)
    return (pa - pe) / (1 - pe) if pe < 1 else 1.0


def combined(data, runs, s, how):
    ref = reference(data, s)
    ps = [p_high(r, s) for r in runs]
    keys = [k for k in ref if all(k in p for p in ps)]
    pick = {"A": lambda v: v[0], "B": lambda v: v[1], "mean": lambda v: sum(v) / len(v),
            "min": min}[how]
    return [ref[k] for k in keys], [pick([p[k] for p in ps]) for k in keys]


def fit(data, runs, how):
    y, p = combined(data, runs, "val-rand", how)
    pos = sorted(v for v, t in zip(p, y) if t)
    t = pos[int(len(pos) * 0.05)] if pos else 0.5  # keeps >= 95 % of the high slices
    cut = 1.0
    for c in sorted(set(p)):
        if c < t:
            continue
        called = [yy for yy, pp in zip(y, p) if pp >= c]
        if called and sum(called) / len(called) >= 0.85:
            cut = c
            break
    return t, cut


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    data, runs = sys.argv[1], sys.argv[2:]
    for how in ["A", "B", "mean", "min"]:
        t, cut = fit(data, runs, how)
        line = f"{how:5s} threshold {t:.3f} confident {cut:.3f} |"
        for s in SETS:
            try:
                y, p = combined(data, runs, s, how)
            except FileNotFoundError:
                continue
            a = ac1(y, [v >= t for v in p])
            fa = sum(1 for yy, pp in zip(y, p) if not yy and pp >= cut)
            line += f" {s} {a:.2f}/{fa}"
        print(line)


if __name__ == "__main__":
    main()
