/**
 * The Java side of CordWatch's own kernels: Panama ({@code java.lang.foreign}) bindings to the C
 * ABI of kernels/include/cordwatch_kernels.h, in its host build (plain C, any machine) and its CUDA
 * build.
 *
 * <p>Owns: loading the kernel libraries, in one place and a documented order ({@link
 * io.cordwatch.gpu.KernelLibrary}); the typed calls of every kernel operation; the mapping of C
 * status codes to {@link io.cordwatch.gpu.KernelException}. Every native resource is a final {@link
 * java.lang.AutoCloseable} owning its {@link java.lang.foreign.Arena}.
 *
 * <p>May not touch: the appliance (this module cannot see it; the Java references the kernels are
 * checked against live in the appliance, and so do the differential tests), DICOM, or any decision
 * about grades. Nothing from {@code java.lang.foreign} leaks into the appliance's API beyond {@link
 * java.lang.foreign.MemorySegment} arguments of the GPU path.
 */
package io.cordwatch.gpu;
