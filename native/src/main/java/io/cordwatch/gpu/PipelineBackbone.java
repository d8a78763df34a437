package io.cordwatch.gpu;

import java.lang.foreign.MemorySegment;

/**
 * The backbone step of a {@link FusedPipeline}: NCHW input tensors in kernel memory to float32
 * embeddings in kernel memory, enqueued on the pipeline's stream. On the GPU it is the TensorRT
 * engine ({@code io.cordwatch.gpu.tensorrt}); with the host build of the kernels it is any backbone
 * that runs on host memory (the appliance puts ONNX Runtime here), so that the pipeline around it
 * runs for real without a GPU.
 */
public interface PipelineBackbone {
  /**
   * What a backbone takes and gives, which the pipeline checks against its preprocessing and head
   * when it opens, and sizes its buffers by.
   *
   * @param channels C, 1 or 3
   * @param inputSize S
   * @param embeddingWidth D
   * @param maxBatch the most items one {@link #enqueue} takes
   * @param halfInput whether the input tensor is IEEE binary16 (an FP16 TensorRT engine's input),
   *     else float32. The preprocess kernel writes the one the backbone reads, so nothing converts
   *     in between.
   */
  record Shape(int channels, int inputSize, int embeddingWidth, int maxBatch, boolean halfInput) {}

  /** Short name for logs. */
  String name();

  /** What it takes and gives; the same on every call. */
  Shape shape();

  /**
   * Enqueues the backbone for {@code n} items.
   *
   * @param input n x C x S x S values (binary16 when {@link Shape#halfInput()}, else float32) in
   *     kernel memory
   * @param output n x D float32 in kernel memory
   * @param n 1..{@link Shape#maxBatch()}
   * @param stream the pipeline's stream ({@link PipelineMemory#stream()})
   * @throws RuntimeException when the backbone fails; the pipeline lets it through
   */
  void enqueue(MemorySegment input, MemorySegment output, int n, MemorySegment stream);
}
