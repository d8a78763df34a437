package io.cordwatch.audit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * RFC 5424 framing of one audit message: {@code <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
 * [meta sequenceId="ROW"] BOM XML}. Facility 10 (security/authorization), severity 5 (notice), or 4
 * (warning) for a failure. MSGID {@code DICOM+RFC3881} marks the body as a DICOM audit message
 * (PS3.15 A.6). The timestamp is when the event happened (the row's time), so a message sent late
 * from the backlog still says when; {@code sequenceId} is the audit row's id, by which a collector
 * can tell a message it got twice (after a crash between sending and recording the cursor).
 */
final class SyslogFrame {
  private SyslogFrame() {}

  static final String MSGID = "DICOM+RFC3881";
  private static final int FACILITY = 10;
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** The message as sent in a datagram (UDP), without the octet count. */
  static byte[] message(long rowId, long atMs, int outcome, String xml, AuditSource source) {
    int severity = outcome == 0 ? 5 : 4;
    String header =
        "<"
            + (FACILITY * 8 + severity)
            + ">1 "
            + TIME.format(Instant.ofEpochMilli(atMs))
            + " "
            + field(source.hostname(), 255)
            + " "
            + field(source.appName(), 48)
            + " "
            + field(source.processId(), 128)
            + " "
            + MSGID
            + " [meta sequenceId=\""
            + Math.max(1, Math.min(rowId, Integer.MAX_VALUE))
            + "\"] ";
    byte[] h = header.getBytes(StandardCharsets.US_ASCII);
    byte[] body = xml.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[h.length + BOM.length + body.length];
    System.arraycopy(h, 0, out, 0, h.length);
    System.arraycopy(BOM, 0, out, h.length, BOM.length);
    System.arraycopy(body, 0, out, h.length + BOM.length, body.length);
    return out;
  }

  /** RFC 5425 octet counting: {@code MSG-LEN SP SYSLOG-MSG}. */
  static byte[] octetCounted(byte[] message) {
    byte[] len = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[len.length + message.length];
    System.arraycopy(len, 0, out, 0, len.length);
    System.arraycopy(message, 0, out, len.length, message.length);
    return out;
  }

  /** A header field: printable US-ASCII without spaces, at most {@code max} characters, or "-". */
  static String field(String value, int max) {
    if (value == null || value.isEmpty()) {
      return "-";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length() && out.length() < max; i++) {
      char c = value.charAt(i);
      out.append(c > 32 && c < 127 ? c : '_');
    }
    return out.toString();
  }
}
