#!/usr/bin/env python3
"""Decision rules on the same predictions: how the choice of the P(high) triage threshold alone moves
the held-out figures (docs/validation.md, "Decision rules on the same predictions").

  trainer/scripts/decision-rules.py DATA NAME=VAL [NAME=VAL ...] [--band-normals NAME=SET] [--choose SET]

DATA holds the sets with their labels.csv; each VAL is a folder validate.sh wrote for one bundle
(its SET-supplied / SET-localizer .grade.json documents). --band-normals NAME=SET: that bundle's
confident band was chosen with the grade-0 slices of SET (supplied boxes) kept at 0 confident calls
(`bundle set-confident-high --normals-*`), so it is chosen again that way. Nothing is graded: the
per-slice P(high) of the grade documents is read and thresholded.

Rules, each choosing t on val-rand (or --choose SET, e.g. val-large) with supplied boxes only: (a) largest t with slice sensitivity
>= 0.95 (the trainer's HighThreshold), (b) the same for 0.90, (c) largest t keeping study
sensitivity 1.00, (d) t maximising AC1 (ties: the smallest). The ORACLE table thresholds each
held-out set on itself: a ceiling, never a choice. Standard library only; prints Markdown.
"""
import argparse
import bisect
import csv
import json
import math
import os
import sys

HIGH = {"1c", "2", "3"}
HELD_OUT = ["hold-anatomy", "hold-artefact", "hold-contrast", "hold-level", "hold-texture"]
BOXES = ["supplied", "localizer"]
RULES = [("a", "slice sens >= 0.95"), ("b", "slice sens >= 0.90"),
         ("c", "study sens 1.00"), ("d", "max AC1")]
PRECISION = 0.85


class Slice:
    __slots__ = ("study", "grade", "high", "p", "uncertain", "grade_high")

    def __init__(self, study, grade, p, uncertain, grade_high):
        self.study, self.grade, self.high, self.p = study, grade, grade in HIGH, p
        self.uncertain, self.grade_high = uncertain, grade_high


def labels(data, s):
    with open(os.path.join(data, s, "labels.csv")) as f:
        return {(r["sop_instance_uid"], int(r.get("frame") or 1)): (r.get("study_instance_uid"), r["grade"])
                for r in csv.DictReader(f)}


def load(data, val, s, boxes):
    """Graded slices of one run matched to the set's labels; None when the run is missing."""
    path = os.path.join(val, f"{s}-{boxes}.grade.json")
    if not os.path.exists(path):
        return None
    ref = labels(data, s)
    doc = json.load(open(path))
    out = []
    for st in doc["studies"]:
        for se in st["series"]:
            for sl in se.get("slices") or []:
                key = (sl["sop_instance_uid"], int(sl.get("frame") or 1))
                if sl.get("status", "graded") != "graded" or sl.get("grade") is None or key not in ref:
                    continue
                p = sl.get("p_high")
                if p is None:
                    p = min(1.0, max(0.0, sum(sl["probabilities"].get(g, 0) for g in HIGH)))
                study = ref[key][0] or st.get("study_instance_uid")
                out.append(Slice(study, ref[key][1], p, bool(sl.get("uncertain")),
                                 sl["grade"] in HIGH))
    return out


VERDICTS = ["high", "indeterminate", "low", "none"]


def study_truth(data, s):
    """Study UID -> whether any labelled slice of it is high grade (1c, 2 or 3)."""
    out = {}
    for study, grade in labels(data, s).values():
        out[study] = out.get(study, False) or grade in HIGH
    return out


def study_group(groups):
    """A study's verdict from its series' groups: high if any is, else indeterminate if any is, else
    low; "none" when no series got a verdict."""
    return next((g for g in VERDICTS[:3] if g in groups), "none")


def study_verdicts(data, val, s, boxes):
    """{(truth, verdict): studies} of one run: truth "high-grade" when any of the study's labelled
    slices is 1c or worse, else "low-grade"; verdict the study's as the appliance gives it (high if
    any series is high, else indeterminate if any is, else low; "none" when no series got a verdict,
    e.g. no axial T2 series). None when the run is missing."""
    path = os.path.join(val, f"{s}-{boxes}.grade.json")
    if not os.path.exists(path):
        return None
    truth = study_truth(data, s)
    out = {}
    for st in json.load(open(path))["studies"]:
        groups = {(se.get("verdict") or {}).get("group") for se in st["series"]} - {None}
        v = study_group(groups)
        key = ("high-grade" if truth.get(st["study_instance_uid"]) else "low-grade", v)
        out[key] = out.get(key, 0) + 1
    return out


