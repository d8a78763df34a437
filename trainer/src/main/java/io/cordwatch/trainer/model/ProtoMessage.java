package io.cordwatch.trainer.model;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One protobuf message being encoded, field by field, with protobuf-java's wire-format codec: all
 * the ONNX writers need (this one's and the localizer's), since they have no generated classes.
 * Repeated scalars are written unpacked, proto2's default and what onnx.proto declares; every
 * parser accepts that form.
 */
public final class ProtoMessage {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final CodedOutputStream out = CodedOutputStream.newInstance(bytes);

  public ProtoMessage int64(int field, long value) {
    try {
      out.writeInt64(field, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public ProtoMessage int64s(int field, long... values) {
    for (long v : values) {
      int64(field, v);
    }
    return this;
  }

  public ProtoMessage string(int field, String value) {
    try {
      out.writeString(field, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public ProtoMessage bytes(int field, byte[] value) {
    try {
      out.writeByteArray(field, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  /** An embedded message: on the wire, the same length-delimited record as a bytes field. */
  public ProtoMessage message(int field, ProtoMessage value) {
    return bytes(field, value.toByteArray());
  }

  public byte[] toByteArray() {
    try {
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** This message as a complete field (tag, length, payload) of an enclosing message. */
  public byte[] asField(int field) {
    return new ProtoMessage().message(field, this).toByteArray();
  }
}
