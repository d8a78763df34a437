package io.cordwatch.web;

import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.store.Records.ReviewRow;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A study's page in the results view, {@code /studies/{uid}}: the study's own grade first (with the
 * model, the review state and the study's review form), then each series' verdict with its key
 * images, the slice strip and the slice table (grade, P(high), marks, canal box, image, current
 * decision, review form), then the review history, newest first, each decision marked current or
 * superseded. Review forms appear only for a signed-in clinician or admin; the "not for clinical
 * use" banner whenever a grading model's bundle says {@code clinical_use: false}. Each view is an
 * audit row ({@code study_viewed}: the study, who, from where).
 */
final class StudyPage {
  private final WebContext ctx;

  StudyPage(WebContext ctx) {
    this.ctx = ctx;
  }

  void render(ServerRequest req, ServerResponse res) {
    StudyResults r = StudyResults.of(StudyResults.load(ctx, req));
    Access access = ResultsPages.access(req);
    String uid = r.row().studyUid();
    // DICOM Instances Accessed: who opened which study's results, before they are shown.
    ctx.index()
        .audit(
            ctx.clock().millis(),
            "study_viewed",
            "study " + uid + " by " + access.principal().describe() + " from " + Replies.peer(req));
    List<ReviewRow> history = ctx.index().reviewsOfStudy(uid);
    Map<String, ReviewRow> current = current(history);
    boolean forms = access.viaSession() && access.principal().mayChangeResults();
    String csrf = forms ? access.session().csrfToken() : null;

    Html h = Html.page("CordWatch: study " + Uids.tag(uid), "");
    Pages.nav(h, ctx, access);
    if (!r.graded().isEmpty() && !r.clinicalUse()) {
      notForClinicalUse(h, r.model(), true);
    }
    if (r.unsignedModel()) {
      unsignedModel(h, "results here were graded by a model bundle");
    }
    h.raw("<p class=\"meta\"><a href=\"/studies\">\u2190 Worklist</a></p>\n");
    h.raw("<h1>Study ").text(Uids.tag(uid)).raw("</h1>\n<p class=\"meta\">Study Instance UID ");
    h.raw("<code>").text(uid).raw("</code>");
    String date = Worklist.studyDateTime(ctx.index().firstFactsOfStudy(uid).orElse(null));
    if (date != null) {
      h.text(" \u00b7 study date " + date);
    }
    h.raw(" \u00b7 received ");
    h.text(Pages.time(ctx, Instant.ofEpochMilli(r.row().firstReceivedMs())));
    h.text(" to " + Pages.time(ctx, Instant.ofEpochMilli(r.row().lastReceivedMs())));
    h.text(
        " \u00b7 " + r.row().instanceCount() + " images in " + r.row().seriesCount() + " series");
    h.raw("</p>\n");

    studyGrade(h, r, current.get(key(null, null)), csrf);
    for (Views.SeriesView s : r.series()) {
      series(h, uid, s, current, csrf);
    }
    history(h, r, history);
    h.raw("</body>\n</html>\n");
    Replies.text(res, Status.OK_200, "text/html; charset=utf-8", h.toString());
  }

  private void studyGrade(Html h, StudyResults r, ReviewRow review, String csrf) {
    String group = r.group();
    h.raw("<section id=\"study-grade\" class=\"grade g-")
        .text(group == null ? "none" : group)
        .raw("\">\n<h2>Study result: ")
        .text(Worklist.resultText(group, r.grade(), r.row().state()))
        .raw("</h2>\n");
    if (r.verdict().indeterminateMessage() != null) {
      h.raw("<p>").text(r.verdict().indeterminateMessage()).raw("</p>\n");
    }
    if (r.model() != null) {
      h.raw("<p class=\"meta\">Model ")
          .text(r.model())
          .text(r.engine() == null ? "" : " on " + r.engine())
          .raw("</p>\n");
    }
    h.raw("<p class=\"review-state\">Review: ").text(Worklist.reviewText(review));
    if (review != null) {
      h.text(" at " + Pages.time(ctx, Instant.ofEpochMilli(review.atMs())));
    }
    h.raw("</p>\n");
    if (csrf != null) {
      reviewForm(h, r.row().studyUid(), null, 0, r.grade(), csrf, "the study's grade");
    }
    h.raw("</section>\n");
  }

  /**
   * What the series baseline discount did to a series, for its readers; null when it was not
   * discounted (no discount due, a bundle without one, or a verdict stored before it existed).
   */
  static String baselineNote(Views.SeriesView s) {
    if (s.verdict() == null) {
      return null;
    }
    var discount = s.verdict().path("model").path("baseline_discount");
    if (!discount.isNumber() || !(discount.asDouble() > 0)) {
      return null;
    }
    return String.format(
        java.util.Locale.ROOT,
        "Series baseline: every slice scores above the model's validation series, so %.2f logits"
            + " were taken off before its thresholds (%s; confident from P(high) %.4f).",
        discount.asDouble(),
        StudyResults.text(s.verdict().path("model"), "decision"),
        StudyResults.confidentHigh(s));
  }

  private void series(
      Html h, String uid, Views.SeriesView s, Map<String, ReviewRow> current, String csrf) {
    h.raw("<section class=\"series\">\n<h2>Series ")
        .text(s.seriesNumber() == null ? "" : s.seriesNumber() + " ")
        .text(s.description() == null ? "" : s.description())
        .raw("</h2>\n<p>");
    if (s.verdict() != null) {
      String group = StudyResults.group(s.verdict());
      h.raw("<strong class=\"g-").text(group).raw("\">");
      h.text(Worklist.resultText(group, StudyResults.text(s.verdict(), "grade"), "graded"));
      h.raw("</strong>");
      String why = StudyResults.text(s.verdict(), "indeterminate_message");
      if (why != null) {
        h.raw(" \u00b7 ").text(why);
      }
      var counts = s.verdict().path("counts");
      h.text(
          " \u00b7 "
              + counts.path("graded").asInt()
              + " of "
              + counts.path("slices").asInt()
              + " slices graded, "
              + counts.path("high_calls").asInt()
              + " called high, "
              + counts.path("uncertain").asInt()
              + " uncertain, "
              + counts.path("no_roi").asInt()
              + " without a canal box");
    } else if (s.selection() != null && "selected".equals(s.selection().decision())) {
      h.text(s.job() == null ? "selected for grading" : "grading: " + s.job().state());
    } else {
      h.text("not graded");
    }
    h.raw("</p>\n");
    String baseline = baselineNote(s);
    if (baseline != null) {
      h.raw("<p class=\"meta\">").text(baseline).raw("</p>\n");
    }
    if (s.selection() != null) {
      h.raw("<p class=\"meta\">Selection: ").text(s.selection().summary()).raw("</p>\n");
    }
    if (s.verdict() == null) {
      h.raw("</section>\n");
      return;
    }
    List<StudyResults.Slice> keys = StudyResults.keyImages(s);
    if (!keys.isEmpty()) {
      h.raw("<h3>Key images</h3>\n<div class=\"key-images\">\n");
      for (StudyResults.Slice k : keys) {
        h.raw("<figure><a href=\"#").text(anchor(k)).raw("\"><img src=\"");
        h.text(imagePath(uid, k)).raw("\" alt=\"").text(caption(k)).raw("\"></a>");
        h.raw("<figcaption>").text(caption(k)).raw("</figcaption></figure>\n");
      }
      h.raw("</div>\n");
    }
    List<StudyResults.Slice> slices = StudyResults.slices(s);
    h.raw("<h3>Slices</h3>\n<ol class=\"strip\">");
    for (StudyResults.Slice k : slices) {
      h.raw("<li class=\"").raw(sliceClass(k)).raw("\"><a href=\"#").text(anchor(k));
      h.raw("\" title=\"").text(caption(k)).raw("\">");
      h.text(k.grade() == null ? "\u2013" : k.grade()).raw("</a></li>");
    }
    h.raw("</ol>\n<p class=\"meta legend\"><span class=\"s-high\">high</span> ")
        .raw("<span class=\"s-caution\">high but uncertain or borderline</span> ")
        .raw("<span class=\"s-low\">low</span> <span class=\"s-none\">not graded</span></p>\n");
    h.raw("<table class=\"slices\">\n<tr><th>Slice</th><th>Grade</th><th>P(high)</th>");
    h.raw("<th>Marks</th><th>Canal box</th><th>Image</th><th>Review</th></tr>\n");
    for (StudyResults.Slice k : slices) {
      Views.SliceView v = k.slice();
      h.raw("<tr id=\"").text(anchor(k)).raw("\" class=\"").raw(sliceClass(k)).raw("\"><td>");
      h.text(Integer.toString(k.index() + 1)).raw("</td><td>");
      h.text(v.grade() == null ? "\u2013" : v.grade()).raw("</td><td class=\"n\">");
      h.text(KeyImage.probability(v.pHigh())).raw("</td><td>").text(marks(k)).raw("</td><td>");
      if (v.box() != null) {
        h.text(
            v.box().x0()
                + ","
                + v.box().y0()
                + " \u2013 "
                + v.box().x1()
                + ","
                + v.box().y1()
                + (v.boxSource() == null ? "" : " (" + v.boxSource() + ")"));
      }
      h.raw("</td><td><a href=\"").text(imagePath(uid, k)).raw("\">PNG</a></td><td>");
      ReviewRow decided = current.get(key(v.sopInstanceUid(), v.frame()));
      if (decided != null) {
        h.raw("<span class=\"decided\">").text(Worklist.reviewText(decided)).raw("</span>");
      }
      if (csrf != null) {
        reviewForm(
            h, uid, v.sopInstanceUid(), v.frame(), v.grade(), csrf, "slice " + (k.index() + 1));
      }
      h.raw("</td></tr>\n");
    }
    h.raw("</table>\n</section>\n");
  }

  /**
   * A form that confirms the model's grade (when it has one) or corrects it to a chosen grade.
   * Confirming sends the decision only; the grade confirmed is the one the server holds.
   */
  private static void reviewForm(
      Html h, String uid, String sop, int frame, String modelGrade, String csrf, String what) {
    h.raw("<form class=\"review\" method=\"post\" action=\"/studies/")
        .text(uid)
        .raw("/reviews\">")
        .csrfField(csrf);
    if (sop != null) {
      h.raw("<input type=\"hidden\" name=\"sop\" value=\"").text(sop).raw("\">");
      h.raw("<input type=\"hidden\" name=\"frame\" value=\"")
          .text(Integer.toString(frame))
          .raw("\">");
    }
    if (StudyResults.parse(modelGrade) != null) {
      h.raw("<button type=\"submit\" name=\"decision\" value=\"confirm\" title=\"Confirm ")
          .text(what)
          .raw("\">Confirm ")
          .text(modelGrade)
          .raw("</button> ");
    }
    h.raw("<label>Correct to <select name=\"grade\" aria-label=\"Grade for ").text(what).raw("\">");
    for (String g : Grade.labels()) {
      h.raw("<option");
      if (g.equals(modelGrade)) {
        h.raw(" selected");
      }
      h.raw(">").text(g).raw("</option>");
    }
    h.raw("</select></label> <button type=\"submit\" name=\"decision\" value=\"correct\">");
    h.raw("Correct</button></form>");
  }

  private void history(Html h, StudyResults r, List<ReviewRow> history) {
    h.raw("<section id=\"reviews\">\n<h2>Review history</h2>\n");
    if (history.isEmpty()) {
      h.raw("<p>No decisions yet.</p>\n</section>\n");
      return;
    }
    Map<String, ReviewRow> current = current(history);
    h.raw("<table class=\"history\">\n<tr><th>When</th><th>Who</th><th>What</th>");
    h.raw("<th>Decision</th><th>Grade given</th><th>Model's grade then</th><th>Model</th>");
    h.raw("<th></th></tr>\n");
    for (ReviewRow row : history.reversed()) {
      boolean latest = current.get(key(row.sopInstanceUid(), row.frame())) == row;
      h.raw("<tr><td>").text(Pages.time(ctx, Instant.ofEpochMilli(row.atMs())));
      h.raw("</td><td>").text(row.userName()).raw("</td><td>").text(target(r, row));
      h.raw("</td><td>").text(row.decision()).raw("</td><td>").text(row.grade());
      h.raw("</td><td>").text(row.modelGrade() == null ? "\u2013" : row.modelGrade());
      h.raw("</td><td>").text(row.model() == null ? "" : row.model());
      h.raw("</td><td>").raw(latest ? "current" : "superseded").raw("</td></tr>\n");
    }
    h.raw("</table>\n</section>\n");
  }

  /** What a decision is about, in words: the study, or slice n of series m. */
  private static String target(StudyResults r, ReviewRow row) {
    if (row.studyLevel()) {
      return "study";
    }
    return r.slice(row.sopInstanceUid(), row.frame())
        .map(
            k ->
                "slice "
                    + (k.index() + 1)
                    + (k.series().seriesNumber() == null
                        ? ""
                        : " of series " + k.series().seriesNumber()))
        .orElse("slice " + Uids.tag(row.sopInstanceUid()) + " (no longer in the results)");
  }

  /** The latest decision per study or slice (history is oldest first). */
  static Map<String, ReviewRow> current(List<ReviewRow> history) {
    Map<String, ReviewRow> out = new HashMap<>();
    for (ReviewRow row : history) {
      out.put(key(row.sopInstanceUid(), row.frame()), row);
    }
    return out;
  }

  private static String key(String sop, Integer frame) {
    return sop == null ? "study" : sop + "#" + frame;
  }

  static void notForClinicalUse(Html h, String model, boolean shown) {
    h.raw("<p class=\"banner\" id=\"not-clinical\"")
        .raw(shown ? "" : " hidden")
        .raw(">NOT FOR CLINICAL USE: ")
        .text(
            model == null
                ? "results here come from a model that is not cleared for clinical use"
                : "graded by " + model + ", a model that is not cleared for clinical use")
        .text(" (its bundle says clinical_use: false). Do not base patient care on them.")
        .raw("</p>\n");
  }

  /**
   * The banner of a model bundle no trusted key signed ({@code allow-unsigned-bundles: on}): nobody
   * vouches that it is the model that was validated.
   */
  static void unsignedModel(Html h, String what) {
    h.raw("<p class=\"banner\" id=\"unsigned-model\">UNSIGNED MODEL: ")
        .text(
            what
                + " that no trusted key signed (allow-unsigned-bundles is on): nobody vouches that"
                + " it is the model that was validated.")
        .raw("</p>\n");
  }

  static String anchor(StudyResults.Slice k) {
    return "slice-" + k.slice().sopInstanceUid() + "-" + k.slice().frame();
  }

  static String imagePath(String uid, StudyResults.Slice k) {
    return "/studies/"
        + uid
        + "/slices/"
        + k.slice().sopInstanceUid()
        + ".png?frame="
        + k.slice().frame();
  }

  static String sliceClass(StudyResults.Slice k) {
    if (!"graded".equals(k.slice().status())) {
      return "s-none";
    }
    return switch (k.call()) {
      case HIGH -> "s-high";
      case CAUTION -> "s-caution";
      case LOW -> "s-low";
    };
  }

  /**
   * The marks of a slice: uncertain, borderline, withdrawn, possible high, no canal box,
   * unreadable.
   */
  static String marks(StudyResults.Slice k) {
    Views.SliceView v = k.slice();
    if ("no_roi".equals(v.status())) {
      return "no canal box";
    }
    if (!"graded".equals(v.status())) {
      return v.status() + (v.reason() == null ? "" : ": " + v.reason());
    }
    StringBuilder m = new StringBuilder();
    if (Boolean.TRUE.equals(v.highCall())) {
      m.append("called high");
    }
    if (k.uncertain()) {
      m.append(m.isEmpty() ? "" : ", ").append("uncertain (out of distribution)");
    }
    if (k.borderline()) {
      m.append(m.isEmpty() ? "" : ", ").append("borderline");
    }
    if (k.withdrawn()) {
      m.append(m.isEmpty() ? "" : ", ")
          .append(
              String.format(
                  java.util.Locale.ROOT,
                  "high call withdrawn (the canal segmenter saw %.1f mm\u00b2 of tumour in the"
                      + " box)",
                  v.tumourInBoxMm2() == null ? Double.NaN : v.tumourInBoxMm2()));
    }
    if (k.possibleHigh()) {
      m.append(m.isEmpty() ? "" : ", ")
          .append("possible high (at or above the rule-out threshold)");
    }
    return m.toString();
  }

  static String caption(StudyResults.Slice k) {
    Views.SliceView v = k.slice();
    String what = "Slice " + (k.index() + 1);
    if (!"graded".equals(v.status())) {
      return what + ": not graded (" + marks(k) + ")";
    }
    String m = marks(k);
    return what
        + ": Bilsky "
        + v.grade()
        + ", P(high) "
        + KeyImage.probability(v.pHigh())
        + (m.isEmpty() ? "" : ", " + m);
  }
}
