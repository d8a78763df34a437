package io.cordwatch.web;

import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.store.Records.StudyRow;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Map;

/**
 * The results view's API under {@code /api/v1}: the worklist the page's script polls, a study's
 * reviews, key-image PNGs, and the current slice decisions of every study as a labels.csv.
 *
 * <p>The CSV has the columns of the labels.csv that phantoms, the trainer and {@code cordwatch
 * evaluate --reference} read ({@code study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1}, then
 * {@code frame}): one row per slice with a decision, its latest decision's grade and the canal box
 * the slice was graded with (empty when it had none). A site validates a model against its own
 * clinicians with {@code cordwatch evaluate --reference reviews.csv --predicted grade.json}.
 * Study-level decisions are not slices and so are not in it; {@code GET
 * /api/v1/studies/{uid}/reviews} has them.
 */
final class ResultsApi implements HttpService {
  static final String CSV_HEADER = ReviewRow.LABELS_HEADER;

  private final WebContext ctx;

  ResultsApi(WebContext ctx) {
    this.ctx = ctx;
  }

  /** One decision as the API sends it. */
  record ReviewView(
      long id,
      String level,
      String decision,
      String grade,
      String modelGrade,
      String model,
      String seriesInstanceUid,
      String sopInstanceUid,
      Integer frame,
      Views.BoxView box,
      String user,
      String decidedAt,
      boolean current) {}

  /** A study's decisions: the current ones, and every one oldest first. */
  record StudyReviews(
      String studyInstanceUid,
      String reviewState,
      List<ReviewView> current,
      List<ReviewView> history) {}

  @Override
  public void routing(HttpRules rules) {
    Replies.get(rules, "/worklist", this::worklist);
    Replies.get(rules, "/reviews.csv", this::csv);
    Replies.get(rules, "/studies/{studyInstanceUid}/reviews", this::reviews);
    Replies.get(rules, "/studies/{studyInstanceUid}/key-images/{image}", this::image);
  }

  private void worklist(ServerRequest req, ServerResponse res) {
    Replies.json(res, Worklist.read(ctx));
  }

  private void reviews(ServerRequest req, ServerResponse res) {
    StudyRow study = StudyResults.load(ctx, req);
    List<ReviewRow> history = ctx.index().reviewsOfStudy(study.studyUid());
    Map<String, ReviewRow> current = StudyPage.current(history);
    List<ReviewView> all = history.stream().map(r -> view(r, current.containsValue(r))).toList();
    ReviewRow studyDecision =
        history.stream().filter(ReviewRow::studyLevel).reduce((a, b) -> b).orElse(null);
    Replies.json(
        res,
        new StudyReviews(
            study.studyUid(),
            Worklist.reviewState(studyDecision),
            all.stream().filter(ReviewView::current).toList(),
            all));
  }

  private void image(ServerRequest req, ServerResponse res) {
    SliceImages.send(ctx, req, res);
  }

  private void csv(ServerRequest req, ServerResponse res) {
    StringBuilder out = new StringBuilder(CSV_HEADER).append('\n');
    for (ReviewRow r : ctx.index().currentReviews()) {
      if (r.studyLevel()) {
        continue;
      }
      out.append(r.labelsLine(r.studyUid())).append('\n');
    }
    res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"reviews.csv\"");
    Replies.text(res, Status.OK_200, "text/csv; charset=utf-8", out.toString());
  }

  static ReviewView view(ReviewRow r, boolean current) {
    int[] b = r.box();
    return new ReviewView(
        r.id(),
        r.studyLevel() ? "study" : "slice",
        r.decision(),
        r.grade(),
        r.modelGrade(),
        r.model(),
        r.seriesUid(),
        r.sopInstanceUid(),
        r.frame(),
        b == null ? null : new Views.BoxView(b[0], b[1], b[2], b[3]),
        r.userName(),
        Views.iso(r.atMs()),
        current);
  }
}
