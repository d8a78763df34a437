package io.cordwatch.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
  @Test
  void decimalAndBinaryUnitsMeanWhatTheySay() {
    assertEquals(2_000_000_000L, ByteSize.parse("2GB"));
    assertEquals(2L << 30, ByteSize.parse("2GiB"));
    assertEquals(512L << 20, ByteSize.parse("512MiB"));
    assertEquals(512_000L, ByteSize.parse("512 kb"));
    assertEquals(1L << 40, ByteSize.parse("1TiB"));
    assertEquals(1_048_576L, ByteSize.parse("1048576"));
    assertEquals(7L, ByteSize.parse("7B"));
    assertEquals(3L << 29, ByteSize.parse("1.5GiB"));
  }

  @Test
  void somethingElseIsRefusedWithAnExample() {
    for (String bad : new String[] {"2 gigs", "", "-1", "GiB", "2iB", "2PB", "1e9"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(bad), bad);
      assertEquals("'" + bad + "' is not a size (e.g. 2GB, 512MiB, 1048576)", e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse(null));
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("99999999TiB"));
  }
}
