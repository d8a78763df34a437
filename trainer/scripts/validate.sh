#!/usr/bin/env bash
# Validates a model bundle on held-out sets through the appliance's own code (`cordwatch grade`,
# then `cordwatch evaluate`), each set twice: with the reference canal boxes supplied and with the
# bundle's localizer finding them. Writes, per set and box source, the grade document, the
# evaluation as text, JSON and HTML, and one summary.md table (docs/validation.md explains it).
#
#   trainer/scripts/validate.sh BUNDLE DATA OUT [SET...]
#
# DATA holds the sets as folders with labels.csv (docs/validation.md says how each is made); SET
# names the folders to use (default: every folder of DATA with a labels.csv). Needs python3 for the
# summary only; SUMMARY_ONLY=1 rewrites the summary from what OUT already holds.
set -euo pipefail
[ $# -ge 3 ] || { sed -n 2,12p "$0" | sed 's/^# \{0,1\}//'; exit 2; }
root=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
bundle=$1 data=$2 out=$3
shift 3
sets=("$@")
if [ ${#sets[@]} -eq 0 ]; then
  for d in "$data"/*/; do [ -f "$d/labels.csv" ] && sets+=("$(basename "$d")"); done
fi
mkdir -p "$out"
cw="$root/install/cordwatch"
# SUMMARY_ONLY=1 rewrites summary.md from the files already in OUT (nothing is graded again).
[ "${SUMMARY_ONLY:-0}" = 1 ] && sets_to_grade=() || sets_to_grade=("${sets[@]}")
for s in "${sets_to_grade[@]}"; do
  for boxes in supplied localizer; do
    name="$s-$boxes"
    args=()
    [ "$boxes" = supplied ] && args=(--boxes "$data/$s/labels.csv")
    "$cw" grade "$data/$s" --bundle "$bundle" "${args[@]}" --json > "$out/$name.grade.json" 2> "$out/$name.grade.log"
    "$cw" evaluate --reference "$data/$s/labels.csv" --predicted "$out/$name.grade.json" \
      --html "$out/$name.html" > "$out/$name.txt"
    "$cw" evaluate --reference "$data/$s/labels.csv" --predicted "$out/$name.grade.json" \
      --json > "$out/$name.eval.json"
    echo "validated $name" >&2
  done
done
python3 - "$out" "${sets[@]}" > "$out/summary.md" <<'PY'
import json, sys, os
out, sets = sys.argv[1], sys.argv[2:]
def iv(x):
    if not x or x.get("value") is None:
        return "-"
    ci = x.get("ci") or [None, None]
    if ci[0] is None:
        return "%.3f" % x["value"]
    return "%.3f (%.3f-%.3f)" % (x["value"], ci[0], ci[1])
print("| set | boxes | slices | AC1 high/low (study-clustered CI) | sensitivity | specificity | exact grade | confident high on grade 0 per 100 | canal found IoU>=0.5 | series verdicts (high/low/indeterminate) | study verdicts, high-grade: high/indeterminate/low (not called low) | low-grade: high/indeterminate/low |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
def tally(t):
    return "%d/%d/%d" % (t["high"], t["indeterminate"], t["low"]) + (" (+%d none)" % t["none"] if t["none"] else "")
for s in sets:
    for boxes in ("supplied", "localizer"):
        name = "%s-%s" % (s, boxes)
        try:
            e = json.load(open(os.path.join(out, name + ".eval.json")))
            g = json.load(open(os.path.join(out, name + ".grade.json")))
        except (OSError, ValueError):
            print("| %s | %s | failed | | | | | | | | | |" % (s, boxes)); continue
        sl = e["slices"]; cl = e["study_clustered"]; fa = e["false_alarms"]; lo = e["localizer"]
        pg = sl["per_grade"]; n = sum(p["n"] for p in pg); ok = sum(p["correct"] for p in pg)
        hl = sl["high_low"]
        groups = {"high": 0, "low": 0, "indeterminate": 0}
        for st in g["studies"]:
            for se in st["series"]:
                v = se.get("verdict") or {}
                if v.get("group") in groups:
                    groups[v["group"]] += 1
        fa_txt = "-" if fa["per_100"] is None else "%.2f (%d of %d; %d uncertain, %d borderline)" % (fa["per_100"], fa["confident_high"], fa["normal_slices"], fa["uncertain_high"], fa.get("borderline_high", 0))
        lo_txt = "-" if lo["share"] is None else "%.3f (%d/%d)" % (lo["share"], lo["hits"], lo["reference_boxes"])
        sv = e.get("study_verdicts") or {}
        hg, lg = sv.get("high_grade"), sv.get("low_grade")
        hg_txt = "-" if not hg or not (hg["high"] + hg["indeterminate"] + hg["low"] + hg["none"]) else "%s (%s)" % (tally(hg), iv(hg["not_called_low"]))
        lg_txt = "-" if not lg else tally(lg)
        print("| %s | %s | %d | %s | %s | %s | %.3f | %s | %s | %d/%d/%d | %s | %s |" % (
            s, boxes, n, iv(cl["ac1"]), iv(cl["sensitivity"]), iv(cl["specificity"]),
            ok / n if n else float("nan"), fa_txt, lo_txt,
            groups["high"], groups["low"], groups["indeterminate"], hg_txt, lg_txt))
PY
echo "summary: $out/summary.md" >&2
