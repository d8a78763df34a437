package io.cordwatch.infer;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.cordwatch.gpu.PipelineBackbone;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A {@link BackboneEngine} as the backbone step of the fused pipeline on the host build of the
 * kernels: the preprocess kernel's output (host memory) is handed to the engine as a direct buffer
 * over the same bytes, without a copy, and the embeddings are written where the head kernel reads
 * them. With {@code halfInput} the step plays an FP16 TensorRT engine: the preprocess kernel writes
 * binary16, which is widened to float32 here before ONNX Runtime sees it, so the fp16 branch of the
 * orchestration runs for real too.
 *
 * <p>Runs synchronously (the host kernels have no stream). Does not own the engine.
 */
final class HostBackboneStep implements PipelineBackbone {
  private final BackboneEngine engine;
  private final boolean halfInput;
  private final int maxBatch;
  private final int item;
  private final FloatBuffer widened;

  HostBackboneStep(BackboneEngine engine, boolean halfInput, int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be >= 1: " + maxBatch);
    }
    this.engine = engine;
    this.halfInput = halfInput;
    this.maxBatch = maxBatch;
    this.item = engine.inputShape().itemSize();
    if (engine.inputShape().height() != engine.inputShape().width()) {
      throw new IllegalArgumentException(
          engine.name() + " takes " + engine.inputShape() + ", the kernels write square inputs");
    }
    this.widened =
        halfInput
            ? ByteBuffer.allocateDirect(maxBatch * item * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer()
            : null;
  }

  @Override
  public String name() {
    return engine.name();
  }

  @Override
  public Shape shape() {
    return new Shape(
        engine.inputShape().channels(),
        engine.inputShape().height(),
        engine.embeddingWidth(),
        maxBatch,
        halfInput);
  }

  @Override
  public void enqueue(MemorySegment input, MemorySegment output, int n, MemorySegment stream) {
    if (n < 1 || n > maxBatch) {
      throw new IllegalArgumentException("batch of " + n + ", the step takes 1.." + maxBatch);
    }
    long values = (long) n * item;
    FloatBuffer nchw;
    if (halfInput) {
      widened.clear();
      for (long i = 0; i < values; i++) {
        widened.put(Float.float16ToFloat(input.getAtIndex(JAVA_SHORT, i)));
      }
      nchw = widened.flip();
    } else {
      nchw =
          input
              .asSlice(0, values * Float.BYTES)
              .asByteBuffer()
              .order(ByteOrder.nativeOrder())
              .asFloatBuffer();
    }
    float[][] e = engine.embed(nchw, n);
    int d = engine.embeddingWidth();
    if (e.length != n) {
      throw new IllegalStateException(
          engine.name() + " returned " + e.length + " embeddings for a batch of " + n);
    }
    for (int i = 0; i < n; i++) {
      if (e[i].length != d) {
        throw new IllegalStateException(
            engine.name() + " returned an embedding of width " + e[i].length + ", not " + d);
      }
      MemorySegment.copy(e[i], 0, output, JAVA_FLOAT, (long) i * d * Float.BYTES, d);
    }
  }
}
