package io.cordwatch.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Two CUDA events bracketing work on a stream, read as GPU milliseconds: the timing the device
 * check reports (GPU time between the events, not host wall time). Owns a shared {@link Arena}
 * whose cleanup destroys both events; {@link #close()} is idempotent.
 */
public final class CudaTimer implements AutoCloseable {
  private final CudaRuntime runtime;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment start;
  private final MemorySegment stop;
  private boolean closed;

  @SuppressWarnings("restricted")
  public CudaTimer(CudaRuntime runtime) {
    this.runtime = runtime;
    long a = runtime.createEvent();
    long b;
    try {
      b = runtime.createEvent();
    } catch (RuntimeException e) {
      runtime.destroyEvent(a);
      throw e;
    }
    this.start =
        MemorySegment.ofAddress(a).reinterpret(0, arena, s -> runtime.destroyEvent(s.address()));
    this.stop =
        MemorySegment.ofAddress(b).reinterpret(0, arena, s -> runtime.destroyEvent(s.address()));
  }

  /** Records the start event on the stream. */
  public void start(CudaStream stream) {
    runtime.recordEvent(live(start).address(), stream);
  }

  /** Records the stop event on the stream. */
  public void stop(CudaStream stream) {
    runtime.recordEvent(live(stop).address(), stream);
  }

  /** Waits for the stop event and returns the GPU time between the two events. */
  public double elapsedMillis() {
    return runtime.elapsedMillis(live(start).address(), live(stop).address());
  }

  private MemorySegment live(MemorySegment event) {
    if (closed) {
      throw new KernelException(KernelException.Code.CLOSED, "CUDA timer used after close");
    }
    return event;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      arena.close();
    }
  }
}
