package io.cordwatch.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cordwatch.app.RegradeOnBoxChange;
import io.cordwatch.app.StageSettings;
import io.cordwatch.auth.AccessControl;
import io.cordwatch.auth.AuthConfig;
import io.cordwatch.auth.Scope;
import io.cordwatch.config.Settings;
import io.cordwatch.dicom.Uids;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.InstanceRow;
import io.cordwatch.telemetry.DiskWatermark;
import io.cordwatch.telemetry.Meters;
import io.cordwatch.testing.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A real web server over a real index, meters and disk watermark in a temporary directory; only the
 * DICOM listener is a flag, because the web layer only ever asks whether it is up.
 */
final class TestAppliance implements AutoCloseable {
  static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
  static final Instant STARTED = NOW.minusSeconds(90);
  static final int DICOM_PORT = 11112;
  static final String ENGINE = "no model loaded: grading arrives with the model";

  private static final ObjectMapper JSON = new ObjectMapper();

  final Index index;
  final Meters meters = new Meters();
  final DiskWatermark disk;
  final AtomicBoolean dicomListening = new AtomicBoolean(true);

  /** The DICOM TLS port the status surfaces name; -1, off, unless a test turns it on. */
  final java.util.concurrent.atomic.AtomicInteger dicomTlsPort =
      new java.util.concurrent.atomic.AtomicInteger(-1);

  /** The model bundle the status surfaces name; none, as without a {@code bundle} setting. */
  final java.util.concurrent.atomic.AtomicReference<ActiveModel> model =
      new java.util.concurrent.atomic.AtomicReference<>();

  /** Every review the web layer handed on after storing it (the appliance makes verified SRs). */
  final List<io.cordwatch.store.Records.ReviewRow> reviewed =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * The status reading's ticker (nanoseconds). Each reading of it is {@link #statusStep} after the
   * last, a whole {@link StatusSnapshot#MAX_AGE} unless a test changes it, so no test sees a reused
   * status reading unless it stops time (step 0) and moves it itself.
   */
  final java.util.concurrent.atomic.AtomicLong statusNanos =
      new java.util.concurrent.atomic.AtomicLong();

  final java.util.concurrent.atomic.AtomicLong statusStep =
      new java.util.concurrent.atomic.AtomicLong(StatusSnapshot.MAX_AGE.toNanos());

  final Settings settings;
  final WebServer server;

  /** The status reading the server shares between its clients. */
  StatusSnapshot statusSnapshot;

  /** A write-scope API token (write includes read) that {@link #get} sends. */
  final String token;

  private final HttpClient client = HttpClient.newHttpClient();
  private int paths;

  TestAppliance(Path dir) {
    this(dir, 0, Map.of());
  }

  /** An appliance with more settings ({@code boxes-api: off}, say). */
  TestAppliance(Path dir, Map<String, String> extra) {
    this(dir, 0, extra);
  }

  private TestAppliance(Path dir, int httpPort, Map<String, String> extra) {
    Map<String, String> flags = new java.util.HashMap<>(extra);
    flags.put("data-dir", dir.toString());
    flags.put("http-port", Integer.toString(httpPort));
    flags.put("bind", "127.0.0.1");
    flags.put("ae-title", "CORDWATCH");
    settings = Settings.load(null, flags);
    index = Index.open(dir.resolve("index.db"), new RegradeOnBoxChange());
    token = Credentials.token(index, "test", Scope.WRITE);
    disk = new DiskWatermark(dir, 0);
    try {
      server = start();
    } catch (RuntimeException e) {
      index.close();
      client.close();
      throw e;
    }
  }

  /** An appliance whose HTTP listener asks for {@code httpPort} (for bind failures). */
  static TestAppliance onPort(Path dir, int httpPort) {
    return new TestAppliance(dir, httpPort, Map.of());
  }

  /** Without device detection; access control with the default timeouts over the index. */
  private WebServer start() {
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    WebContext ctx =
        new WebContext(
            StageSettings.web(settings),
            index,
            meters,
            disk,
            dicomListening::get,
            () -> DICOM_PORT,
            dicomTlsPort::get,
            () -> ENGINE,
            clock,
            STARTED,
            Accelerator::unknown,
            model::get,
            ApiToken.of(settings.apiTokenFile()),
            AccessControl.over(index, AuthConfig.defaults(), clock),
            reviewed::add,
            null);
    statusSnapshot = new StatusSnapshot(ctx, () -> statusNanos.addAndGet(statusStep.get()));
    return WebServer.start(ctx, statusSnapshot);
  }

  /** Stores one instance of a series, as the receiver would after the spool file is durable. */
  void receive(String studyUid, String seriesUid, long receivedMs, String description) {
    receive(studyUid, seriesUid, receivedMs, description, "{}");
  }

  /**
   * As {@link #receive(String, String, long, String)}, with the instance's facts JSON (rows,
   * columns, frames); returns its SOP Instance UID.
   */
  String receive(
      String studyUid, String seriesUid, long receivedMs, String description, String factsJson) {
    String sop = seriesUid + "." + (++paths);
    index.recordInstance(
        new InstanceRow(
            0,
            sop,
            Uids.MR_IMAGE_STORAGE,
            studyUid,
            seriesUid,
            "1.2.840.10008.1.2.1",
            "spool/" + paths + ".dcm",
            1000,
            "00",
            receivedMs,
            "SCANNER",
            factsJson),
        "MR",
        1,
        description);
    return sop;
  }

  void complete(String seriesUid, boolean selected) {
    index.completeSeries(
        seriesUid,
        NOW.toEpochMilli(),
        selected,
        selected ? "axial T2W thoracic" : "not axial",
        List.of(selected ? "axial within 20 degrees" : "sagittal orientation"));
  }

  /** GET with the test's API token. */
  HttpResponse<String> get(String path) {
    return send(Credentials.bearer(HttpRequest.newBuilder(uri(path)), token).GET().build());
  }

  /** GET without any credential. */
  HttpResponse<String> getAnonymous(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET().build());
  }

  /** A request builder for {@code path} carrying the test's API token. */
  HttpRequest.Builder authorized(String path) {
    return Credentials.bearer(HttpRequest.newBuilder(uri(path)), token);
  }

  HttpResponse<String> send(HttpRequest request) {
    return send(request, HttpResponse.BodyHandlers.ofString());
  }

  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return client.send(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("not JSON: " + response.body(), e);
    }
  }

  @Override
  public void close() {
    server.close();
    client.close();
    index.close();
  }
}
