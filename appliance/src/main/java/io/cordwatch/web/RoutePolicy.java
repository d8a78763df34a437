package io.cordwatch.web;

import io.helidon.http.Method;
import java.util.regex.Pattern;

/**
 * What each route needs, decided in this one place by method and path so that a new route is
 * covered before anyone remembers to protect it: anything not named here needs results access (read
 * for GET and HEAD, change for every other method). The results view ({@code /studies...}) and its
 * API are named all the same, and recording a review needs a person: a signed-in clinician or admin
 * ({@link Need#REVIEW}); the admin pages under {@code /admin} (users, model bundles) need a
 * signed-in admin ({@link Need#ADMIN}).
 */
final class RoutePolicy {
  /** What a request must carry. */
  enum Need {
    /** Anyone: probes, metrics, the login page, the stylesheet. */
    OPEN,
    /**
     * The status page, its JSON and its event stream: open, or any login / token when
     * status-page-login is on.
     */
    STATUS,
    /** Any logged-in browser user (logout). */
    SESSION,
    /** A clinician or admin, or a read or write token: everything that shows PHI. */
    RESULTS_READ,
    /** A clinician or admin, or a write token: everything that changes results. */
    RESULTS_WRITE,
    /**
     * A clinician or admin signed in (with the CSRF token): a review is a person's decision, so no
     * API token records one.
     */
    REVIEW,
    /**
     * A signed-in admin (with the CSRF token for changes): the admin pages under {@code /admin} and
     * the model bundle routes. Switching the model that grades every study is a person's decision,
     * so no API token, whatever its scope, reaches these.
     */
    ADMIN
  }

  /** The review form's target: {@code POST /studies/{uid}/reviews}. */
  private static final Pattern REVIEW_POST = Pattern.compile("/studies/[^/]+/reviews");

  /** The clinicians' pages: the worklist, a study, its slice images. */
  private static final Pattern RESULTS_PAGES = Pattern.compile("/studies(/.*)?");

  /** The results view's API: worklist, reviews, key images, the reviews CSV. */
  private static final Pattern RESULTS_API =
      Pattern.compile("/api/v1/(worklist|reviews\\.csv|studies/[^/]+/(reviews|key-images/.*))");

  /** The model bundle routes ({@link BundleApi}). */
  private static final Pattern BUNDLES_API = Pattern.compile("/api/v1/bundles(/.*)?");

  private RoutePolicy() {}

  static Need of(Method method, String path) {
    if (path.equals("/observe") || path.startsWith("/observe/") || path.startsWith("/static/")) {
      return Need.OPEN;
    }
    if (path.equals("/login") || path.equals("/favicon.ico")) {
      // Browsers ask for the icon on every page; there is none, and the 404 needs no login.
      return Need.OPEN;
    }
    if (path.equals("/logout")) {
      return Need.SESSION;
    }
    if (path.equals("/") || path.equals("/api/v1/status") || path.equals(StatusEvents.PATH)) {
      return Need.STATUS;
    }
    if (path.equals("/admin")
        || path.startsWith("/admin/")
        || BUNDLES_API.matcher(path).matches()) {
      return Need.ADMIN;
    }
    if (method == Method.POST && REVIEW_POST.matcher(path).matches()) {
      return Need.REVIEW;
    }
    // Named so that nobody mistakes them for open: the results view and its API show PHI.
    if (RESULTS_PAGES.matcher(path).matches() || RESULTS_API.matcher(path).matches()) {
      return reads(method) ? Need.RESULTS_READ : Need.RESULTS_WRITE;
    }
    return reads(method) ? Need.RESULTS_READ : Need.RESULTS_WRITE;
  }

  /** Whether the method only reads (no CSRF token, read scope). */
  static boolean reads(Method method) {
    return method == Method.GET || method == Method.HEAD || method == Method.OPTIONS;
  }

  /** Whether a refusal should send a browser to the login page rather than answer JSON. */
  static boolean isPage(String path) {
    return !path.startsWith("/api/") && !path.startsWith("/observe");
  }
}
