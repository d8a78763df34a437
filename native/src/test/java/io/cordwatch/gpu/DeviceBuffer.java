package io.cordwatch.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Device memory from {@link CudaRuntime#allocate}. The buffer owns a shared {@link Arena}: its
 * {@link #segment()} is the device address, sized and tied to that arena, and closing the buffer
 * closes the arena, whose cleanup frees the memory. A closed buffer's segment is no longer alive,
 * so passing it to a kernel call afterwards throws {@link IllegalStateException} in the Panama
 * layer rather than handing a freed address to the GPU. {@link #close()} is idempotent.
 *
 * <p>The segment's address must not be dereferenced from Java (it is device memory); copy with
 * {@link CudaRuntime#upload} and {@link CudaRuntime#download}.
 */
public final class DeviceBuffer implements AutoCloseable {
  private final Arena arena = Arena.ofShared();
  private final MemorySegment segment;
  private final long bytes;
  private boolean closed;

  @SuppressWarnings("restricted")
  DeviceBuffer(CudaRuntime runtime, long address, long bytes) {
    this.bytes = bytes;
    this.segment =
        MemorySegment.ofAddress(address).reinterpret(bytes, arena, s -> runtime.free(s.address()));
  }

  /** The device address as a segment of {@link #bytes()} bytes. */
  public MemorySegment segment() {
    if (closed) {
      throw new KernelException(KernelException.Code.CLOSED, "device buffer used after close");
    }
    return segment;
  }

  /** The device address {@code offsetBytes} into the buffer (for example a batch's slice). */
  public MemorySegment at(long offsetBytes) {
    return segment().asSlice(offsetBytes);
  }

  public long bytes() {
    return bytes;
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      arena.close();
    }
  }
}
