package io.cordwatch.systemd;

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
import java.nio.charset.StandardCharsets;

/**
 * A datagram socket to the service manager's {@code NOTIFY_SOCKET}: {@link #send} writes one
 * notification such as {@code READY=1} or {@code WATCHDOG=1} (systemd.service(5), sd_notify(3)).
 * The address is a file system path, or an abstract name when it starts with {@code @}.
 *
 * <p>One unbound {@code AF_UNIX}/{@code SOCK_DGRAM} socket is opened at construction and every
 * notification is one {@code sendto} to the address: the kernel hands systemd our credentials with
 * it, which is how systemd knows the main process sent it. Linux only (the constants below are the
 * same on x86-64 and aarch64). Final and {@link AutoCloseable}: {@link #close} is idempotent and a
 * send after it throws.
 */
// Binding libc is what the restricted Panama methods are for; the appliance runs with
// --enable-native-access=ALL-UNNAMED.
@SuppressWarnings("restricted")
public final class NotifySocket implements AutoCloseable {
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int MSG_NOSIGNAL = 0x4000;

  /** sun_path in struct sockaddr_un. */
  private static final int PATH_MAX = 108;

  private static final StructLayout SOCKADDR_UN =
      MemoryLayout.structLayout(
          ValueLayout.JAVA_SHORT.withName("sun_family"),
          MemoryLayout.sequenceLayout(PATH_MAX, ValueLayout.JAVA_BYTE).withName("sun_path"));
  private static final VarHandle FAMILY =
      SOCKADDR_UN.varHandle(MemoryLayout.PathElement.groupElement("sun_family"));
  private static final long PATH_OFFSET =
      SOCKADDR_UN.byteOffset(MemoryLayout.PathElement.groupElement("sun_path"));

  private static final StructLayout ERRNO = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO_VALUE =
      ERRNO.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle SOCKET;
  private static final MethodHandle SENDTO;
  private static final MethodHandle CLOSE;

  static {
    Linker linker = Linker.nativeLinker();
    Linker.Option errno = Linker.Option.captureCallState("errno");
    SOCKET =
        linker.downcallHandle(
            linker.defaultLookup().findOrThrow("socket"),
            FunctionDescriptor.of(
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT),
            errno);
    SENDTO =
        linker.downcallHandle(
            linker.defaultLookup().findOrThrow("sendto"),
            FunctionDescriptor.of(
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT),
            errno);
    CLOSE =
        linker.downcallHandle(
            linker.defaultLookup().findOrThrow("close"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  }

  private final String address;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment sockaddr;
  private final int sockaddrLength;
  private final MemorySegment errno;
  private int fd;

  /**
   * Opens a socket for notifications to {@code address} (a path, or {@code @name} for an abstract
   * socket).
   *
   * @throws IOException when the address is empty or too long, or the socket cannot be made
   */
  public NotifySocket(String address) throws IOException {
    this.address = address;
    byte[] name = address.getBytes(StandardCharsets.UTF_8);
    boolean isAbstract = name.length > 0 && name[0] == '@';
    if (name.length == 0 || (!isAbstract && name[0] != '/')) {
      arena.close();
      throw new IOException(
          "NOTIFY_SOCKET '" + address + "' is neither an absolute path nor an @abstract name");
    }
    // A path needs its terminating NUL inside sun_path; an abstract name has none.
    if (name.length > (isAbstract ? PATH_MAX : PATH_MAX - 1)) {
      arena.close();
      throw new IOException("NOTIFY_SOCKET '" + address + "' is longer than sun_path");
    }
    sockaddr = arena.allocate(SOCKADDR_UN);
    FAMILY.set(sockaddr, 0L, (short) AF_UNIX);
    MemorySegment path = sockaddr.asSlice(PATH_OFFSET, PATH_MAX);
    MemorySegment.copy(name, 0, path, ValueLayout.JAVA_BYTE, 0, name.length);
    if (isAbstract) {
      path.set(ValueLayout.JAVA_BYTE, 0, (byte) 0);
      sockaddrLength = (int) PATH_OFFSET + name.length;
    } else {
      sockaddrLength = (int) PATH_OFFSET + name.length + 1;
    }
    errno = arena.allocate(ERRNO);
    int s;
    try {
      s = (int) SOCKET.invokeExact(errno, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    } catch (Throwable t) {
      arena.close();
      throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed: " + t, t);
    }
    if (s < 0) {
      int e = errno();
      arena.close();
      throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed: errno " + e);
    }
    fd = s;
  }

  /** The address notifications go to, as given. */
  public String address() {
    return address;
  }

  /**
   * Sends one notification: newline-separated {@code KEY=value} assignments, e.g. {@code
   * "READY=1\nSTATUS=serving"}.
   *
   * @throws IOException when the service manager's socket does not take it (errno in the message)
   * @throws IllegalStateException after {@link #close}
   */
  public synchronized void send(String state) throws IOException {
    if (fd < 0) {
      throw new IllegalStateException("notify socket closed");
    }
    byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
    try (Arena call = Arena.ofConfined()) {
      MemorySegment buf = call.allocate(Math.max(1, bytes.length));
      MemorySegment.copy(bytes, 0, buf, ValueLayout.JAVA_BYTE, 0, bytes.length);
      long sent =
          (long)
              SENDTO.invokeExact(
                  errno, fd, buf, (long) bytes.length, MSG_NOSIGNAL, sockaddr, sockaddrLength);
      if (sent < 0) {
        throw new IOException("sendto " + address + " failed: errno " + errno());
      }
    } catch (IOException e) {
      throw e;
    } catch (Throwable t) {
      throw new IOException("sendto " + address + " failed: " + t, t);
    }
  }

  private int errno() {
    return (int) ERRNO_VALUE.get(errno, 0L);
  }

  @Override
  public synchronized void close() {
    if (fd < 0) {
      return;
    }
    int s = fd;
    fd = -1;
    try {
      int ignored = (int) CLOSE.invokeExact(s);
    } catch (Throwable t) {
      // The descriptor is gone either way; nothing to recover.
    }
    arena.close();
  }
}
