package io.cordwatch.web;

import io.helidon.http.DirectHandler;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * The appliance's HTTP listener: the JSON API, the observe endpoints, the status page, the
 * clinicians' results pages and the login pages, served by Helidon SE on virtual threads, every
 * request through the {@link Guard} first. It mostly reads (the index, the meters, the disk), so it
 * can be started before the DICOM listener and stopped after it, and a fault in a request never
 * reaches the receiving pipeline.
 *
 * <p>With HTTPS on, HTTPS is Helidon's default listener and plain HTTP a second, named one over the
 * same routes behind {@link PlainHttp} (or none, {@code http-mode: off}); both are one Helidon
 * server, started and stopped together.
 *
 * <p>Helidon's own shutdown hook is turned off: the appliance closes its parts in order (stop
 * taking studies, drain, close the index), and a second hook racing that order would make the order
 * a matter of luck.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(WebServer.class.getName());

  /**
   * Only canal box uploads (about 100 bytes a slice) and the login form carry a body; the cap
   * (answered 413) keeps a stray upload from costing memory while leaving room for studies of
   * thousands of slices.
   */
  static final long MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;

  /** Requests that cannot be parsed get 400, not Helidon's 500 ({@link MalformedRequests}). */
  private static final DirectHandlers MALFORMED =
      DirectHandlers.builder()
          .addHandler(DirectHandler.EventType.INTERNAL_ERROR, new MalformedRequests())
          .build();

  /** The name of the plain HTTP listener when HTTPS is the default one. */
  private static final String PLAIN = "http";

  private final io.helidon.webserver.WebServer server;
  private final int port;
  private final int httpsPort;
  private final AtomicBoolean closed = new AtomicBoolean();

  private WebServer(io.helidon.webserver.WebServer server, int port, int httpsPort) {
    this.server = server;
    this.port = port;
    this.httpsPort = httpsPort;
  }

  /**
   * Starts the listeners {@code ctx.config()} asks for, reading the certificate and key from the
   * configured files when HTTPS is on.
   *
   * @throws IllegalArgumentException naming the setting and file when the certificate or key cannot
   *     be used
   * @throws IllegalStateException naming the address when it cannot be bound
   */
  public static WebServer start(WebContext ctx) {
    WebConfig c = ctx.config();
    return start(ctx, c.https() ? TlsIdentity.load(c.tlsCert(), c.tlsKey(), Instant.now()) : null);
  }

  /**
   * Starts listening on {@code ctx.config().bind()}: HTTP on {@code httpPort()} (0 picks a free
   * port; {@link #port()} says which) unless {@code http-mode} is off, and, with {@code tls} (null:
   * no HTTPS), HTTPS on {@code httpsPort()} ({@link #httpsPort()}). Each listener takes at most
   * {@code maxConnections} connections at once; Helidon accepts the next only when one closes, so
   * one more waits in the system's accept queue rather than being refused.
   *
   * @throws IllegalStateException naming the address when it cannot be bound
   */
  public static WebServer start(WebContext ctx, TlsIdentity tls) {
    return start(ctx, tls, new StatusSnapshot(ctx));
  }

  /**
   * As {@link #start(WebContext)}, with the status reading both listeners share made by the caller
   * (tests decide when it ages).
   */
  static WebServer start(WebContext ctx, StatusSnapshot status) {
    WebConfig c = ctx.config();
    return start(
        ctx, c.https() ? TlsIdentity.load(c.tlsCert(), c.tlsKey(), Instant.now()) : null, status);
  }

  private static WebServer start(WebContext ctx, TlsIdentity tls, StatusSnapshot status) {
    WebConfig c = ctx.config();
    String bind = c.bind();
    AtomicInteger boundHttps = new AtomicInteger(-1);
    io.helidon.webserver.WebServerConfig.Builder builder =
        io.helidon.webserver.WebServer.builder()
            .host(bind)
            .shutdownHook(false)
            .maxPayloadSize(MAX_PAYLOAD_BYTES)
            .maxTcpConnections(c.maxConnections())
            .directHandlers(MALFORMED)
            .routing(r -> routing(r, ctx, status));
    boolean plain = tls == null || c.httpMode() != HttpMode.OFF;
    if (tls == null) {
      builder.port(c.httpPort());
    } else {
      SSLContext context = tls.sslContext();
      builder
          .port(c.httpsPort())
          .tls(
              t ->
                  t.sslContext(context)
                      .enabledProtocols(TlsIdentity.PROTOCOLS)
                      .enabledCipherSuites(TlsIdentity.cipherSuites(context)));
      if (plain) {
        builder
            .putSocket(
                PLAIN,
                s ->
                    s.host(bind)
                        .port(c.httpPort())
                        .maxPayloadSize(MAX_PAYLOAD_BYTES)
                        .maxTcpConnections(c.maxConnections())
                        .directHandlers(MALFORMED))
            .routing(
                PLAIN,
                r -> {
                  r.addFilter(new PlainHttp(ctx, boundHttps::get));
                  routing(r, ctx, status);
                });
      }
    }
    // Logged here, once, rather than by each listener's Guard.
    LOG.info("http: answering Host names " + new HostCheck(c).names() + " and any IP address");
    String where = bind + ":" + (tls == null ? c.httpPort() : c.httpsPort() + ", " + c.httpPort());
    io.helidon.webserver.WebServer server;
    try {
      server = builder.build().start();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot listen for HTTP on " + where + ": " + e.getMessage(), e);
    }
    // Helidon logs a bind failure and returns a stopped server rather than throwing; a caller
    // that went on would run an appliance nobody can reach.
    if (!server.isRunning()) {
      throw new IllegalStateException(
          "cannot listen for HTTP on "
              + where
              + ": the port is in use or the address is not on this host (cause logged above)");
    }
    if (tls == null) {
      LOG.info("HTTP listening on " + bind + ":" + server.port());
      return new WebServer(server, server.port(), -1);
    }
    boundHttps.set(server.port());
    tls.warnings().forEach(LOG::warning);
    LOG.info(
        "HTTPS listening on "
            + bind
            + ":"
            + server.port()
            + " ("
            + String.join(", ", TlsIdentity.PROTOCOLS)
            + "; "
            + tls.describe()
            + ")");
    int httpPort = plain ? server.port(PLAIN) : -1;
    LOG.info(
        switch (c.httpMode()) {
          case OFF -> "HTTP: off (http-mode off); HTTPS only";
          case REDIRECT ->
              "HTTP listening on "
                  + bind
                  + ":"
                  + httpPort
                  + ": sends pages to HTTPS, takes no"
                  + " credentials";
          case SERVE ->
              "HTTP listening on "
                  + bind
                  + ":"
                  + httpPort
                  + ": serves what needs no login (status"
                  + " page, probes); sends the rest to HTTPS";
        });
    return new WebServer(server, httpPort, server.port());
  }

  /**
   * Every route the appliance serves, with JSON errors for anything unmatched or failing. Public so
   * that tests and other servers mount exactly the same routes; both listeners use it.
   */
  public static void routing(HttpRouting.Builder routing, WebContext ctx) {
    routing(routing, ctx, new StatusSnapshot(ctx));
  }

  /** The routes, with the status reading shared by the API, its event stream and the page. */
  private static void routing(HttpRouting.Builder routing, WebContext ctx, StatusSnapshot status) {
    routing
        .addFilter(new Guard(ctx))
        .register("/api/v1", new StatusEvents(ctx, status))
        .register("/api/v1", new ApiService(ctx, status))
        .register("/api/v1", new BundleApi(ctx))
        .register("/api/v1", new ResultsApi(ctx))
        .register("/static", new StaticAssets())
        .register(new LoginPage(ctx))
        .register("/observe", new ObserveService(ctx))
        .register(new ResultsPages(ctx))
        .register(new AdminPage(ctx))
        .register(new UsersPage(ctx))
        .register(new BundlesPage(ctx))
        .register(new ValidationReportsPage(ctx))
        .register(new StatusPage(ctx, status))
        .any(Replies::notFound)
        .error(Exception.class, Replies::failed);
  }

  /**
   * The plain HTTP port bound at start, -1 with {@code http-mode: off}; still answered after close,
   * for log lines and tests.
   */
  public int port() {
    return port;
  }

  /** The HTTPS port bound at start, -1 without HTTPS. */
  public int httpsPort() {
    return httpsPort;
  }

  public boolean running() {
    return !closed.get() && server.isRunning();
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      server.stop();
      LOG.info("HTTP listener stopped");
    }
  }
}
