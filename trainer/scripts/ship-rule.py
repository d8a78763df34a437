#!/usr/bin/env python3
"""The ship rule written before v14's results (docs/validation.md, "Candidate v14"), for one candidate.

  trainer/scripts/ship-rule.py VAL

VAL is a folder validate.sh wrote for the candidate (its SET-supplied / SET-localizer .eval.json files).
Checks, by the bundle's own call with its localizer's boxes: (1) 0 confident high calls on
real-test-normal, (3) a mean AC1 over the five held-out factor sets above the shipped v4's (0.761) with
no factor more than 0.05 below v4's. Rule (2), study sensitivity 1.00 on real-test, is the "shipped"
column of decision-rules.py. A recipe replaces v4 only when both of its seeds pass. Exit 1 when a rule
checked here fails. Standard library only.
"""
import json
import os
import sys

# v4's held-out AC1 with its localizer's boxes (appliance/demo-bundle/evaluation/summary.md).
V4 = {"hold-artefact": 0.427, "hold-contrast": 0.693, "hold-anatomy": 0.817,
      "hold-level": 0.920, "hold-texture": 0.949}
V4_MEAN = sum(V4.values()) / len(V4)


def evaluation(val, s, boxes):
    with open(os.path.join(val, f"{s}-{boxes}.eval.json")) as f:
        return json.load(f)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    val = sys.argv[1]
    ac1 = {}
    for s, ref in V4.items():
        got = [evaluation(val, s, b)["study_clustered"]["ac1"]["value"] for b in ("supplied", "localizer")]
        ac1[s] = got[1]
        print(f"{s:14s} AC1 supplied {got[0]:.3f} localizer {got[1]:.3f} (v4 localizer {ref:.3f})")
    mean = sum(ac1.values()) / len(ac1)
    fa = evaluation(val, "real-test-normal", "localizer")["false_alarms"]
    rule1 = fa["confident_high"] == 0
    rule3 = mean > V4_MEAN and all(ac1[s] >= V4[s] - 0.05 for s in V4)
    print(f"mean localizer AC1 {mean:.3f} (v4 {V4_MEAN:.3f})")
    print(f"real-test-normal: {fa['confident_high']} confident of {fa['normal_slices']} grade-0 slices,"
          f" {fa.get('borderline_high', 0)} borderline")
    print(f"rule 1 (0 confident high on real-test-normal): {'pass' if rule1 else 'FAIL'}")
    print(f"rule 3 (mean above v4's, no factor 0.05 below): {'pass' if rule3 else 'FAIL'}")
    print("rule 2 (study sensitivity 1.00 on real-test): decision-rules.py, column 'shipped'")
    sys.exit(0 if rule1 and rule3 else 1)


if __name__ == "__main__":
    main()
