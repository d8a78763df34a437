package io.cordwatch.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PKI made with the {@code openssl} command (installed by {@code install/cordwatch
 * test}), in the PEM form DCMTK and the appliance read: a CA, and certificates with their PKCS#8
 * keys signed by it. Valid for two days from now.
 */
public final class TestPki {
  private final Path dir;

  /** A certificate and its private key, both PEM files. */
  public record Identity(Path cert, Path key) {}

  private TestPki(Path dir) {
    this.dir = dir;
  }

  /** A new CA in {@code dir} (created), named {@code name}. */
  public static TestPki create(Path dir, String name) throws IOException, InterruptedException {
    SkipPeers.assumePeers("openssl");
    Files.createDirectories(dir);
    openssl(
        dir,
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=" + name,
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem");
    return new TestPki(dir);
  }

  /** The CA's certificate (what a peer trusts). */
  public Path caCert() {
    return dir.resolve("ca.pem");
  }

  /**
   * A certificate for {@code name} (also its file names) signed by this CA; {@code keyType} is
   * {@code rsa:2048} or {@code ec} (P-256). Names 127.0.0.1 and localhost as subject alternative
   * names, so it serves a loopback server as well as a client.
   */
  public Identity issue(String name, String keyType) throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(List.of("req", "-x509", "-CA", "ca.pem", "-CAkey", "ca.key"));
    args.addAll(List.of("-newkey", keyType));
    if (keyType.equals("ec")) {
      args.addAll(List.of("-pkeyopt", "ec_paramgen_curve:P-256"));
    }
    args.addAll(
        List.of(
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=" + name,
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            name + ".key",
            "-out",
            name + ".pem"));
    openssl(dir, args.toArray(String[]::new));
    Path key = dir.resolve(name + ".key");
    // As an operator must keep it: a key every user may read is refused (tls.Pem).
    java.nio.file.Files.setPosixFilePermissions(
        key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return new Identity(dir.resolve(name + ".pem"), key);
  }

  /** Runs {@code openssl args} in {@code dir}; fails with its output when it fails. */
  public static String openssl(Path dir, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }
    return out;
  }
}
