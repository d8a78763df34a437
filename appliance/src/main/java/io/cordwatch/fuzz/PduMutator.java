package io.cordwatch.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Damages an upper-layer stream the way a broken or hostile sender would: at the PDU level (a
 * length field that lies, a type that does not belong, a PDU dropped, repeated or moved), inside
 * the A-ASSOCIATE-RQ (item lengths, the protocol version, AE titles) and inside P-DATA-TF (PDV
 * lengths, context ids, message control headers), and byte by byte. The PDUs are found by walking
 * the stream's length fields ({@link PduStreams#split}); after a length has been damaged the walk
 * finds what the receiver will find.
 */
final class PduMutator {
  /** What one mutation did, for the report. */
  enum Kind {
    BIT_FLIPS,
    TRUNCATION,
    BYTE_RUN,
    PDU_LENGTH,
    PDU_TYPE,
    DROP_PDU,
    DUPLICATE_PDU,
    SWAP_PDUS,
    INSERT_PDU,
    ASSOCIATE_ITEM,
    PDV_HEADER
  }

  private static final long[] LENGTHS = {
    0, 1, 2, 3, 4, 5, 6, 0xFF, 0xFFFF, 0x1_0000, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL
  };

  private final Random random;

  PduMutator(Random random) {
    this.random = random;
  }

  /** One to three mutations of {@code seed}; the seed itself is never changed. */
  Mutator.Mutant<Kind> mutate(byte[] seed) {
    return Mutator.mutate(
        seed,
        Kind.values(),
        random,
        (k, bytes) ->
            switch (k) {
              case BIT_FLIPS -> Mutator.bitFlips(bytes, random);
              case TRUNCATION -> Mutator.truncate(bytes, random);
              case BYTE_RUN -> Mutator.byteRun(bytes, random);
              case PDU_LENGTH -> pduLength(bytes);
              case PDU_TYPE -> pduType(bytes);
              case DROP_PDU -> dropPdu(bytes);
              case DUPLICATE_PDU -> duplicatePdu(bytes);
              case SWAP_PDUS -> swapPdus(bytes);
              case INSERT_PDU -> insertPdu(bytes);
              case ASSOCIATE_ITEM -> associateItem(bytes);
              case PDV_HEADER -> pdvHeader(bytes);
            });
  }

  private int[] anyPdu(byte[] b) {
    List<int[]> pdus = PduStreams.split(b);
    return pdus.get(random.nextInt(pdus.size()));
  }

  private byte[] pduLength(byte[] b) {
    int[] p = anyPdu(b);
    if (p[1] < 6) {
      return null;
    }
    long len = p[1] - 6;
    long value =
        random.nextBoolean()
            ? LENGTHS[random.nextInt(LENGTHS.length)]
            : len + random.nextInt(9) - 4;
    ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putInt(p[0] + 2, (int) value);
    return b;
  }

