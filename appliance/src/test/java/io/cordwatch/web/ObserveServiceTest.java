package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObserveServiceTest {
  @TempDir Path dir;
  private TestAppliance app;

  @BeforeEach
  void start() {
    app = new TestAppliance(dir);
  }

  @AfterEach
  void stop() {
    app.close();
  }

  @Test
  void healthIsUpWhenDatabaseDiskAndDicomListenerAreUp() {
    HttpResponse<String> res = app.get("/observe/health");

    assertEquals(200, res.statusCode());
    JsonNode health = TestAppliance.json(res);
    assertEquals("UP", health.path("status").asText());
    Map<String, String> checks = checks(health);
    assertEquals(Map.of("database", "UP", "disk", "UP", "dicom_listener", "UP"), checks);
    health.path("checks").forEach(c -> assertTrue(c.path("detail").isTextual()));
    assertEquals(200, app.get("/observe/health/ready").statusCode());
    assertEquals(200, app.get("/observe/health/live").statusCode());
  }

  @Test
  void healthIsDownWhenDiskIsBelowReserveButTheProcessIsStillLive() {
    app.disk.setReserveBytes(Long.MAX_VALUE / 4);

    HttpResponse<String> res = app.get("/observe/health");

    assertEquals(503, res.statusCode());
    JsonNode health = TestAppliance.json(res);
    assertEquals("DOWN", health.path("status").asText());
    assertEquals("DOWN", checks(health).get("disk"));
    assertEquals("UP", checks(health).get("database"));
    assertTrue(detail(health, "disk").contains("reserve"), detail(health, "disk"));
    assertEquals(503, app.get("/observe/health/ready").statusCode());
    HttpResponse<String> live = app.get("/observe/health/live");
    assertEquals(200, live.statusCode());
    assertEquals("UP", TestAppliance.json(live).path("status").asText());
  }

  @Test
  void healthRecoversByItselfWhenSpaceReturns() {
    app.disk.setReserveBytes(Long.MAX_VALUE / 4);
    assertEquals(503, app.get("/observe/health").statusCode());

    app.disk.setReserveBytes(0);

    assertEquals(200, app.get("/observe/health").statusCode());
  }

  @Test
  void healthIsDownWhenDicomListenerIsDown() {
    app.dicomListening.set(false);

    HttpResponse<String> res = app.get("/observe/health");

    assertEquals(503, res.statusCode());
    assertEquals("DOWN", checks(TestAppliance.json(res)).get("dicom_listener"));
  }

  @Test
  void healthIsDownWhenTheIndexCannotBeWritten() {
    app.index.close();

    HttpResponse<String> res = app.get("/observe/health");

    assertEquals(503, res.statusCode());
    assertEquals("DOWN", checks(TestAppliance.json(res)).get("database"));
  }

  @Test
  void metricsArePrometheusTextWithReceivedInstances() {
    app.meters.instanceStored(2048, Duration.ofMillis(5));

    HttpResponse<String> res = app.get("/observe/metrics");

    assertEquals(200, res.statusCode());
    assertEquals(
        "text/plain; version=0.0.4; charset=utf-8",
        res.headers().firstValue("content-type").orElseThrow());
    assertTrue(
        res.body().lines().anyMatch(l -> l.startsWith("cordwatch_instances_received_total 1")),
        res.body());
  }

  private static Map<String, String> checks(JsonNode health) {
    Map<String, String> out = new HashMap<>();
    health.path("checks").forEach(c -> out.put(c.path("name").asText(), c.path("status").asText()));
    return out;
  }

  private static String detail(JsonNode health, String name) {
    for (JsonNode c : health.path("checks")) {
      if (c.path("name").asText().equals(name)) {
        return c.path("detail").asText();
      }
    }
    return "";
  }
}
