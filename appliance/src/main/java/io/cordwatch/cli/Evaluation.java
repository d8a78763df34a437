package io.cordwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.infer.VerdictLimits;
import io.cordwatch.stats.Agreement;
import io.cordwatch.stats.ConfusionMatrix;
import io.cordwatch.stats.Dichotomous;
import io.cordwatch.stats.Interval;
import io.cordwatch.stats.Reliability;
import io.cordwatch.stats.StudySummary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Joins reference grades with a reader's (the model's) per slice, keyed by (SOP Instance UID,
 * frame), and computes what {@code cordwatch evaluate} reports. Nothing is dropped silently: every
 * slice on only one side, and every predicted slice that was not graded, is listed.
 */
final class Evaluation {
  static final List<String> GRADES = Grade.labels();
  static final int FIRST_HIGH = Grade.G1C.ordinal();

  /** A bad input file, with the file and line in the message. */
  static final class InputException extends Exception {
    private static final long serialVersionUID = 1L;

    InputException(String message) {
      super(message);
    }
  }

  record Key(String sopInstanceUid, int frame) {
    /** The key of a slice of a {@code cordwatch grade --json} document (frame 1 when absent). */
    static Key of(JsonNode slice) {
      return new Key(slice.path("sop_instance_uid").asText(""), slice.path("frame").asInt(1));
    }
  }

  /**
   * One slice as one side has it.
   *
   * @param grade index into {@link #GRADES}, or -1 when the slice was not graded
   * @param pHigh predicted probability of high grade, or NaN when there are no probabilities
   * @param status "graded" or why not
   * @param uncertain whether the reader marked the slice out of distribution (false for labels)
   * @param borderline whether the reader's high call is below its confident band (P(high) under the
   *     bundle's {@code confident_high_threshold}; false for labels and for low calls)
   * @param highCall the reader's own high/low call when it made one (a P(high) threshold), else
   *     null: then high means a grade of 1c or worse
   * @param box the canal box {x0, y0, x1, y1} (inclusive pixels), or null when there is none
   * @param boundary the reference's distance to the nearest grade boundary ({@code
   *     boundary_distance}), NaN when not given
   */
  record Slice(
      Key key,
      String studyInstanceUid,
      int grade,
      double pHigh,
      String status,
      boolean uncertain,
      boolean borderline,
      Boolean highCall,
      int[] box,
      double boundary) {

    /** A slice with nothing but its grade (and P(high) when known). */
    Slice(Key key, String studyInstanceUid, int grade, double pHigh, String status) {
      this(key, studyInstanceUid, grade, pHigh, status, false, false, null, null, Double.NaN);
    }

    /** Whether this side calls the slice high grade. */
    boolean high() {
      return highCall != null ? highCall : grade >= FIRST_HIGH;
    }
  }

  record Matched(Slice reference, Slice predicted) {}

  record PerGrade(String grade, long n, long correct, long under, long over) {}

  record Result(
      List<Matched> matched,
      List<Slice> referenceOnly,
      List<Slice> predictedOnly,
      List<Slice> notGraded,
      int referenceSlices,
      int predictedSlices,
      ConfusionMatrix grades,
      ConfusionMatrix highLow,
      Interval ac1,
      Interval cohenKappa,
      Interval weightedKappa,
      Dichotomous dichotomous,
      List<PerGrade> perGrade,
      List<StudySummary> studies,
      Dichotomous studyDichotomous,
      List<Reliability.Bin> reliability,
      EvaluationChecks.Report checks) {}

  private Evaluation() {}

