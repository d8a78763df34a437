package io.cordwatch.web;

import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.store.Records.ReviewRow;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.logging.Logger;

/**
 * {@code POST /studies/{uid}/reviews}: a clinician confirms or corrects the study's grade (no
 * {@code sop} field) or one slice's ({@code sop}, {@code frame}). The form names only the target,
 * the decision and, to correct, the grade; the model's grade, the model and the canal box recorded
 * with the decision are read from the results here, at the moment of the decision, so a stale or
 * forged form cannot put words in the model's mouth.
 *
 * <p>Confirming needs a model grade to confirm (an indeterminate study or an ungraded slice can
 * only be corrected to a grade); a correction to the model's own grade is recorded as a
 * confirmation. Who decided comes from the session ({@link RoutePolicy} lets only a signed-in
 * clinician or admin with the CSRF token reach this). Success answers 303 back to the study page,
 * at the decision's row; a refusal answers a page that says what to fix.
 */
final class ReviewForm {
  private static final Logger LOG = Logger.getLogger(ReviewForm.class.getName());

  private ReviewForm() {}

  static void handle(WebContext ctx, ServerRequest req, ServerResponse res) {
    Access access = req.context().get(Access.class).orElse(Access.ANONYMOUS);
    if (access.anonymous() || !access.principal().isUser()) {
      // RoutePolicy refuses these before the handler; kept as a second wall.
      throw new WebException(
          WebException.Code.FORBIDDEN, "a review is recorded by a signed-in clinician or admin");
    }
    StudyResults r;
    ReviewRow row;
    try {
      r = StudyResults.of(StudyResults.load(ctx, req));
      row = decision(ctx, r, Form.of(req), access.principal().name());
    } catch (WebException e) {
      Pages.problem(res, e.code().httpStatus(), "Review not recorded", e.getMessage());
      return;
    }
    ReviewRow stored = ctx.index().recordReview(row);
    ctx.reviewed().accept(stored);
    LOG.info(
        "review: study "
            + Uids.tag(stored.studyUid())
            + (stored.studyLevel() ? "" : " slice " + Uids.tag(stored.sopInstanceUid()))
            + " "
            + stored.decision()
            + " grade "
            + stored.grade()
            + " by user "
            + stored.userName());
    String back =
        "/studies/"
            + stored.studyUid()
            + (stored.studyLevel()
                ? "#study-grade"
                : "#slice-" + stored.sopInstanceUid() + "-" + stored.frame());
    res.status(Status.SEE_OTHER_303);
    res.header(HeaderNames.LOCATION, back);
    res.send();
  }

  /** The decision the form asks for, checked against the study's results now. */
  static ReviewRow decision(WebContext ctx, StudyResults r, Form form, String user) {
    String decision = form.get("decision");
    if (!ReviewRow.CONFIRM.equals(decision) && !ReviewRow.CORRECT.equals(decision)) {
      throw new WebException(
          WebException.Code.BAD_REQUEST, "the form must say decision=confirm or decision=correct");
    }
    String sop = blankToNull(form.get("sop"));
    String seriesUid = null;
    Integer frame = null;
    String modelGrade;
    String model;
    int[] box = null;
    if (sop == null) {
      modelGrade = r.grade();
      model = r.model();
    } else {
      if (!Uids.isValid(sop)) {
        throw new WebException(WebException.Code.INVALID_PARAMETER, "sop must be a DICOM UID");
      }
      frame = frame(form.get("frame"));
      StudyResults.Slice k =
          r.slice(sop, frame)
              .orElseThrow(
                  () ->
                      new WebException(
                          WebException.Code.NOT_FOUND,
                          "this study's results have no slice with that instance and frame (it"
                              + " may have been graded again since the page was loaded: reload"
                              + " it)"));
      seriesUid = k.series().seriesInstanceUid();
      modelGrade = "graded".equals(k.slice().status()) ? k.grade() : null;
      model = k.model();
      var b = k.slice().box();
      box = b == null ? null : new int[] {b.x0(), b.y0(), b.x1(), b.y1()};
    }
    String grade;
    if (ReviewRow.CONFIRM.equals(decision)) {
      if (StudyResults.parse(modelGrade) == null) {
        throw new WebException(
            WebException.Code.UNPROCESSABLE,
            "there is no model grade to confirm here: choose the grade and press Correct");
      }
      grade = modelGrade;
    } else {
      grade = blankToNull(form.get("grade"));
      if (grade == null || !Grade.labels().contains(grade)) {
        throw new WebException(
            WebException.Code.INVALID_PARAMETER,
            "grade must be a Bilsky grade: " + String.join(", ", Grade.labels()));
      }
      if (grade.equals(modelGrade)) {
        decision = ReviewRow.CONFIRM;
      }
    }
    return new ReviewRow(
        0,
        r.row().studyUid(),
        seriesUid,
        sop,
        frame,
        decision,
        grade,
        modelGrade,
        model,
        box,
        user,
        ctx.clock().millis());
  }

  private static int frame(String raw) {
    if (raw == null || raw.isBlank()) {
      return 1;
    }
    try {
      int f = Integer.parseInt(raw.strip());
      if (f >= 1) {
        return f;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new WebException(WebException.Code.INVALID_PARAMETER, "frame must be 1 or more");
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
