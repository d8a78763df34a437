#!/usr/bin/env python3
"""Study verdicts with and without a rule-out threshold, recomputed from grade documents
(docs/validation.md, "The rule for a rule-out threshold"; docs/grading.md, "The rule-out threshold").

  trainer/scripts/rule-out.py --rule-out R --run DATA:VAL [--run ...] [--boxes localizer]
                              [--sets SET,SET] [--list]

Each --run is one graded draw: DATA holds its sets (SET/labels.csv; --sets, default the five
held-out families), VAL the model's SET-BOXES.grade.json documents of them (validate.sh writes them;
sets without one are skipped). A
series the appliance called low is indeterminate (possible_high) under R when one of its confident
slices (graded, not uncertain) has P(high) >= R, as grade.Verdicts decides; nothing else moves. A
study is high if any series is high, else indeterminate if any is, else low, "none" without a
verdict; it is high grade when any labelled slice is 1c or worse. Prints the tallies of high-grade
and low-grade studies without and with R, per family and in all; --list names the high-grade studies
still called low with R (draw, family, study, its largest confident P(high), its labelled grades).
Nothing is graded. Standard library only.
"""
import argparse
import importlib.util
import json
import os

_spec = importlib.util.spec_from_file_location(
    "decision_rules", os.path.join(os.path.dirname(os.path.abspath(__file__)), "decision-rules.py"))
dr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(dr)


def series_group(se, r):
    """The series' verdict group as stated, and as it is under rule-out threshold r."""
    v = se.get("verdict") or {}
    g = v.get("group")
    if g == "indeterminate" and v.get("indeterminate_reason") == "possible_high":
        g = "low"  # graded with a rule-out threshold already: what it was without one
    top = max((sl["p_high"] for sl in se.get("slices") or []
               if sl.get("status", "graded") == "graded" and not sl.get("uncertain")
               and sl.get("p_high") is not None), default=None)
    with_r = "indeterminate" if g == "low" and top is not None and top >= r else g
    return g, with_r, top


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rule-out", type=float, required=True, metavar="R")
    ap.add_argument("--run", action="append", required=True, metavar="DATA:VAL")
    ap.add_argument("--boxes", default="localizer", choices=dr.BOXES)
    ap.add_argument("--sets", default=",".join(dr.HELD_OUT))
    ap.add_argument("--list", action="store_true")
    a = ap.parse_args()
    sets = a.sets.split(",")
    tally, still_low = {}, []
    for run in a.run:
        data, val = run.split(":", 1)
        for s in sets:
            path = os.path.join(val, f"{s}-{a.boxes}.grade.json")
            if not os.path.exists(path):
                continue
            ref = dr.labels(data, s)
            grades = {}
            for study, grade in ref.values():
                grades.setdefault(study, set()).add(grade)
            for st in json.load(open(path))["studies"]:
                uid = st["study_instance_uid"]
                truth = "high-grade" if grades.get(uid, set()) & dr.HIGH else "low-grade"
                before, after, tops = set(), set(), []
                for se in st["series"]:
                    g, w, top = series_group(se, a.rule_out)
                    before |= {g} - {None}
                    after |= {w} - {None}
                    if top is not None:
                        tops.append(top)
                b, w = dr.study_group(before), dr.study_group(after)
                for fam in (s, "all"):
                    for when, v in (("without", b), ("with", w)):
                        k = (fam, truth, when, v)
                        tally[k] = tally.get(k, 0) + 1
                if truth == "high-grade" and w == "low":
                    still_low.append((os.path.basename(os.path.normpath(val)), s, uid[-12:],
                                      max(tops, default=float("nan")),
                                      "/".join(sorted(grades.get(uid, set())))))
    print(f"rule-out threshold {a.rule_out:.4f}, {a.boxes} boxes, {len(a.run)} draws")
    print()
    print("| family | truth | rule-out | studies | " + " | ".join(dr.VERDICTS) + " |")
    print("|---|---|---|---|" + "---|" * len(dr.VERDICTS))
    for fam in sets + ["all"]:
        for truth in ("high-grade", "low-grade"):
            for when in ("without", "with"):
                row = [tally.get((fam, truth, when, v), 0) for v in dr.VERDICTS]
                if sum(row):
                    print(f"| {fam} | {truth} | {when} | {sum(row)} | "
                          + " | ".join(map(str, row)) + " |")
    if a.list:
        print()
        print("| draw | family | study | largest confident P(high) | labelled grades |")
        print("|---|---|---|---|---|")
        for d, s, u, top, g in still_low:
            print(f"| {d} | {s} | ...{u} | {top:.4f} | {g} |")


if __name__ == "__main__":
    main()
