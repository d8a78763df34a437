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
import io.cordwatch.gpu.OwnedSegments;
import io.cordwatch.gpu.PipelineMemory;
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
 * <p>The stream belongs to the engine: closing this memory waits for it and frees the buffers, and
 * the engine destroys the stream. CUDA failures are {@link KernelException}s with code {@code
 * CUDA}, like the kernels' own.
 *
 * <p>NOT VERIFIED ON HARDWARE (no GPU on the build machine); the same contract is exercised with
 * {@link io.cordwatch.gpu.HostMemory} and, on a lent GPU, with {@code CudaMemory} (native's test
 * sources).
 */
final class PresetsMemory implements PipelineMemory {
  private static final Logger LOG = Logger.getLogger(PresetsMemory.class.getName());

  private final CUstream_st stream;
  private final MemorySegment streamSegment;
  private final OwnedSegments owned = new OwnedSegments();
  private boolean closed;

  PresetsMemory(CUstream_st stream) {
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

  @Override
  public synchronized MemorySegment device(long bytes) {
    return allocate(bytes, false);
  }

  @Override
  public synchronized MemorySegment staging(long bytes) {
    return allocate(bytes, true);
  }

  @SuppressWarnings("restricted")
  private MemorySegment allocate(long bytes, boolean pinned) {
    open();
    if (bytes <= 0) {
      throw new IllegalArgumentException("a buffer of " + bytes + " bytes");
    }
    Pointer p = new Pointer();
    check(
        (pinned ? "cudaMallocHost(" : "cudaMalloc(") + bytes + ")",
        pinned ? cudaMallocHost(p, bytes) : cudaMalloc(p, bytes));
    Arena arena = Arena.ofShared();
    MemorySegment s =
        MemorySegment.ofAddress(p.address())
            .reinterpret(
                bytes,
                arena,
                x -> {
                  int rc = pinned ? cudaFreeHost(pointer(x)) : cudaFree(pointer(x));
                  if (rc != cudaSuccess) {
                    LOG.warning(() -> (pinned ? "cudaFreeHost: " : "cudaFree: ") + error(rc));
                  }
                });
    return owned.keep(s, arena);
  }

  @Override
  public synchronized void free(MemorySegment segment) {
    owned.free(segment);
  }

  @Override
  public void upload(MemorySegment staging, MemorySegment device, long bytes) {
    open();
    check(
        "cudaMemcpyAsync H2D",
        cudaMemcpyAsync(pointer(device), pointer(staging), bytes, cudaMemcpyHostToDevice, stream));
  }

  @Override
  public void download(MemorySegment device, MemorySegment staging, long bytes) {
    open();
    check(
        "cudaMemcpyAsync D2H",
        cudaMemcpyAsync(pointer(staging), pointer(device), bytes, cudaMemcpyDeviceToHost, stream));
  }

  @Override
  public MemorySegment stream() {
    return streamSegment;
  }

  @Override
  public void synchronize() {
    open();
    check("cudaStreamSynchronize", cudaStreamSynchronize(stream));
  }

  @Override
  public String describe() {
    return "CUDA device memory and pinned staging on the TensorRT engine's stream (JavaCPP cudart)";
  }

  private synchronized void open() {
    if (closed) {
      throw new KernelException(KernelException.Code.CLOSED, "CUDA memory used after close");
    }
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

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    int rc = cudaStreamSynchronize(stream);
    if (rc != cudaSuccess) {
      LOG.fine(() -> "stream fault at close (buffers are freed anyway): " + error(rc));
    }
    owned.freeAll();
  }
}
