package io.cordwatch.trainer.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of a training run after a whole epoch: every tensor of the network (backbone
 * parameters, batch-norm running statistics, prototypes), the optimiser's momentum buffers, and
 * what is needed to continue exactly: the epoch, the step count, the seed (every epoch's random
 * stream is derived from seed and epoch, so no generator state has to be stored), and the identity
 * of the run (data fingerprint, spec, input size, classes) so that {@code --resume} refuses a
 * checkpoint of a different run instead of silently mixing two.
 *
 * <p>File format (little-endian floats): the magic {@code CWCKPT1\n}, a length-prefixed UTF-8 JSON
 * header, then for each tensor a length-prefixed UTF-8 name, an int count and the floats. It is
 * written to a temporary file and renamed into place, so a run killed while saving leaves the
 * previous checkpoint intact.
 *
 * @param header run identity and counters (JSON object)
 * @param model tensors of the network by name
 * @param momentum momentum buffers by trainable name
 */
public record Checkpoint(
    ObjectNode header, Map<String, float[]> model, Map<String, float[]> momentum) {
  private static final byte[] MAGIC =
      "CWCKPT1\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MOMENTUM = "momentum/";

  /** A fresh header object. */
  public static ObjectNode newHeader() {
    return JSON.createObjectNode();
  }

  /** Writes atomically (temporary file, then rename). */
  public void save(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20))) {
      out.write(MAGIC);
      byte[] h = JSON.writeValueAsBytes(header);
      out.writeInt(h.length);
      out.write(h);
      Map<String, float[]> all = new LinkedHashMap<>(model);
      momentum.forEach((k, v) -> all.put(MOMENTUM + k, v));
      out.writeInt(all.size());
      for (Map.Entry<String, float[]> e : all.entrySet()) {
        out.writeUTF(e.getKey());
        float[] v = e.getValue();
        out.writeInt(v.length);
        ByteBuffer b = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        out.write(b.array());
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads a checkpoint.
   *
   * @throws IOException when the file is missing, truncated or not a checkpoint
   */
  public static Checkpoint load(Path file) throws IOException {
    try (DataInputStream in =
        new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 20))) {
      byte[] magic = in.readNBytes(MAGIC.length);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new IOException(file + ": not a CordWatch training checkpoint");
      }
      byte[] h = new byte[in.readInt()];
      in.readFully(h);
      JsonNode header = JSON.readTree(h);
      if (!(header instanceof ObjectNode obj)) {
        throw new IOException(file + ": checkpoint header is not a JSON object");
      }
      int n = in.readInt();
      Map<String, float[]> model = new LinkedHashMap<>();
      Map<String, float[]> momentum = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        int count = in.readInt();
        if (count < 0) {
          throw new IOException(file + ": damaged (negative tensor size for " + name + ")");
        }
        byte[] raw = in.readNBytes(count * Float.BYTES);
        if (raw.length != count * Float.BYTES) {
          throw new EOFException(file + ": truncated in tensor " + name);
        }
        float[] v = new float[count];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        if (name.startsWith(MOMENTUM)) {
          momentum.put(name.substring(MOMENTUM.length()), v);
        } else {
          model.put(name, v);
        }
      }
      return new Checkpoint(obj, model, momentum);
    }
  }
}
