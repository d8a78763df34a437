package io.cordwatch.telemetry;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * File system figures from the C library's {@code statvfs(3)}, called through Panama. The JDK's
 * {@link java.nio.file.FileStore} gives bytes only, and its {@code unix:} attributes do not include
 * inode counts, yet a spool of many small files can run out of inodes with space to spare; asking
 * {@code statvfs} directly is what {@code df} itself does, with no process to start.
 *
 * <p>No library is loaded: {@code statvfs} is in the C library every JVM process already has, found
 * through the linker's default lookup. The {@code struct statvfs} layout is the one glibc and musl
 * use on 64-bit Linux (x86-64 and AArch64, the appliance's platforms): eleven 64-bit fields, then
 * spare ints. Elsewhere {@link #read} throws {@link IOException} saying so.
 */
// Binding a C function is what the restricted Panama methods are for; the appliance runs with
// --enable-native-access=ALL-UNNAMED (the launcher and the test JVMs set it).
@SuppressWarnings("restricted")
public final class Statvfs {
  private static final StructLayout STATVFS =
      MemoryLayout.structLayout(
          ValueLayout.JAVA_LONG.withName("f_bsize"),
          ValueLayout.JAVA_LONG.withName("f_frsize"),
          ValueLayout.JAVA_LONG.withName("f_blocks"),
          ValueLayout.JAVA_LONG.withName("f_bfree"),
          ValueLayout.JAVA_LONG.withName("f_bavail"),
          ValueLayout.JAVA_LONG.withName("f_files"),
          ValueLayout.JAVA_LONG.withName("f_ffree"),
          ValueLayout.JAVA_LONG.withName("f_favail"),
          ValueLayout.JAVA_LONG.withName("f_fsid"),
          ValueLayout.JAVA_LONG.withName("f_flag"),
          ValueLayout.JAVA_LONG.withName("f_namemax"),
          MemoryLayout.sequenceLayout(6, ValueLayout.JAVA_INT).withName("spare"));

  private static final String UNSUPPORTED = unsupportedReason();
  private static final MethodHandle CALL = UNSUPPORTED == null ? bind() : null;
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private Statvfs() {}

  private static String unsupportedReason() {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (!os.equals("Linux")) {
      return "statvfs figures are read on Linux only, not " + os;
    }
    if (!(arch.equals("amd64") || arch.equals("x86_64") || arch.equals("aarch64"))) {
      return "the statvfs layout is known for 64-bit x86 and ARM only, not " + arch;
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      return "statvfs figures are read on little-endian machines only";
    }
    return null;
  }

  private static MethodHandle bind() {
    Linker linker = Linker.nativeLinker();
    return linker.downcallHandle(
        linker
            .defaultLookup()
            .find("statvfs")
            .orElseThrow(() -> new IllegalStateException("the C library has no statvfs")),
        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS),
        Linker.Option.captureCallState("errno"));
  }

  /** The figures of the file system that holds {@code path}. */
  public static VolumeFigures read(Path path) throws IOException {
    if (UNSUPPORTED != null) {
      throw new IOException(UNSUPPORTED);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment buf = arena.allocate(STATVFS);
      MemorySegment name = arena.allocateFrom(path.toAbsolutePath().toString());
      int rc;
      try {
        rc = (int) CALL.invokeExact(state, name, buf);
      } catch (Throwable t) {
        throw new IOException("statvfs " + path + ": " + t, t);
      }
      if (rc != 0) {
        int errno = (int) ERRNO.get(state, 0L);
        throw new IOException("statvfs " + path + " failed with errno " + errno);
      }
      long frsize = field(buf, "f_frsize");
      long blocks = field(buf, "f_blocks");
      long bfree = field(buf, "f_bfree");
      long bavail = field(buf, "f_bavail");
      return new VolumeFigures(
          (blocks - bfree) * frsize, bavail * frsize, field(buf, "f_files"), field(buf, "f_ffree"));
    }
  }

  private static long field(MemorySegment buf, String name) {
    return buf.get(
        ValueLayout.JAVA_LONG, STATVFS.byteOffset(MemoryLayout.PathElement.groupElement(name)));
  }
}
