package io.cordwatch.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.cordwatch.grade.StudyVerdict;
import io.cordwatch.grade.Verdict;
import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.infer.VerdictLimits;
import io.cordwatch.keyimage.Overlay;
import io.cordwatch.store.Records.StudyRow;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One study's results as a clinician reads them: its group and Bilsky grade over all its graded
 * series, the model(s) that graded it, and a way to find one slice. The results pages, the
 * key-image PNGs and the review form all read a study through this, so a grade or a slice's
 * "borderline" mark means the same on each.
 *
 * <p>The study's grade is the worst confident grade of its series' verdicts (each series verdict's
 * {@code grade} already leaves uncertain slices out). A grade a bundle names outside the Bilsky
 * scale counts for the group but not for the worst grade.
 */
final class StudyResults {
  private final StudyRow row;
  private final List<Views.SeriesView> series;
  private final StudyVerdict verdict;
  private final String grade;

  /** One slice of the study with the series it belongs to. */
  record Slice(Views.SeriesView series, Views.SliceView slice, int index) {
    /** The slice's grade, null unless graded. */
    String grade() {
      return slice.grade();
    }

    /** A high call below the bundle's confident band (it makes a series indeterminate). */
    boolean borderline() {
      return Boolean.TRUE.equals(slice.highCall())
          && !Boolean.TRUE.equals(slice.uncertain())
          && slice.pHigh() != null
          && VerdictLimits.borderline(confidentHigh(series), slice.pHigh());
    }

    boolean uncertain() {
      return Boolean.TRUE.equals(slice.uncertain());
    }

    /**
     * A high call the bundle's canal segmenter withdrew (too little tumour in the canal box): not a
     * high call, not a low one either; it makes a series indeterminate.
     */
    boolean withdrawn() {
      return Boolean.TRUE.equals(slice.callWithdrawn());
    }

    /**
     * A confident slice not called high whose P(high) reaches the rule-out threshold its verdict
     * was made under (the bundle's or the site's): high grade not ruled out (it makes a series
     * without high calls indeterminate).
     */
    boolean possibleHigh() {
      return "graded".equals(slice.status())
          && !Boolean.TRUE.equals(slice.highCall())
          && !withdrawn()
          && !uncertain()
          && slice.pHigh() != null
          && VerdictLimits.possibleHigh(limit(series, "rule_out_threshold"), slice.pHigh());
    }

    /** The colour of the slice's call: confident high, high but not to be trusted, or low. */
    Overlay.Call call() {
      return Overlay.call(
          Boolean.TRUE.equals(slice.highCall()),
          isHighGrade(slice.grade()),
          uncertain(),
          borderline(),
          withdrawn());
    }

    /** The model that graded the slice (bundle name), or null. */
    String model() {
      return StudyResults.model(series);
    }
  }

  private StudyResults(StudyRow row) {
    this.row = row;
    this.series = row.series().stream().map(Views::series).toList();
    this.verdict = Views.studyVerdict(series);
    this.grade = worst(series.stream().map(s -> text(s.verdict(), "grade")).toList());
  }

  /**
   * The study named by the request's {@code studyInstanceUid} path parameter.
   *
   * @throws WebException INVALID_PARAMETER for a malformed UID, NOT_FOUND for an unknown study
   */
  static StudyRow load(WebContext ctx, io.helidon.webserver.http.ServerRequest req) {
    String uid = req.path().pathParameters().get("studyInstanceUid");
    if (!io.cordwatch.dicom.Uids.isValid(uid)) {
      throw new WebException(
          WebException.Code.INVALID_PARAMETER,
          "studyInstanceUid must be a DICOM UID: digits and dots, at most 64 characters");
    }
    return ctx.index()
        .study(uid)
        .orElseThrow(
            () ->
                new WebException(
                    WebException.Code.NOT_FOUND, "no study with this UID on the appliance"));
  }

  static StudyResults of(StudyRow row) {
    return new StudyResults(row);
  }

  StudyRow row() {
    return row;
  }

  List<Views.SeriesView> series() {
    return series;
  }

  /** The series with a verdict (the ones that were graded). */
  List<Views.SeriesView> graded() {
    return series.stream().filter(s -> s.verdict() != null).toList();
  }

  /** high, low, indeterminate; null while nothing is graded. */
  String group() {
    return verdict.group();
  }

  StudyVerdict verdict() {
    return verdict;
  }

