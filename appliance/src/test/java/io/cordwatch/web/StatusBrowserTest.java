package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.testing.Await;
import io.cordwatch.testing.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * The status page in a real browser, under the real Content-Security-Policy: its script follows the
 * event stream and redraws the page in place when images arrive (no reload), the ATTENTION headline
 * says what to do, and the charts draw. A screenshot goes to {@code
 * target/screenshots/status-live.png} for a person to look at. Skipped, saying why, without
 * Debian's chromium and chromium-driver.
 */
@Tag("browser")
class StatusBrowserTest {
  private static final Path CHROMIUM = Chromium.BINARY;
  private static final Path CHROMEDRIVER = Chromium.DRIVER;
  private static final Path SCREENSHOTS = Path.of("target", "screenshots");
  private static final String STUDY = "1.2.826.0.1.3680043.10.7.77";

  @TempDir Path dir;

  @Test
  void thePageFollowsTheEventStreamAndRedrawsInPlaceWhenImagesArrive() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "status page browser check not run: "
            + CHROMIUM
            + " or "
            + CHROMEDRIVER
            + " is missing (Debian packages chromium and chromium-driver; install/cordwatch test"
            + " installs them)");
    Files.createDirectories(SCREENSHOTS);
    try (TestAppliance app = new TestAppliance(dir)) {
      long now = TestAppliance.NOW.toEpochMilli();
      app.receive(STUDY, STUDY + ".1", now - 3 * 3_600_000L, "DOE^JANE T2 AX");
      app.receive(STUDY + "1", STUDY + "1.1", now - 600_000L, "DOE^JOHN T2 AX");
      app.complete(STUDY + ".1", true);
      WebDriver driver = browser();
      try {
        driver.get("http://127.0.0.1:" + app.server.port() + "/");
        Await.until(
            "the status script's first event",
            Duration.ofSeconds(30),
            () -> driver.findElement(By.id("updates")).getText().contains("live"));
        String body = driver.findElement(By.tagName("body")).getText();
        assertTrue(body.contains("ATTENTION"), body);
        assertTrue(body.contains("1 series is waiting for grading but no model is loaded"), body);
        assertTrue(body.contains("Images received 0"), body);
        assertEquals(2, driver.findElements(By.cssSelector("svg.chart")).size());
        assertEquals("CordWatch: ATTENTION", driver.getTitle());
        ((JavascriptExecutor) driver).executeScript("window.cordwatchMarker = 42;");

        // Images arrive, and the waiting series is graded away: the headline turns OK in place.
        app.meters.instanceStored(1000, Duration.ofMillis(2));
        app.index.claimJob(now).orElseThrow();

        Await.until(
            "the page redrawn with the new count",
            Duration.ofSeconds(30),
            () -> driver.findElement(By.tagName("body")).getText().contains("Images received 1"));
        Await.until(
            "the headline turned OK",
            Duration.ofSeconds(30),
            () -> driver.getTitle().equals("CordWatch: OK"));
        assertEquals(
            42L,
            ((JavascriptExecutor) driver).executeScript("return window.cordwatchMarker;"),
            "redrawn in place, not reloaded");
        assertFalse(driver.getPageSource().contains("DOE"), "no patient text");
        Files.write(
            SCREENSHOTS.resolve("status-live.png"),
            ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      } finally {
        driver.quit();
      }
    }
  }

  private static WebDriver browser() {
    return Chromium.start(1800);
  }
}
