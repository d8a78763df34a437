#!/usr/bin/python3
"""Nearest-prototype (argmax grade) high/low figures of validated bundles, set by set.

Usage: python3 nearest-prototype.py DATA OUT [OUT ...]
DATA holds the sets with their labels.csv (what validate.sh was given); each OUT is a folder
validate.sh wrote. Prints a Markdown table: AC1 / sensitivity / specificity of high (1c, 2, 3)
against low with the supplied boxes, and the confident high calls among grade-0 slices.
"""
import csv, json, sys, os
HIGH = {"1c", "2", "3"}
SETS = ["hold-anatomy", "hold-artefact", "hold-contrast", "hold-level", "hold-texture", "val-rand", "real-train", "real-test", "real-test-normal"]
def labels(s):
    out = {}
    for r in csv.DictReader(open(os.path.join(DATA, s, "labels.csv"))):
        out[r["sop_instance_uid"]] = r["grade"]
    return out
def fig(val, s, boxes):
    p = os.path.join(val, f"{s}-{boxes}.grade.json")
    if not os.path.exists(p):
        return None
    ref = labels(s)
    d = json.load(open(p))
    tp = fp = tn = fn = 0; conf_fp = 0
    for st in d["studies"]:
        for se in st["series"]:
            for sl in se.get("slices", []):
                g = ref.get(sl["sop_instance_uid"])
                if g is None or not sl.get("graded"):
                    continue
                rh = g in HIGH; ph = sl["grade"] in HIGH
                if rh and ph: tp += 1
                elif rh: fn += 1
                elif ph:
                    fp += 1
                    if sl.get("confident") and sl.get("high_call"): conf_fp += 1
                else: tn += 1
    n = tp + fp + tn + fn
    pa = (tp + tn) / n
    pi = ((tp + fn) / n + (tp + fp) / n) / 2
    pe = 2 * pi * (1 - pi)
    ac1 = (pa - pe) / (1 - pe) if pe < 1 else float("nan")
    sens = tp / (tp + fn) if tp + fn else float("nan")
    spec = tn / (tn + fp) if tn + fp else float("nan")
    return ac1, sens, spec, conf_fp, tn + fp
if len(sys.argv) < 3:
    sys.exit(__doc__)
DATA = sys.argv[1]
vals = sys.argv[2:]
boxes = "supplied"
print("nearest-prototype high/low, supplied boxes: AC1 / sens / spec  (confident-high false alarms of grade-0 n)")
print("| set | " + " | ".join(os.path.basename(v.rstrip("/")) for v in vals) + " |")
print("|---|" + "---|" * len(vals))
for s in SETS:
    row = []
    for v in vals:
        f = fig(v, s, boxes)
        row.append("-" if f is None else f"{f[0]:.2f} / {f[1]:.2f} / {f[2]:.2f} ({f[3]} of {f[4]})")
    print(f"| {s} | " + " | ".join(row) + " |")
