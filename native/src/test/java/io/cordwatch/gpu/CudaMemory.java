package io.cordwatch.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link PipelineMemory} on the Panama CUDA runtime binding ({@link CudaRuntime}): cudaMalloc'd
 * device memory, cudaMallocHost'd (page-locked) staging, and a stream of its own. It lets the fused
 * pipeline run on a GPU without the JavaCPP presets, which is how kernels/device-check.sh checks
 * the pipeline's orchestration on a lent GPU that has CUDA but no TensorRT. The TensorRT engine
 * takes its memory from the presets instead ({@code io.cordwatch.gpu.tensorrt}), so that one CUDA
 * runtime serves TensorRT and the pipeline in production.
 *
 * <p>Buffers and close are {@link OwnedMemory}'s; close then destroys the stream. Device segments
 * must not be read from Java.
 */
public final class CudaMemory extends OwnedMemory {
  private final CudaRuntime rt;
  private final CudaStream stream;

  /** Memory and a new stream on the runtime's current device. */
  public CudaMemory(CudaRuntime rt) {
    super("CUDA memory");
    this.rt = rt;
    this.stream = rt.stream();
  }

  @Override
  public KernelLibrary.Flavour flavour() {
    return KernelLibrary.Flavour.CUDA;
  }

  @Override
  @SuppressWarnings("restricted")
  protected MemorySegment allocate(long bytes, boolean staging, Arena arena) {
    if (staging) {
      long address = rt.mallocHost(bytes);
      return MemorySegment.ofAddress(address)
          .reinterpret(bytes, arena, x -> rt.freeHost(x.address()));
    }
    long address = rt.mallocDevice(bytes);
    return MemorySegment.ofAddress(address).reinterpret(bytes, arena, x -> rt.free(x.address()));
  }

  @Override
  protected void copy(MemorySegment from, MemorySegment to, long bytes, boolean upload) {
    if (upload) {
      rt.uploadAsync(from, to, bytes, stream.handle());
    } else {
      rt.downloadAsync(from, to, bytes, stream.handle());
    }
  }

  @Override
  public MemorySegment stream() {
    return stream.handle();
  }

  @Override
  protected void awaitStream() {
    stream.synchronize();
  }

  @Override
  protected void release() {
    stream.close();
  }

  @Override
  public String describe() {
    return "CUDA device memory and pinned staging (Panama cudart from " + rt.source() + ")";
  }
}
