package io.cordwatch.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what the receiver answered a well-behaved stream ({@link PduStreams#store}, {@link
 * PduStreams#echo}): an A-ASSOCIATE-AC, one DIMSE response per message with status Success, and an
 * A-RELEASE-RP, the connection then closed. This is the check that the receiver still does its job
 * after, and between, fuzz inputs.
 */
final class Probe {
  private Probe() {}

  /**
   * @return null when {@code e} is a whole, successful exchange of {@code messages} messages; else
   *     what was wrong, in words
   */
  static String check(Wire.Exchange e, int messages) {
    if (!e.connected()) {
      return "connection refused";
    }
    if (!e.closed()) {
      return "the receiver did not close the connection after the release";
    }
    byte[] r = e.response();
    List<int[]> pdus = PduStreams.split(r);
    if (pdus.isEmpty() || (r[0] & 0xff) != PduStreams.ASSOCIATE_AC) {
      return "no A-ASSOCIATE-AC (first PDU type "
          + (pdus.isEmpty() ? "none" : Integer.toString(r[0] & 0xff))
          + ")";
    }
    List<Integer> statuses = new ArrayList<>();
    ByteArrayOutputStream command = new ByteArrayOutputStream();
    boolean released = false;
    for (int[] p : pdus.subList(1, pdus.size())) {
      int type = r[p[0]] & 0xff;
      if (type == PduStreams.RELEASE_RP) {
        released = true;
      } else if (type == PduStreams.P_DATA) {
        int at = p[0] + 6;
        int end = p[0] + p[1];
        while (at + 6 <= end) {
          int len = ByteBuffer.wrap(r, at, 4).order(ByteOrder.BIG_ENDIAN).getInt();
          int mch = r[at + 5];
          command.write(r, at + 6, Math.max(0, Math.min(len - 2, end - at - 6)));
          if ((mch & 3) == 3) {
            statuses.add(status(command.toByteArray()));
            command.reset();
          }
          at += 4 + len;
        }
      } else {
        return "unexpected PDU type " + type + " in the answer";
      }
    }
    if (statuses.size() != messages) {
      return messages + " responses expected, " + statuses.size() + " came";
    }
    for (int s : statuses) {
      if (s != 0) {
        return String.format("a response had status %04X", s);
      }
    }
    return released ? null : "no A-RELEASE-RP";
  }

  /** The Status (0000,0900) of a command set, -1 when it has none. */
  private static int status(byte[] c) {
    ByteBuffer b = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
    int at = 0;
    while (at + 8 <= c.length) {
      int element = Short.toUnsignedInt(b.getShort(at + 2));
      int len = b.getInt(at + 4);
      if (element == 0x0900 && len == 2 && at + 10 <= c.length) {
        return Short.toUnsignedInt(b.getShort(at + 8));
      }
      if (len < 0) {
        return -1;
      }
      at += 8 + len;
    }
    return -1;
  }

  /** Never stops a probe's read early: the receiver closes after the release. */
  static boolean released(byte[] soFar) {
    return false;
  }
}
