package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.auth.AuthConfig;
import io.cordwatch.config.ConfigException;
import io.cordwatch.config.Settings;
import io.cordwatch.receive.ReceiveConfig;
import io.cordwatch.retention.RetentionConfig;
import io.cordwatch.study.SelectionRules;
import io.cordwatch.web.HttpMode;
import io.cordwatch.web.WebConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StageSettingsTest {
  @Test
  void rulesComeFromTheApplianceSettings() {
    Settings s =
        Settings.load(
            null, Map.of("axial-max-angle", "12.5", "t2-min-te", "80", "t2-min-tr", "2000"));

    assertEquals(new SelectionRules(12.5, 80, 2000), StageSettings.selectionRules(s));
    assertEquals(
        SelectionRules.defaults(), StageSettings.selectionRules(Settings.load(null, Map.of())));
  }

  @Test
  void theReceiverGetsItsListenerAndAssociationSettings() {
    Settings s =
        Settings.load(
            null,
            Map.of(
                "bind", "127.0.0.1",
                "dicom-port", "104",
                "ae-title", "SPINE_AI",
                "allow-ae", "MR1,PACS",
                "max-associations", "4",
                "idle-timeout", "10s",
                "artim-timeout", "2s",
                "max-object-size", "2MiB"));

    assertEquals(
        new ReceiveConfig(
            "127.0.0.1",
            104,
            "SPINE_AI",
            List.of("MR1", "PACS"),
            4,
            2,
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            2L * 1024 * 1024,
            null),
        StageSettings.receive(s));
  }

  @Test
  void oneCallingAeMayHoldHalfTheAssociationsRoundedUpUnlessSet() {
    assertEquals(13, StageSettings.receive(Settings.load(null, Map.of())).maxAssociationsPerAe());
    assertEquals(
        1,
        StageSettings.receive(Settings.load(null, Map.of("max-associations", "1")))
            .maxAssociationsPerAe());
    assertEquals(
        3,
        StageSettings.receive(Settings.load(null, Map.of("max-associations", "5")))
            .maxAssociationsPerAe());
    assertEquals(
        5,
        StageSettings.receive(
                Settings.load(
                    null, Map.of("max-associations", "5", "max-associations-per-ae", "5")))
            .maxAssociationsPerAe());
  }

  @Test
  void retentionGetsItsRulesAndTimer() {
    Settings s =
        Settings.load(
            null,
            Map.of(
                "retention-max-age", "90d",
                "retention-disk-high-water", "95",
                "retention-disk-low-water", "85.5",
                "quarantine-max-age", "7d",
                "retention-interval", "0"));

    assertEquals(
        new RetentionConfig(Duration.ofDays(90), 95, 85.5, Duration.ofDays(7), Duration.ZERO),
        StageSettings.retention(s));
  }

  @Test
  void theWebStageGetsItsListenerAndApiSettings() {
    Settings s =
        Settings.load(
            null,
            Map.of(
                "bind", "127.0.0.1",
                "http-port", "8443",
                "boxes-api", "off",
                "api-token-file", "/etc/cordwatch/api-token",
                "allowed-hosts", "cordwatch.ward.example, cw",
                "status-page-login", "on",
                "https-port", "443",
                "tls-cert", "/etc/cordwatch/tls/cert.pem",
                "tls-key", "/etc/cordwatch/tls/key.pem",
                "http-max-connections", "50"));

    assertEquals(
        new WebConfig(
            "127.0.0.1",
            8443,
            "CORDWATCH",
            false,
            Path.of("/etc/cordwatch/api-token"),
            List.of("cordwatch.ward.example", "cw"),
            true,
            s.dataDir(),
            443,
            Path.of("/etc/cordwatch/tls/cert.pem"),
            Path.of("/etc/cordwatch/tls/key.pem"),
            HttpMode.REDIRECT,
            50),
        StageSettings.web(s));
  }

  @Test
  void withoutACertificateHttpServesAndOnlyServes() {
    assertEquals(HttpMode.SERVE, StageSettings.web(Settings.load(null, Map.of())).httpMode());
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> Settings.load(null, Map.of("http-mode", "redirect")));
    assertTrue(e.getMessage().startsWith("http-mode: redirect needs HTTPS"), e.getMessage());
  }

  @Test
  void aCertificateWithoutItsKeyStopsStartUp() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> Settings.load(null, Map.of("tls-cert", "/etc/cordwatch/tls/cert.pem")));
    assertTrue(e.getMessage().startsWith("tls-key: must be set with tls-cert"), e.getMessage());
    e =
        assertThrows(
            ConfigException.class, () -> Settings.load(null, Map.of("http-mode", "https")));
    assertEquals("http-mode: 'https' is not serve, redirect or off", e.getMessage());
  }

  @Test
  void accessControlGetsItsTimeoutsAndLoginLimits() {
    Settings s =
        Settings.load(
            null,
            Map.of(
                "session-idle-timeout", "15m",
                "session-max-age", "8h",
                "login-max-failures", "3",
                "login-failure-window", "10m"));

    assertEquals(
        new AuthConfig(Duration.ofMinutes(15), Duration.ofHours(8), 3, Duration.ofMinutes(10)),
        StageSettings.auth(s));
    assertEquals(AuthConfig.defaults(), StageSettings.auth(Settings.load(null, Map.of())));
  }
}
