package io.cordwatch.web;

import java.nio.file.Path;
import java.util.List;

/**
 * What the web stage is told at start-up (keys of the same names in the appliance's settings;
 * checked there).
 *
 * @param bind address the HTTP listener binds to (and the DICOM one, which the status page shows)
 * @param httpPort port to listen on; 0 picks a free one
 * @param aeTitle our AE title, shown on the status page
 * @param boxesApi whether canal boxes may be supplied with {@code PUT /api/v1/studies/{uid}/boxes}
 * @param apiTokenFile deprecated: a file holding one shared token accepted as a write-scope API
 *     token; null: none
 * @param allowedHosts Host header names answered besides localhost, this host's name and bind
 * @param statusPageLogin whether the status page and {@code /api/v1/status} need a login
 * @param dataDir the data directory, where the stored instances the key-image PNGs are drawn from
 *     lie (the index holds their paths relative to it)
 * @param httpsPort port of the HTTPS listener when {@code tlsCert} is set; 0 picks a free one
 * @param tlsCert PEM certificate chain for HTTPS; null: no HTTPS
 * @param tlsKey PEM (PKCS#8) private key of {@code tlsCert}; null exactly when tlsCert is
 * @param httpMode what the plain HTTP listener does (always {@link HttpMode#SERVE} without HTTPS)
 * @param maxConnections connections each listener holds open at once
 */
public record WebConfig(
    String bind,
    int httpPort,
    String aeTitle,
    boolean boxesApi,
    Path apiTokenFile,
    List<String> allowedHosts,
    boolean statusPageLogin,
    Path dataDir,
    int httpsPort,
    Path tlsCert,
    Path tlsKey,
    HttpMode httpMode,
    int maxConnections) {

  public WebConfig {
    allowedHosts = List.copyOf(allowedHosts);
    if (tlsCert == null && httpMode != HttpMode.SERVE) {
      throw new IllegalArgumentException("http-mode " + httpMode + " needs HTTPS");
    }
  }

  /** Whether an HTTPS listener is configured. */
  public boolean https() {
    return tlsCert != null;
  }
}
