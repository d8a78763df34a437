package io.cordwatch.gpu.tensorrt;

import java.nio.FloatBuffer;

/**
 * A backbone running on the GPU, as the appliance sees it: float32 NCHW in, [N, D] embeddings out.
 * No JavaCPP type appears here, so the appliance compiles and loads without the presets.
 * Implementations are final, close idempotently and throw {@link IllegalStateException} after
 * close; {@link #embed} and {@link #close} are synchronised.
 */
public interface GpuBackbone extends AutoCloseable {
  /** Short name for logs and results, e.g. {@code tensorrt-fp16 (NVIDIA L4)}. */
  String name();

  /** C, 1 or 3. */
  int channels();

  /** S. */
  int inputSize();

  /** D. */
  int embeddingWidth();

  /** The largest batch one run takes; {@link #embed} splits larger ones. */
  int maxBatch();

  /**
   * Embeds a batch.
   *
   * @throws IllegalArgumentException when the buffer does not hold {@code batch} items
   * @throws TensorRtRunException when CUDA or TensorRT fails (the appliance then falls back)
   */
  float[][] embed(FloatBuffer nchw, int batch);

  @Override
  void close();
}
