package io.cordwatch.codec;

/**
 * What OpenJPEG's API does not tell: whether a JPEG 2000 file is a raw codestream or wrapped in the
 * JP2 file format, and which wavelet its coding style segments name. A few marker segments are read
 * straight from the bytes; nothing here trusts a length without checking it against the array.
 */
final class J2kCodestream {
  /** The JP2 signature box: length 12, type "jP ", content 0D 0A 87 0A. */
  private static final byte[] JP2_SIGNATURE = {
    0, 0, 0, 12, 'j', 'P', ' ', ' ', 0x0D, 0x0A, (byte) 0x87, 0x0A
  };

  private static final int SOC = 0xFF4F;
  private static final int SIZ = 0xFF51;
  private static final int COD = 0xFF52;
  private static final int COC = 0xFF53;
  private static final int SOT = 0xFF90;
  private static final int SOD = 0xFF93;
  private static final int EOC = 0xFFD9;

  private J2kCodestream() {}

  /** The data starts with the JP2 signature box. */
  static boolean isJp2(byte[] data) {
    if (data.length < JP2_SIGNATURE.length) {
      return false;
    }
    for (int i = 0; i < JP2_SIGNATURE.length; i++) {
      if (data[i] != JP2_SIGNATURE[i]) {
        return false;
      }
    }
    return true;
  }

  /** The data starts with SOC followed by SIZ, as every raw codestream does. */
  static boolean isCodestream(byte[] data, int at) {
    return at >= 0 && at + 4 <= data.length && u16(data, at) == SOC && u16(data, at + 2) == SIZ;
  }

  /**
   * Where the codestream begins: 0 for a raw one, the contents of the first {@code jp2c} box for
   * JP2, -1 when there is none.
   */
  static int start(byte[] data) {
    if (!isJp2(data)) {
      return isCodestream(data, 0) ? 0 : -1;
    }
    long at = 0;
    while (at + 8 <= data.length) {
      long length = u32(data, (int) at);
      int type = (int) u32(data, (int) at + 4);
      int header = 8;
      if (length == 1) {
        if (at + 16 > data.length) {
          return -1;
        }
        length = (u32(data, (int) at + 8) << 32) | u32(data, (int) at + 12);
        header = 16;
      } else if (length == 0) {
        length = data.length - at; // the last box runs to the end of the file
      }
      if (type == 0x6A703263) { // "jp2c"
        int contents = (int) at + header;
        return isCodestream(data, contents) ? contents : -1;
      }
      if (length < header) {
        return -1;
      }
      at += length;
    }
    return -1;
  }

  /**
   * Whether every COD and COC segment, in the main header and in each tile-part header, names the
   * reversible 5-3 wavelet. Null when the markers cannot be walked (the decoder reports why).
   */
  static Boolean reversible(byte[] data, int start) {
    int at = start + 2; // after SOC
    boolean sawCod = false;
    int components = 0;
    while (at + 4 <= data.length) {
      int marker = u16(data, at);
      if (marker == EOC) {
        break;
      }
      if (marker == SOT) {
        if (at + 12 > data.length) {
          return null;
        }
        long tilePart = u32(data, at + 6);
        int header = at + 2 + u16(data, at + 2);
        Boolean inTile = segments(data, header, components);
        if (inTile == null) {
          return null;
        }
        if (!inTile) {
          return false;
        }
        if (tilePart == 0) {
          break; // runs to EOC: no further tile-part header to find
        }
        at = (int) Math.min(Integer.MAX_VALUE, at + tilePart);
        continue;
      }
      int length = u16(data, at + 2);
      if (length < 2 || at + 2 + length > data.length) {
        return null;
      }
      if (marker == SIZ && length >= 38) {
        components = u16(data, at + 38);
      } else if (marker == COD || marker == COC) {
        Boolean ok = transformReversible(data, at, marker, components);
        if (ok == null) {
          return null;
        }
        if (!ok) {
          return false;
        }
        sawCod |= marker == COD;
      }
      at += 2 + length;
    }
    return sawCod ? Boolean.TRUE : null;
  }

  /** The COD and COC segments of one tile-part header, from {@code at} up to SOD. */
  private static Boolean segments(byte[] data, int at, int components) {
    while (at + 4 <= data.length) {
      int marker = u16(data, at);
      if (marker == SOD) {
        return Boolean.TRUE;
      }
      int length = u16(data, at + 2);
      if (length < 2 || at + 2 + length > data.length) {
        return null;
      }
      if (marker == COD || marker == COC) {
        Boolean ok = transformReversible(data, at, marker, components);
        if (ok == null || !ok) {
          return ok;
        }
      }
      at += 2 + length;
    }
    return null;
  }

  /**
   * COD: Lcod, Scod, SGcod (4 bytes), then SPcod whose fifth byte is the transform; COC: Lcoc, Ccoc
   * (1 byte, 2 with more than 256 components), Scoc, then SPcoc likewise. 1 is 5-3 reversible.
   */
  private static Boolean transformReversible(byte[] data, int at, int marker, int components) {
    int spcod = marker == COD ? at + 9 : at + 4 + (components > 256 ? 2 : 1) + 1;
    int transform = spcod + 4;
    if (transform >= at + 2 + u16(data, at + 2) || transform >= data.length) {
      return null;
    }
    return data[transform] == 1;
  }

  private static int u16(byte[] d, int at) {
    return ((d[at] & 0xff) << 8) | (d[at + 1] & 0xff);
  }

  private static long u32(byte[] d, int at) {
    return ((long) (d[at] & 0xff) << 24)
        | ((d[at + 1] & 0xff) << 16)
        | ((d[at + 2] & 0xff) << 8)
        | (d[at + 3] & 0xff);
  }
}
