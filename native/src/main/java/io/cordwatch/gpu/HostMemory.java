package io.cordwatch.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * {@link PipelineMemory} for the host build of the kernels: every buffer is ordinary off-heap
 * memory, a copy is {@link MemorySegment#copy}, and there is no stream (the host kernels have
 * finished when they return). Buffers, close and the refusal after close are {@link OwnedMemory}'s.
 */
public final class HostMemory extends OwnedMemory {
  private static final long ALIGNMENT = 256;

  public HostMemory() {
    super("host memory");
  }

  @Override
  public KernelLibrary.Flavour flavour() {
    return KernelLibrary.Flavour.HOST;
  }

  @Override
  protected MemorySegment allocate(long bytes, boolean staging, Arena arena) {
    return arena.allocate(bytes, ALIGNMENT);
  }

  @Override
  protected void copy(MemorySegment from, MemorySegment to, long bytes, boolean upload) {
    MemorySegment.copy(from, 0, to, 0, bytes);
  }

  @Override
  protected void awaitStream() {}

  @Override
  public MemorySegment stream() {
    return MemorySegment.NULL;
  }

  @Override
  public String describe() {
    return "host memory (no stream)";
  }
}
