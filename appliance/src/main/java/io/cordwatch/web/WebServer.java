package io.cordwatch.web;

import io.helidon.webserver.http.HttpRouting;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * The appliance's HTTP listener: the JSON API, the observe endpoints, the status page, the
 * clinicians' results pages and the login pages, served by Helidon SE on virtual threads, every
 * request through the {@link Guard} first. It mostly reads (the index, the meters, the disk), so it
 * can be started before the DICOM listener and stopped after it, and a fault in a request never
 * reaches the receiving pipeline.
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

  private final io.helidon.webserver.WebServer server;
  private final int port;
  private final AtomicBoolean closed = new AtomicBoolean();

  private WebServer(io.helidon.webserver.WebServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts listening on {@code ctx.config().bind()} and {@code httpPort()} (0 picks a free port;
   * {@link #port()} says which).
   *
   * @throws IllegalStateException naming the address when it cannot be bound
   */
  public static WebServer start(WebContext ctx) {
    String bind = ctx.config().bind();
    int port = ctx.config().httpPort();
    io.helidon.webserver.WebServer server;
    try {
      server =
          io.helidon.webserver.WebServer.builder()
              .host(bind)
              .port(port)
              .shutdownHook(false)
              .maxPayloadSize(MAX_PAYLOAD_BYTES)
              .routing(r -> routing(r, ctx))
              .build()
              .start();
    } catch (RuntimeException e) {
      throw new IllegalStateException(
          "cannot listen for HTTP on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    // Helidon logs a bind failure and returns a stopped server rather than throwing; a caller
    // that went on would run an appliance nobody can reach.
    if (!server.isRunning()) {
      throw new IllegalStateException(
          "cannot listen for HTTP on "
              + bind
              + ":"
              + port
              + ": the port is in use or the address is not on this host (cause logged above)");
    }
    LOG.info("HTTP listening on " + bind + ":" + server.port());
    return new WebServer(server, server.port());
  }

  /**
   * Every route the appliance serves, with JSON errors for anything unmatched or failing. Public so
   * that tests and other servers (a TLS listener later) mount exactly the same routes.
   */
  public static void routing(HttpRouting.Builder routing, WebContext ctx) {
    routing
        .addFilter(new Guard(ctx))
        .register("/api/v1", new StatusEvents(ctx))
        .register("/api/v1", new ApiService(ctx))
        .register("/api/v1", new ResultsApi(ctx))
        .register("/static", new StaticAssets())
        .register(new LoginPage(ctx))
        .register("/observe", new ObserveService(ctx))
        .register(new ResultsPages(ctx))
        .register(new StatusPage(ctx))
        .any(Replies::notFound)
        .error(Exception.class, Replies::failed);
  }

  /** The port bound at start; still answered after close, for log lines and tests. */
  public int port() {
    return port;
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
