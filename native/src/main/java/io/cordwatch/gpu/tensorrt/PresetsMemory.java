package io.cordwatch.gpu.tensorrt;

import static org.bytedeco.cuda.global.cudart.cudaFree;
import static org.bytedeco.cuda.global.cudart.cudaFreeHost;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaMalloc;
import static org.bytedeco.cuda.global.cudart.cudaMallocHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyAsync;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyDeviceToHost;
import static org.bytedeco.cuda.global.cudart.cudaMemcpyHostToDevice;
import static org.bytedeco.cuda.global.cudart.cudaStreamSynchronize;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import io.cordwatch.gpu.KernelException;
import io.cordwatch.gpu.KernelLibrary;
import io.cordwatch.gpu.OwnedMemory;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.logging.Logger;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The fused pipeline's memory on the TensorRT engine's CUDA runtime (the JavaCPP presets) and the
 * engine's own stream, so that the preprocess kernel, {@code enqueueV3} and the head kernel are
 * ordered on one stream of one runtime. Device buffers come from cudaMalloc, staging from
 * cudaMallocHost (page-locked, so the copies are asynchronous); both are handed out as {@link
 * MemorySegment}s of their addresses, each tied to an arena whose cleanup frees it.
 *
 * <p>The stream belongs to the engine: closing this memory waits for it and frees the buffers
 * ({@link OwnedMemory}), and the engine destroys the stream. CUDA failures are {@link
 * KernelException}s with code {@code CUDA}, like the kernels' own.
 *
 * <p>NOT VERIFIED ON HARDWARE (no GPU on the build machine); the same contract is exercised with
 * {@link io.cordwatch.gpu.HostMemory} and, on a lent GPU, with {@code CudaMemory} (native's test
 * sources).
 */
final class PresetsMemory extends OwnedMemory {
  private static final Logger LOG = Logger.getLogger(PresetsMemory.class.getName());

  private final CUstream_st stream;
  private final MemorySegment streamSegment;

  PresetsMemory(CUstream_st stream) {
    super("CUDA memory");
    this.stream = stream;
    this.streamSegment = MemorySegment.ofAddress(stream.address());
  }

  /** A JavaCPP pointer to a raw address (the presets take Pointer, Panama gives addresses). */
  static final class Address extends Pointer {
    Address(long address) {
      this.address = address;
    }
  }

  static Pointer pointer(MemorySegment segment) {
    return new Address(segment.address());
  }

  @Override
  public KernelLibrary.Flavour flavour() {
    return KernelLibrary.Flavour.CUDA;
  }

  /** Device memory from cudaMalloc; staging from cudaMallocHost (page-locked). */
  @Override
  @SuppressWarnings("restricted")
  protected MemorySegment allocate(long bytes, boolean pinned, Arena arena) {
    Pointer p = new Pointer();
    check(
        (pinned ? "cudaMallocHost(" : "cudaMalloc(") + bytes + ")",
        pinned ? cudaMallocHost(p, bytes) : cudaMalloc(p, bytes));
    return MemorySegment.ofAddress(p.address())
        .reinterpret(
            bytes,
            arena,
            x -> {
              int rc = pinned ? cudaFreeHost(pointer(x)) : cudaFree(pointer(x));
              if (rc != cudaSuccess) {
                LOG.warning(() -> (pinned ? "cudaFreeHost: " : "cudaFree: ") + error(rc));
              }
            });
  }

  @Override
  protected void copy(MemorySegment from, MemorySegment to, long bytes, boolean upload) {
    check(
        upload ? "cudaMemcpyAsync H2D" : "cudaMemcpyAsync D2H",
        cudaMemcpyAsync(
            pointer(to),
            pointer(from),
            bytes,
            upload ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost,
            stream));
  }

  @Override
  public MemorySegment stream() {
    return streamSegment;
  }

  @Override
  protected void awaitStream() {
    check("cudaStreamSynchronize", cudaStreamSynchronize(stream));
  }

  @Override
  public String describe() {
    return "CUDA device memory and pinned staging on the TensorRT engine's stream (JavaCPP cudart)";
  }

  private static void check(String call, int rc) {
    if (rc != cudaSuccess) {
      throw new KernelException(KernelException.Code.CUDA, call + ": " + error(rc));
    }
  }

  /** A CUDA runtime status in words, with its number. */
  static String error(int rc) {
    BytePointer s = cudaGetErrorString(rc);
    return (s == null || s.isNull() ? "CUDA error" : s.getString()) + " (" + rc + ")";
  }
}
