package io.cordwatch.gpu;

import java.lang.foreign.MemorySegment;

/**
 * Where a {@link FusedPipeline} keeps its buffers and how it moves bytes: device memory,
 * page-locked staging memory and one stream for the CUDA build; plain host memory and no stream for
 * the host build. The pipeline's orchestration is the same code over either, which is what lets it
 * run for real on a machine without a GPU.
 *
 * <p>Segments from {@link #device} are the kernel library's "D" memory: device addresses for the
 * CUDA build, which Java must never read or write (only pass to kernels and copies), host memory
 * for the host build. Segments from {@link #staging} are host memory Java reads and writes, and the
 * source or target of every copy. Every segment is owned by this object: it stays valid until
 * {@link #free} or {@link #close}, after which it is no longer alive (Panama refuses to pass it).
 *
 * <p>Copies and kernels are ordered on {@link #stream()}; their results are ready after {@link
 * #synchronize()}. Implementations are final, close idempotently (waiting for the stream first),
 * and throw {@link KernelException} with {@link KernelException.Code#CLOSED} when used after close.
 */
public interface PipelineMemory extends AutoCloseable {
  /** The kernel build whose "D" pointers this memory provides. */
  KernelLibrary.Flavour flavour();

  /** Kernel memory of {@code bytes} bytes (device memory for CUDA), 256-byte aligned. */
  MemorySegment device(long bytes);

  /** Host memory Java can read and write, of {@code bytes} bytes; page-locked for CUDA. */
  MemorySegment staging(long bytes);

  /** Releases a segment from {@link #device} or {@link #staging} before close (a buffer grows). */
  void free(MemorySegment segment);

  /** Enqueues a copy of {@code bytes} bytes from staging to kernel memory. */
  void upload(MemorySegment staging, MemorySegment device, long bytes);

  /** Enqueues a copy of {@code bytes} bytes from kernel memory to staging. */
  void download(MemorySegment device, MemorySegment staging, long bytes);

  /** The stream kernels are enqueued on: a cudaStream_t, or {@link MemorySegment#NULL}. */
  MemorySegment stream();

  /**
   * Waits until everything enqueued has run; a fault of an earlier kernel or copy surfaces here.
   */
  void synchronize();

  /** One line for logs: what memory and which stream. */
  String describe();

  @Override
  void close();
}
