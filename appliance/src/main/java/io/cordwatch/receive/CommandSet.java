package io.cordwatch.receive;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.CompositeResponseHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A DIMSE command set: decoded from the request with PixelMed, and encoded for our responses by
 * hand (PS3.7 9.3 and 6.3.1: implicit VR little endian, group 0000 with its group length). Encoding
 * ourselves is what lets every failure carry an ErrorComment (0000,0902).
 *
 * @param commandField the command (0x0001 C-STORE-RQ, 0x0030 C-ECHO-RQ, ...)
 * @param messageId Message ID
 * @param affectedSopClassUid Affected SOP Class UID, or null
 * @param affectedSopInstanceUid Affected SOP Instance UID, or null
 * @param hasDataSet whether a data set follows
 */
record CommandSet(
    int commandField,
    int messageId,
    String affectedSopClassUid,
    String affectedSopInstanceUid,
    boolean hasDataSet) {

  static final int C_STORE_RQ = 0x0001;
  static final int C_ECHO_RQ = 0x0030;
  private static final int NO_DATA_SET = 0x0101;

  /** Decodes a complete command set. */
  static CommandSet decode(byte[] bytes) throws Exception {
    AttributeList list =
        CompositeResponseHandler.getAttributeListFromCommandOrData(
            bytes, TransferSyntaxes.IMPLICIT_LE);
    int field = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandField, -1);
    int id = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.MessageID, 0);
    String cls = trim(Attribute.getSingleStringValueOrNull(list, TagFromName.AffectedSOPClassUID));
    String inst =
        trim(Attribute.getSingleStringValueOrNull(list, TagFromName.AffectedSOPInstanceUID));
    int dataSetType =
        Attribute.getSingleIntegerValueOrDefault(list, TagFromName.CommandDataSetType, NO_DATA_SET);
    return new CommandSet(field, id, cls, inst, dataSetType != NO_DATA_SET);
  }

  private static String trim(String s) {
    return s == null ? null : s.replace("\0", "").trim();
  }

  /** The response to this request with {@code status} and, when not null, an ErrorComment. */
  byte[] response(int status, String errorComment) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (affectedSopClassUid != null) {
      element(body, 0x0002, uid(affectedSopClassUid));
    }
    element(body, 0x0100, us(commandField | 0x8000));
    element(body, 0x0120, us(messageId));
    element(body, 0x0800, us(NO_DATA_SET));
    element(body, 0x0900, us(status));
    if (errorComment != null) {
      element(body, 0x0902, lo(errorComment));
    }
    if (affectedSopInstanceUid != null) {
      element(body, 0x1000, uid(affectedSopInstanceUid));
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] len = new byte[4];
    int n = body.size();
    len[0] = (byte) n;
    len[1] = (byte) (n >>> 8);
    len[2] = (byte) (n >>> 16);
    len[3] = (byte) (n >>> 24);
    element(all, 0x0000, len);
    all.writeBytes(body.toByteArray());
    return all.toByteArray();
  }

  private static void element(ByteArrayOutputStream out, int elementNumber, byte[] value) {
    out.write(0);
    out.write(0);
    out.write(elementNumber & 0xff);
    out.write(elementNumber >>> 8);
    int n = value.length;
    out.write(n & 0xff);
    out.write((n >>> 8) & 0xff);
    out.write((n >>> 16) & 0xff);
    out.write((n >>> 24) & 0xff);
    out.writeBytes(value);
  }

  private static byte[] us(int v) {
    return new byte[] {(byte) v, (byte) (v >>> 8)};
  }

  /**
   * UI value: echoed as the peer sent it but bounded and limited to printable ASCII, NUL-padded.
   */
  private static byte[] uid(String s) {
    return pad(printable(s, 64), (byte) 0);
  }

  /** LO value: at most 64 characters, no backslash or control characters, space-padded. */
  private static byte[] lo(String s) {
    return pad(printable(s, 64).replace('\\', '/'), (byte) ' ');
  }

  private static String printable(String s, int max) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length() && b.length() < max; i++) {
      char c = s.charAt(i);
      b.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return b.toString();
  }

  private static byte[] pad(String s, byte padding) {
    byte[] raw = s.getBytes(StandardCharsets.US_ASCII);
    if (raw.length % 2 == 0) {
      return raw;
    }
    byte[] out = new byte[raw.length + 1];
    System.arraycopy(raw, 0, out, 0, raw.length);
    out[raw.length] = padding;
    return out;
  }

  /**
   * The Part 10 preamble and file meta information (explicit VR little endian) for a data set
   * received in {@code transferSyntax}; the data set bytes follow it verbatim.
   */
  static byte[] fileMetaHeader(
      String sopClassUid, String sopInstanceUid, String transferSyntax, String sourceAe) {
    ByteArrayOutputStream meta = new ByteArrayOutputStream();
    explicit(meta, 0x0001, "OB", new byte[] {0, 1});
    explicit(meta, 0x0002, "UI", uid(sopClassUid));
    explicit(meta, 0x0003, "UI", uid(sopInstanceUid));
    explicit(meta, 0x0010, "UI", uid(transferSyntax));
    explicit(meta, 0x0012, "UI", uid(IMPLEMENTATION_CLASS_UID));
    explicit(meta, 0x0013, "SH", pad("CORDWATCH_01", (byte) ' '));
    if (sourceAe != null && !sourceAe.isEmpty()) {
      explicit(meta, 0x0016, "AE", pad(printable(sourceAe, 16), (byte) ' '));
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(new byte[128]);
    all.writeBytes("DICM".getBytes(StandardCharsets.US_ASCII));
    int n = meta.size();
    explicit(
        all,
        0x0000,
        "UL",
        new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)});
    all.writeBytes(meta.toByteArray());
    return all.toByteArray();
  }

  /** Our implementation class UID: a UUID-derived 2.25 root, fixed for this implementation. */
  static final String IMPLEMENTATION_CLASS_UID = "2.25.205391432177451532958342806187346103731";

  private static void explicit(
      ByteArrayOutputStream out, int elementNumber, String vr, byte[] value) {
    out.write(2);
    out.write(0);
    out.write(elementNumber & 0xff);
    out.write(elementNumber >>> 8);
    out.writeBytes(vr.getBytes(StandardCharsets.US_ASCII));
    int n = value.length;
    if (vr.equals("OB")) {
      out.write(0);
      out.write(0);
      out.write(n & 0xff);
      out.write((n >>> 8) & 0xff);
      out.write((n >>> 16) & 0xff);
      out.write((n >>> 24) & 0xff);
    } else {
      out.write(n & 0xff);
      out.write((n >>> 8) & 0xff);
    }
    out.writeBytes(value);
  }
}
