package io.cordwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path tmp;

  @Test
  void defaultsMatchTheDocumentedOnes() {
    Settings s = Settings.load(null, Map.of());
    assertEquals(11112, s.dicomPort());
    assertEquals(8080, s.httpPort());
    assertEquals("CORDWATCH", s.aeTitle());
    assertEquals(List.of(), s.allowAe(), "deny by default");
    assertEquals(25, s.maxAssociations());
    assertEquals(2_000_000_000L, s.diskReserveBytes());
    assertEquals(Duration.ofSeconds(5), s.seriesStable());
    assertEquals(Duration.ofSeconds(60), s.idleTimeout());
    assertEquals(Duration.ofSeconds(30), s.artimTimeout());
    assertTrue(s.streaming());
    assertEquals(256L * 1024 * 1024, s.streamMemoryBytes());
    assertEquals(3, s.gradingAttempts());
    assertEquals(Duration.ofSeconds(1), s.gradingRetryDelay());
    assertEquals(Duration.ofMinutes(1), s.gradingRetryMaxDelay());
    assertTrue(s.boxesApi());
  }

  @Test
  void theSiteThresholdIsUnsetByDefaultAndMustBeAProbability() {
    assertEquals(null, Settings.load(null, Map.of()).siteRuleOutThreshold());
    assertEquals(
        0.04,
        Settings.load(null, Map.of("site-rule-out-threshold", "0.04")).siteRuleOutThreshold());
    assertEquals(
        "site-rule-out-threshold: must be between 0 and 1 (a probability), was 0.0",
        assertThrows(
                ConfigException.class,
                () -> Settings.load(null, Map.of("site-rule-out-threshold", "0")))
            .getMessage());
    assertEquals(null, Settings.load(null, Map.of()).siteHighThreshold());
    assertEquals(
        0.31, Settings.load(null, Map.of("site-high-threshold", "0.31")).siteHighThreshold());
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Settings.load(null, Map.of("site-high-threshold", "1.5")));
    assertEquals(
        "site-high-threshold: must be between 0 and 1 (a probability), was 1.5", e.getMessage());
    assertThrows(
        ConfigException.class, () -> Settings.load(null, Map.of("site-high-threshold", "high")));
  }

  @Test
  void retentionRemovesForDiskByDefaultButNeverForAgeUnlessTold() {
    Settings s = Settings.load(null, Map.of());
    assertEquals(Duration.ZERO, s.retentionMaxAge(), "age rule off by default");
    assertEquals(90.0, s.retentionDiskHighWater());
    assertEquals(80.0, s.retentionDiskLowWater());
    assertEquals(Duration.ofDays(30), s.quarantineMaxAge());
    assertEquals(Duration.ofMinutes(10), s.retentionInterval());
    assertEquals(
        Duration.ofDays(90),
        Settings.load(null, Map.of("retention-max-age", "90d")).retentionMaxAge());
  }

  @Test
  void aLowWaterMarkNotBelowTheHighOneStopsStartUp() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Settings.load(
                    null,
                    Map.of("retention-disk-high-water", "85", "retention-disk-low-water", "85")));
    assertTrue(
        e.getMessage().startsWith("retention-disk-low-water: must be below"), e.getMessage());
    assertEquals(
        0.0,
        Settings.load(null, Map.of("retention-disk-high-water", "0")).retentionDiskHighWater(),
        "0 switches the disk rule off whatever the low water mark");
  }

  @Test
  void aPerAeLimitAboveTheListenersLimitStopsStartUpNamingBothKeys() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                Settings.load(
                    null, Map.of("max-associations", "4", "max-associations-per-ae", "5")));
    assertTrue(e.getMessage().contains("max-associations-per-ae"), e.getMessage());
    assertTrue(e.getMessage().contains("max-associations (4)"), e.getMessage());
    assertEquals(
        4,
        Settings.load(null, Map.of("max-associations", "4", "max-associations-per-ae", "4"))
            .maxAssociationsPerAe());
  }

  @Test
  void streamingRetryAndBoxesApiKeysAreReadFromYamlIncludingItsOnOff() throws Exception {
    Path yaml = tmp.resolve("grading.yaml");
    Files.writeString(
        yaml,
        """
        streaming: off
        stream-memory: 64MiB
        grading-attempts: 5
        grading-retry-delay: 2s
        grading-retry-max-delay: 30s
        boxes-api: false
        """);
    Settings s = Settings.load(yaml, Map.of());
    assertFalse(s.streaming());
    assertEquals(64L * 1024 * 1024, s.streamMemoryBytes());
    assertEquals(5, s.gradingAttempts());
    assertEquals(Duration.ofSeconds(2), s.gradingRetryDelay());
    assertEquals(Duration.ofSeconds(30), s.gradingRetryMaxDelay());
    assertFalse(s.boxesApi());
    assertTrue(Settings.load(null, Map.of("streaming", "on")).streaming());
  }

  @Test
  void configFileIsReadAndFlagsWinOverIt() throws Exception {
    Path yaml = tmp.resolve("cordwatch.yaml");
    Files.writeString(
        yaml,
        """
        dicom-port: 104
        ae-title: SPINE_AI
        allow-ae: [MR_SCANNER1, PACS]
        disk-reserve: 5GiB
        series-stable: 2500ms
        """);
    Settings s = Settings.load(yaml, Map.of("dicom-port", "11113"));
    assertEquals(11113, s.dicomPort());
    assertEquals("SPINE_AI", s.aeTitle());
    assertEquals(List.of("MR_SCANNER1", "PACS"), s.allowAe());
    assertEquals(5L * 1024 * 1024 * 1024, s.diskReserveBytes());
    assertEquals(Duration.ofMillis(2500), s.seriesStable());
  }

  @Test
  void unknownKeyInTheFileIsNamed() throws Exception {
    Path yaml = tmp.resolve("c.yaml");
    Files.writeString(yaml, "dicom_port: 104\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(yaml, Map.of()));
    assertTrue(e.getMessage().contains("unknown key 'dicom_port'"), e.getMessage());
    assertTrue(e.getMessage().contains("dicom-port"), "lists the known keys: " + e.getMessage());
  }

  @Test
  void anUnknownFlagIsNamed() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> Settings.load(null, Map.of("dicom_port", "1")));
    assertEquals("unknown setting 'dicom_port'", e.getMessage());
  }

  @Test
  void unusableValuesAreRefusedNamingTheSetting() {
    assertMessage(Map.of("data-dir", " "), "data-dir");
    assertMessage(Map.of("max-object-size", "1000"), "max-object-size");
    assertMessage(Map.of("axial-max-angle", "90"), "axial-max-angle");
    assertMessage(Map.of("t2-min-te", "long"), "t2-min-te");
    assertMessage(Map.of("profile", ""), "profile");
    assertMessage(Map.of("gpu-retry", "500ms"), "gpu-retry");
    assertMessage(Map.of("dicom-port", "70000"), "dicom-port");
    assertMessage(Map.of("http-port", "eighty"), "http-port");
    assertMessage(Map.of("disk-reserve", "lots"), "disk-reserve");
    assertMessage(Map.of("idle-timeout", "5m"), "idle-timeout");
    assertMessage(Map.of("artim-timeout", "31s"), "artim-timeout");
    assertMessage(Map.of("ae-title", "MUCH_TOO_LONG_AE_TITLE"), "ae-title");
    assertMessage(Map.of("allow-ae", "OK,BAD\\AE"), "allow-ae");
    assertMessage(Map.of("max-associations", "0"), "max-associations");
    assertMessage(Map.of("streaming", "sometimes"), "streaming");
    assertMessage(Map.of("boxes-api", "maybe"), "boxes-api");
    assertMessage(Map.of("stream-memory", "plenty"), "stream-memory");
    assertMessage(Map.of("grading-attempts", "0"), "grading-attempts");
    assertMessage(Map.of("grading-retry-delay", "soon"), "grading-retry-delay");
    assertMessage(Map.of("grading-retry-max-delay", "500ms"), "grading-retry-max-delay");
    assertMessage(Map.of("forward-to", "PACS@10.0.0.5:104,pacs.example:104"), "forward-to");
    assertMessage(Map.of("forward-to", "PACS@10.0.0.5:70000"), "forward-to");
    assertMessage(Map.of("forward-retry-delay", "10ms"), "forward-retry-delay");
    assertMessage(Map.of("forward-retry-max-delay", "2h"), "forward-retry-max-delay");
    assertMessage(Map.of("forward-give-up-after", "12h"), "forward-give-up-after");
    assertMessage(Map.of("alert-webhooks", "ftp://x/y"), "alert-webhooks");
    assertMessage(Map.of("alert-webhooks", "https://alerts.example/hook"), "alert-key-file");
  }

  @Test
  void destinationsAreReadAsAList() {
    Settings s =
        Settings.load(null, Map.of("forward-to", "PACS@10.0.0.5:104, ARCHIVE@[fd00::5]:11112"));
    assertEquals(List.of("PACS@10.0.0.5:104", "ARCHIVE@[fd00::5]:11112"), s.forwardTo());
  }

  @Test
  void unreadableConfigFileSaysWhichFile() throws Exception {
    Path yaml = tmp.resolve("broken.yaml");
    Files.writeString(yaml, "dicom-port: [unclosed\n");
    ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(yaml, Map.of()));
    assertTrue(e.getMessage().contains("broken.yaml"), e.getMessage());
    ConfigException missing =
        assertThrows(
            ConfigException.class, () -> Settings.load(tmp.resolve("nope.yaml"), Map.of()));
    assertTrue(missing.getMessage().contains("nope.yaml"), missing.getMessage());
  }

  private static void assertMessage(Map<String, String> flags, String key) {
    ConfigException e = assertThrows(ConfigException.class, () -> Settings.load(null, flags));
    assertTrue(e.getMessage().startsWith(key + ":"), e.getMessage());
  }
}