  /** The worst confident Bilsky grade over the series, or null. */
  String grade() {
    return grade;
  }

  /** The names of the models that graded the study, joined; null when none did. */
  String model() {
    Set<String> names = new LinkedHashSet<>();
    for (Views.SeriesView s : graded()) {
      String m = model(s);
      if (m != null) {
        names.add(m);
      }
    }
    return names.isEmpty() ? null : String.join(" + ", names);
  }

  /** The engines that ran, joined; null when unknown. */
  String engine() {
    Set<String> names = new LinkedHashSet<>();
    for (Views.SeriesView s : graded()) {
      String e = text(s.verdict().path("model"), "engine");
      if (e != null) {
        names.add(e);
      }
    }
    return names.isEmpty() ? null : String.join(" + ", names);
  }

  /**
   * Whether every model that graded the study is cleared for clinical use; false when any was not
   * (or did not say), so the "not for clinical use" banner errs towards showing.
   */
  boolean clinicalUse() {
    return graded().stream()
        .allMatch(s -> s.verdict().path("model").path("clinical_use").asBoolean(false));
  }

  /**
   * Whether a model that graded the study ran unsigned ({@code model.signed} false: no signature by
   * a trusted key, allowed by {@code allow-unsigned-bundles}); verdicts that do not say (older
   * ones, offline tools) do not count.
   */
  boolean unsignedModel() {
    return graded().stream()
        .anyMatch(
            s ->
                s.verdict().path("model").path("signed").isBoolean()
                    && !s.verdict().path("model").path("signed").asBoolean());
  }

  /** The slice of instance {@code sop}, frame {@code frame}, if the study's results have it. */
  Optional<Slice> slice(String sop, int frame) {
    for (Views.SeriesView s : series) {
      for (int i = 0; i < s.slices().size(); i++) {
        Views.SliceView v = s.slices().get(i);
        if (v.sopInstanceUid().equals(sop) && v.frame() == frame) {
          return Optional.of(new Slice(s, v, i));
        }
      }
    }
    return Optional.empty();
  }

  /** Every slice of a series as a {@link Slice}. */
  static List<Slice> slices(Views.SeriesView s) {
    List<Slice> out = new ArrayList<>(s.slices().size());
    for (int i = 0; i < s.slices().size(); i++) {
      out.add(new Slice(s, s.slices().get(i), i));
    }
    return out;
  }

  /** A series' key images, as slices of it (those its verdict names). */
  static List<Slice> keyImages(Views.SeriesView s) {
    List<Slice> out = new ArrayList<>();
    if (s.verdict() == null) {
      return out;
    }
    for (JsonNode k : s.verdict().path("key_images")) {
      String sop = k.path("sop_instance_uid").asText();
      int frame = k.path("frame").asInt(1);
      for (Slice slice : slices(s)) {
        if (slice.slice().sopInstanceUid().equals(sop) && slice.slice().frame() == frame) {
          out.add(slice);
        }
      }
    }
    return out;
  }

  static String model(Views.SeriesView s) {
    return s.verdict() == null ? null : text(s.verdict().path("model"), "name");
  }

  static double confidentHigh(Views.SeriesView s) {
    return limit(s, "confident_high_threshold");
  }

  /** One of the limits the series' verdict was made under ({@code model.limits}); 0 when absent. */
  private static double limit(Views.SeriesView s, String key) {
    return s.verdict() == null ? 0 : s.verdict().path("model").path("limits").path(key).asDouble(0);
  }

  /** The worst of some grades on the Bilsky scale; null when none is on it. */
  static String worst(List<String> grades) {
    Grade worst = null;
    for (String g : grades) {
      Grade parsed = parse(g);
      if (parsed != null && (worst == null || parsed.compareTo(worst) > 0)) {
        worst = parsed;
      }
    }
    return worst == null ? null : worst.label();
  }

  static boolean isHighGrade(String g) {
    Grade parsed = parse(g);
    return parsed != null && parsed.high();
  }

  /** A Bilsky grade, or null when {@code g} is none. */
  static Grade parse(String g) {
    if (g == null || !Grade.labels().contains(g)) {
      return null;
    }
    return Grade.of(g);
  }

  /** The group of a stored series verdict (one stored before groups existed is indeterminate). */
  static String group(JsonNode verdict) {
    String g = text(verdict, "group");
    return g == null ? Verdict.INDETERMINATE : g;
  }

  static String text(JsonNode n, String field) {
    if (n == null) {
      return null;
    }
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