  static Result evaluate(List<Slice> reference, List<Slice> predicted) throws InputException {
    Map<Key, Slice> pred = new LinkedHashMap<>();
    for (Slice s : predicted) {
      pred.put(s.key(), s);
    }
    Map<Key, Slice> ref = new LinkedHashMap<>();
    for (Slice s : reference) {
      ref.put(s.key(), s);
    }
    List<Matched> matched = new ArrayList<>();
    List<Slice> referenceOnly = new ArrayList<>();
    List<Slice> notGraded = new ArrayList<>();
    for (Slice r : reference) {
      Slice p = pred.get(r.key());
      if (p == null) {
        referenceOnly.add(r);
      } else if (p.grade() < 0) {
        notGraded.add(p);
      } else {
        matched.add(new Matched(r, p));
      }
    }
    List<Slice> predictedOnly = predicted.stream().filter(p -> !ref.containsKey(p.key())).toList();
    if (matched.isEmpty()) {
      throw new InputException(
          "no slice is graded in both files ("
              + reference.size()
              + " reference, "
              + predicted.size()
              + " predicted, "
              + notGraded.size()
              + " of the reference's slices predicted but not graded): nothing to evaluate;"
              + " check that both name the same SOP Instance UIDs and frames");
    }
    ConfusionMatrix cm = ConfusionMatrix.empty(GRADES);
    List<StudySummary.Rating> ratings = new ArrayList<>();
    long[][] perGrade = new long[GRADES.size()][4];
    List<Double> probs = new ArrayList<>();
    List<Boolean> events = new ArrayList<>();
    for (Matched m : matched) {
      int r = m.reference().grade();
      int p = m.predicted().grade();
      cm = cm.add(r, p);
      String study =
          m.reference().studyInstanceUid() != null
              ? m.reference().studyInstanceUid()
              : m.predicted().studyInstanceUid();
      ratings.add(
          new StudySummary.Rating(
              study == null ? "(no study UID)" : study, r, p, m.predicted().highCall()));
      perGrade[r][0]++;
      perGrade[r][p == r ? 1 : p < r ? 2 : 3]++;
      if (!Double.isNaN(m.predicted().pHigh())) {
        probs.add(m.predicted().pHigh());
        events.add(r >= FIRST_HIGH);
      }
    }
    List<PerGrade> pg = new ArrayList<>();
    for (int g = 0; g < GRADES.size(); g++) {
      pg.add(
          new PerGrade(
              GRADES.get(g), perGrade[g][0], perGrade[g][1], perGrade[g][2], perGrade[g][3]));
    }
    ConfusionMatrix hl = cm.dichotomize(FIRST_HIGH);
    List<StudySummary> studies = StudySummary.of(ratings, FIRST_HIGH);
    List<Reliability.Bin> bins = List.of();
    if (!probs.isEmpty()) {
      double[] p = probs.stream().mapToDouble(Double::doubleValue).toArray();
      boolean[] y = new boolean[events.size()];
      for (int i = 0; i < y.length; i++) {
        y[i] = events.get(i);
      }
      bins = Reliability.bins(p, y, 10);
    }
    return new Result(
        matched,
        referenceOnly,
        predictedOnly,
        notGraded,
        reference.size(),
        predicted.size(),
        cm,
        hl,
        Agreement.gwetAc1(cm),
        Agreement.cohenKappa(cm),
        Agreement.linearWeightedKappa(cm),
        Dichotomous.of(hl),
        pg,
        studies,
        Dichotomous.of(StudySummary.table(studies)),
        bins,
        EvaluationChecks.of(reference, matched, notGraded, pred));
  }

  /** Reads a labels.csv: header with sop_instance_uid and grade, optional frame and study UID. */
  static List<Slice> readLabels(Path file) throws InputException {
    return readCsv(file, read(file), true);
  }

  /** Reads labels.csv text; errors name {@code name} as the file. */
  static List<Slice> readLabels(String name, String text) throws InputException {
    return readCsv(Path.of(name), text, true);
  }

  /**
   * Predictions as read once: their slices, and for a {@code cordwatch grade --json} document its
   * studies (series, verdicts and slices as the document holds them); null studies for a CSV.
   */
  record Predictions(List<Slice> slices, List<JsonNode> studies) {}

  /** Reads predictions: a {@code cordwatch grade --json} document or a CSV. */
  static List<Slice> readPredicted(Path file) throws InputException {
    return readPredictions(file).slices();
  }

