package io.cordwatch.fuzz;

import static io.cordwatch.fuzz.PduBytes.ascii;
import static io.cordwatch.fuzz.PduBytes.be32;
import static io.cordwatch.fuzz.PduBytes.el;
import static io.cordwatch.fuzz.PduBytes.item;
import static io.cordwatch.fuzz.PduBytes.uid;
import static io.cordwatch.fuzz.PduBytes.ul;
import static io.cordwatch.fuzz.PduBytes.us;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The seeds of the association target: what a sender writes on one connection, from its
 * A-ASSOCIATE-RQ to its A-RELEASE-RQ, encoded here from PS3.8 (upper layer) and PS3.7 (command
 * sets) so that the fuzzer does not share an encoder with the receiver it checks. A stream carries
 * a C-ECHO and, when made from a Part 10 file, a C-STORE of that file's data set, split over
 * P-DATA-TF PDUs as a sender with a 16 KiB maximum PDU would.
 */
public final class PduStreams {
  /** The calling AE title the fuzzer's streams carry (the fuzz appliance allows it). */
  public static final String CALLING_AE = "FUZZSCU";

  /** Our (called) AE title, the appliance's default. */
  public static final String CALLED_AE = "CORDWATCH";

  static final String VERIFICATION = "1.2.840.10008.1.1";
  static final String IMPLICIT_LE = "1.2.840.10008.1.2";
  private static final String APPLICATION_CONTEXT = "1.2.840.10008.3.1.1.1";
  private static final int FRAGMENT = 16 * 1024 - 6;

  /** PDU types (PS3.8 9.3). */
  static final int ASSOCIATE_RQ = 0x01;

  static final int ASSOCIATE_AC = 0x02;
  static final int ASSOCIATE_RJ = 0x03;
  static final int P_DATA = 0x04;
  static final int RELEASE_RQ = 0x05;
  static final int RELEASE_RP = 0x06;
  static final int ABORT = 0x07;

  private PduStreams() {}

  /**
   * What a Part 10 file sends: its SOP class and instance, its transfer syntax and the data set
   * after the meta group.
   */
  record Part10(String sopClass, String sopInstance, String transferSyntax, byte[] dataSet) {}

  /**
   * The stream of a sender that associates (Verification, and the file's SOP class in its own
   * transfer syntax), echoes, stores {@code file} and releases.
   */
  public static byte[] store(byte[] part10) {
    Part10 f = readablePart10(part10);
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.writeBytes(associateRq(CALLED_AE, CALLING_AE, f.sopClass(), f.transferSyntax()));
    s.writeBytes(pdata(1, true, true, echoRq(1)));
    s.writeBytes(storeOnContext3(f, 2));
    s.writeBytes(releaseRq());
    return s.toByteArray();
  }

  /** The C-STORE-RQ of {@code f} and its data set, fragmented, on presentation context 3. */
  private static byte[] storeOnContext3(Part10 f, int messageId) {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.writeBytes(pdata(3, true, true, storeRq(f.sopClass(), f.sopInstance(), messageId)));
    byte[] d = f.dataSet();
    for (int off = 0; off < d.length; off += FRAGMENT) {
      int n = Math.min(FRAGMENT, d.length - off);
      s.writeBytes(pdata(3, false, off + n >= d.length, Arrays.copyOfRange(d, off, off + n)));
    }
    return s.toByteArray();
  }

  /**
   * What a sender writes to store {@code part10} at {@code called} as {@code calling}, in its two
   * steps: the A-ASSOCIATE-RQ, then (once accepted, on presentation context 3) the C-STORE-RQ with
   * its data set. For tests of a sender that vanishes before the response, as a killed one does.
   */
  public static List<byte[]> storeSteps(byte[] part10, String called, String calling) {
    Part10 f = readablePart10(part10);
    return List.of(
        associateRq(called, calling, f.sopClass(), f.transferSyntax()), storeOnContext3(f, 1));
  }

  /** {@link #part10}, refusing a file without a meta group it can read. */
  private static Part10 readablePart10(byte[] part10) {
    Part10 f = part10(part10);
    if (f == null) {
      throw new IllegalArgumentException("not a Part 10 file with a meta group we can read");
    }
    return f;
  }

  /** The stream of a sender that associates for Verification, echoes and releases. */
  public static byte[] echo() {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.writeBytes(associateRq(CALLED_AE, CALLING_AE, null, null));
    s.writeBytes(pdata(1, true, true, echoRq(1)));
    s.writeBytes(releaseRq());
    return s.toByteArray();
  }

