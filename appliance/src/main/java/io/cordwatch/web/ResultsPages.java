package io.cordwatch.web;

import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The clinicians' results view: the worklist at {@code /studies} ({@link Worklist}), a study's page
 * at {@code /studies/{uid}} ({@link StudyPage}), the slice images as PNG ({@link SliceImages}) and
 * the form post that records a review ({@link ReviewForm}).
 *
 * <p>Pages are rendered whole on the server and work without JavaScript; the worklist's one script
 * ({@code /static/results.js}) only refreshes its table from {@code /api/v1/worklist}, and without
 * it the page reloads itself. Review forms appear only for a signed-in clinician or admin (the
 * {@link RoutePolicy} refuses the post to anyone else); every form carries the session's CSRF
 * token.
 *
 * <p>These pages carry PHI (UIDs, series descriptions, grades, images): {@link RoutePolicy} lets
 * only clinicians, admins and API tokens read them; facilities staff get a 403 page.
 */
final class ResultsPages implements HttpService {
  static final int NO_SCRIPT_REFRESH_SECONDS = 30;

  private final WebContext ctx;
  private final StudyPage studyPage;

  ResultsPages(WebContext ctx) {
    this.ctx = ctx;
    this.studyPage = new StudyPage(ctx);
  }

  @Override
  public void routing(HttpRules rules) {
    Replies.get(rules, "/studies", this::worklist);
    Replies.get(rules, "/studies/{studyInstanceUid}", studyPage::render);
    Replies.get(rules, "/studies/{studyInstanceUid}/slices/{image}", this::slice);
    rules.post("/studies/{studyInstanceUid}/reviews", this::review);
    rules.any(
        "/studies/{studyInstanceUid}/reviews",
        (req, res) -> Replies.methodNotAllowed(req, res, Method.POST));
  }

  static Access access(ServerRequest req) {
    return req.context().get(Access.class).orElse(Access.ANONYMOUS);
  }

  private void worklist(ServerRequest req, ServerResponse res) {
    Worklist.View view = Worklist.read(ctx);
    Html h =
        Html.page(
            "CordWatch: results",
            "<noscript><meta http-equiv=\"refresh\" content=\""
                + NO_SCRIPT_REFRESH_SECONDS
                + "\"></noscript>\n<script src=\""
                + StaticAssets.RESULTS_SCRIPT
                + "\" defer></script>\n");
    Pages.nav(h, ctx, access(req));
    h.raw("<h1>Results</h1>\n");
    // Always there, hidden while no listed study needs it, so the script can show it.
    StudyPage.notForClinicalUse(
        h, null, view.studies().stream().anyMatch(e -> Boolean.FALSE.equals(e.clinicalUse())));
    ActiveModel model = ctx.model().get();
    if (model != null && !model.signed()) {
      StudyPage.unsignedModel(
          h, "new results are graded by " + model.name() + " (" + model.id() + ")");
    }
    h.raw("<p class=\"meta\">Most urgent first: high grade, indeterminate (read manually), low,")
        .raw(" then not yet graded; newest first within each. <span id=\"updated\">As of ")
        .text(view.generatedAtText())
        .raw("</span>.</p>\n");
    if (view.studies().isEmpty()) {
      h.raw("<p id=\"empty\">No studies received yet.</p>\n");
    }
    h.raw("<table class=\"worklist\" id=\"worklist\" data-poll=\"/api/v1/worklist\">\n");
    h.raw("<thead><tr><th>Study</th><th>Study date</th><th>Last received</th><th>Result</th>");
    h.raw("<th>Review</th>");
    h.raw("<th>Slices graded</th><th>High calls</th><th>Slices reviewed</th><th>Images</th>");
    h.raw("<th>Series</th></tr></thead>\n<tbody>\n");
    for (Worklist.Entry e : view.studies()) {
      h.raw("<tr class=\"").raw(rowClass(e)).raw("\"><td><a href=\"").text(e.href()).raw("\">");
      h.text(e.tag()).raw("</a></td><td>");
      h.text(e.studyDateTime() == null ? "\u2013" : e.studyDateTime()).raw("</td><td>");
      h.text(e.lastReceivedText()).raw("</td><td class=\"result\">");
      h.text(e.resultText()).raw("</td><td class=\"review\">").text(e.reviewText());
      cell(h, e.slicesGraded());
      cell(h, e.highCalls());
      cell(h, e.reviewedSlices());
      cell(h, e.instanceCount());
      cell(h, e.seriesCount());
      h.raw("</td></tr>\n");
    }
    h.raw("</tbody>\n</table>\n</body>\n</html>\n");
    Replies.text(res, Status.OK_200, "text/html; charset=utf-8", h.toString());
  }

  private static void cell(Html h, int n) {
    h.raw("</td><td class=\"n\">").text(Integer.toString(n));
  }

  /** The row's class: its group (the script uses the same rule). */
  static String rowClass(Worklist.Entry e) {
    return "g-" + (e.group() == null ? "none" : e.group()) + " r-" + e.reviewState();
  }

  private void slice(ServerRequest req, ServerResponse res) {
    SliceImages.send(ctx, req, res);
  }

  private void review(ServerRequest req, ServerResponse res) {
    ReviewForm.handle(ctx, req, res);
  }
}
