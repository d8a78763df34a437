package io.cordwatch.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS server identity: our certificate chain and key, optionally the CAs whose client
 * certificates we accept (then a client without one is refused), and the {@link Bcp195} policy.
 * Built once at start-up from PEM files, so a bad file stops start-up, not the first handshake.
 *
 * <p>It layers TLS over a socket already accepted rather than owning an {@code SSLServerSocket}:
 * the caller keeps the plain socket, and closing that one ends a handshake that is stuck (a client
 * that connects and never says hello, or drips its hello a byte at a time) however the TLS layer is
 * waiting. The handshake itself runs when the caller asks ({@link SSLSocket#startHandshake}).
 */
public final class ServerTls {
  private final SSLContext context;
  private final SSLParameters parameters;
  private final X509Certificate certificate;
  private final int clientCas;
  private final List<String> warnings;

  private ServerTls(
      SSLContext context,
      SSLParameters parameters,
      X509Certificate certificate,
      int clientCas,
      List<String> warnings) {
    this.context = context;
    this.parameters = parameters;
    this.certificate = certificate;
    this.clientCas = clientCas;
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Reads and checks the files named by the settings {@code prefix + "cert"}, {@code prefix +
   * "key"} and {@code prefix + "client-ca"} (each message names the setting and the file).
   *
   * @param cert our certificate chain, ours first
   * @param key the private key of our certificate
   * @param clientCa CAs that sign the client certificates we accept; null: no client certificate is
   *     asked for
   * @param protocols TLSv1.3 and/or TLSv1.2
   * @param prefix the settings' common prefix, e.g. {@code dicom-tls-}
   * @throws TlsSetupException naming the setting and the file that cannot be used
   */
  public static ServerTls load(
      Path cert, Path key, Path clientCa, List<String> protocols, String prefix) {
    List<String> warnings = new ArrayList<>();
    List<X509Certificate> chain = Pem.certificates(cert, prefix + "cert");
    Pem.requirePrivateFile(key, prefix + "key", warnings);
    PrivateKey privateKey = Pem.privateKey(key, prefix + "key");
    Pem.requireMatch(privateKey, chain.getFirst(), prefix + "key", key);
    notValidNow(chain.getFirst(), prefix + "cert", cert, warnings);
    String[] allowed = Bcp195.protocols(protocols, prefix + "protocols");
    try {
      char[] none = new char[0];
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", privateKey, none, chain.toArray(X509Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
      kmf.init(keys, none);
      TrustManagerFactory tmf = null;
      int cas = 0;
      if (clientCa != null) {
        List<X509Certificate> trusted = Pem.certificates(clientCa, prefix + "client-ca");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (X509Certificate ca : trusted) {
          trust.setCertificateEntry("ca-" + cas++, ca);
        }
        tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
      SSLParameters p = context.getDefaultSSLParameters();
      p.setProtocols(allowed);
      p.setCipherSuites(
          Bcp195.suites(List.of(allowed), context.getSupportedSSLParameters().getCipherSuites()));
      p.setUseCipherSuitesOrder(true);
      p.setNeedClientAuth(clientCa != null);
      return new ServerTls(context, p, chain.getFirst(), cas, warnings);
    } catch (GeneralSecurityException | IOException e) {
      throw new TlsSetupException(
          prefix + "cert: " + cert + ": cannot be used as a TLS identity (" + e.getMessage() + ")",
          e);
    }
  }

  /** An expired certificate still loads (the clock may be wrong), but is said loudly. */
  private static void notValidNow(X509Certificate c, String key, Path file, List<String> warnings) {
    try {
      c.checkValidity(new Date());
    } catch (CertificateExpiredException e) {
      warnings.add(
          key
              + ": "
              + file
              + ": the certificate expired on "
              + c.getNotAfter().toInstant()
              + "; clients that check it will refuse the connection");
    } catch (CertificateNotYetValidException e) {
      warnings.add(
          key
              + ": "
              + file
              + ": the certificate is valid only from "
              + c.getNotBefore().toInstant()
              + "; check this machine's clock");
    }
  }

  /** What start-up should say about the files that still loaded: expiry, a key others can read. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * TLS in server mode over {@code accepted}, with the policy set; closing the result closes {@code
   * accepted}. No byte is exchanged until the caller reads, writes or starts the handshake.
   */
  public SSLSocket layer(Socket accepted) throws IOException {
    SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(accepted, null, true);
    s.setUseClientMode(false);
    s.setSSLParameters(parameters);
    return s;
  }

  /** Whether clients must present a certificate signed by one of the configured CAs. */
  public boolean clientCertificatesRequired() {
    return parameters.getNeedClientAuth();
  }

  /** For the start-up log: protocols, suites, our certificate, client certificates. */
  public String describe() {
    return String.join("/", parameters.getProtocols())
        + ", "
        + parameters.getCipherSuites().length
        + " BCP 195 suites, certificate "
        + certificate.getSubjectX500Principal().getName()
        + " (until "
        + certificate.getNotAfter().toInstant()
        + "), "
        + (clientCertificatesRequired()
            ? "client certificates required (" + clientCas + " CA certificate(s))"
            : "no client certificate asked for");
  }
}
