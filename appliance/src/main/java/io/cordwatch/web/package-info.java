/**
 * The web stage: the JSON API under {@code /api/v1}, the probes and Prometheus metrics under {@code
 * /observe}, the status page at {@code /} for facilities staff, and the sign-in pages ({@code
 * /login}, {@code /logout}), on Helidon SE.
 *
 * <p>Every request passes {@link io.cordwatch.web.Guard} first: hardening headers on every answer,
 * the Host allow-list (DNS rebinding), refusal of cross-site changes, who the request acts for (an
 * API token in {@code Authorization: Bearer}, else the session cookie, both checked by {@code
 * auth}), what the route needs ({@link io.cordwatch.web.RoutePolicy}: a route not named there needs
 * results access), and the CSRF token on changes made with the cookie. Everything that shows study,
 * series or SOP UIDs, descriptions, grades or boxes needs a clinician or admin login or a read
 * token; changes need a clinician or admin (with the CSRF token) or a write token. The probes,
 * metrics and the status page carry no patient-derived text and stay open (the status page needs a
 * login with {@code status-page-login: on}).
 *
 * <p>It owns the HTTP listener, the wire shapes of its JSON (written through {@code
 * grade.VerdictJson}, the results' one snake_case writer, so a verdict reads the same here as in
 * the store and the CLI; one error shape, with the status codes that go with each error code), the
 * HTML of the pages (no script, no inline style: {@code /static/cordwatch.css}) and the session
 * cookie. It owns no data: everything it shows is read through {@link io.cordwatch.web.WebContext}
 * at the moment of the request.
 *
 * <p>What it may not touch: it writes the index in two ways only: {@code PUT
 * /api/v1/studies/{uid}/boxes}, through {@link io.cordwatch.store.Index#replaceStudyBoxes} (one
 * transaction: the study's boxes, the grading jobs it queues again with their stale results
 * cleared, and an audit row naming who), and logins/logouts through {@code auth}; it never writes
 * instances or series (the receive and study stages own those rows, and leaving them alone is what
 * lets the web layer run, fail or restart without risking an acknowledged instance). It never calls
 * PixelMed or any DICOM library (those stay inside receive and dicom, so the library can be
 * swapped); it never registers meters (names live in telemetry); it holds no account rules (those
 * are {@code auth}'s). It prints and logs no patient data: studies appear in HTML only as {@link
 * io.cordwatch.dicom.Uids#tag}, and UIDs in logged paths are replaced by their tags. Its settings
 * arrive as {@link io.cordwatch.web.WebConfig} and access control inside the context; it may not
 * read {@code config} or {@code app}.
 */
package io.cordwatch.web;
