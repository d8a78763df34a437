package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.auth.Role;
import io.cordwatch.config.Settings;
import io.cordwatch.infer.TorchFixture;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.store.BundleActivations.Activation;
import io.cordwatch.testing.Await;
import io.cordwatch.testing.Chromium;
import io.cordwatch.testing.Credentials;
import io.cordwatch.testing.SkipPeers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * An admin in headless Chromium switches the model from the page, as a person would: from the top
 * bar to the model bundles page, "Make active..." on the second version, the confirmation page, and
 * the line saying it is active; then rolls back the same way. The page works under the
 * Content-Security-Policy (no script) and each click is the activation it says. Screenshots go to
 * target/screenshots/bundles-*.png.
 */
@Tag("browser")
class BundlesBrowserTest {
  @TempDir Path tmp;

  @Test
  void anAdminMakesAVersionActiveAndRollsBackFromTheBrowser() throws Exception {
    SkipPeers.assumePeers("chromium");
    Assumptions.assumeTrue(
        Files.isExecutable(Chromium.BINARY) && Files.isExecutable(Chromium.DRIVER),
        "browser walk not run: "
            + Chromium.BINARY
            + " or "
            + Chromium.DRIVER
            + " is missing (Debian packages chromium and chromium-driver; install/cordwatch test"
            + " installs them)");
    Path screenshots = Files.createDirectories(Path.of("target", "screenshots"));
    TorchFixture.bundle(tmp.resolve("a"));
    TorchFixture.bundle(tmp.resolve("b"), "torch-tiny-b", 11);
    Map<String, String> flags = RunningAppliance.flags(tmp.resolve("data"));
    flags.put("bundle", tmp.resolve("a").toString());
    flags.put("allow-unsigned-bundles", "on"); // test bundles are unsigned
    try (Appliance appliance = Appliance.start(Settings.load(null, flags), Clock.systemUTC())) {
      String base = "http://127.0.0.1:" + appliance.httpPort();
      Credentials.user(appliance.index(), "ada", Role.ADMIN);
      String idA = appliance.activeBundleId();
      String idB = appliance.bundles().install(tmp.resolve("b"), "test").id();
      WebDriver driver = Chromium.start(1200);
      try {
        driver.get(base + "/login?next=" + URLEncoder.encode("/", StandardCharsets.UTF_8));
        driver.findElement(By.id("name")).sendKeys("ada");
        driver.findElement(By.id("password")).sendKeys(Credentials.PASSWORD);
        driver.findElement(By.cssSelector("form.login button[type='submit']")).click();
        Await.until(
            "signed in", Duration.ofSeconds(30), () -> text(driver).contains("Signed in as ada"));

        driver.findElement(By.cssSelector("nav.account a[href='/admin/bundles']")).click();
        Await.until(
            "the bundles page",
            Duration.ofSeconds(30),
            () -> driver.getCurrentUrl().equals(base + "/admin/bundles"));
        String running = driver.findElement(By.id("running")).getText();
        assertTrue(running.contains(idA), running);
        shot(driver, screenshots, "bundles-1-page");

        driver.findElement(By.cssSelector("tr[id='bundle-" + idB + "'] a.action")).click();
        Await.until(
            "the confirmation page",
            Duration.ofSeconds(30),
            () -> text(driver).contains("Make " + idB + " active?"));
        shot(driver, screenshots, "bundles-2-confirm");
        assertEquals(idA, latest(appliance).bundleId(), "asking changed nothing");
        driver.findElement(By.cssSelector("#confirm button[type='submit']")).click();
        Await.until(
            "the switch reported",
            Duration.ofSeconds(30),
            () -> text(driver).contains(idB + " is now the active version (was " + idA + ")"));
        shot(driver, screenshots, "bundles-3-switched");
        Activation a = latest(appliance);
        assertEquals(idB, a.bundleId());
        assertEquals("activate", a.how());
        assertTrue(a.actor().startsWith("user ada (admin) from "), a.actor());
        Await.until("grading with " + idB, () -> idB.equals(appliance.activeBundleId()));

        driver.findElement(By.cssSelector("#rollback a.action")).click();
        Await.until(
            "the rollback confirmation",
            Duration.ofSeconds(30),
            () -> text(driver).contains("Roll back to " + idA + "?"));
        driver.findElement(By.cssSelector("#confirm button[type='submit']")).click();
        Await.until(
            "the rollback reported",
            Duration.ofSeconds(30),
            () -> text(driver).contains("Rolled back: " + idA + " is now the active version"));
        shot(driver, screenshots, "bundles-4-rolled-back");
        assertEquals("rollback", latest(appliance).how());
        Await.until("back on " + idA, () -> idA.equals(appliance.activeBundleId()));
      } finally {
        driver.quit();
      }
    }
  }

  private static Activation latest(Appliance appliance) {
    return appliance.index().bundleActivations().latest().orElseThrow();
  }

  /** The body's text; empty while a page is in transit, so a poll tries again. */
  private static String text(WebDriver driver) {
    try {
      return driver.findElement(By.tagName("body")).getText();
    } catch (NoSuchElementException | StaleElementReferenceException e) {
      return "";
    }
  }

  private static void shot(WebDriver driver, Path dir, String name) throws Exception {
    Files.write(
        dir.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
  }
}
