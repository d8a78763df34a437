package io.cordwatch.web;

import io.cordwatch.testing.SkipPeers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for localhost and 127.0.0.1 with its PKCS#8 key, made by the real
 * {@code openssl} binary (as an operator would make one) in a test's folder; the key file is mode
 * 600. {@link #trusting} is a client SSLContext that trusts exactly this certificate.
 *
 * @param cert the PEM certificate file
 * @param key the PEM private key file
 */
record TestCertificate(Path cert, Path key) {

  /** An RSA 2048 key pair; {@code name} keeps several apart in one folder. */
  static TestCertificate rsa(Path dir, String name) {
    return make(dir, name, List.of("-newkey", "rsa:2048"));
  }

  /** An EC P-256 key pair. */
  static TestCertificate ec(Path dir, String name) {
    return make(dir, name, List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"));
  }

  private static TestCertificate make(Path dir, String name, List<String> keyArgs) {
    SkipPeers.assumePeers("openssl");
    Path cert = dir.resolve(name + "-cert.pem");
    Path key = dir.resolve(name + "-key.pem");
    List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509"));
    cmd.addAll(keyArgs);
    cmd.addAll(
        List.of(
            "-nodes",
            "-keyout",
            key.toString(),
            "-out",
            cert.toString(),
            "-days",
            "90",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost"));
    run(cmd);
    try {
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TestCertificate(cert, key);
  }

  /** Runs a command to its end; its output (stdout and stderr together) is returned. */
  static Result run(List<String> cmd) {
    return run(cmd, "");
  }

  /** Runs a command with {@code stdin} as its input. */
  static Result run(List<String> cmd, String stdin) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      int rc = p.waitFor();
      return new Result(rc, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + cmd.getFirst() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A command's exit status and output. */
  record Result(int exitCode, String output) {}

  /** A client context that trusts this certificate and nothing else. */
  SSLContext trusting() {
    try (InputStream in = Files.newInputStream(cert)) {
      X509Certificate c =
          (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("appliance", c);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
