package io.cordwatch.fuzz;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Makes a damaged copy of a DICOM file: the damage real senders and broken media produce, and the
 * damage that reaches the code paths a random byte rarely does. Element-aware mutations find the
 * element headers by walking the data set as explicit VR little endian (the file meta group always
 * is, and so are most data sets; where the walk loses its way it stops, and the byte-level
 * mutations still apply).
 */
final class Mutator {
  /** What one mutation did, for the finding's name. */
  enum Kind {
    BIT_FLIPS,
    TRUNCATION,
    LENGTH_FIELD,
    DUPLICATE_ELEMENT,
    BYTE_RUN
  }

  /**
   * A mutated input and the mutations that made it, in order.
   *
   * @param <K> the mutator's kinds of mutation
   */
  record Mutant<K>(byte[] bytes, List<K> kinds) {}

  /** Lengths a corrupted length field gets: edge values and a few that overrun the file. */
  private static final long[] LENGTHS = {
    0, 1, 2, 3, 0xFFFF, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFEL, 0xFFFF_FFFFL, 0x0001_0000L
  };

  private final Random random;

  Mutator(Random random) {
    this.random = random;
  }

  /** One to three mutations of {@code seed}; the seed itself is never changed. */
  Mutant<Kind> mutate(byte[] seed) {
    return mutate(
        seed,
        Kind.values(),
        random,
        (k, bytes) ->
            switch (k) {
              case BIT_FLIPS -> bitFlips(bytes, random);
              case TRUNCATION -> truncate(bytes, random);
              case LENGTH_FIELD -> corruptLength(bytes);
              case DUPLICATE_ELEMENT -> duplicateElement(bytes);
              case BYTE_RUN -> byteRun(bytes, random);
            });
  }

  /** One mutation of a kind: the changed bytes, or null where the kind finds nothing to change. */
  interface Mutation<K> {
    byte[] apply(K kind, byte[] bytes);
  }

  /**
   * One to three mutations of a copy of {@code seed}, each of a kind drawn from {@code kinds}; the
   * result names the kinds that changed something, in order. The draws of both mutators (DICOM
   * files and PDU streams) go through here, so a seed replays the same way in each.
   */
  static <K> Mutant<K> mutate(byte[] seed, K[] kinds, Random random, Mutation<K> mutation) {
    List<K> applied = new ArrayList<>();
    byte[] b = seed.clone();
    int n = 1 + random.nextInt(3);
    for (int i = 0; i < n && b.length > 0; i++) {
      K k = kinds[random.nextInt(kinds.length)];
      byte[] next = mutation.apply(k, b);
      if (next != null) {
        b = next;
        applied.add(k);
      }
    }
    return new Mutant<>(b, List.copyOf(applied));
  }

  /** One to eight single-bit flips at random places; changes {@code b} and returns it. */
  static byte[] bitFlips(byte[] b, Random random) {
    int flips = 1 + random.nextInt(8);
    for (int i = 0; i < flips; i++) {
      int at = random.nextInt(b.length);
      b[at] ^= (byte) (1 << random.nextInt(8));
    }
    return b;
  }

  /** The first bytes of {@code b}, fewer than all. */
  static byte[] truncate(byte[] b, Random random) {
    return Arrays.copyOf(b, random.nextInt(b.length));
  }

  /** A run of one value (0x00, 0xFF or random) over up to 64 bytes; changes {@code b}. */
  static byte[] byteRun(byte[] b, Random random) {
    int at = random.nextInt(b.length);
    int len = Math.min(b.length - at, 1 + random.nextInt(64));
    byte v =
        switch (random.nextInt(3)) {
          case 0 -> 0;
          case 1 -> (byte) 0xFF;
          default -> (byte) random.nextInt(256);
        };
    Arrays.fill(b, at, at + len, v);
    return b;
  }

  private byte[] corruptLength(byte[] b) {
    List<Element> elements = elements(b);
    if (elements.isEmpty()) {
      return null;
    }
    Element e = elements.get(random.nextInt(elements.size()));
    long value =
        random.nextBoolean()
            ? LENGTHS[random.nextInt(LENGTHS.length)]
            : e.valueLength() + random.nextInt(17) - 8;
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (e.lengthBytes() == 2) {
      buf.putShort(e.lengthAt(), (short) value);
    } else {
      buf.putInt(e.lengthAt(), (int) value);
    }
    return b;
  }

  private byte[] duplicateElement(byte[] b) {
    List<Element> elements = elements(b);
    if (elements.isEmpty()) {
      return null;
    }
    Element e = elements.get(random.nextInt(elements.size()));
    int end = (int) Math.min(b.length, (long) e.start() + e.headerLength() + e.valueLength());
    byte[] copy = Arrays.copyOfRange(b, e.start(), end);
    byte[] out = new byte[b.length + copy.length];
    System.arraycopy(b, 0, out, 0, end);
    System.arraycopy(copy, 0, out, end, copy.length);
    System.arraycopy(b, end, out, end + copy.length, b.length - end);
    return out;
  }

  /**
   * One element header found by the walk.
   *
   * @param start offset of its tag
   * @param headerLength tag, VR and length bytes
   * @param lengthAt offset of its length field
   * @param lengthBytes 2 or 4
   * @param valueLength its value length as stored (undefined lengths are skipped)
   */
  record Element(int start, int headerLength, int lengthAt, int lengthBytes, long valueLength) {}

  /** The elements of a Part 10 file, walked as explicit VR little endian from offset 132. */
  static List<Element> elements(byte[] b) {
    List<Element> out = new ArrayList<>();
    int at = 132;
    if (b.length < at || b[128] != 'D' || b[129] != 'I' || b[130] != 'C' || b[131] != 'M') {
      return out;
    }
    ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    while (at + 8 <= b.length && out.size() < 10_000) {
      char v1 = (char) b[at + 4];
      char v2 = (char) b[at + 5];
      if (v1 < 'A' || v1 > 'Z' || v2 < 'A' || v2 > 'Z') {
        return out;
      }
      String vr = "" + v1 + v2;
      boolean longForm = LONG_VRS.contains(vr);
      int header = longForm ? 12 : 8;
      if (at + header > b.length) {
        return out;
      }
      long len =
          longForm
              ? Integer.toUnsignedLong(buf.getInt(at + 8))
              : Short.toUnsignedInt(buf.getShort(at + 6));
      out.add(new Element(at, header, longForm ? at + 8 : at + 6, longForm ? 4 : 2, len));
      if (len == 0xFFFF_FFFFL) {
        // An undefined length (a sequence, encapsulated pixels): its items follow; stop here.
        return out;
      }
      long next = (long) at + header + len;
      if (next > b.length) {
        // Its value runs past the end (a damaged length): nothing after it can be found.
        return out;
      }
      at = (int) next;
    }
    return out;
  }

  private static final java.util.Set<String> LONG_VRS =
      java.util.Set.of(
          "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV");
}
