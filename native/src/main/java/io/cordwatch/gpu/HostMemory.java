package io.cordwatch.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link PipelineMemory} for the host build of the kernels: every buffer is ordinary off-heap
 * memory, a copy is {@link MemorySegment#copy}, and there is no stream (the host kernels have
 * finished when they return). Each buffer has its own shared {@link Arena}, closed by {@link #free}
 * or {@link #close}, so a freed buffer is no longer alive rather than dangling.
 */
public final class HostMemory implements PipelineMemory {
  private static final long ALIGNMENT = 256;

  private final OwnedSegments owned = new OwnedSegments();
  private boolean closed;

  @Override
  public KernelLibrary.Flavour flavour() {
    return KernelLibrary.Flavour.HOST;
  }

  @Override
  public synchronized MemorySegment device(long bytes) {
    return allocate(bytes);
  }

  @Override
  public synchronized MemorySegment staging(long bytes) {
    return allocate(bytes);
  }

  private MemorySegment allocate(long bytes) {
    open();
    if (bytes <= 0) {
      throw new IllegalArgumentException("a buffer of " + bytes + " bytes");
    }
    Arena arena = Arena.ofShared();
    MemorySegment s = arena.allocate(bytes, ALIGNMENT);
    return owned.keep(s, arena);
  }

  @Override
  public synchronized void free(MemorySegment segment) {
    owned.free(segment);
  }

  @Override
  public void upload(MemorySegment staging, MemorySegment device, long bytes) {
    open();
    MemorySegment.copy(staging, 0, device, 0, bytes);
  }

  @Override
  public void download(MemorySegment device, MemorySegment staging, long bytes) {
    open();
    MemorySegment.copy(device, 0, staging, 0, bytes);
  }

  @Override
  public MemorySegment stream() {
    return MemorySegment.NULL;
  }

  @Override
  public void synchronize() {
    open();
  }

  @Override
  public String describe() {
    return "host memory (no stream)";
  }

  private synchronized void open() {
    if (closed) {
      throw new KernelException(KernelException.Code.CLOSED, "host memory used after close");
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    owned.freeAll();
  }
}