def stated_threshold(doc):
    """The P(high) threshold a grade document's model states: "threshold 0.2585", or
    "threshold 0.31 (site setting)"."""
    return float(doc["model"]["decision"].split()[1])


def shipped(val, choose):
    """The bundle's triage threshold and confident band, as its verdicts on the choosing set state
    them."""
    doc = json.load(open(os.path.join(val, f"{choose}-supplied.grade.json")))
    t = stated_threshold(doc)
    band = 0.0
    for st in doc["studies"]:
        for se in st["series"]:
            lim = ((se.get("verdict") or {}).get("model") or {}).get("limits") or {}
            band = max(band, lim.get("confident_high_threshold") or 0.0)
    return t, band


def ac1(tp, fn, fp, tn):
    n = tp + fn + fp + tn
    if n == 0:
        return float("nan")
    pa = (tp + tn) / n
    q = ((tp + fn) + (tp + fp)) / (2 * n)
    pe = 2 * q * (1 - q)
    return (pa - pe) / (1 - pe) if pe < 1 else 1.0


def table(sl, called):
    tp = fn = fp = tn = 0
    for s, c in zip(sl, called):
        if s.high:
            tp, fn = tp + c, fn + (not c)
        else:
            fp, tn = fp + c, tn + (not c)
    return tp, fn, fp, tn


def figures(sl, t):
    """AC1, slice sensitivity, specificity and study sensitivity of P(high) >= t."""
    tp, fn, fp, tn = table(sl, [s.p >= t for s in sl])
    return {"ac1": ac1(tp, fn, fp, tn),
            "sens": tp / (tp + fn) if tp + fn else float("nan"),
            "spec": tn / (tn + fp) if tn + fp else float("nan"),
            "study": study_sens(sl, t)}


def study_max(sl):
    """Largest P(high) of each study that has a high-grade slice."""
    high = {s.study for s in sl if s.high}
    top = {}
    for s in sl:
        if s.study in high:
            top[s.study] = max(top.get(s.study, -1.0), s.p)
    return top


def study_sens(sl, t):
    top = study_max(sl)
    return sum(v >= t for v in top.values()) / len(top) if top else float("nan")


def sweep(sl):
    """(t, AC1) at every distinct P(high), highest first, plus 'call nothing' (t above 1)."""
    order = sorted(sl, key=lambda s: -s.p)
    pos = sum(s.high for s in sl)
    neg = len(sl) - pos
    out = [(math.inf, ac1(0, pos, 0, neg))]
    tp = fp = 0
    for i, s in enumerate(order):
        tp, fp = tp + s.high, fp + (not s.high)
        if i + 1 < len(order) and order[i + 1].p == s.p:
            continue
        out.append((s.p, ac1(tp, pos - tp, fp, neg - fp)))
    return out


class Curve:
    """AC1 and study sensitivity of P(high) >= t for any t, by bisection over one set's slices."""

    def __init__(self, sl):
        self.ps = sorted(s.p for s in sl)
        self.pos = sum(s.high for s in sl)
        self.neg = len(sl) - self.pos
        order = sorted(sl, key=lambda s: s.p)
        # below[i]: high-grade slices among the i lowest P(high)
        self.below = [0]
        for s in order:
            self.below.append(self.below[-1] + s.high)
        self.tops = sorted(study_max(sl).values())

    def ac1(self, t):
        i = bisect.bisect_left(self.ps, t)  # slices below t are called low
        fn = self.below[i]
        tn = i - fn
        return ac1(self.pos - fn, fn, self.neg - tn, tn)

    def study(self, t):
        if not self.tops:
            return float("nan")
        return (len(self.tops) - bisect.bisect_left(self.tops, t)) / len(self.tops)


def common_oracle(curves):
    """ORACLE: the one t that maximises the worst AC1 over the sets while every set keeps study
    sensitivity 1.00; (t, [AC1 per set]) or None."""
    cands = sorted({p for c in curves for p in c.ps})
    best = None
    for t in cands:
        if any(c.study(t) < 1.0 for c in curves):
            continue
        a = [c.ac1(t) for c in curves]
        if best is None or min(a) > min(best[1]):
            best = (t, a)
    return best


def rule(sl, which):
    if which in ("a", "b"):
        target = 0.95 if which == "a" else 0.90
        pos = sorted((s.p for s in sl if s.high), reverse=True)
        needed = max(1, math.ceil(target * len(pos) - 1e-9))
        return pos[needed - 1]
    if which == "c":
        return min(study_max(sl).values())
    best = None  # (d): ties to the smallest t; the sweep runs from high t to low t
    for t, a in sweep(sl):
        if best is None or a >= best[1]:
            best = (t, a)
    return best[0]


