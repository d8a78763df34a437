#!/usr/bin/env python3
"""The ship rule written before v14's results (docs/validation.md, "Candidate v14"), for one candidate.

  trainer/scripts/ship-rule.py VAL [--against V4VAL]
  trainer/scripts/ship-rule.py VAL --pooled POOLED.json --model NAME [--shipped v4] [--families F,F...]

VAL is a folder validate.sh wrote for the candidate (its SET-supplied / SET-localizer .eval.json files).
Checks, by the bundle's own call: (1) 0 confident high calls on real-test-normal (localizer boxes),
(2) study sensitivity 1.00 on real-test with both box sources, (3) a mean AC1 over the five held-out
factor sets (localizer boxes) above the shipped v4's with no factor more than 0.05 below v4's. v4's
figures are those of the seed-3003 draw (mean 0.761) unless --against names a folder validate.sh wrote
for v4 on the same sets as VAL (another draw). Study sensitivity on each held-out set is printed beside
(issue 12's target, not part of the rule). A recipe replaces v4 only when both of its seeds pass. Exit 1
when a rule fails. Standard library only.

--pooled: the rule written for the next candidate (docs/validation.md, "The rule for the next
candidate"): rules 1 and 2 as above from VAL (only its real-test-normal and real-test files are read),
rule 3 on the pooled localizer AC1 that pooled-draws.py --json wrote for the model NAME and for the
shipped one (default v4) over the same draws: the mean of the five families above the shipped one's,
no family more than 0.05 below it. --families names the families rule 3 reads (default all five):
the rule for the candidate after v21 reads contrast, anatomy, level and texture against the shipped v20,
the artefact family not being held out for it (docs/validation.md). Where the pooled file holds
study verdicts (pooled-draws.py since the eighth draw), those of the localizer are printed beside the
rules for both models; they decide nothing.
"""
import argparse
import json
import os
import sys

# v4's held-out AC1 with its localizer's boxes on the seed-3003 draw
# (appliance/demo-bundle/evaluation/summary.md).
V4_3003 = {"hold-artefact": 0.427, "hold-contrast": 0.693, "hold-anatomy": 0.817,
      "hold-level": 0.920, "hold-texture": 0.949}


def evaluation(val, s, boxes):
    with open(os.path.join(val, f"{s}-{boxes}.eval.json")) as f:
        return json.load(f)


def study_sensitivity(doc):
    return doc["studies"]["high_low"]["sensitivity"]["value"]


def pooled_ac1(path, model, shipped, families):
    """Pooled localizer AC1 per family of the model and of the shipped one (pooled-draws.py --json)."""
    with open(path) as f:
        fam = json.load(f)["families"]
    got, ref = {}, {}
    for s in families:
        runs = fam.get(s, {}).get("localizer", {})
        for name in (model, shipped):
            if name not in runs:
                sys.exit(f"{path}: no pooled localizer figures of {name} for {s}")
        got[s], ref[s] = runs[model], runs[shipped]
        print(f"{s:14s} pooled localizer AC1 {got[s]['ac1']:.3f} over {got[s]['draws']} draws"
              f" ({shipped} {ref[s]['ac1']:.3f}); high-grade studies found"
              f" {got[s]['studies_found']}/{got[s]['high_studies']}")
    return {s: x["ac1"] for s, x in got.items()}, {s: x["ac1"] for s, x in ref.items()}


def verdicts_beside(path, model, shipped):
    """Prints the localizer study verdicts of both models, when the pooled file holds them."""
    with open(path) as f:
        v = json.load(f).get("verdicts", {}).get("localizer", {})
    for name in (model, shipped):
        for truth, row in sorted(v.get(name, {}).items()):
            cells = ", ".join(f"{k} {n}" for k, n in row.items())
            print(f"beside (deciding nothing): {name} {truth} studies {sum(row.values())}: {cells}")


def main():
    ap = argparse.ArgumentParser(usage=__doc__)
    ap.add_argument("val")
    ap.add_argument("--against", help="validate.sh folder of the shipped v4 on the same sets")
    ap.add_argument("--pooled", help="pooled-draws.py --json output holding --model and --shipped")
    ap.add_argument("--model", help="with --pooled: the candidate's name there")
    ap.add_argument("--shipped", default="v4", help="with --pooled: the shipped bundle's name there")
    ap.add_argument("--families", default=",".join(V4_3003),
                    help="with --pooled: the families rule 3 reads, comma-separated")
    a = ap.parse_args()
    families = [f.strip() for f in a.families.split(",") if f.strip()]
    unknown = [f for f in families if f not in V4_3003]
    if unknown or not families:
        ap.error(f"--families: unknown {unknown}; choose from {', '.join(V4_3003)}")
    val = a.val
    if a.pooled:
        if not a.model or a.against:
            ap.error("--pooled needs --model and excludes --against")
        ac1, v4 = pooled_ac1(a.pooled, a.model, a.shipped, families)
    else:
        v4 = V4_3003
        if a.against:
            v4 = {s: evaluation(a.against, s, "localizer")["study_clustered"]["ac1"]["value"]
                  for s in V4_3003}
        ac1 = {}
        for s, ref in v4.items():
            docs = [evaluation(val, s, b) for b in ("supplied", "localizer")]
            got = [d["study_clustered"]["ac1"]["value"] for d in docs]
            sens = [study_sensitivity(d) for d in docs]
            ac1[s] = got[1]
            print(f"{s:14s} AC1 supplied {got[0]:.3f} localizer {got[1]:.3f} (v4 localizer {ref:.3f});"
                  f" study sensitivity {sens[0]:.2f} / {sens[1]:.2f}")
    v4_mean = sum(v4.values()) / len(v4)
    mean = sum(ac1.values()) / len(ac1)
    fa = evaluation(val, "real-test-normal", "localizer")["false_alarms"]
    real = [study_sensitivity(evaluation(val, "real-test", b)) for b in ("supplied", "localizer")]
    rule1 = fa["confident_high"] == 0
    rule2 = all(x == 1.0 for x in real)
    rule3 = mean > v4_mean and all(ac1[s] >= v4[s] - 0.05 for s in v4)
    ref_name = a.shipped if a.pooled else "v4"
    print(f"mean localizer AC1 over {len(ac1)} families {mean:.3f} ({ref_name} {v4_mean:.3f})")
    print(f"real-test-normal: {fa['confident_high']} confident of {fa['normal_slices']} grade-0 slices,"
          f" {fa.get('borderline_high', 0)} borderline")
    print(f"rule 1 (0 confident high on real-test-normal): {'pass' if rule1 else 'FAIL'}")
    print(f"rule 2 (study sensitivity 1.00 on real-test, supplied {real[0]:.2f} / localizer {real[1]:.2f}):"
          f" {'pass' if rule2 else 'FAIL'}")
    print(f"rule 3 (mean above {ref_name}'s, no factor 0.05 below): {'pass' if rule3 else 'FAIL'}")
    if a.pooled:
        verdicts_beside(a.pooled, a.model, a.shipped)
    sys.exit(0 if rule1 and rule2 and rule3 else 1)


if __name__ == "__main__":
    main()
