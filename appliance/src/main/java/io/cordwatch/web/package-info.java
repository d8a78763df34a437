/**
 * The web stage: the JSON API under {@code /api/v1}, the probes and Prometheus metrics under {@code
 * /observe}, and the status page at {@code /} for facilities staff, on Helidon SE.
 *
 * <p>It owns the HTTP listener, the wire shapes of its JSON (written through {@code
 * grade.VerdictJson}, the results' one snake_case writer, so a verdict reads the same here as in
 * the store and the CLI; one error shape, with the status codes that go with each error code) and
 * the HTML of the page. It owns no data: everything it shows is read through {@link
 * io.cordwatch.web.WebContext} at the moment of the request.
 *
 * <p>What it may not touch: it writes the index in one place only, {@code PUT
 * /api/v1/studies/{uid}/boxes}, through {@link io.cordwatch.store.Index#replaceStudyBoxes} (one
 * transaction: the study's boxes, the grading jobs it queues again with their stale results
 * cleared, and an audit row), which needs the API token when {@code api-token-file} is set ({@link
 * io.cordwatch.web.ApiToken}); it never writes instances or series (the receive and study stages
 * own those rows, and leaving them alone is what lets the web layer run, fail or restart without
 * risking an acknowledged instance). It never calls PixelMed or any DICOM library (those stay
 * inside receive and dicom, so the library can be swapped); it never registers meters (names live
 * in telemetry). It prints no patient data: studies appear in HTML only as {@link
 * io.cordwatch.dicom.Uids#tag}. Its settings arrive as {@link io.cordwatch.web.WebConfig} inside
 * the context; it may not read {@code config} or {@code app}.
 */
package io.cordwatch.web;
