/**
 * The web stage: the JSON API under {@code /api/v1}, the probes and Prometheus metrics under {@code
 * /observe}, the status page at {@code /} for facilities staff ({@link
 * io.cordwatch.web.StatusPage}: OK or ATTENTION with what to do, decided once by {@link
 * io.cordwatch.web.Attention} from the same view as {@code GET /api/v1/status}; inline SVG charts
 * of the last day; live through the server-sent events of {@code GET /api/v1/status/events}, {@link
 * io.cordwatch.web.StatusEvents}, capped in number; the loaded model, {@link
 * io.cordwatch.web.ActiveModel}, with its "not for clinical use" and "unsigned model" banners), the
 * results view at {@code /studies} for clinicians ({@link io.cordwatch.web.ResultsPages}: worklist
 * by urgency, study pages with key images and the slice strip, confirm/correct forms, review
 * history; docs/ results-view.md), the admin pages under {@code /admin} ({@link
 * io.cordwatch.web.AdminPage} lists them): users at {@code /admin/users} ({@link
 * io.cordwatch.web.UsersPage}: list, add, disable, enable, set a password, through {@code
 * auth.Users} as the CLI does) and model bundles at {@code /admin/bundles} ({@link
 * io.cordwatch.web.BundlesPage}: the model grading now, the installed versions, the activation
 * history, and make active or roll back behind a confirmation page, through {@link
 * io.cordwatch.web.BundleControl} as the CLI and the API do), the validation reports kept by {@code
 * cordwatch validate --keep} at {@code /admin/validation} ({@link
 * io.cordwatch.web.ValidationReportsPage}: read from the data directory's reports folder, never
 * made by a request), the model bundle routes for admins ({@link io.cordwatch.web.BundleApi}: list
 * the installed versions, activate one, roll back, choose the one run in shadow or turn shadow off;
 * the status surfaces name the shadow, {@link io.cordwatch.web.ShadowModel}), and the sign-in pages
 * ({@code /login}, {@code /logout}), on Helidon SE. The admin pages and routes need a signed-in
 * admin with the CSRF token, never a token ({@code RoutePolicy.Need.ADMIN}). When the grading model
 * is not signed by a trusted key, the status page and the results view say UNSIGNED MODEL.
 *
 * <p>Every request passes {@link io.cordwatch.web.Guard} first: hardening headers on every answer,
 * the Host allow-list (DNS rebinding), refusal of cross-site changes, who the request acts for (an
 * API token in {@code Authorization: Bearer}, else the session cookie, both checked by {@code
 * auth}), what the route needs ({@link io.cordwatch.web.RoutePolicy}: a route not named there needs
 * results access), and the CSRF token on changes made with the cookie. Everything that shows study,
 * series or SOP UIDs, descriptions, grades or boxes needs a clinician or admin login or a read
 * token; changes need a clinician or admin (with the CSRF token) or a write token, a review
 * (confirming or correcting a grade) a signed-in clinician or admin: no token records one, and
 * anything under {@code /admin} a signed-in admin (no token manages users). The probes, metrics and
 * the status page carry no patient-derived text and stay open (the status page needs a login with
 * {@code status-page-login: on}).
 *
 * <p>HTTPS is optional ({@link io.cordwatch.web.TlsIdentity}: the PEM certificate and key read with
 * the JDK and checked at start-up; TLS 1.2/1.3, forward-secret AEAD suites only). With it on, the
 * HTTPS listener serves every route and the plain HTTP one passes {@link
 * io.cordwatch.web.PlainHttp} first: it never takes a token, password or session, and redirects or
 * serves only what needs no credential ({@link io.cordwatch.web.HttpMode}). Each listener holds at
 * most {@code maxConnections} connections.
 *
 * <p>Owns: the HTTP and HTTPS listeners, the wire shapes of its JSON (written through {@code
 * grade.VerdictJson}, the results' one snake_case writer, so a verdict reads the same here as in
 * the store and the CLI; one error shape, with the status codes that go with each error code), the
 * HTML of the pages (no inline script or style: {@code /static/cordwatch.css}, the worklist's one
 * script {@code /static/results.js}, which only refreshes its table, and the status page's {@code
 * /static/status.js}, which follows the event stream and swaps in the server's fresh page), the
 * key-image PNGs ({@link io.cordwatch.web.KeyImage}: stored pixels through {@code dicom}, drawn by
 * {@code keyimage}, windowed by {@code infer}'s reference preprocessing, box and grade written with
 * a built-in bitmap font so no system font is needed; the same picture publish sends as Secondary
 * Capture), the reviews' CSV export and the session cookie. It owns no data: everything it shows is
 * read through {@link io.cordwatch.web.WebContext} at the moment of the request, except that the
 * status surfaces (API, event stream, page) share one reading of the index's counts, at most a
 * second old ({@link io.cordwatch.web.StatusSnapshot}, {@code as_of}), so that polling clients
 * cannot queue the index's reads.
 *
 * <p>May not touch: a bundle switch or shadow choice goes through {@link
 * io.cordwatch.web.BundleControl}, which the appliance implements (it records an activation or a
 * shadow choice with its audit row; the grading stage takes it up between jobs). Besides that, it
 * writes the index in four ways only: {@code PUT /api/v1/studies/{uid}/boxes}, through {@link
 * io.cordwatch.store.Index#replaceStudyBoxes} (one transaction: the study's boxes, the grading jobs
 * it queues again with their stale results cleared, and an audit row naming who), a review through
 * {@link io.cordwatch.store.Index#recordReview} (a new row and its audit row; nothing is
 * overwritten), logins/logouts through {@code auth}, and an admin's changes to users through {@code
 * auth.Users} (each with its audit row naming the admin); it never writes instances or series (the
 * receive and study stages own those rows, and leaving them alone is what lets the web layer run,
 * fail or restart without risking an acknowledged instance). It never calls PixelMed or any DICOM
 * library ({@code com.pixelmed}; those stay inside receive and dicom, so the library can be
 * swapped: slice pixels come from {@code dicom.DicomPixels}); it never registers meters ({@code
 * io.micrometer}; names live in telemetry); it holds no account rules (those are {@code auth}'s).
 * It logs no patient data, and shows none to those without results access: the status page names
 * studies only by {@link io.cordwatch.dicom.Uids#tag}, and UIDs in logged paths are replaced by
 * their tags. Its settings (the data directory, where the PNGs' pixels are read, among them) arrive
 * as {@link io.cordwatch.web.WebConfig} and access control inside the context; it may not read
 * {@code io.cordwatch.config} or {@code io.cordwatch.app}, nor SQL ({@code java.sql}).
 */
package io.cordwatch.web;
