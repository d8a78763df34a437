package io.cordwatch.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

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
}
