package io.cordwatch.web;

import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Index;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.Optional;

/**
 * The JSON API under {@code /api/v1}: appliance status and the studies it holds. Read-only; every
 * parameter is checked before the index is asked, so a bad request costs no database time and says
 * exactly which parameter to fix.
 */
final class ApiService implements HttpService {
  /** The study states a client may filter on, in the order a study moves through them. */
  static final List<String> STUDY_STATES =
      List.of(
          Index.STUDY_RECEIVING,
          Index.STUDY_QUEUED,
          Index.STUDY_COMPLETE,
          Index.STUDY_GRADED,
          Index.STUDY_FAILED,
          Index.STUDY_NOT_ELIGIBLE);

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  private final WebContext ctx;

  ApiService(WebContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void routing(HttpRules rules) {
    Replies.get(rules, "/status", this::status);
    Replies.get(rules, "/studies", this::studies);
    Replies.get(rules, "/studies/{studyInstanceUid}", this::study);
  }

  private void status(ServerRequest req, ServerResponse res) {
    Replies.json(res, Views.status(ctx, req.localPeer().port()));
  }

  private void studies(ServerRequest req, ServerResponse res) {
    String state = state(req);
    int limit = limit(req);
    Replies.json(
        res,
        new Views.StudyList(
            ctx.index().studies(state, limit).stream().map(Views::summary).toList()));
  }

  private void study(ServerRequest req, ServerResponse res) {
    String uid = req.path().pathParameters().get("studyInstanceUid");
    if (!Uids.isValid(uid)) {
      throw new WebException(
          WebException.Code.INVALID_PARAMETER,
          "studyInstanceUid must be a DICOM UID: digits and dots, at most 64 characters");
    }
    Views.StudyView study =
        ctx.index()
            .study(uid)
            .map(Views::study)
            .orElseThrow(
                () ->
                    new WebException(
                        WebException.Code.NOT_FOUND, "no study with this UID on the appliance"));
    Replies.json(res, study);
  }

  private static String state(ServerRequest req) {
    Optional<String> state = optional(req, "state");
    if (state.isPresent() && !STUDY_STATES.contains(state.get())) {
      throw new WebException(
          WebException.Code.INVALID_PARAMETER,
          "state must be one of " + String.join(", ", STUDY_STATES));
    }
    return state.orElse(null);
  }

  private static int limit(ServerRequest req) {
    Optional<String> raw = optional(req, "limit");
    if (raw.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(raw.get().trim());
    } catch (NumberFormatException e) {
      limit = -1;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new WebException(
          WebException.Code.INVALID_PARAMETER,
          "limit must be a whole number from 1 to "
              + MAX_LIMIT
              + " (default "
              + DEFAULT_LIMIT
              + ")");
    }
    return limit;
  }

  private static Optional<String> optional(ServerRequest req, String name) {
    var value = req.query().first(name);
    return value.isPresent() ? Optional.of(value.get()) : Optional.empty();
  }
}
