package io.cordwatch.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.VerdictJson;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.roi.BoxUpload;
import io.cordwatch.roi.SliceBox;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.BoxReplacement;
import io.cordwatch.store.Records.BoxRow;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.StudyRow;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The JSON API under {@code /api/v1}: appliance status (one reading shared by every client for up
 * to a second, {@link StatusSnapshot}), the studies it holds, and the canal boxes supplied for a
 * study. Every parameter is checked before the index is asked, so a bad request costs no database
 * time and says exactly which parameter to fix.
 *
 * <p>The one write is {@code PUT /studies/{uid}/boxes}: it replaces the study's supplied boxes in
 * one index transaction, which also queues grading again for series whose boxes changed and writes
 * an audit row. The body is checked whole before anything is written (each box names an instance of
 * this study, a frame it has, and pixels inside its image), so a refused upload changes nothing.
 * The setting {@code boxes-api: off} turns the route into a 403. Who may call which route is
 * decided before any of this runs ({@link Guard}, {@link RoutePolicy}): reads need results access,
 * the upload a clinician or admin (with the CSRF token) or a write-scope token; the audit row names
 * who it was.
 */
final class ApiService implements HttpService {
  private static final Logger LOG = Logger.getLogger(ApiService.class.getName());

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
  private final StatusSnapshot snapshot;

  ApiService(WebContext ctx, StatusSnapshot snapshot) {
    this.ctx = ctx;
    this.snapshot = snapshot;
  }

  @Override
  public void routing(HttpRules rules) {
    Replies.get(rules, "/status", this::status);
    Replies.get(rules, "/studies", this::studies);
    Replies.get(rules, "/studies/{studyInstanceUid}", this::study);
    Replies.getAndPut(rules, "/studies/{studyInstanceUid}/boxes", this::boxes, this::putBoxes);
  }

  private void status(ServerRequest req, ServerResponse res) {
    // The reading shared by every client for up to a second (its as_of says when it was taken).
    Replies.json(res, snapshot.status(req.localPeer().port()));
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
    Replies.json(res, Views.study(study(req)));
  }

  private StudyRow study(ServerRequest req) {
    return StudyResults.load(ctx, req);
  }

  private void boxes(ServerRequest req, ServerResponse res) {
    String uid = study(req).studyUid();
    Replies.json(
        res,
        new Views.BoxesView(
            uid,
            ctx.index().boxesOfStudy(uid).stream()
                .map(
                    b ->
                        new Views.SliceBoxView(
                            b.sopInstanceUid(), b.frame(), b.x0(), b.y0(), b.x1(), b.y1()))
                .toList()));
  }

  private void putBoxes(ServerRequest req, ServerResponse res) throws IOException {
    if (!ctx.config().boxesApi()) {
      throw new WebException(
          WebException.Code.FORBIDDEN,
          "canal boxes cannot be supplied through the API on this appliance (boxes-api: off)");
    }
    String uid = study(req).studyUid();
    String type =
        req.headers()
            .contentType()
            .map(t -> t.mediaType().text().toLowerCase(Locale.ROOT))
            .orElse("");
    byte[] body = RequestBody.read(req);
    List<SliceBox> boxes;
    try {
      boxes =
          switch (type) {
            case "application/json" -> BoxUpload.fromJson(body);
            case "text/csv" -> BoxUpload.fromCsv(body);
            default ->
                throw new WebException(
                    WebException.Code.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type must be application/json (a list of boxes) or text/csv (a"
                        + " labels.csv), was "
                        + (type.isEmpty() ? "not given" : type));
          };
    } catch (BoxUpload.BoxUploadException | BoxFileException e) {
      throw new WebException(WebException.Code.BAD_REQUEST, e.getMessage());
    }
    checkAgainstStudy(uid, boxes);
    BoxReplacement r =
        ctx.index()
            .replaceStudyBoxes(
                uid,
                boxes.stream()
                    .map(
                        b ->
                            new BoxRow(
                                b.sopInstanceUid(),
                                b.frame(),
                                b.box().x0(),
                                b.box().y0(),
                                b.box().x1(),
                                b.box().y1()))
                    .toList(),
                ctx.clock().millis(),
                "api " + who(req) + " from " + Replies.peer(req));
    LOG.info(
        "canal boxes of study "
            + Uids.tag(uid)
            + " replaced through the API: "
            + r.stored()
            + " boxes ("
            + r.before()
            + " before), "
            + r.changed()
            + " changed, "
            + r.requeuedSeries().size()
            + " series queued for grading again by "
            + who(req));
    Replies.json(
        res,
        new Views.BoxesStoredView(
            uid, r.stored(), r.before(), r.changed(), r.requeuedSeries().size()));
  }

  /**
   * Each box must name an instance of this study, a frame the instance has, and lie inside its
   * image (when the index knows its size): a box for another study's instance is almost always a
   * mix-up of studies, and one past the image edge would only surface later as "unusable box".
   */
  private void checkAgainstStudy(String studyUid, List<SliceBox> boxes) {
    Map<String, InstanceRow> instances = new HashMap<>();
    for (InstanceRow r : ctx.index().instancesOfStudy(studyUid)) {
      instances.put(r.sopInstanceUid(), r);
    }
    List<String> unknown = new ArrayList<>();
    for (SliceBox b : boxes) {
      InstanceRow row = instances.get(b.sopInstanceUid());
      if (row == null) {
        unknown.add(b.sopInstanceUid());
        continue;
      }
      JsonNode facts = facts(row);
      int frames = facts.path("frames").asInt(1);
      if (b.frame() > Math.max(1, frames)) {
        throw new WebException(
            WebException.Code.BAD_REQUEST,
            boxAt(b) + ": the instance has " + Math.max(1, frames) + " frame(s)");
      }
      int columns = facts.path("columns").asInt(0);
      int rows = facts.path("rows").asInt(0);
      if ((columns > 0 && b.box().x1() >= columns) || (rows > 0 && b.box().y1() >= rows)) {
        throw new WebException(
            WebException.Code.BAD_REQUEST,
            boxAt(b)
                + " reaches x1="
                + b.box().x1()
                + ", y1="
                + b.box().y1()
                + " but the image is "
                + columns
                + " x "
                + rows
                + " (x1 must be below the columns, y1 below the rows: 0-based inclusive indices)");
      }
    }
    if (!unknown.isEmpty()) {
      throw new WebException(
          WebException.Code.BAD_REQUEST,
          unknown.size()
              + " box(es) name instances that are not in this study on the appliance, e.g. "
              + String.join(", ", unknown.subList(0, Math.min(3, unknown.size()))));
    }
  }

  /** How a message about one box names it. */
  private static String boxAt(SliceBox b) {
    return "box for instance " + b.sopInstanceUid() + " frame " + b.frame();
  }

  private static JsonNode facts(InstanceRow row) {
    try {
      return VerdictJson.tree(row.factsJson());
    } catch (IllegalStateException e) {
      return MissingNode.getInstance();
    }
  }

  /** Who made the request, as the Guard found it (the route is never reached anonymously). */
  static String who(ServerRequest req) {
    return req.context()
        .get(Access.class)
        .filter(a -> !a.anonymous())
        .map(a -> a.principal().describe())
        .orElse("anonymous");
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
