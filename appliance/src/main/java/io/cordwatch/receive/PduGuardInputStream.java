package io.cordwatch.receive;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Follows the PDU framing of an association's byte stream and fails as soon as a peer claims a PDU
 * type that does not exist or a length above the bound. PixelMed allocates each PDU body at the
 * length the peer states; with this stream underneath, no claimed length above {@code maxPduLength}
 * ever reaches it, so a hostile or broken peer cannot make the appliance allocate gigabytes.
 *
 * <p>Inside a P-DATA-TF it follows the presentation data value items too: PixelMed allocates each
 * PDV at its stated item length before it checks that the PDU holds that many bytes, so an item
 * length of 2 GiB in a PDU of a few bytes cost an OutOfMemoryError on the connection's thread
 * (found by {@code cordwatch fuzz --target association}). An item whose length is below 2 (the
 * context id and message control header) or runs past the end of its PDU, or a PDU that ends inside
 * an item length, is refused here, before PixelMed sees the PDU.
 *
 * <p>It also says when the peer asks to release the association ({@code onReleaseRequest}, once the
 * A-RELEASE-RQ header is read): PixelMed reports a release only after its post-release wait, and
 * the study tracker can start the series' release grace at once.
 */
final class PduGuardInputStream extends FilterInputStream {
  private final long maxPduLength;
  private final Runnable onReleaseRequest;
  private final byte[] header = new byte[6];
  private int headerFill;
  private long bodyRemaining;
  private boolean inPData;
  private final byte[] itemLength = new byte[4];
  private int itemLengthFill;
  private long itemRemaining;

  PduGuardInputStream(InputStream in, long maxPduLength, Runnable onReleaseRequest) {
    super(in);
    this.maxPduLength = maxPduLength;
    this.onReleaseRequest = onReleaseRequest;
  }

  /** Whether the next byte read starts a new PDU (the previous one, if any, was read whole). */
  boolean atPduBoundary() {
    return headerFill == 0 && bodyRemaining == 0;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (bodyRemaining > 0) {
      int n = in.read(b, off, (int) Math.min(len, bodyRemaining));
      if (n > 0) {
        if (inPData) {
          walkItems(b, off, n);
        }
        bodyRemaining -= n;
        if (bodyRemaining == 0 && inPData && (itemLengthFill != 0 || itemRemaining != 0)) {
          throw new Pdu.ProtocolViolation("P-DATA-TF ends inside a presentation data value item");
        }
      }
      return n;
    }
    int n = in.read(b, off, Math.min(len, 6 - headerFill));
    if (n <= 0) {
      return n;
    }
    System.arraycopy(b, off, header, headerFill, n);
    headerFill += n;
    if (headerFill == 6) {
      int type = header[0] & 0xff;
      long length = Pdu.readUint32(header, 2);
      if (type < 1 || type > Pdu.LAST_TYPE) {
        throw new Pdu.ProtocolViolation(String.format("unknown PDU type 0x%02x", type));
      }
      if (length > maxPduLength) {
        throw new Pdu.ProtocolViolation(
            "PDU length " + length + " exceeds the bound of " + maxPduLength);
      }
      headerFill = 0;
      bodyRemaining = length;
      inPData = type == Pdu.P_DATA;
      itemLengthFill = 0;
      itemRemaining = 0;
      if (type == Pdu.RELEASE_RQ) {
        onReleaseRequest.run();
      }
    }
    return n;
  }

  /**
   * Walks the PDV items in {@code b[off, off + n)}, the next {@code n} bytes of a P-DATA-TF body of
   * which {@code bodyRemaining} (this read included) are still to come.
   */
  private void walkItems(byte[] b, int off, int n) throws Pdu.ProtocolViolation {
    long left = bodyRemaining;
    int i = 0;
    while (i < n) {
      if (itemRemaining > 0) {
        int skip = (int) Math.min(itemRemaining, n - i);
        i += skip;
        left -= skip;
        itemRemaining -= skip;
        continue;
      }
      itemLength[itemLengthFill++] = b[off + i];
      i++;
      left--;
      if (itemLengthFill == 4) {
        itemLengthFill = 0;
        long item = Pdu.readUint32(itemLength, 0);
        if (item < 2 || item > left) {
          throw new Pdu.ProtocolViolation(
              "presentation data value item length "
                  + item
                  + " does not fit the "
                  + left
                  + " bytes left in its P-DATA-TF");
        }
        itemRemaining = item;
      }
    }
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("skip is not supported on a guarded PDU stream");
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