  private byte[] pduType(byte[] b) {
    int[] p = anyPdu(b);
    int[] types = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x80, 0xFF};
    b[p[0]] = (byte) types[random.nextInt(types.length)];
    return b;
  }

  private byte[] dropPdu(byte[] b) {
    List<int[]> pdus = PduStreams.split(b);
    if (pdus.size() < 2) {
      return null;
    }
    int[] p = pdus.get(random.nextInt(pdus.size()));
    byte[] out = new byte[b.length - p[1]];
    System.arraycopy(b, 0, out, 0, p[0]);
    System.arraycopy(b, p[0] + p[1], out, p[0], b.length - p[0] - p[1]);
    return out;
  }

  private byte[] duplicatePdu(byte[] b) {
    int[] p = anyPdu(b);
    int times = random.nextInt(8) == 0 ? 2 + random.nextInt(50) : 1;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b, 0, p[0] + p[1]);
    for (int i = 0; i < times; i++) {
      out.write(b, p[0], p[1]);
    }
    out.write(b, p[0] + p[1], b.length - p[0] - p[1]);
    return out.toByteArray();
  }

  private byte[] swapPdus(byte[] b) {
    List<int[]> pdus = new ArrayList<>(PduStreams.split(b));
    if (pdus.size() < 2) {
      return null;
    }
    int i = random.nextInt(pdus.size());
    int j = random.nextInt(pdus.size());
    java.util.Collections.swap(pdus, i, j);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int[] p : pdus) {
      out.write(b, p[0], p[1]);
    }
    return out.toByteArray();
  }

  /** A PDU that does not belong here: another request, an abort, a release, or garbage. */
  private byte[] insertPdu(byte[] b) {
    byte[] extra =
        switch (random.nextInt(6)) {
          case 0 ->
              PduStreams.associateRq(
                  PduStreams.CALLED_AE, PduStreams.CALLING_AE, null, PduStreams.IMPLICIT_LE);
          case 1 -> PduStreams.pdu(PduStreams.ABORT, new byte[4]);
          case 2 -> PduStreams.releaseRq();
          case 3 -> PduStreams.pdu(PduStreams.RELEASE_RP, new byte[4]);
          case 4 -> PduStreams.pdata(1 + 2 * random.nextInt(3), true, true, PduStreams.echoRq(9));
          default -> {
            byte[] body = new byte[random.nextInt(64)];
            random.nextBytes(body);
            yield PduStreams.pdu(random.nextInt(256), body);
          }
        };
    List<int[]> pdus = PduStreams.split(b);
    int at = random.nextInt(pdus.size() + 1);
    int offset = at == pdus.size() ? b.length : pdus.get(at)[0];
    byte[] out = new byte[b.length + extra.length];
    System.arraycopy(b, 0, out, 0, offset);
    System.arraycopy(extra, 0, out, offset, extra.length);
    System.arraycopy(b, offset, out, offset + extra.length, b.length - offset);
    return out;
  }

  /**
   * Inside the first PDU (the A-ASSOCIATE-RQ): an item's or sub-item's length, its type, the
   * protocol version or an AE title.
   */
  private byte[] associateItem(byte[] b) {
    int[] first = PduStreams.split(b).getFirst();
    int body = first[0] + 6;
    int end = first[0] + first[1];
    if (end - body < 68) {
      return null;
    }
    switch (random.nextInt(4)) {
      case 0 -> {
        b[body + 1] = (byte) random.nextInt(256);
        return b;
      }
      case 1 -> {
        int at = body + 4 + random.nextInt(32);
        b[at] = (byte) (random.nextBoolean() ? 0 : random.nextInt(256));
        return b;
      }
      default -> {
        // Item headers: the variable items and, inside a presentation context or the user
        // information, their sub-items.
        List<Integer> headers = new ArrayList<>();
        itemHeaders(b, body + 68, end, headers, 0);
        if (headers.isEmpty()) {
          return null;
        }
        int at = headers.get(random.nextInt(headers.size()));
        if (random.nextInt(4) == 0) {
          b[at] = (byte) random.nextInt(256);
        } else {
          int value =
              random.nextBoolean()
                  ? new int[] {0, 1, 3, 4, 0xFF, 0xFFFF}[random.nextInt(6)]
                  : (((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff)) + random.nextInt(9) - 4;
          b[at + 2] = (byte) (value >>> 8);
          b[at + 3] = (byte) value;
        }
        return b;
      }
    }
  }

  private static void itemHeaders(byte[] b, int at, int end, List<Integer> out, int depth) {
    while (at + 4 <= end && out.size() < 200) {
      int type = b[at] & 0xff;
      int len = ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
      out.add(at);
      if (depth == 0 && (type == 0x20 || type == 0x50)) {
        itemHeaders(b, at + 4 + (type == 0x20 ? 4 : 0), Math.min(end, at + 4 + len), out, 1);
      }
      at += 4 + len;
    }
  }

  /** Inside a P-DATA-TF: a PDV's length, its context id or its message control header. */
  private byte[] pdvHeader(byte[] b) {
    List<int[]> pdata =
        PduStreams.split(b).stream()
            .filter(p -> p[1] >= 12 && (b[p[0]] & 0xff) == PduStreams.P_DATA)
            .toList();
    if (pdata.isEmpty()) {
      return null;
    }
    int pdv = pdata.get(random.nextInt(pdata.size()))[0] + 6;
    switch (random.nextInt(3)) {
      case 0 -> {
        long len = ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).getInt(pdv);
        long value =
            random.nextBoolean()
                ? LENGTHS[random.nextInt(LENGTHS.length)]
                : len + random.nextInt(9) - 4;
        ByteBuffer.wrap(b).order(ByteOrder.BIG_ENDIAN).putInt(pdv, (int) value);
      }
      case 1 -> b[pdv + 4] = (byte) new int[] {0, 1, 2, 3, 5, 127, 255}[random.nextInt(7)];
      default -> b[pdv + 5] = (byte) random.nextInt(256);
    }
    return b;
  }
}