  /** Reads predictions, keeping a grade document's studies beside its slices. */
  static Predictions readPredictions(Path file) throws InputException {
    String text = read(file);
    if (text.stripLeading().startsWith("{")) {
      return gradeDocument(file, gradeTree(file, text));
    }
    return new Predictions(readCsv(file, text, false), null);
  }

  /**
   * Reads a {@code cordwatch grade --json} document made in this process; {@code name} names it.
   */
  static Predictions parsePredictions(String name, String json) throws InputException {
    Path file = Path.of(name);
    return gradeDocument(file, gradeTree(file, json));
  }

  private static String read(Path file) throws InputException {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read (" + e.getMessage() + ")");
    }
  }

  private static List<Slice> readCsv(Path file, String text, boolean reference)
      throws InputException {
    List<String> lines = text.lines().toList();
    if (lines.isEmpty()) {
      throw new InputException(file + ": empty, expected a header line");
    }
    List<String> header =
        Arrays.stream(lines.getFirst().split(",", -1))
            .map(h -> h.strip().toLowerCase(Locale.ROOT))
            .toList();
    int sop = header.indexOf("sop_instance_uid");
    int grade = header.indexOf("grade");
    int frame = header.indexOf("frame");
    int study = header.indexOf("study_instance_uid");
    int boundary = header.indexOf("boundary_distance");
    int[] boxColumns = {
      header.indexOf("x0"), header.indexOf("y0"), header.indexOf("x1"), header.indexOf("y1")
    };
    if (sop < 0 || grade < 0) {
      throw new InputException(
          file + ":1: header needs sop_instance_uid and grade columns, has " + header);
    }
    List<Slice> out = new ArrayList<>();
    Map<Key, Integer> seen = new LinkedHashMap<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      String where = file + ":" + (i + 1) + ": ";
      String[] f = line.split(",", -1);
      if (f.length < header.size()) {
        throw new InputException(
            where + f.length + " fields where the header has " + header.size());
      }
      int fr = 1;
      if (frame >= 0 && !f[frame].isBlank()) {
        try {
          fr = Integer.parseInt(f[frame].strip());
        } catch (NumberFormatException e) {
          throw new InputException(where + "frame is not a whole number: '" + f[frame] + "'");
        }
        if (fr < 1) {
          throw new InputException(where + "frame must be 1 or more, got " + fr);
        }
      }
      Key key = new Key(f[sop].strip(), fr);
      if (key.sopInstanceUid().isEmpty()) {
        throw new InputException(where + "sop_instance_uid is empty");
      }
      Integer before = seen.put(key, i + 1);
      if (before != null) {
        throw new InputException(
            where
                + "instance "
                + key.sopInstanceUid()
                + " frame "
                + fr
                + " is already on line "
                + before);
      }
      int g = gradeIndex(f[grade].strip(), where);
      out.add(
          new Slice(
              key,
              study >= 0 && !f[study].isBlank() ? f[study].strip() : null,
              g,
              Double.NaN,
              "graded",
              false,
              false,
              null,
              box(f, boxColumns, where),
              boundary >= 0 ? number(f[boundary], "boundary_distance", where) : Double.NaN));
    }
    if (out.isEmpty()) {
      throw new InputException(
          file + ": no " + (reference ? "labels" : "predictions") + " after the header");
    }
    return out;
  }

  private static int[] box(String[] f, int[] columns, String where) throws InputException {
    for (int c : columns) {
      if (c < 0 || f[c].isBlank()) {
        return null;
      }
    }
    int[] b = new int[4];
    for (int i = 0; i < 4; i++) {
      b[i] = (int) number(f[columns[i]], "box", where);
    }
    return b;
  }

  private static double number(String v, String what, String where) throws InputException {
    if (v.isBlank()) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(v.strip());
    } catch (NumberFormatException e) {
      throw new InputException(where + what + " is not a number: '" + v + "'");
    }
  }

  private static int gradeIndex(String g, String where) throws InputException {
    int i = GRADES.indexOf(g.toLowerCase(Locale.ROOT));
    if (i < 0) {
      throw new InputException(
          where + "not a Bilsky grade: '" + g + "' (expected one of " + GRADES + ")");
    }
    return i;
  }

  /**
   * Every series of a {@code cordwatch grade --json} document, in document order, for readers that
   * need more than its slices (a series' verdict and its slices together).
   */
  static List<JsonNode> readGradeSeries(Path file) throws InputException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode st : gradeTree(file, read(file)).path("studies")) {
      st.path("series").forEach(out::add);
    }
    return out;
  }

  private static JsonNode gradeTree(Path file, String text) throws InputException {
    JsonNode doc;
    try {
      doc = new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new InputException(file + ": not valid JSON (" + e.getMessage() + ")");
    }
    if (!doc.path("studies").isArray()) {
      throw new InputException(
          file + ": not a 'cordwatch grade --json' document (no \"studies\" list)");
    }
    return doc;
  }

  private static Predictions gradeDocument(Path file, JsonNode doc) throws InputException {
    List<JsonNode> studies = new ArrayList<>();
    doc.path("studies").forEach(studies::add);
    return new Predictions(gradeSlices(file, doc), List.copyOf(studies));
  }

  private static List<Slice> gradeSlices(Path file, JsonNode doc) throws InputException {
    List<Slice> out = new ArrayList<>();
    Map<Key, String> seen = new LinkedHashMap<>();
    for (JsonNode st : doc.path("studies")) {
      String study = st.path("study_instance_uid").asText(null);
      for (JsonNode se : st.path("series")) {
        // The series' confident band (0: every high call confident), as its verdict states it.
        double confidentHigh =
            se.path("verdict")
                .path("model")
                .path("limits")
                .path("confident_high_threshold")
                .asDouble(0);
        for (JsonNode sl : se.path("slices")) {
          String where = file + ": series " + se.path("series_instance_uid").asText("?") + ": ";
          String sop = sl.path("sop_instance_uid").asText("");
          if (sop.isEmpty()) {
            throw new InputException(where + "a slice has no sop_instance_uid");
          }
          Key key = new Key(sop, sl.path("frame").asInt(1));
          if (seen.put(key, where) != null) {
            throw new InputException(
                where + "instance " + sop + " frame " + key.frame() + " appears twice");
          }
          String status = sl.path("status").asText("graded");
          JsonNode grade = sl.path("grade");
          if (!"graded".equals(status) || grade.isNull() || grade.isMissingNode()) {
            String reason = sl.path("reason").asText(null);
            out.add(
                new Slice(
                    key,
                    study,
                    -1,
                    Double.NaN,
                    status + (reason == null ? "" : ": " + reason),
                    false,
                    false,
                    null,
                    null,
                    Double.NaN));
            continue;
          }
          int g = gradeIndex(grade.asText(), where);
          double pHigh = Double.NaN;
          JsonNode probs = sl.path("probabilities");
          if (probs.isObject()) {
            pHigh = 0;
            for (int k = FIRST_HIGH; k < GRADES.size(); k++) {
              pHigh += probs.path(GRADES.get(k)).asDouble(0);
            }
            pHigh = Math.max(0, Math.min(1, pHigh));
          }
          JsonNode call = sl.path("high_call");
          JsonNode b = sl.path("box");
          int[] box =
              b.isObject()
                  ? new int[] {
                    b.path("x0").asInt(),
                    b.path("y0").asInt(),
                    b.path("x1").asInt(),
                    b.path("y1").asInt()
                  }
                  : null;
          out.add(
              new Slice(
                  key,
                  study,
                  g,
                  pHigh,
                  "graded",
                  sl.path("uncertain").asBoolean(false),
                  call.asBoolean(false) && VerdictLimits.borderline(confidentHigh, pHigh),
                  call.isBoolean() ? call.asBoolean() : null,
                  box,
                  Double.NaN));
        }
      }
    }
    return out;
  }
}
