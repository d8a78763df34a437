package io.cordwatch.audit;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where the audit messages go: {@code udp://host:port}, {@code tcp://host:port} or {@code
 * tls://host:port}. Over UDP each datagram is one message (RFC 5426: best effort, nothing says
 * whether it arrived); over TCP and TLS messages are octet-counted (RFC 5425, {@code LEN SP MSG}).
 *
 * @param transport udp, tcp or tls
 * @param host the collector's host name or address
 * @param port its port
 */
public record Collector(String transport, String host, int port) {
  /** The default port of each transport: 514 for UDP and TCP (RFC 5426), 6514 for TLS. */
  private static int defaultPort(String transport) {
    return transport.equals("tls") ? 6514 : 514;
  }

  /**
   * Parses a collector address.
   *
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static Collector parse(String text) {
    URI u;
    try {
      u = new URI(text.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not udp://HOST:PORT, tcp://HOST:PORT or tls://HOST:PORT");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("udp") && !scheme.equals("tcp") && !scheme.equals("tls")) {
      throw new IllegalArgumentException(
          "'" + text + "': the transport must be udp, tcp or tls (e.g. tls://audit.example:6514)");
    }
    if (u.getHost() == null || u.getHost().isEmpty()) {
      throw new IllegalArgumentException("'" + text + "' names no collector host");
    }
    if (u.getUserInfo() != null
        || (u.getPath() != null && !u.getPath().isEmpty() && !u.getPath().equals("/"))
        || u.getQuery() != null) {
      throw new IllegalArgumentException(
          "'" + text + "': only TRANSPORT://HOST:PORT is taken (no user, path or query)");
    }
    int port = u.getPort() < 0 ? defaultPort(scheme) : u.getPort();
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "': the port must be 1 to 65535");
    }
    return new Collector(scheme, u.getHost(), port);
  }

  /** Whether messages are octet-counted on a stream (TCP, TLS) rather than one per datagram. */
  public boolean stream() {
    return !transport.equals("udp");
  }

  /** The collector as written in the settings, and as the index keys its cursor. */
  @Override
  public String toString() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return transport + "://" + h + ":" + port;
  }
}
