#!/usr/bin/env python3
"""Held-out figures pooled over several draws of the same factor families (docs/validation.md).

  trainer/scripts/pooled-draws.py --run NAME=DATA:VAL [--run ...] [--threshold NAME=T ...] [--json FILE]

Each --run adds one graded draw of one model: DATA holds the draw's sets with their labels.csv, VAL
is the folder validate.sh wrote for the model on them. Runs with the same NAME are pooled. A slice is
called high when P(high) >= the model's threshold: --threshold NAME=T, else the one its grade
documents state (they must agree across its runs). One 20-study set per family moves by up to 0.5 in
AC1 from draw to draw, more than candidates differ; pooled over draws the families are measured on
4-5 times as many studies. Prints, per family and box source, the pooled AC1 and the high-grade studies
found (with those whose high-grade slices are all 1c), and the per-draw AC1 beside it; then, per
box source, the study verdicts the appliance gave (high / indeterminate / low / none) for high-grade
and low-grade studies, over the five families and all draws: AC1 does not see a model that sends most
high-grade studies to "read manually". --json FILE also writes those figures for ship-rule.py
--pooled. Nothing is graded. Standard library only.
"""
import argparse
import importlib.util
import json
import os
import sys

_spec = importlib.util.spec_from_file_location(
    "decision_rules", os.path.join(os.path.dirname(os.path.abspath(__file__)), "decision-rules.py"))
dr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dr)


def stated_threshold(val, s, boxes):
    """The P(high) threshold the run's grade document states."""
    with open(os.path.join(val, f"{s}-{boxes}.grade.json")) as f:
        return dr.stated_threshold(json.load(f))


def studies_found(sl, t):
    """(found, high-grade studies, found 1c-only, 1c-only studies) at threshold t."""
    top = dr.study_max(sl)
    high_grades = {}
    for s in sl:
        if s.high:
            high_grades.setdefault(s.study, set()).add(s.grade)
    only_1c = [u for u, g in high_grades.items() if g == {"1c"}]
    return (sum(p >= t for p in top.values()), len(top),
            sum(top[u] >= t for u in only_1c), len(only_1c))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--run", action="append", required=True, metavar="NAME=DATA:VAL")
    ap.add_argument("--threshold", action="append", default=[], metavar="NAME=T")
    ap.add_argument("--json", metavar="FILE", help="also write the pooled figures here")
    a = ap.parse_args()
    runs = {}
    for r in a.run:
        if "=" not in r or ":" not in r.split("=", 1)[1]:
            ap.error(f"{r!r}: expected NAME=DATA:VAL")
        name, rest = r.split("=", 1)
        runs.setdefault(name, []).append(tuple(rest.split(":", 1)))
    given = {}
    for t in a.threshold:
        name, value = t.split("=", 1)
        if name not in runs:
            ap.error(f"--threshold names {name}, which has no --run")
        given[name] = float(value)

    print("| family | boxes | model | t | pooled AC1 | studies found (1c-only found) | AC1 per draw |")
    print("|---|---|---|---|---|---|---|")
    means, doc = {}, {"families": {}, "mean": {}}
    for s in dr.HELD_OUT:
        for boxes in dr.BOXES:
            for name, draws in runs.items():
                pooled, per_draw, stated = [], [], set()
                for data, val in draws:
                    sl = dr.load(data, val, s, boxes)
                    if sl is None:
                        sys.exit(f"{name}: {val} has no {s}-{boxes}.grade.json")
                    if name not in given:  # read only when it decides the threshold
                        stated.add(stated_threshold(val, s, boxes))
                    # Study UIDs are unique per draw already; the draw is kept in the key anyway.
                    for x in sl:
                        x.study = (data, x.study)
                    pooled.extend(sl)
                    per_draw.append(sl)
                if len(stated) > 1:
                    sys.exit(f"{name}: its runs state thresholds {sorted(stated)}; give --threshold")
                t = given[name] if name in given else next(iter(stated))
                ac1 = dr.figures(pooled, t)["ac1"]
                means.setdefault((boxes, name), []).append(ac1)
                f, n, f1, n1 = studies_found(pooled, t)
                per_draw_ac1 = [dr.figures(d, t)["ac1"] for d in per_draw]
                draws_txt = ", ".join(f"{x:.2f}" for x in per_draw_ac1)
                doc["families"].setdefault(s, {}).setdefault(boxes, {})[name] = {
                    "threshold": t, "ac1": ac1, "ac1_per_draw": per_draw_ac1, "draws": len(draws),
                    "studies_found": f, "high_studies": n, "only_1c_found": f1, "only_1c": n1}
                print(f"| {s} | {boxes} | {name} | {t:.4f} | {ac1:.3f} | {f}/{n} ({f1}/{n1}) | {draws_txt} |")
    print()
    print("| boxes | model | mean pooled AC1 of the five families |")
    print("|---|---|---|")
    for (boxes, name), v in means.items():
        print(f"| {boxes} | {name} | {sum(v) / len(v):.3f} |")
        doc["mean"].setdefault(boxes, {})[name] = sum(v) / len(v)
    print()
    print("| boxes | model | truth | studies | " + " | ".join(dr.VERDICTS) + " |")
    print("|---|---|---|---|" + "---|" * len(dr.VERDICTS))
    for boxes in dr.BOXES:
        for name, draws in runs.items():
            tally = {}
            for data, val in draws:
                for s in dr.HELD_OUT:
                    for k, n in dr.study_verdicts(data, val, s, boxes).items():
                        tally[k] = tally.get(k, 0) + n
            for truth in ("high-grade", "low-grade"):
                row = {v: tally.get((truth, v), 0) for v in dr.VERDICTS}
                doc.setdefault("verdicts", {}).setdefault(boxes, {}).setdefault(name, {})[truth] = row
                cells = " | ".join(str(row[v]) for v in dr.VERDICTS)
                print(f"| {boxes} | {name} | {truth} | {sum(row.values())} | {cells} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(doc, f, indent=1)


if __name__ == "__main__":
    main()
