package io.cordwatch.web;

import io.helidon.common.buffers.DataReader;
import io.helidon.http.DirectHandler;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;

/**
 * Answers a request that cannot be parsed with 400 Bad Request. Helidon refuses most malformed
 * requests with a 4xx itself, but two kinds reach the catch-all of its connection handler and come
 * out as 500 Internal Server Error: a request whose head breaks off (the client closed or
 * half-closed the connection in the middle of its request line or headers) and a method that is not
 * a valid token (a control character in it). Both are the client's doing, found by {@code cordwatch
 * fuzz --target http}; a port scanner or a broken proxy sends them every day, and a 500 there tells
 * monitoring the appliance is failing.
 *
 * <p>Why every INTERNAL_ERROR the connection handler reports: it hands this handler only a message
 * ("Internal error"), not the cause, and it reaches that point only for a failure outside the
 * routes, i.e. while reading the request's head: every exception a route throws is answered by the
 * routing's error handler ({@link Replies#failed}), JSON and all. Helidon has already logged the
 * cause with its stack trace, so a fault of Helidon's own still shows in the log. Where a cause is
 * passed (inside routing), only a head that broke off or a token the parser refused gets 400.
 */
final class MalformedRequests implements DirectHandler {
  private static final DirectHandler DEFAULT = DirectHandler.defaultHandler();
  private static final System.Logger LOG = System.getLogger(MalformedRequests.class.getName());

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType eventType,
      Status defaultStatus,
      ServerResponseHeaders headers,
      Throwable thrown,
      System.Logger logger) {
    if (clientsFault(thrown)) {
      return badRequest(headers);
    }
    // The five-argument form passes no logger; the cause is still logged, through ours.
    return DEFAULT.handle(
        request, eventType, defaultStatus, headers, thrown, logger == null ? LOG : logger);
  }

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType event,
      Status status,
      ServerResponseHeaders headers,
      String message) {
    if (event == EventType.INTERNAL_ERROR) {
      return badRequest(headers);
    }
    return DEFAULT.handle(request, event, status, headers, message);
  }

  private static TransportResponse badRequest(ServerResponseHeaders headers) {
    return TransportResponse.builder()
        .status(Status.BAD_REQUEST_400)
        .headers(headers)
        .keepAlive(false)
        .entity("Bad request: the request line or headers are incomplete or malformed")
        .build();
  }

  /** A head that broke off, or a token Helidon's parser refused, anywhere in the cause chain. */
  static boolean clientsFault(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DataReader.InsufficientDataAvailableException
          || t instanceof IllegalArgumentException) {
        return true;
      }
    }
    return false;
  }
}
