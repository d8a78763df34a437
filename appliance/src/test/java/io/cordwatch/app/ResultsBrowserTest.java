package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.auth.Role;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.StudyPlan;
import io.cordwatch.receive.Peers;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.Chromium;
import io.cordwatch.testing.Credentials;
import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * What a person sees, in a real browser: an appliance with the test bundle grades a phantom study
 * sent by storescu, and a headless Chromium (Debian's chromium and chromedriver) signs in as each
 * role through the login form. Facilities staff get the status page and are refused the results; a
 * clinician gets the worklist (kept live by its script), the study page with its key image, and
 * confirms a grade that then shows in the history; an admin sees the clinician's decision on the
 * worklist and adds a user on the users page, who then signs in. Screenshots of each step go to
 * {@code target/screenshots/} for a person to look at.
 *
 * <p>Skipped, saying why, when Chromium or chromedriver is not installed ({@code install/cordwatch
 * test} installs both) or peers are skipped ({@code -DskipPeers}).
 */
@Tag("browser")
class ResultsBrowserTest {
  static final Path CHROMIUM = Chromium.BINARY;
  static final Path CHROMEDRIVER = Chromium.DRIVER;
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path tmp;

  @Test
  void eachRoleSeesWhatItShouldAndAClinicianConfirmsAGrade() throws Exception {
    SkipPeers.assumePeers("storescu and chromium");
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "browser walk not run: "
            + CHROMIUM
            + " or "
            + CHROMEDRIVER
            + " is missing (Debian packages chromium and chromium-driver; install/cordwatch test"
            + " installs them)");
    Files.createDirectories(SCREENSHOTS);

    Path bundle = tmp.resolve("bundle");
    TorchFixture.bundle(bundle);
    Path phantom = tmp.resolve("phantom");
    Phantom.generate(
        new Phantom.Options(phantom, 1, 5, StudyPlan.Style.INTERNAL, 16, false, false));
    List<Path> files;
    try (Stream<Path> s = Files.list(phantom.resolve("study-0001"))) {
      files = s.filter(p -> p.toString().endsWith(".dcm")).sorted().toList();
    }
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("release-grace", "100ms");
    RunningAppliance.unsignedBundle(flags, bundle);
    flags.put("boxes", phantom.resolve("labels.csv").toString());
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      String base = "http://127.0.0.1:" + appliance.httpPort();
      String token = Credentials.writeToken(appliance.index());
      Credentials.user(appliance.index(), "facility", Role.FACILITIES);
      Credentials.user(appliance.index(), "clinician", Role.CLINICIAN);
      Credentials.user(appliance.index(), "admin", Role.ADMIN);
      Peers.Run sent = Peers.storescu(appliance.dicomPort(), "STORESCU", files);
      assertEquals(files.size(), Peers.successes(sent), sent.output());
      String study = gradedStudy(base, token);

      try (Browser b = new Browser(base)) {
        b.login("facility", "/");
        assertTrue(b.text().contains("Signed in as facility (facilities)"), b.text());
        assertTrue(b.driver.findElements(By.cssSelector("a[href='/studies']")).isEmpty());
        assertFalse(b.source().contains(study), "the status page shows no study UID");
        assertTrue(b.text().contains("NOT FOR CLINICAL USE: the loaded model"), b.text());
        assertTrue(
            b.driver.findElement(By.id("model")).getText().startsWith("torch-tiny-test, version"),
            "the status page names the model");
        b.shot("1-facilities-status");
        b.open("/studies");
        assertTrue(b.text().contains("Not for your role"), b.text());
        assertTrue(b.text().contains("needs the clinician or admin role"), b.text());
        assertFalse(b.source().contains(study));
        b.shot("2-facilities-results-refused");
        b.open("/admin/users");
        assertTrue(b.text().contains("Not for your role"), b.text());
        assertTrue(b.text().contains("needs the admin role"), b.text());
        assertFalse(b.text().contains("clinician"), "no user list for facilities staff");
      }

      String tag;
      try (Browser b = new Browser(base)) {
        b.login("clinician", "/studies");
        assertEquals(base + "/studies", b.driver.getCurrentUrl());
        WebElement row = b.driver.findElement(By.cssSelector("#worklist tbody tr"));
        WebElement link = row.findElement(By.tagName("a"));
        assertEquals("/studies/" + study, link.getDomAttribute("href"));
        tag = link.getText();
        String result = row.findElement(By.cssSelector("td.result")).getText();
        assertTrue(
            result.startsWith("HIGH GRADE")
                || result.startsWith("low grade")
                || result.startsWith("INDETERMINATE"),
            result);
        assertEquals("unreviewed", row.findElement(By.cssSelector("td.review")).getText());
        assertTrue(row.getText().contains("2026-01-01 12:00:00"), "Study Date and Time, as sent");
        // The script replaces the table from /api/v1/worklist every 10 s and says so.
        Await.until(
            "the worklist script's first update",
            Duration.ofSeconds(40),
            () -> b.driver.findElement(By.id("updated")).getText().startsWith("Live, as of"));
        assertEquals(tag, b.driver.findElement(By.cssSelector("#worklist tbody tr a")).getText());
        b.shot("3-clinician-worklist");

        b.driver.findElement(By.cssSelector("#worklist tbody tr a")).click();
        Await.until(
            "the study page", () -> b.driver.getCurrentUrl().equals(base + "/studies/" + study));
        assertTrue(b.text().contains("Study result:"), b.text());
        assertTrue(b.text().contains("NOT FOR CLINICAL USE"), "the test bundle is not cleared");
        assertTrue(b.text().contains("torch-tiny-test"), "the model is named");
        List<WebElement> images = b.driver.findElements(By.cssSelector(".key-images img"));
        assertFalse(images.isEmpty(), "key images are shown");
        Number width =
            (Number)
                ((JavascriptExecutor) b.driver)
                    .executeScript("return arguments[0].naturalWidth;", images.getFirst());
        assertTrue(width.intValue() > 0, "the key image loaded");
        assertFalse(
            b.driver.findElements(By.cssSelector("ol.strip li")).isEmpty(), "the slice strip");
        b.shot("4-clinician-study");
        Files.write(
            SCREENSHOTS.resolve("5-key-image.png"),
            http.send(
                    Credentials.bearer(
                            HttpRequest.newBuilder(
                                URI.create(base + images.getFirst().getDomAttribute("src"))),
                            token)
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .body());

        WebElement form = b.driver.findElement(By.cssSelector("#study-grade form.review"));
        List<WebElement> confirm = form.findElements(By.cssSelector("button[value='confirm']"));
        String expected;
        if (confirm.isEmpty()) {
          // Nothing to confirm (indeterminate): a clinician gives the grade instead.
          form.findElement(By.xpath(".//select[@name='grade']/option[text()='2']")).click();
          form.findElement(By.cssSelector("button[value='correct']")).click();
          expected = "corrected to Bilsky 2 by clinician";
        } else {
          String grade = confirm.getFirst().getText().substring("Confirm ".length());
          confirm.getFirst().click();
          expected = "confirmed (Bilsky " + grade + ") by clinician";
        }
        Await.until(
            "the study page after the decision",
            () -> b.driver.getCurrentUrl().endsWith("/studies/" + study + "#study-grade"));
        assertTrue(b.text().contains("Review: " + expected), b.text());
        WebElement history = b.driver.findElement(By.cssSelector("table.history"));
        assertTrue(history.getText().contains("clinician"), history.getText());
        assertTrue(history.getText().contains("current"), history.getText());
        b.shot("6-clinician-confirmed");
        ((JavascriptExecutor) b.driver)
            .executeScript(
                "arguments[0].scrollIntoView();", b.driver.findElement(By.id("reviews")));
        b.shot("7-clinician-review-history");

        List<WebElement> sliceConfirm =
            b.driver.findElements(By.cssSelector("table.slices button[value='confirm']"));
        assertFalse(sliceConfirm.isEmpty(), "graded slices can be confirmed");
        sliceConfirm.getFirst().click();
        Await.until(
            "both decisions in the history",
            () -> b.driver.findElements(By.cssSelector("table.history tr")).size() == 3);

        try (Browser admin = new Browser(base)) {
          admin.login("admin", "/studies");
          WebElement review =
              admin.driver.findElement(By.cssSelector("#worklist tbody tr td.review"));
          assertEquals(expected, review.getText());
          admin.shot("8-admin-worklist");

          // The admin's users page, reached from the top bar: add a user through the form.
          admin.driver.findElement(By.cssSelector("nav.account a[href='/admin/users']")).click();
          Await.until(
              "the users page", () -> admin.driver.getCurrentUrl().equals(base + "/admin/users"));
          WebElement users = admin.driver.findElement(By.id("users"));
          assertTrue(users.getText().contains("clinician"), users.getText());
          assertTrue(users.getText().contains("facilities"), users.getText());
          admin.driver.findElement(By.id("new-name")).sendKeys("nurse");
          admin
              .driver
              .findElement(By.xpath("//select[@id='new-role']/option[@value='facilities']"))
              .click();
          admin.driver.findElement(By.id("new-password")).sendKeys(Credentials.PASSWORD);
          admin.driver.findElement(By.cssSelector("#add-user button[type='submit']")).click();
          Await.until(
              "the new user listed",
              Duration.ofSeconds(30),
              () -> admin.text().contains("User nurse added."));
          assertTrue(
              admin.driver.findElement(By.id("user-nurse")).getText().contains("facilities"),
              admin.text());
          admin.shot("9-admin-users");
        }
        try (Browser nurse = new Browser(base)) {
          nurse.login("nurse", "/");
          assertTrue(nurse.text().contains("Signed in as nurse (facilities)"), nurse.text());
        }
      }
    }
  }

  /** Waits for the one study to be graded; returns its UID. */
  private String gradedStudy(String base, String token) throws Exception {
    String[] uid = new String[1];
    Await.until(
        "the phantom study graded",
        Duration.ofSeconds(120),
        () -> {
          JsonNode list = get(base + "/api/v1/studies?state=graded", token);
          if (list.path("studies").size() == 1) {
            uid[0] = list.path("studies").get(0).path("study_instance_uid").asText();
            return true;
          }
          return false;
        });
    return uid[0];
  }

  private JsonNode get(String url, String token) {
    try {
      return JSON.readTree(
          http.send(
                  Credentials.bearer(HttpRequest.newBuilder(URI.create(url)), token).GET().build(),
                  HttpResponse.BodyHandlers.ofString())
              .body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** One headless Chromium with its own cookies, signed in as nobody until {@link #login}. */
  private static final class Browser implements AutoCloseable {
    final WebDriver driver;
    private final String base;

    Browser(String base) {
      this.base = base;
      this.driver = Chromium.start(1600);
    }

    void login(String name, String next) throws InterruptedException {
      driver.get(
          base
              + "/login?next="
              + java.net.URLEncoder.encode(next, java.nio.charset.StandardCharsets.UTF_8));
      driver.findElement(By.id("name")).sendKeys(name);
      driver.findElement(By.id("password")).sendKeys(Credentials.PASSWORD);
      driver.findElement(By.cssSelector("form.login button[type='submit']")).click();
      // A click returns before the navigation it starts has finished.
      Await.until(
          name + " signed in and sent to " + next,
          Duration.ofSeconds(30),
          () -> driver.getCurrentUrl().equals(base + next));
    }

    void open(String path) {
      driver.get(base + path);
    }

    String text() {
      // Just after a form is submitted the page is in transit: it may have no body yet, or the
      // body read may be replaced before its text is taken. Read that as empty, so that a poll
      // (Await.until) tries again instead of failing on the navigation itself.
      try {
        return driver.findElement(By.tagName("body")).getText();
      } catch (NoSuchElementException | StaleElementReferenceException e) {
        return "";
      }
    }

    String source() {
      return driver.getPageSource();
    }

    void shot(String name) throws IOException {
      byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
      Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    @Override
    public void close() {
      driver.quit();
    }
  }
}
