package io.cordwatch.receive;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few DICOM upper-layer PDU facts the receiver handles itself, before PixelMed sees a byte
 * (PS3.8 9.3): reading the A-ASSOCIATE-RQ under a size bound, and writing A-ASSOCIATE-RJ.
 * PixelMed's acceptor has no hook to reject on the calling AE title or on our own limits, so that
 * decision is made here.
 */
final class Pdu {
  static final int ASSOCIATE_RQ = 0x01;
  static final int ASSOCIATE_RJ = 0x03;
  static final int P_DATA = 0x04;
  static final int RELEASE_RQ = 0x05;
  static final int LAST_TYPE = 0x07;

  /** Result field of A-ASSOCIATE-RJ. */
  static final int PERMANENT = 1;

  static final int TRANSIENT = 2;

  /** Source field: service-user. */
  static final int SOURCE_USER = 1;

  /** Source field: service-provider, ACSE related. */
  static final int SOURCE_ACSE = 2;

  /** Source field: service-provider, presentation related. */
  static final int SOURCE_PRESENTATION = 3;

  /** Reasons for source 1. */
  static final int REASON_NONE = 1;

  static final int REASON_CALLING_AE_NOT_RECOGNIZED = 3;
  static final int REASON_CALLED_AE_NOT_RECOGNIZED = 7;

  /** Reason for source 2. */
  static final int REASON_PROTOCOL_VERSION = 2;

  /** Reasons for source 3. */
  static final int REASON_TEMPORARY_CONGESTION = 1;

  static final int REASON_LOCAL_LIMIT_EXCEEDED = 2;

  private Pdu() {}

  /** A peer that did not speak the DICOM upper layer (or broke it); the connection is closed. */
  static final class ProtocolViolation extends IOException {
    private static final long serialVersionUID = 1L;

    ProtocolViolation(String message) {
      super(message);
    }
  }

  /**
   * The first PDU of a connection, which must be an A-ASSOCIATE-RQ.
   *
   * @param bytes the whole PDU, header included, to be replayed to PixelMed
   * @param calledAe called AE title, trimmed
   * @param callingAe calling AE title, trimmed
   * @param protocolVersion the protocol-version bit field
   */
  record AssociateRequest(byte[] bytes, String calledAe, String callingAe, int protocolVersion) {}

  /**
   * Reads the A-ASSOCIATE-RQ. Garbage (an HTTP request, random bytes) fails on the PDU type before
   * any allocation; a claimed length above {@code maxLength} fails before the body is allocated.
   */
  static AssociateRequest readAssociateRequest(InputStream in, int maxLength) throws IOException {
    DataInputStream din = new DataInputStream(in);
    byte[] header = new byte[6];
    din.readFully(header);
    int type = header[0] & 0xff;
    if (type != ASSOCIATE_RQ) {
      throw new ProtocolViolation(
          String.format("first PDU is type 0x%02x, not A-ASSOCIATE-RQ", type));
    }
    long length = readUint32(header, 2);
    if (length < 68 || length > maxLength) {
      throw new ProtocolViolation("A-ASSOCIATE-RQ length " + length + " outside 68.." + maxLength);
    }
    byte[] pdu = new byte[6 + (int) length];
    System.arraycopy(header, 0, pdu, 0, 6);
    din.readFully(pdu, 6, (int) length);
    int version = ((pdu[6] & 0xff) << 8) | (pdu[7] & 0xff);
    String called = new String(pdu, 10, 16, StandardCharsets.US_ASCII).trim();
    String calling = new String(pdu, 26, 16, StandardCharsets.US_ASCII).trim();
    return new AssociateRequest(pdu, called, calling, version);
  }

  /** An A-ASSOCIATE-RJ PDU. */
  static byte[] associateReject(int result, int source, int reason) {
    return new byte[] {
      (byte) ASSOCIATE_RJ, 0, 0, 0, 0, 4, 0, (byte) result, (byte) source, (byte) reason
    };
  }

  /**
   * An A-ABORT PDU from the service provider (source 2), reason not specified (PS3.8 9.3.8): what
   * the upper layer sends when one of its timers ends an association.
   */
  static byte[] providerAbort() {
    return new byte[] {0x07, 0, 0, 0, 0, 4, 0, 0, 2, 0};
  }

  static long readUint32(byte[] b, int off) {
    return ((long) (b[off] & 0xff) << 24)
        | ((b[off + 1] & 0xff) << 16)
        | ((b[off + 2] & 0xff) << 8)
        | (b[off + 3] & 0xff);
  }
}
