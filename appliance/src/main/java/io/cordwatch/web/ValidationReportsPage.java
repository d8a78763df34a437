package io.cordwatch.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The site's validation reports at {@code /admin/validation}: what {@code cordwatch validate
 * --data-dir DATA --keep} left in {@code DATA/reports/validation/} (the model against the site's
 * own readers, docs/adaptation.md), newest first with the bundle and the data each names, and each
 * report as HTML or JSON. Only a signed-in admin reaches it ({@link RoutePolicy.Need#ADMIN}); the
 * reports name studies by their tags and readers not at all, but they are the site's clinical
 * evidence, not a facilities page. It reads files only: running a validation grades every reviewed
 * series, which is the CLI's work, not a web request's.
 */
public final class ValidationReportsPage implements HttpService {
  private static final Logger LOG = Logger.getLogger(ValidationReportsPage.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the page lives. */
  static final String PATH = "/admin/validation";

  /** The folder under the data directory {@code cordwatch validate --keep} keeps reports in. */
  public static final String FOLDER = "reports/validation";

  /** A report's file name: {@code validation-20261205T131500Z.html} or {@code .json}. */
  static final Pattern NAME = Pattern.compile("(validation-\\d{8}T\\d{6}Z)\\.(html|json)");

  /**
   * The report's own HTML carries its styles inline (it is a file an admin may also mail); served
   * here it may use them, and nothing else: no script, no request anywhere.
   */
  static final String REPORT_POLICY =
      "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none';"
          + " base-uri 'none'; form-action 'none'";

  private final WebContext ctx;

  ValidationReportsPage(WebContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get(PATH, this::list);
    rules.any(PATH, (req, res) -> Replies.methodNotAllowed(req, res, Method.GET));
    rules.get(PATH + "/{name}", this::report);
    rules.any(PATH + "/{name}", (req, res) -> Replies.methodNotAllowed(req, res, Method.GET));
  }

  private Path folder() {
    return ctx.config().dataDir().resolve(FOLDER);
  }

  /** One kept report, as the list shows it. */
  record Kept(String stem, boolean html, boolean json, String bundle, String data) {}

  List<Kept> kept() {
    Path dir = folder();
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> stems;
    try (Stream<Path> files = Files.list(dir)) {
      stems =
          files
              .map(p -> NAME.matcher(p.getFileName().toString()))
              .filter(Matcher::matches)
              .map(m -> m.group(1))
              .distinct()
              .sorted(Comparator.reverseOrder())
              .toList();
    } catch (IOException e) {
      throw new WebException(
          WebException.Code.INTERNAL_ERROR, "cannot list " + FOLDER + ": " + e.getMessage());
    }
    List<Kept> out = new ArrayList<>();
    for (String stem : stems) {
      Path json = dir.resolve(stem + ".json");
      String bundle = "?";
      String data = "?";
      if (Files.isRegularFile(json)) {
        try {
          JsonNode d = JSON.readTree(json.toFile());
          JsonNode b = d.path("bundle");
          String sha = b.path("manifest_sha256").asText("");
          bundle =
              b.path("name").asText("?")
                  + (sha.length() >= 12 ? " (sha256 " + sha.substring(0, 12) + ")" : "");
          JsonNode n = d.path("data");
          data =
              n.path("studies").asText("?")
                  + " studies, "
                  + n.path("matched_slices").asText("?")
                  + " slices compared"
                  + missedStudies(d.path("study_verdicts").path("high_grade"));
        } catch (IOException e) {
          LOG.log(Level.WARNING, "validation report " + stem + ".json does not read", e);
          data = "its JSON does not read: " + e.getMessage();
        }
      }
      boolean html = Files.isRegularFile(dir.resolve(stem + ".html"));
      out.add(new Kept(stem, html, Files.isRegularFile(json), bundle, data));
    }
    return out;
  }

  /**
   * "; high-grade studies called low: L of N" from a report's {@code study_verdicts.high_grade}
   * (the safety figure, on the list itself); empty for reports made before it existed.
   */
  static String missedStudies(JsonNode highGrade) {
    if (!highGrade.isObject()) {
      return "";
    }
    int low = highGrade.path("low").asInt();
    int n = highGrade.path("high").asInt() + highGrade.path("indeterminate").asInt() + low;
    return "; high-grade studies called low: " + low + " of " + n;
  }

  private void list(ServerRequest req, ServerResponse res) {
    Access access = ResultsPages.access(req);
    Html h = Html.page("CordWatch: validation reports", "");
    Pages.nav(h, ctx, access);
    h.raw("<h1>Validation reports</h1>\n");
    h.raw(
            "<p class=\"meta\">The model against this site's own readers: made on the appliance with ")
        .raw("<code>cordwatch validate --data-dir DATA --keep</code> from the slice grades ")
        .raw("clinicians confirmed or corrected (docs/adaptation.md). Newest first.</p>\n");
    List<Kept> kept = kept();
    if (kept.isEmpty()) {
      h.raw("<p id=\"none\">No reports kept yet.</p>\n");
    } else {
      h.raw("<table id=\"reports\">\n<tr><th>Made (UTC)</th><th>Bundle</th><th>Data</th>")
          .raw("<th>Report</th></tr>\n");
      for (Kept k : kept) {
        h.raw("<tr id=\"").text(k.stem()).raw("\"><td>").text(made(k.stem())).raw("</td><td>");
        h.text(k.bundle()).raw("</td><td>").text(k.data()).raw("</td><td>");
        if (k.html()) {
          h.raw("<a href=\"" + PATH + "/").text(k.stem()).raw(".html\">HTML</a> ");
        }
        if (k.json()) {
          h.raw("<a href=\"" + PATH + "/").text(k.stem()).raw(".json\">JSON</a>");
        }
        h.raw("</td></tr>\n");
      }
      h.raw("</table>\n");
    }
    h.raw("</body>\n</html>\n");
    Replies.text(res, Status.OK_200, "text/html; charset=utf-8", h.toString());
  }

  /** {@code validation-20261205T131500Z} as {@code 2026-12-05 13:15:00}. */
  static String made(String stem) {
    String t = stem.substring("validation-".length());
    return t.substring(0, 4)
        + "-"
        + t.substring(4, 6)
        + "-"
        + t.substring(6, 8)
        + " "
        + t.substring(9, 11)
        + ":"
        + t.substring(11, 13)
        + ":"
        + t.substring(13, 15);
  }

  private void report(ServerRequest req, ServerResponse res) throws IOException {
    String name = req.path().pathParameters().get("name");
    Matcher m = NAME.matcher(name);
    Path file = folder().resolve(name);
    // The pattern admits no separator and no dot-dot: the name cannot leave the folder.
    if (!m.matches() || !Files.isRegularFile(file)) {
      throw new WebException(
          WebException.Code.NOT_FOUND, "no validation report " + name + " (see " + PATH + ")");
    }
    boolean html = m.group(2).equals("html");
    if (html) {
      res.header(HeaderNames.create("Content-Security-Policy"), REPORT_POLICY);
    }
    Replies.text(
        res,
        Status.OK_200,
        html ? "text/html; charset=utf-8" : "application/json",
        Files.readString(file, StandardCharsets.UTF_8));
  }
}
