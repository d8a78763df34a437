package io.cordwatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A file's SHA-256 as lowercase hex, computed here from the whole file in memory, so a test can
 * check a checksum the product wrote without asking the product's own code ({@code
 * infer.Bundles.sha256}, which streams) what it should be.
 */
public final class Sha256 {
  private Sha256() {}

  /** The SHA-256 of {@code file}'s bytes. */
  public static String of(Path file) throws IOException {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JDK", e);
    }
  }

  /**
   * Every regular file under {@code dir} (relative path) with its SHA-256: two equal maps mean the
   * folder was left byte for byte as it was, no file added, removed or changed.
   */
  public static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), of(p));
      }
    }
    return out;
  }
}
