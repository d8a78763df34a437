package io.cordwatch.infer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle checksum against published values (FIPS 180-2 test vectors), not against itself: the
 * manifest's {@code sha256} fields must be what {@code sha256sum} prints for the file.
 */
class BundleChecksumTest {
  @TempDir Path tmp;

  @Test
  void fileChecksumIsTheLowerCaseHexSha256OfItsBytes() throws Exception {
    Path abc = Files.writeString(tmp.resolve("abc"), "abc", StandardCharsets.US_ASCII);
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Bundles.sha256(abc));
    Path empty = Files.write(tmp.resolve("empty"), new byte[0]);
    assertEquals(
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Bundles.sha256(empty));
  }
}
