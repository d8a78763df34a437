#!/usr/bin/env python3
"""Series called high while past an indeterminate limit, by study truth (docs/validation.md).

  trainer/scripts/verdict-limits.py --run NAME=DATA:VAL [--run ...] [--sets hold-anatomy,...]

The appliance calls a series high on a confident high slice before it looks at the limits on
uncertain slices (max_uncertain_fraction of graded slices) and on slices without a canal box
(max_no_roi_fraction of all slices): a positive finding is not hidden behind "read manually"
(appliance grade.Verdicts). This counts, from validate.sh's grade documents, what the other order
would change: series called high although past a limit, split into high-grade studies (any labelled
slice 1c, 2 or 3) and low-grade ones, per model and box source, pooled over the runs. The limits are
the ones each document states. Nothing is graded. Standard library only.
"""
import argparse
import importlib.util
import json
import os
from collections import Counter

_spec = importlib.util.spec_from_file_location(
    "decision_rules", os.path.join(os.path.dirname(os.path.abspath(__file__)), "decision-rules.py"))
dr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dr)


def past_limit(v):
    """The limit a verdict's counts are past, or None."""
    c, lim = v["counts"], v["model"]["limits"]
    if c["graded"] and c["uncertain"] / c["graded"] > lim["max_uncertain_fraction"]:
        return "uncertain"
    if c["slices"] and c["no_roi"] / c["slices"] > lim["max_no_roi_fraction"]:
        return "no box"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", action="append", required=True, metavar="NAME=DATA:VAL")
    ap.add_argument("--sets", default=",".join(dr.HELD_OUT),
                    help="comma-separated sets (default the five families)")
    a = ap.parse_args()
    count = Counter()
    for r in a.run:
        if "=" not in r or ":" not in r.split("=", 1)[1]:
            ap.error(f"{r!r}: expected NAME=DATA:VAL")
        name, rest = r.split("=", 1)
        data, val = rest.split(":", 1)
        for s in a.sets.split(","):
            high = dr.study_truth(data, s)
            for boxes in ("supplied", "localizer"):
                path = os.path.join(val, f"{s}-{boxes}.grade.json")
                if not os.path.exists(path):
                    ap.error(f"{path} is missing")
                for st in json.load(open(path))["studies"]:
                    t = "high-grade" if high.get(st["study_instance_uid"]) else "low-grade"
                    for se in st["series"]:
                        v = se.get("verdict")
                        if v:
                            why = past_limit(v)
                            count[(name, boxes, t, v["group"], why or "within")] += 1
    print("| model | boxes | series (of such studies) | called high | of them past a limit (uncertain / no box) |")
    print("|---|---|---|---|---|")
    for name, boxes, t in sorted({k[:3] for k in count}):
        def n(group, why=None):
            return sum(v for k, v in count.items()
                       if k[:4] == (name, boxes, t, group) and (why is None or k[4] == why))
        total = sum(v for k, v in count.items() if k[:3] == (name, boxes, t))
        print(f"| {name} | {boxes} | {t} ({total}) | {n('high')} | "
              f"{n('high', 'uncertain') + n('high', 'no box')} ({n('high', 'uncertain')} / {n('high', 'no box')}) |")


if __name__ == "__main__":
    main()
