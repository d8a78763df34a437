package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.app.Appliance;
import io.cordwatch.auth.Role;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.Uids;
import io.cordwatch.grade.bilsky.Grade;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.store.Index;
import io.cordwatch.store.ShadowResults;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.Credentials;
import io.cordwatch.testing.GradedSeries;
import io.cordwatch.testing.Sha256;
import io.cordwatch.testing.SignedIn;
import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch validate --data-dir} on a box built the real way: an appliance with the test
 * bundle grades two phantom studies sent by storescu, two clinicians sign in through the login form
 * and confirm or correct slice grades (one slice twice) and study grades through the results view's
 * review form. The confusion matrix must be the one those decisions imply (the reader's final grade
 * against the model's grade the appliance showed when they decided), counted here from what was
 * posted; the study nobody decided a slice of, and study decisions, must not count. It runs while
 * the appliance serves and again after it stopped, which must leave the data directory untouched;
 * {@code cordwatch adapt --data-dir} reads the same slices and keeps its guard rails.
 */
class ValidateFromApplianceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> GRADES = Grade.labels();

  @TempDir Path tmp;
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void theConfusionMatrixIsTheOneTheCliniciansDecisionsImply() throws Exception {
    SkipPeers.assumePeers("storescu");
    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 2, 5, StudyPlan.Style.INTERNAL, 12, false, false));
    List<Path> files;
    try (Stream<Path> s = Files.walk(phantom)) {
      files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Path data = tmp.resolve("data");
    Map<String, String> flags = RunningAppliance.flags(data);
    flags.put("release-grace", "100ms");
    flags.put("bundle", bundle.toString());
    flags.put("allow-unsigned-bundles", "on"); // the test bundle is unsigned
    flags.put("boxes", phantom.resolve("labels.csv").toString());

    long[][] expected = new long[GRADES.size()][GRADES.size()];
    Map<String, String> model = new TreeMap<>();
    Map<String, String> reference = new TreeMap<>();
    String reviewed;
    String other;
    Path report = tmp.resolve("live.json");
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      String base = "http://127.0.0.1:" + appliance.httpPort();
      String token = Credentials.writeToken(appliance.index());
      Credentials.user(appliance.index(), "reader.alpha", Role.CLINICIAN);
      Credentials.user(appliance.index(), "reader.beta", Role.CLINICIAN);
      Peers.Run sent = Peers.storescu(appliance.dicomPort(), "STORESCU", files);
      assertEquals(files.size(), Peers.successes(sent), sent.output());
      List<String> studies = gradedStudies(base, token);
      reviewed = studies.get(0);
      other = studies.get(1);

      // The model's grade per slice, as the results show it to the reader.
      for (JsonNode se : get(base + "/api/v1/studies/" + reviewed, token).path("series")) {
        for (JsonNode sl : se.path("slices")) {
          if ("graded".equals(sl.path("status").asText())) {
            model.put(sl.path("sop_instance_uid").asText(), sl.path("grade").asText());
          }
        }
      }
      List<String> sops = new ArrayList<>(model.keySet());
      assertTrue(sops.size() >= 6, "graded slices: " + model);

      SignedIn alpha = SignedIn.login(http, base, "reader.alpha");
      SignedIn beta = SignedIn.login(http, base, "reader.beta");
      for (int i = 0; i < 3; i++) {
        review(alpha, reviewed, sops.get(i), "confirm", null);
        reference.put(sops.get(i), model.get(sops.get(i)));
      }
      String g3 = otherThan(model.get(sops.get(3)), "3");
      review(beta, reviewed, sops.get(3), "correct", g3);
      reference.put(sops.get(3), g3);
      String g4 = otherThan(model.get(sops.get(4)), "1a");
      review(alpha, reviewed, sops.get(4), "correct", g4);
      reference.put(sops.get(4), g4);
      // Confirmed first, then corrected by a second reader: the latest decision counts.
      review(alpha, reviewed, sops.get(5), "confirm", null);
      String g5 = otherThan(model.get(sops.get(5)), "2");
      review(beta, reviewed, sops.get(5), "correct", g5);
      reference.put(sops.get(5), g5);
      // Study decisions grade no slice; the other study has no slice decision at all.
      review(alpha, reviewed, null, "correct", "3");
      review(beta, other, null, "correct", "1b");
      reference.forEach((sop, g) -> expected[GRADES.indexOf(g)][GRADES.indexOf(model.get(sop))]++);

      CliRun live = validate(data, bundle, report);
      assertEquals(0, live.exit(), live.all());
      assertMatrix(expected, report, live);
    }
    JsonNode noShadow = JSON.readTree(Files.readString(report)).path("shadow");
    assertEquals(1, noShadow.size(), noShadow.toString());
    assertTrue(
        noShadow.get(0).path("none").asText().startsWith("no bundle has graded in shadow here"),
        noShadow.toString());

    JsonNode d = JSON.readTree(Files.readString(report));
    JsonNode source = d.path("data").path("sources").get(0);
    assertEquals("appliance", source.path("kind").asText());
    assertEquals(1, source.path("studies").asInt(), source.toString());
    assertEquals(1, source.path("series").asInt(), source.toString());
    assertEquals(6, source.path("slices").asInt());
    assertEquals(3, source.path("confirmed").asInt());
    assertEquals(3, source.path("corrected").asInt());
    assertEquals(2, source.path("reviewers").asInt());
    assertEquals(2, source.path("study_decisions_not_used").asInt());
    assertEquals(1, d.path("data").path("studies").asInt(), "the unreviewed study is not counted");
    assertEquals(6, d.path("data").path("matched_slices").asInt());
    JsonNode verdicts = d.path("series_verdicts");
    assertEquals(
        1,
        verdicts.path("high").asInt()
            + verdicts.path("low").asInt()
            + verdicts.path("indeterminate").asInt(),
        "only the reviewed series is graded: " + verdicts);
    String text = Files.readString(report);
    assertFalse(text.contains("reader."), "no reader's name in the report");
    assertFalse(text.contains('"' + reviewed + '"'), "studies are named by their tag");
    assertFalse(text.contains('"' + other + '"'));
    assertTrue(text.contains('"' + Uids.tag(reviewed) + '"'), text);

    // Stopped: the same figures, and the data directory exactly as the appliance left it.
    Map<String, String> before = Sha256.tree(data);
    Path again = tmp.resolve("stopped.json");
    Path html = tmp.resolve("stopped.html");
    CliRun stopped = validate(data, bundle, again, "--html", html.toString());
    assertEquals(0, stopped.exit(), stopped.all());
    assertMatrix(expected, again, stopped);
    assertEquals(before, Sha256.tree(data), "validate wrote nothing in the data directory");
    assertTrue(
        stopped.out().contains("6 slice decisions (3 confirmed, 3 corrected) by 2 reviewer(s)"),
        stopped.all());
    assertTrue(stopped.out().contains("its grading used (stored with the results)"), stopped.all());
    String page = Files.readString(html);
    assertTrue(
        page.contains("6 slice decisions (3 confirmed, 3 corrected)"), "HTML names the data");
    assertFalse(page.contains("reader."), "no reader's name in the HTML report");

    shadowSection(data, bundle, reviewed, model, reference);

    // With a labelled folder of other studies beside it: both count. The same studies twice:
    // refused.
    Path folder = tmp.resolve("folder");
    Phantom.generate(new Phantom.Options(folder, 1, 9, StudyPlan.Style.INTERNAL, 8, false, false));
    Path both = tmp.resolve("both.json");
    CliRun combined = validate(data, bundle, both, "--data", folder.toString());
    assertEquals(0, combined.exit(), combined.all());
    JsonNode b = JSON.readTree(Files.readString(both)).path("data");
    assertEquals(2, b.path("studies").asInt(), b.toString());
    assertEquals("folder", b.path("sources").get(0).path("kind").asText());
    assertEquals("appliance", b.path("sources").get(1).path("kind").asText());
    assertTrue(b.path("matched_slices").asInt() > 6, b.toString());
    CliRun twice = validate(data, bundle, both, "--data", phantom.toString());
    assertEquals(2, twice.exit(), twice.all());
    assertTrue(twice.err().contains("is labelled both in " + phantom), twice.all());

    // --keep leaves the report on the box for the admin page, private to the service's user.
    CliRun kept = validate(data, bundle, tmp.resolve("kept.json"), "--keep");
    assertEquals(0, kept.exit(), kept.all());
    Path keptDir = data.resolve(ValidateCommand.KEPT);
    List<String> keptNames;
    try (var listing = Files.list(keptDir)) {
      keptNames = listing.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertEquals(2, keptNames.size(), keptNames.toString());
    assertTrue(
        keptNames.getFirst().matches("validation-\\d{8}T\\d{6}Z\\.html"), keptNames.toString());
    Path keptJson = keptDir.resolve(keptNames.get(1));
    assertEquals(
        Files.readString(tmp.resolve("kept.json")), Files.readString(keptJson), "the same report");
    assertEquals(
        "rw-------",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(keptJson)));
    CliRun keepTwo =
        validate(data, bundle, tmp.resolve("k2.json"), "--keep", "--data-dir", data.toString());
    assertEquals(2, keepTwo.exit(), keepTwo.all());
    assertTrue(keepTwo.err().contains("--keep needs exactly one --data-dir"), keepTwo.all());

    // adapt reads the same slices and keeps its guard rails: one study is too few.
    CliRun adapt =
        CliRun.run(
            "adapt",
            "--bundle",
            bundle.toString(),
            "--data-dir",
            data.toString(),
            "--out",
            tmp.resolve("adapted").toString());
    assertEquals(3, adapt.exit(), adapt.all());
    assertTrue(adapt.err().contains("6 of 6 labelled slices enrolled from 1 studies"), adapt.all());
    assertTrue(adapt.err().contains("refused: 1 studies; at least"), adapt.all());
    assertFalse(Files.exists(tmp.resolve("adapted")), "nothing written when refused");
  }

  /**
   * The reviewed series as a shadow bundle graded it after its verdict (the row the grading worker
   * writes, through the store): study grade 2, and each decided slice alternately 2 and 0 in the
   * order of their UIDs, the other slices 0. The validation report's shadow section must then
   * count, against the readers' decisions, what is counted here from the same grades.
   */
  private void shadowSection(
      Path data,
      Path bundle,
      String reviewed,
      Map<String, String> model,
      Map<String, String> reference)
      throws Exception {
    List<String> decided = new ArrayList<>(reference.keySet());
    Map<String, String> shadow = new TreeMap<>();
    String activeGrade;
    try (Index index = Index.open(data.resolve("index.db"))) {
      var series =
          index.study(reviewed).orElseThrow().series().stream()
              .filter(
                  se -> se.slices().stream().anyMatch(x -> decided.contains(x.sopInstanceUid())))
              .findFirst()
              .orElseThrow();
      activeGrade = JSON.readTree(series.verdictJson()).path("grade").asText(null);
      List<Map<String, Object>> slices = new ArrayList<>();
      for (var sl : series.slices()) {
        int i = decided.indexOf(sl.sopInstanceUid());
        String g = i >= 0 && i % 2 == 0 ? "2" : "0";
        shadow.put(sl.sopInstanceUid(), g);
        slices.add(
            Map.of(
                "sop_instance_uid",
                sl.sopInstanceUid(),
                "frame",
                sl.frame(),
                "status",
                "graded",
                "grade",
                g,
                "p_high",
                g.equals("2") ? 0.9 : 0.1,
                "high_call",
                g.equals("2")));
      }
      index
          .shadowResults()
          .add(
              new ShadowResults.Row(
                  0,
                  reviewed,
                  series.seriesUid(),
                  GradedSeries.SHADOW_ID,
                  GradedSeries.SHADOW_SHA,
                  "2",
                  "high",
                  null,
                  "{\"grade\":\"2\"}",
                  JSON.writeValueAsString(slices),
                  System.currentTimeMillis()));
    }
    long[] activeCounts = new long[4];
    long[] shadowCounts = new long[4];
    for (String sop : decided) {
      boolean readerHigh = high(reference.get(sop));
      activeCounts[cell(readerHigh, high(model.get(sop)))]++;
      shadowCounts[cell(readerHigh, high(shadow.get(sop)))]++;
    }

    Path json = tmp.resolve("shadow.json");
    Path html = tmp.resolve("shadow.html");
    CliRun run = validate(data, bundle, json, "--html", html.toString());
    assertEquals(0, run.exit(), run.all());
    assertTrue(run.out().contains("shadow bundle: " + GradedSeries.SHADOW_ID), run.all());
    String text = Files.readString(json);
    assertFalse(text.contains('"' + reviewed + '"'), "studies are named by their tag");
    JsonNode section = JSON.readTree(text).path("shadow");
    assertEquals(1, section.size(), section.toString());
    JsonNode s = section.get(0);
    assertEquals(data.toString(), s.path("data_dir").asText());
    assertEquals(GradedSeries.SHADOW_ID, s.path("shadow_bundle").path("id").asText());
    assertEquals(GradedSeries.SHADOW_SHA, s.path("shadow_bundle").path("manifest_sha256").asText());
    assertEquals(1, s.path("data").path("series").asInt(), s.toString());
    assertEquals(1, s.path("data").path("studies").asInt());
    assertEquals(6, s.path("data").path("slices_reviewed").asInt());
    assertEquals(1, s.path("data").path("studies_reviewed").asInt());
    // The study: active verdict grade against the shadow's 2 (high), the reader's 3 (high).
    boolean activeHigh = high(activeGrade);
    JsonNode studies = s.path("active_vs_shadow").path("studies");
    assertEquals(1, studies.path("n").asInt(), studies.toString());
    assertEquals(activeHigh ? 1 : 0, studies.path("high_low").path("counts").path("tp").asInt());
    assertEquals(1, s.path("shadow_vs_readers").path("studies").path("counts").path("tp").asInt());
    assertEquals(
        activeHigh ? 1 : 0,
        s.path("active_vs_readers").path("studies").path("counts").path("tp").asInt());
    assertCounts(activeCounts, s.path("active_vs_readers").path("slices").path("high_low"));
    assertCounts(shadowCounts, s.path("shadow_vs_readers").path("slices").path("high_low"));
    String page = Files.readString(html);
    assertTrue(page.contains("<h2>Shadow bundle against the active bundle</h2>"), page);
    assertTrue(page.contains("<h3>Shadow against the readers</h3>"), page);
    assertFalse(page.contains(reviewed), "no study UID in the HTML report");
  }

  private static boolean high(String grade) {
    return List.of("1c", "2", "3").contains(grade);
  }

  /** tp, fn, fp, tn. */
  private static int cell(boolean readerHigh, boolean modelHigh) {
    return readerHigh ? (modelHigh ? 0 : 1) : (modelHigh ? 2 : 3);
  }

  private static void assertCounts(long[] expected, JsonNode d) {
    JsonNode c = d.path("counts");
    assertEquals(
        List.of(expected[0], expected[1], expected[2], expected[3]),
        List.of(
            c.path("tp").asLong(),
            c.path("fn").asLong(),
            c.path("fp").asLong(),
            c.path("tn").asLong()),
        d.toString());
    double sens = expected[0] / (double) (expected[0] + expected[1]);
    if (expected[0] + expected[1] > 0) {
      assertEquals(sens, d.path("sensitivity").path("value").asDouble(), 1e-12);
    }
  }

  @Test
  void aBoxWithoutSliceDecisionsIsRefusedSayingWhatIsMissing() {
    Path nothing = tmp.resolve("nothing");
    CliRun none = CliRun.run("validate", "--data-dir", nothing.toString());
    assertEquals(2, none.exit(), none.all());
    assertTrue(none.err().contains(nothing + ": no such folder"), none.all());

    Path data = tmp.resolve("data");
    CliRun noIndex = CliRun.run("validate", "--data-dir", tmp.toString());
    assertEquals(2, noIndex.exit(), noIndex.all());
    assertTrue(
        noIndex.err().contains("no index.db here: not an appliance's data directory"),
        noIndex.all());

    Index.open(data.resolve("index.db")).close(); // an appliance that ran, nothing reviewed
    CliRun empty = CliRun.run("validate", "--data-dir", data.toString());
    assertEquals(2, empty.exit(), empty.all());
    assertTrue(empty.err().contains("no slice decisions yet (0 study decision(s)"), empty.all());
    assertTrue(empty.err().contains("Confirm or correct slice grades"), empty.all());

    CliRun neither = CliRun.run("validate");
    assertEquals(2, neither.exit(), neither.all());
    assertTrue(neither.err().contains("give --data DIR"), neither.all());
  }

  private static CliRun validate(Path data, Path bundle, Path json, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "validate",
                "--bundle",
                bundle.toString(),
                "--data-dir",
                data.toString(),
                "--boxes",
                "supplied",
                "--json",
                json.toString()));
    args.addAll(List.of(more));
    return CliRun.run(args.toArray(String[]::new));
  }

  private static void assertMatrix(long[][] expected, Path report, CliRun run) throws IOException {
    JsonNode slices = JSON.readTree(Files.readString(report)).path("evaluation").path("slices");
    assertEquals(
        GRADES, JSON.convertValue(slices.path("grades"), new TypeReference<List<String>>() {}));
    long[][] actual = JSON.treeToValue(slices.path("confusion_matrix"), long[][].class);
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected.length; j++) {
        assertEquals(
            expected[i][j],
            actual[i][j],
            "reference " + GRADES.get(i) + ", model " + GRADES.get(j) + "\n" + run.all());
      }
    }
  }

  private static String otherThan(String modelGrade, String preferred) {
    String g = preferred.equals(modelGrade) ? "0" : preferred;
    assertNotEquals(modelGrade, g);
    return g;
  }

  private List<String> gradedStudies(String base, String token) throws Exception {
    List<String> out = new ArrayList<>();
    Await.until(
        "both phantom studies graded",
        Duration.ofSeconds(180),
        () -> {
          JsonNode list = get(base + "/api/v1/studies?state=graded", token).path("studies");
          if (list.size() < 2) {
            return false;
          }
          list.forEach(s -> out.add(s.path("study_instance_uid").asText()));
          return true;
        });
    return out.stream().sorted().toList();
  }

  private JsonNode get(String url, String token) {
    HttpResponse<String> r =
        send(Credentials.bearer(HttpRequest.newBuilder(URI.create(url)), token).GET().build());
    assertEquals(200, r.statusCode(), r.body());
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError(url + ": not JSON", e);
    }
  }

  private HttpResponse<String> send(HttpRequest req) {
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new AssertionError(req.uri() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Posts the study page's review form as {@code reader}, as a browser does. */
  private static void review(
      SignedIn reader, String study, String sop, String decision, String grade) throws Exception {
    String page = "/studies/" + study;
    assertTrue(
        reader.get(page).body().contains("name=\"csrf\" value=\"" + reader.csrf() + "\""),
        "the study page carries the CSRF token");
    String form =
        "decision="
            + decision
            + (sop == null ? "" : "&sop=" + enc(sop) + "&frame=1")
            + (grade == null ? "" : "&grade=" + enc(grade));
    HttpResponse<String> res = reader.postForm(page + "/reviews", form);
    assertEquals(303, res.statusCode(), form + "\n" + res.body());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
