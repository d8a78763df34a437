package io.cordwatch.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The byte encodings DICOM's upper layer and command sets are written in (PS3.8 items, PS3.5
 * little-endian elements), for building PDU streams by hand: the fuzzer's seeds ({@link
 * PduStreams}) and the tests' raw association user.
 */
public final class PduBytes {
  private PduBytes() {}

  /** A PS3.8 variable item: type, a reserved byte, a 16-bit big-endian length and the value. */
  public static void item(ByteArrayOutputStream out, int type, byte[] value) {
    out.write(type);
    out.write(0);
    out.write(value.length >>> 8);
    out.write(value.length & 0xff);
    out.writeBytes(value);
  }

  /** An AE title field: 16 bytes, space-padded. */
  public static byte[] ae(String s) {
    byte[] b = new byte[16];
    Arrays.fill(b, (byte) ' ');
    byte[] a = ascii(s);
    System.arraycopy(a, 0, b, 0, Math.min(16, a.length));
    return b;
  }

  /** US-ASCII bytes. */
  public static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** A 32-bit big-endian number (PDU lengths). */
  public static byte[] be32(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }

  /** A command element of group 0000, implicit VR little endian. */
  public static void el(ByteArrayOutputStream out, int element, byte[] value) {
    out.writeBytes(new byte[] {0, 0, (byte) element, (byte) (element >>> 8)});
    out.writeBytes(ul(value.length));
    out.writeBytes(value);
  }

  /** A 32-bit little-endian number. */
  public static byte[] ul(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
  }

  /** A 16-bit little-endian number. */
  public static byte[] us(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8)};
  }

  /** A UID value, padded to even length with a NUL. */
  public static byte[] uid(String s) {
    byte[] a = ascii(s);
    return a.length % 2 == 0 ? a : Arrays.copyOf(a, a.length + 1);
  }

  /** A PDU: its type, a reserved byte, the body's 32-bit big-endian length, the body. */
  public static byte[] pdu(int type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    out.write(0);
    out.writeBytes(be32(body.length));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /**
   * An A-ASSOCIATE-RQ PDU (type 0x01): protocol version 1, the called and calling AE titles, the
   * reserved field, then {@code items} (application context, presentation contexts, user
   * information) as the caller built them.
   */
  public static byte[] associateRq(String called, String calling, byte[] items) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0, 1, 0, 0});
    body.writeBytes(ae(called));
    body.writeBytes(ae(calling));
    body.writeBytes(new byte[32]);
    body.writeBytes(items);
    return pdu(0x01, body.toByteArray());
  }
}
