package io.cordwatch.receive;

import static io.cordwatch.fuzz.PduBytes.ascii;
import static io.cordwatch.fuzz.PduBytes.be32;
import static io.cordwatch.fuzz.PduBytes.el;
import static io.cordwatch.fuzz.PduBytes.item;
import static io.cordwatch.fuzz.PduBytes.uid;
import static io.cordwatch.fuzz.PduBytes.ul;
import static io.cordwatch.fuzz.PduBytes.us;

import io.cordwatch.fuzz.PduBytes;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A deliberately small DICOM SCU written from PS3.8 for tests that must send what DCMTK will not:
 * data sets whose UIDs disagree with the command, truncated data sets, or nothing at all. It is
 * independent of the receiver's own encoder so the two check each other.
 */
final class RawScu implements AutoCloseable {
  static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private int messageId = 1;

  /** Result of one C-STORE. */
  record Response(int status, String errorComment) {}

  private RawScu(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(30_000);
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Opens an association proposing {@code sopClass} in explicit little endian (context id 1). */
  static RawScu associate(int port, String calling, String called, String sopClass)
      throws IOException {
    return associate(port, calling, called, sopClass, EXPLICIT_LE);
  }

  /** Opens an association proposing {@code sopClass} in {@code transferSyntax} (context id 1). */
  static RawScu associate(
      int port, String calling, String called, String sopClass, String transferSyntax)
      throws IOException {
    RawScu scu = new RawScu(new Socket("127.0.0.1", port));
    scu.out.write(associateRq(calling, called, sopClass, transferSyntax));
    scu.out.flush();
    int type = scu.in.readUnsignedByte();
    scu.in.readUnsignedByte();
    int len = scu.in.readInt();
    byte[] body = new byte[len];
    scu.in.readFully(body);
    if (type != 0x02) {
      scu.close();
      throw new IOException(
          "association not accepted, PDU type " + type + " " + Arrays.toString(body));
    }
    return scu;
  }

  /**
   * Sends a C-STORE whose command carries {@code sopClass}/{@code sopInstance} and the given data
   * set bytes.
   */
  Response store(String sopClass, String sopInstance, byte[] dataSet) throws IOException {
    ByteArrayOutputStream cmd = new ByteArrayOutputStream();
    el(cmd, 0x0002, uid(sopClass));
    el(cmd, 0x0100, us(0x0001));
    el(cmd, 0x0110, us(messageId++));
    el(cmd, 0x0700, us(0));
    el(cmd, 0x0800, us(0x0000));
    el(cmd, 0x1000, uid(sopInstance));
    ByteArrayOutputStream full = new ByteArrayOutputStream();
    el(full, 0x0000, ul(cmd.size()));
    full.writeBytes(cmd.toByteArray());
    pdata(full.toByteArray(), true);
    int chunk = 16_000;
    for (int off = 0; off < dataSet.length; off += chunk) {
      int n = Math.min(chunk, dataSet.length - off);
      pdata(Arrays.copyOfRange(dataSet, off, off + n), false, off + n >= dataSet.length);
    }
    return readResponse();
  }

  private void pdata(byte[] value, boolean command) throws IOException {
    pdata(value, command, true);
  }

  private void pdata(byte[] value, boolean command, boolean last) throws IOException {
    ByteArrayOutputStream pdu = new ByteArrayOutputStream();
    int pdvLen = value.length + 2;
    pdu.write(0x04);
    pdu.write(0);
    pdu.writeBytes(be32(pdvLen + 4));
    pdu.writeBytes(be32(pdvLen));
    pdu.write(1);
    pdu.write((command ? 1 : 0) | (last ? 2 : 0));
    pdu.writeBytes(value);
    out.write(pdu.toByteArray());
    out.flush();
  }

  private Response readResponse() throws IOException {
    ByteArrayOutputStream cmd = new ByteArrayOutputStream();
    boolean last = false;
    while (!last) {
      int type = in.readUnsignedByte();
      in.readUnsignedByte();
      int len = in.readInt();
      byte[] body = new byte[len];
      in.readFully(body);
      if (type != 0x04) {
        throw new IOException("expected P-DATA, got PDU type " + type);
      }
      int off = 0;
      while (off < len) {
        int pdvLen =
            ((body[off] & 0xff) << 24)
                | ((body[off + 1] & 0xff) << 16)
                | ((body[off + 2] & 0xff) << 8)
                | (body[off + 3] & 0xff);
        int mch = body[off + 5];
        cmd.write(body, off + 6, pdvLen - 2);
        last = (mch & 2) != 0;
        off += 4 + pdvLen;
      }
    }
    byte[] c = cmd.toByteArray();
    int status = -1;
    String comment = null;
    int off = 0;
    while (off + 8 <= c.length) {
      int element = (c[off + 2] & 0xff) | ((c[off + 3] & 0xff) << 8);
      int len =
          (c[off + 4] & 0xff)
              | ((c[off + 5] & 0xff) << 8)
              | ((c[off + 6] & 0xff) << 16)
              | ((c[off + 7] & 0xff) << 24);
      if (element == 0x0900) {
        status = (c[off + 8] & 0xff) | ((c[off + 9] & 0xff) << 8);
      } else if (element == 0x0902) {
        comment = new String(c, off + 8, len, StandardCharsets.US_ASCII).trim();
      }
      off += 8 + len;
    }
    return new Response(status, comment);
  }

  /** Writes bytes as they are, framing and all (for peers that misbehave on purpose). */
  void writeRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends A-RELEASE-RQ and waits for the RP. */
  void release() throws IOException {
    out.write(new byte[] {0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0});
    out.flush();
    int type = in.readUnsignedByte();
    if (type != 0x06) {
      throw new IOException("expected A-RELEASE-RP, got " + type);
    }
  }

  /**
   * Waits (up to {@code millis}) for the receiver to end the association: an A-ABORT PDU or the
   * connection closing both count.
   */
  boolean awaitClosedOrAbort(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      int type = in.read();
      return type == -1 || type == 0x07;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }

  /**
   * The type of the next PDU the receiver sends within {@code millis}: -1 when the connection
   * closed (or was reset) instead, -2 when nothing came.
   */
  int nextPduType(int millis) throws IOException {
    socket.setSoTimeout(millis);
    try {
      return in.read();
    } catch (java.net.SocketTimeoutException e) {
      return -2;
    } catch (java.net.SocketException reset) {
      return -1;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /**
   * The data set bytes of a Part 10 file written in explicit VR little endian (meta header
   * stripped).
   */
  static byte[] dataSetOf(Path part10) throws IOException {
    byte[] all = Files.readAllBytes(part10);
    if (all.length < 144 || all[128] != 'D' || all[131] != 'M') {
      throw new IOException("not a Part 10 file: " + part10);
    }
    int groupLength =
        (all[140] & 0xff)
            | ((all[141] & 0xff) << 8)
            | ((all[142] & 0xff) << 16)
            | ((all[143] & 0xff) << 24);
    return Arrays.copyOfRange(all, 144 + groupLength, all.length);
  }

  private static byte[] associateRq(
      String calling, String called, String sopClass, String transferSyntax) {
    ByteArrayOutputStream items = new ByteArrayOutputStream();
    item(items, 0x10, ascii("1.2.840.10008.3.1.1.1"));
    ByteArrayOutputStream pc = new ByteArrayOutputStream();
    pc.writeBytes(new byte[] {1, 0, 0, 0});
    item(pc, 0x30, ascii(sopClass));
    item(pc, 0x40, ascii(transferSyntax));
    item(items, 0x20, pc.toByteArray());
    ByteArrayOutputStream user = new ByteArrayOutputStream();
    item(user, 0x51, be32(65536));
    item(user, 0x52, ascii("1.2.3.4.5"));
    item(items, 0x50, user.toByteArray());
    return PduBytes.associateRq(called, calling, items.toByteArray());
  }
}
