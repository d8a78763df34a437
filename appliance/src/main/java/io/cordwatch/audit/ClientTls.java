package io.cordwatch.audit;

import io.cordwatch.tls.Pem;
import io.cordwatch.tls.TlsSetupException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** The TLS client side of the syslog export: which collector certificates are trusted. */
public final class ClientTls {
  private ClientTls() {}

  /**
   * A client context trusting the CA certificates in {@code caFile}, or the JDK's own trust store
   * when it is null.
   *
   * @param key the setting that named the file, for messages
   * @throws TlsSetupException when the file cannot be used
   */
  public static SSLContext context(Path caFile, String key) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      if (caFile == null) {
        ctx.init(null, null, null);
        return ctx;
      }
      List<X509Certificate> cas = Pem.certificates(caFile, key);
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        trust.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsSetupException(key + ": cannot build the TLS trust (" + e.getMessage() + ")", e);
    }
  }
}
