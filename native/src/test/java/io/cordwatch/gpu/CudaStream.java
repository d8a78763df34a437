package io.cordwatch.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A CUDA stream from {@link CudaRuntime#stream()}, owning a shared {@link Arena} whose cleanup
 * destroys it: {@link #handle()} is the cudaStream_t to pass as a kernel call's {@code stream}, and
 * is no longer alive once the stream is closed. {@link #close()} is idempotent.
 */
public final class CudaStream implements AutoCloseable {
  private final CudaRuntime runtime;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment handle;
  private boolean closed;

  @SuppressWarnings("restricted")
  CudaStream(CudaRuntime runtime, long address) {
    this.runtime = runtime;
    this.handle =
        MemorySegment.ofAddress(address)
            .reinterpret(0, arena, s -> runtime.destroyStream(s.address()));
  }

  /** The cudaStream_t. */
  public MemorySegment handle() {
    if (closed) {
      throw new KernelException(KernelException.Code.CLOSED, "CUDA stream used after close");
    }
    return handle;
  }

  /** Waits for everything enqueued so far; a kernel fault surfaces here as {@code CUDA}. */
  public void synchronize() {
    runtime.synchronize(this);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      arena.close();
    }
  }
}
