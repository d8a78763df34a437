package io.cordwatch.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The buffers a {@link PipelineMemory} handed out, each with the arena that frees it: freeing one
 * closes its arena (so a freed buffer is no longer alive rather than dangling), and closing the
 * memory closes every arena left. Shared by the host and the CUDA memories.
 */
public final class OwnedSegments {
  private final Map<MemorySegment, Arena> owned = new IdentityHashMap<>();

  /** Keeps {@code segment}, to be freed by closing {@code arena}; returns the segment. */
  public synchronized MemorySegment keep(MemorySegment segment, Arena arena) {
    owned.put(segment, arena);
    return segment;
  }

  /** Frees a buffer handed out before; one not (or no longer) held is ignored. */
  public synchronized void free(MemorySegment segment) {
    Arena arena = owned.remove(segment);
    if (arena != null) {
      arena.close();
    }
  }

  /** Frees every buffer still held. */
  public synchronized void freeAll() {
    owned.values().forEach(Arena::close);
    owned.clear();
  }
}
