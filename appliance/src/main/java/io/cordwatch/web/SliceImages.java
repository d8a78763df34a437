package io.cordwatch.web;

import io.cordwatch.dicom.Uids;
import io.cordwatch.keyimage.Overlay;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.store.Records.StudyRow;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;

/**
 * A slice of a study as a PNG with its canal box and grade drawn ({@link KeyImage}), for {@code GET
 * /studies/{uid}/slices/{sop}.png} (the study page) and {@code GET
 * /api/v1/studies/{uid}/key-images/{sop}.png} (API clients). The frame is the query parameter
 * {@code frame} (1 when absent). The instance must belong to the study: a UID of another study in
 * the path answers 404, so a link cannot be bent to show a slice under the wrong study.
 */
final class SliceImages {
  static final int MAX_FRAME = 100_000;

  private SliceImages() {}

  static void send(WebContext ctx, ServerRequest req, ServerResponse res) {
    StudyRow study = StudyResults.load(ctx, req);
    String image = req.path().pathParameters().get("image");
    String sop = image.endsWith(".png") ? image.substring(0, image.length() - 4) : "";
    if (!Uids.isValid(sop)) {
      throw new WebException(
          WebException.Code.INVALID_PARAMETER,
          "the image must be named SOP_INSTANCE_UID.png (a DICOM UID: digits and dots)");
    }
    int frame = frame(req);
    InstanceRow instance =
        ctx.index()
            .findInstance(sop)
            .filter(i -> i.studyUid().equals(study.studyUid()))
            .orElseThrow(
                () ->
                    new WebException(
                        WebException.Code.NOT_FOUND, "no instance with this UID in this study"));
    StudyResults results = StudyResults.of(study);
    byte[] png =
        KeyImage.png(
            ctx.config().dataDir().resolve(instance.path()),
            frame,
            overlay(results.slice(sop, frame)));
    res.status(Status.OK_200);
    res.headers().contentType(MediaTypes.create("image/png"));
    res.send(png);
  }

  /** The box, colour and words for a slice: its result when graded, why not otherwise. */
  static Overlay overlay(Optional<StudyResults.Slice> found) {
    if (found.isEmpty()) {
      return Overlay.none();
    }
    StudyResults.Slice k = found.get();
    Views.SliceView v = k.slice();
    int[] box =
        v.box() == null ? null : new int[] {v.box().x0(), v.box().y0(), v.box().x1(), v.box().y1()};
    if (!"graded".equals(v.status())) {
      return Overlay.notGraded(box, v.status());
    }
    return Overlay.graded(box, k.call(), v.grade(), v.pHigh(), k.uncertain(), k.borderline());
  }

  private static int frame(ServerRequest req) {
    var raw = req.query().first("frame");
    if (raw.isEmpty()) {
      return 1;
    }
    try {
      int f = Integer.parseInt(raw.get().strip());
      if (f >= 1 && f <= MAX_FRAME) {
        return f;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new WebException(
        WebException.Code.INVALID_PARAMETER,
        "frame must be a whole number from 1 to " + MAX_FRAME + " (default 1)");
  }
}