  /**
   * The SOP class, instance and transfer syntax from a Part 10 file's meta group, and its data set;
   * null when the file has no readable meta group.
   */
  static Part10 part10(byte[] b) {
    if (b.length < 144 || b[128] != 'D' || b[129] != 'I' || b[130] != 'C' || b[131] != 'M') {
      return null;
    }
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    String sopClass = null;
    String sopInstance = null;
    String ts = null;
    int at = 132;
    while (at + 8 <= b.length && buf.getShort(at) == 0x0002) {
      int element = Short.toUnsignedInt(buf.getShort(at + 2));
      String vr = new String(b, at + 4, 2, StandardCharsets.US_ASCII);
      boolean longForm = List.of("OB", "OW", "UN", "SQ", "UT", "UC", "UR").contains(vr);
      int header = longForm ? 12 : 8;
      if (at + header > b.length) {
        return null;
      }
      long len =
          longForm
              ? Integer.toUnsignedLong(buf.getInt(at + 8))
              : Short.toUnsignedInt(buf.getShort(at + 6));
      if (at + header + len > b.length) {
        return null;
      }
      String value =
          new String(b, at + header, (int) len, StandardCharsets.US_ASCII)
              .replace("\0", "")
              .strip();
      switch (element) {
        case 0x0002 -> sopClass = value;
        case 0x0003 -> sopInstance = value;
        case 0x0010 -> ts = value;
        default -> {
          // the rest of the meta group says nothing the command needs
        }
      }
      at += header + (int) len;
    }
    if (sopClass == null || sopInstance == null || ts == null) {
      return null;
    }
    return new Part10(sopClass, sopInstance, ts, Arrays.copyOfRange(b, at, b.length));
  }

  /**
   * An A-ASSOCIATE-RQ proposing Verification (context 1) and, unless {@code sopClass} is null,
   * {@code sopClass} in {@code transferSyntax} (context 3).
   */
  static byte[] associateRq(String called, String calling, String sopClass, String transferSyntax) {
    ByteArrayOutputStream items = new ByteArrayOutputStream();
    item(items, 0x10, ascii(APPLICATION_CONTEXT));
    items.writeBytes(context(1, VERIFICATION, IMPLICIT_LE));
    if (sopClass != null) {
      items.writeBytes(context(3, sopClass, transferSyntax));
    }
    ByteArrayOutputStream user = new ByteArrayOutputStream();
    item(user, 0x51, be32(16 * 1024));
    item(user, 0x52, ascii("1.2.826.0.1.3680043.10.1337.1"));
    item(user, 0x55, ascii("CORDWATCH_FUZZ"));
    item(items, 0x50, user.toByteArray());
    return PduBytes.associateRq(called, calling, items.toByteArray());
  }

  private static byte[] context(int id, String abstractSyntax, String transferSyntax) {
    ByteArrayOutputStream pc = new ByteArrayOutputStream();
    pc.writeBytes(new byte[] {(byte) id, 0, 0, 0});
    item(pc, 0x30, ascii(abstractSyntax));
    item(pc, 0x40, ascii(transferSyntax));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    item(out, 0x20, pc.toByteArray());
    return out.toByteArray();
  }

  /** One P-DATA-TF PDU holding one PDV. */
  static byte[] pdata(int contextId, boolean command, boolean last, byte[] value) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(be32(value.length + 2));
    body.write(contextId);
    body.write((command ? 1 : 0) | (last ? 2 : 0));
    body.writeBytes(value);
    return pdu(P_DATA, body.toByteArray());
  }

  static byte[] releaseRq() {
    return pdu(RELEASE_RQ, new byte[4]);
  }

  static byte[] pdu(int type, byte[] body) {
    return PduBytes.pdu(type, body);
  }

  /** A C-ECHO-RQ command set (implicit VR little endian, as every command set is). */
  static byte[] echoRq(int messageId) {
    ByteArrayOutputStream cmd = new ByteArrayOutputStream();
    el(cmd, 0x0002, uid(VERIFICATION));
    el(cmd, 0x0100, us(0x0030));
    el(cmd, 0x0110, us(messageId));
    el(cmd, 0x0800, us(0x0101));
    return withGroupLength(cmd);
  }

  /** A C-STORE-RQ command set for {@code sopInstance} of {@code sopClass}, data set following. */
  static byte[] storeRq(String sopClass, String sopInstance, int messageId) {
    ByteArrayOutputStream cmd = new ByteArrayOutputStream();
    el(cmd, 0x0002, uid(sopClass));
    el(cmd, 0x0100, us(0x0001));
    el(cmd, 0x0110, us(messageId));
    el(cmd, 0x0700, us(0));
    el(cmd, 0x0800, us(0x0000));
    el(cmd, 0x1000, uid(sopInstance));
    return withGroupLength(cmd);
  }

  /**
   * The PDUs of a stream as [offset, length] pairs, walked by their length fields; a tail that is
   * no whole PDU is the last entry.
   */
  static List<int[]> split(byte[] stream) {
    List<int[]> out = new ArrayList<>();
    int at = 0;
    while (at < stream.length) {
      long end =
          at + 6 <= stream.length
              ? Math.min(
                  stream.length,
                  at
                      + 6L
                      + Integer.toUnsignedLong(
                          ByteBuffer.wrap(stream).order(ByteOrder.BIG_ENDIAN).getInt(at + 2)))
              : stream.length;
      out.add(new int[] {at, (int) (end - at)});
      at = (int) end;
    }
    return out;
  }

  private static byte[] withGroupLength(ByteArrayOutputStream cmd) {
    ByteArrayOutputStream full = new ByteArrayOutputStream();
    el(full, 0x0000, ul(cmd.size()));
    full.writeBytes(cmd.toByteArray());
    return full.toByteArray();
  }
}
