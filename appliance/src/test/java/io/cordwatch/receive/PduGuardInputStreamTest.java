package io.cordwatch.receive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/**
 * The PDU guard refuses a P-DATA-TF whose presentation data value items do not fit it, before
 * PixelMed allocates them (an item length of 2 GiB in a 16-byte PDU cost an OutOfMemoryError), and
 * passes well-formed ones byte for byte however they are split by reads.
 */
class PduGuardInputStreamTest {
  @Test
  void anItemLengthPastTheEndOfItsPduIsRefused() {
    byte[] pdu = pdata(item(0x7FFF_FFF0L, new byte[] {1, 3, 0, 0}));
    Pdu.ProtocolViolation e =
        assertThrows(Pdu.ProtocolViolation.class, () -> readAll(guard(pdu), 7));
    assertTrue(e.getMessage().contains("2147483632"), e.getMessage());
  }

  @Test
  void anItemTooShortForItsHeaderIsRefused() {
    assertThrows(
        Pdu.ProtocolViolation.class, () -> readAll(guard(pdata(item(1, new byte[] {1}))), 3));
  }

  @Test
  void aPduThatEndsInsideAnItemLengthIsRefused() {
    byte[] two = concat(item(4, new byte[] {1, 3, 9, 9}), new byte[] {0, 0});
    assertThrows(Pdu.ProtocolViolation.class, () -> readAll(guard(pdata(two)), 5));
  }

  @Test
  void wellFormedItemsPassUnchangedWhateverTheReadSize() throws IOException {
    byte[] body = concat(item(6, new byte[] {1, 3, 1, 2, 3, 4}), item(3, new byte[] {3, 2, 7}));
    byte[] stream = concat(pdata(body), pdata(item(2, new byte[] {1, 1})));
    for (int chunk = 1; chunk <= 9; chunk++) {
      assertArrayEquals(stream, readAll(guard(stream), chunk));
    }
  }

  private static PduGuardInputStream guard(byte[] bytes) {
    return new PduGuardInputStream(new ByteArrayInputStream(bytes), 1 << 20, () -> {});
  }

  private static byte[] readAll(InputStream in, int chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[chunk];
    for (int n; (n = in.read(buf, 0, chunk)) > 0; ) {
      out.write(buf, 0, n);
    }
    return out.toByteArray();
  }

  private static byte[] item(long length, byte[] value) {
    return concat(
        new byte[] {
          (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length
        },
        value);
  }

  private static byte[] pdata(byte[] body) {
    int n = body.length;
    return concat(
        new byte[] {0x04, 0, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n},
        body);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
