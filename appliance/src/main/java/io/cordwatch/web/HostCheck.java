package io.cordwatch.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Which Host headers the listener answers. DNS rebinding works by pointing an attacker's name at
 * this appliance's address, so a clinician's browser sends the attacker's page's requests here as
 * same-origin; the Host header still carries the attacker's name, and refusing names we do not know
 * stops it. IP literals are always accepted: a page can only reach us under an IP literal if that
 * literal is its own origin, which no attacker controls.
 *
 * <p>Known names: {@code localhost}, this machine's host name (short and as the system reports it),
 * the bind address when it is a name, and {@code allowed-hosts}.
 */
final class HostCheck {
  private static final Logger LOG = Logger.getLogger(HostCheck.class.getName());
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private final Set<String> names = new TreeSet<>();

  HostCheck(WebConfig config) {
    names.add("localhost");
    try {
      String host = InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
      names.add(host);
      names.add(host.contains(".") ? host.substring(0, host.indexOf('.')) : host);
    } catch (UnknownHostException e) {
      LOG.warning("http: this machine's host name cannot be read (" + e.getMessage() + ")");
    }
    names.add(normal(config.bind()));
    config.allowedHosts().forEach(h -> names.add(normal(h)));
  }

  /** The names accepted besides IP literals, for the refusal message and the start-up log. */
  Set<String> names() {
    return names;
  }

  /** Whether a request with this Host header (or HTTP/2 authority) is answered. */
  boolean allowed(String authority) {
    if (authority == null || authority.isBlank()) {
      return false;
    }
    String host = hostOf(authority.strip());
    return isIpLiteral(host) || names.contains(normal(host));
  }

  /** The host part of {@code host[:port]} or {@code [v6]:port}. */
  static String hostOf(String authority) {
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      return end < 0 ? authority : authority.substring(0, end + 1);
    }
    int colon = authority.lastIndexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  private static boolean isIpLiteral(String host) {
    return IPV4.matcher(host).matches() || (host.startsWith("[") && host.endsWith("]"));
  }

  private static String normal(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
  }
}
