package io.cordwatch.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * What every {@link PipelineMemory} does the same way, whatever holds its bytes: each buffer is a
 * segment tied to its own shared {@link Arena}, so freeing it (or closing the memory) leaves it no
 * longer alive rather than dangling; sizes must be positive; use after close is refused with {@link
 * KernelException.Code#CLOSED}; and close is idempotent, waits for the stream (a fault there is
 * logged, since the buffers are freed anyway), frees every buffer left and then releases what the
 * memory owns besides. A subclass says only how a buffer is made, how bytes are copied, how its
 * stream is waited for, and what else it releases: host memory here ({@link HostMemory}), the
 * TensorRT engine's CUDA runtime in production, the Panama CUDA binding in the GPU tests.
 */
public abstract class OwnedMemory implements PipelineMemory {
  private static final Logger LOG = Logger.getLogger(OwnedMemory.class.getName());

  private final String what;
  private final Map<MemorySegment, Arena> owned = new IdentityHashMap<>();
  private boolean closed;

  /**
   * @param what the memory in words for the refusal after close, e.g. "CUDA memory"
   */
  protected OwnedMemory(String what) {
    this.what = what;
  }

  /**
   * A buffer of {@code bytes} bytes that closing {@code arena} frees.
   *
   * @param staging host memory Java reads and writes ({@link #staging}), else kernel memory ({@link
   *     #device})
   */
  protected abstract MemorySegment allocate(long bytes, boolean staging, Arena arena);

  /** Enqueues a copy of {@code bytes} bytes, staging to kernel memory when {@code upload}. */
  protected abstract void copy(MemorySegment from, MemorySegment to, long bytes, boolean upload);

  /** Waits for everything enqueued on the stream; throws {@link KernelException} on a fault. */
  protected abstract void awaitStream();

  /** Releases what the memory owns besides its buffers (a stream); called once, at close. */
  protected void release() {}

  @Override
  public final synchronized MemorySegment device(long bytes) {
    return keep(bytes, false);
  }

  @Override
  public final synchronized MemorySegment staging(long bytes) {
    return keep(bytes, true);
  }

  private MemorySegment keep(long bytes, boolean staging) {
    requireOpen();
    if (bytes <= 0) {
      throw new IllegalArgumentException("a buffer of " + bytes + " bytes");
    }
    Arena arena = Arena.ofShared();
    try {
      MemorySegment s = allocate(bytes, staging, arena);
      owned.put(s, arena);
      return s;
    } catch (RuntimeException e) {
      arena.close();
      throw e;
    }
  }

  /** Frees a buffer handed out before; one not (or no longer) held is ignored. */
  @Override
  public final synchronized void free(MemorySegment segment) {
    Arena arena = owned.remove(segment);
    if (arena != null) {
      arena.close();
    }
  }

  @Override
  public final void upload(MemorySegment staging, MemorySegment device, long bytes) {
    requireOpen();
    copy(staging, device, bytes, true);
  }

  @Override
  public final void download(MemorySegment device, MemorySegment staging, long bytes) {
    requireOpen();
    copy(device, staging, bytes, false);
  }

  @Override
  public final void synchronize() {
    requireOpen();
    awaitStream();
  }

  private synchronized void requireOpen() {
    if (closed) {
      throw new KernelException(KernelException.Code.CLOSED, what + " used after close");
    }
  }

  @Override
  public final synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    drain();
    owned.values().forEach(Arena::close);
    owned.clear();
    release();
  }

  /** Waits for the stream at close; a fault is logged, since the buffers are freed anyway. */
  private void drain() {
    try {
      awaitStream();
    } catch (KernelException e) {
      LOG.fine(() -> "stream fault at close (buffers are freed anyway): " + e.getMessage());
    }
  }
}