def band(sl, triage, normals):
    """grade.ConfidentBand.choose: the smallest cut >= triage with precision >= 0.85 on the
    not-uncertain slices, with no real normal slice (normals: their P(high)) at or above it."""
    rated = sorted((s for s in sl if not s.uncertain), key=lambda s: -s.p)
    at_triage = sum(s.p >= triage for s in rated)
    tp, best = 0, None
    for k in range(at_triage):
        tp += rated[k].high
        t = rated[k].p
        last = k + 1 == len(rated) or rated[k + 1].p < t
        if last and tp / (k + 1) >= PRECISION and sum(p >= t for p in normals) == 0:
            best = t
    return best


def calls(sl, t, cut):
    """Confident / borderline / uncertain high calls among grade-0 slices."""
    conf = bord = unc = 0
    for s in sl:
        if s.grade != "0" or s.p < t:
            continue
        if s.uncertain:
            unc += 1
        elif cut is None or s.p >= cut:
            conf += 1
        else:
            bord += 1
    return conf, bord, unc


def f2(x):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.2f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data")
    ap.add_argument("models", nargs="+", metavar="NAME=VAL")
    ap.add_argument("--band-normals", action="append", default=[], metavar="NAME=SET")
    ap.add_argument("--choose", default="val-rand", metavar="SET",
                    help="the validation set the rules choose t on (default %(default)s)")
    a = ap.parse_args()
    choose = a.choose
    for spec in a.models + a.band_normals:
        if "=" not in spec:
            ap.error(f"{spec!r}: expected NAME=VALUE")
    models = [m.split("=", 1) for m in a.models]
    band_normals = dict(b.split("=", 1) for b in a.band_normals)
    unknown = set(band_normals) - {n for n, _ in models}
    if unknown:
        ap.error(f"--band-normals names {', '.join(sorted(unknown))}, not one of the models given")
    for name, val in models:
        need = [f"{choose}-supplied"] + ([f"{band_normals[name]}-supplied"] if name in band_normals else [])
        for n in need:
            if not os.path.exists(os.path.join(val, n + ".grade.json")):
                ap.error(f"{name}: {os.path.join(val, n + '.grade.json')} is missing (run"
                         " trainer/scripts/validate.sh for that set first)")
    cache = {}

    def get(val, s, boxes):
        if (val, s, boxes) not in cache:
            cache[(val, s, boxes)] = load(a.data, val, s, boxes)
        return cache[(val, s, boxes)]

    def graded_runs():
        """(set, boxes, model, slices) of every held-out and real-test run that was graded."""
        for s in HELD_OUT + ["real-test"]:
            for boxes in BOXES:
                for name, val in models:
                    sl = get(val, s, boxes)
                    if sl is not None:
                        yield s, boxes, name, sl

    print(f"## Thresholds chosen on {choose} (supplied boxes)\n")
    print(f"| model | rule | t | band (precision 0.85) | {choose} AC1 | slice sens | slice spec | study sens |")
    print("|---|---|---|---|---|---|---|---|")
    chosen = {}
    for name, val in models:
        sl = get(val, choose, "supplied")
        normals = []
        if name in band_normals:
            normals = [s.p for s in get(val, band_normals[name], "supplied")
                       if s.grade == "0" and not s.uncertain]
        t0, b0 = shipped(val, choose)
        rows = [("shipped", "bundle's own", t0, b0, band(sl, t0, normals))]
        for r, what in RULES:
            t = rule(sl, r)
            rows.append((r, what, t, None, band(sl, t, normals)))
        chosen[name] = {r: (t, cut) for r, _, t, _, cut in rows}
        for r, what, t, b_shipped, cut in rows:
            f = figures(sl, t)
            btxt = "none reaches 0.85" if cut is None else f"{cut:.4f}"
            if b_shipped is not None:
                btxt += f" (bundle: {b_shipped:.4f})" if b_shipped > 0 else " (bundle: none)"
            print(f"| {name} | {r}: {what} | {t:.4f} | {btxt} | {f2(f['ac1'])} | {f2(f['sens'])} | "
                  f"{f2(f['spec'])} | {f2(f['study'])} |")

    print("\n## ORACLE (each held-out set thresholded on itself; a ceiling, never a choice)\n")
    print("AC1 at the best threshold t (study sensitivity there); the best AC1 among thresholds that keep"
          " study sensitivity 1.00; the nearest prototype's AC1; the shipped threshold's AC1.\n")
    print("| set | boxes | model | slices (high; high-grade studies) | best AC1 (t; study sens) |"
          " best AC1 with study sens 1.00 (t) | nearest prototype | shipped t |")
    print("|---|---|---|---|---|---|---|---|")
    for s, boxes, name, sl in graded_runs():
        sw = sweep(sl)
        bt, ba = max(sw, key=lambda x: x[1])
        full = [(t, x) for t, x in sw if study_sens(sl, t) >= 1.0]
        ft, fa = max(full, key=lambda x: x[1]) if full else (None, None)
        np_ac1 = ac1(*table(sl, [x.grade_high for x in sl]))
        print(f"| {s} | {boxes} | {name} | {len(sl)} ({sum(x.high for x in sl)}; "
              f"{len(study_max(sl))}) | {ba:.3f} ({bt:.3f}; {f2(study_sens(sl, bt))}) | "
              f"{'-' if fa is None else f'{fa:.3f} ({ft:.3f})'} | {np_ac1:.3f} | "
              f"{figures(sl, chosen[name]['shipped'][0])['ac1']:.3f} |")

    print("\n## ORACLE, one threshold for all five held-out sets (a ceiling, never a choice)\n")
    print("The t that maximises the worst of the five AC1 while every set keeps study sensitivity"
          " 1.00.\n")
    print("| boxes | model | t | worst AC1 | " + " | ".join(HELD_OUT) + " |")
    print("|---|---|---|---|" + "---|" * len(HELD_OUT))
    for boxes in BOXES:
        for name, val in models:
            sets = [get(val, s, boxes) for s in HELD_OUT]
            if None in sets:
                continue
            got = common_oracle([Curve(sl) for sl in sets])
            if got is None:
                print(f"| {boxes} | {name} | none keeps 1.00 everywhere | | " + " | " * len(HELD_OUT))
                continue
            t, per_set = got
            print(f"| {boxes} | {name} | {t:.3f} | {min(per_set):.3f} | "
                  + " | ".join(f"{x:.3f}" for x in per_set) + " |")

    print("\n## Rules on the held-out sets: AC1 / study sensitivity\n")
    head = " | ".join(f"{r} ({w})" for r, w in [("shipped", "bundle")] + RULES)

    def table_head(title, columns):
        print(f"\n## {title}\n")
        print(f"| {columns} | {head} |")
        print("|" + "---|" * (columns.count("|") + 1) + "---|" * (len(RULES) + 1))

    print(f"| set | boxes | model | {head} |")
    print("|---|---|---|" + "---|" * (len(RULES) + 1))
    for s, boxes, name, sl in graded_runs():
        cells = []
        for r in ["shipped"] + [r for r, _ in RULES]:
            f = figures(sl, chosen[name][r][0])
            cells.append(f"{f2(f['ac1'])} / {f2(f['study'])}")
        print(f"| {s} | {boxes} | {name} | " + " | ".join(cells) + " |")

    table_head("real-test-normal: confident / borderline high calls (uncertain high calls)", "boxes | model")
    for boxes in BOXES:
        for name, val in models:
            sl = get(val, "real-test-normal", boxes)
            if sl is None:
                continue
            cells = []
            for r in ["shipped"] + [r for r, _ in RULES]:
                t, cut = chosen[name][r]
                c, b, u = calls(sl, t, cut)
                cells.append(f"{c} / {b} ({u}) of {len(sl)}")
            print(f"| {boxes} | {name} | " + " | ".join(cells) + " |")

    table_head("Held-out grade-0 slices: confident / borderline high calls (supplied; localizer)", "set | model")
    for s in HELD_OUT + ["real-test"]:
        for name, val in models:
            runs = [get(val, s, boxes) for boxes in BOXES]
            if None in runs:
                continue
            cells = []
            for r in ["shipped"] + [r for r, _ in RULES]:
                t, cut = chosen[name][r]
                cells.append("; ".join("%d / %d" % calls(sl, t, cut)[:2] for sl in runs))
            n0 = sum(x.grade == "0" for x in runs[0])
            print(f"| {s} ({n0} grade 0) | {name} | " + " | ".join(cells) + " |")

    table_head("Mean AC1 over the five held-out sets", "boxes | model")
    for boxes in BOXES:
        for name, val in models:
            cells = []
            for r in ["shipped"] + [r for r, _ in RULES]:
                v = [figures(get(val, s, boxes), chosen[name][r][0])["ac1"] for s in HELD_OUT
                     if get(val, s, boxes) is not None]
                cells.append(f2(sum(v) / len(v)) if v else "-")
            print(f"| {boxes} | {name} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
