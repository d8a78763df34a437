package io.cordwatch.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * {@link PipelineMemory} on the Panama CUDA runtime binding ({@link CudaRuntime}): cudaMalloc'd
 * device memory, cudaMallocHost'd (page-locked) staging, and a stream of its own. It lets the fused
 * pipeline run on a GPU without the JavaCPP presets, which is how kernels/device-check.sh checks
 * the pipeline's orchestration on a lent GPU that has CUDA but no TensorRT. The TensorRT engine
 * takes its memory from the presets instead ({@code io.cordwatch.gpu.tensorrt}), so that one CUDA
 * runtime serves TensorRT and the pipeline in production.
 *
 * <p>Each buffer is a segment tied to its own shared {@link Arena} whose cleanup frees it; {@link
 * #close} waits for the stream, frees every buffer and destroys the stream. Device segments must
 * not be read from Java.
 */
public final class CudaMemory implements PipelineMemory {
  private static final Logger LOG = Logger.getLogger(CudaMemory.class.getName());

  private final CudaRuntime rt;
  private final CudaStream stream;
  private final Map<MemorySegment, Arena> owned = new IdentityHashMap<>();
  private boolean closed;

  /** Memory and a new stream on the runtime's current device. */
  public CudaMemory(CudaRuntime rt) {
    this.rt = rt;
    this.stream = rt.stream();
  }

  @Override
  public KernelLibrary.Flavour flavour() {
    return KernelLibrary.Flavour.CUDA;
  }

  @Override
  @SuppressWarnings("restricted")
  public synchronized MemorySegment device(long bytes) {
    open();
    positive(bytes);
    long address = rt.mallocDevice(bytes);
    Arena arena = Arena.ofShared();
    MemorySegment s =
        MemorySegment.ofAddress(address).reinterpret(bytes, arena, x -> rt.free(x.address()));
    owned.put(s, arena);
    return s;
  }

  @Override
  @SuppressWarnings("restricted")
  public synchronized MemorySegment staging(long bytes) {
    open();
    positive(bytes);
    long address = rt.mallocHost(bytes);
    Arena arena = Arena.ofShared();
    MemorySegment s =
        MemorySegment.ofAddress(address).reinterpret(bytes, arena, x -> rt.freeHost(x.address()));
    owned.put(s, arena);
    return s;
  }

  private static void positive(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("a buffer of " + bytes + " bytes");
    }
  }

  @Override
  public synchronized void free(MemorySegment segment) {
    Arena arena = owned.remove(segment);
    if (arena != null) {
      arena.close();
    }
  }

  @Override
  public void upload(MemorySegment staging, MemorySegment device, long bytes) {
    open();
    rt.uploadAsync(staging, device, bytes, stream.handle());
  }

  @Override
  public void download(MemorySegment device, MemorySegment staging, long bytes) {
    open();
    rt.downloadAsync(device, staging, bytes, stream.handle());
  }

  @Override
  public MemorySegment stream() {
    return stream.handle();
  }

  @Override
  public void synchronize() {
    open();
    stream.synchronize();
  }

  @Override
  public String describe() {
    return "CUDA device memory and pinned staging (Panama cudart from " + rt.source() + ")";
  }

  private synchronized void open() {
    if (closed) {
      throw new KernelException(KernelException.Code.CLOSED, "CUDA memory used after close");
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      stream.synchronize();
    } catch (KernelException e) {
      LOG.fine(() -> "stream fault at close (buffers are freed anyway): " + e.getMessage());
    }
    owned.values().forEach(Arena::close);
    owned.clear();
    stream.close();
  }
}
