package io.cordwatch.receive;

import com.pixelmed.network.Association;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.logging.Logger;

/**
 * The one place CordWatch changes PixelMed's internals, and why.
 *
 * <p>After answering A-RELEASE-RQ, PixelMed's {@link Association} waits a fixed 5 s (its private
 * static {@code associationReleaseToTransportConnectionCloseTimeoutInMilliseconds}, an {@code
 * Object.wait} inside a private method; no setter, no constructor argument, no subclass hook)
 * before it lets go of the association, without noticing that the peer already closed. Each release
 * would hold a thread and an association slot for 5 s, and a sender doing one association per file
 * (storescu in a loop, many modalities) would exhaust the limit. The wait only exists so the peer
 * closes first; a short one keeps that courtesy.
 *
 * <p>There is no supported way: the value is read in the middle of PixelMed's own PDU loop, so only
 * an association loop of our own would avoid it. Until then it is set here by reflection, once per
 * JVM (the field is static, so it holds for every PixelMed association in the process, which today
 * are only the receiver's). {@code PixelMedReleaseWaitTest} fails when a new PixelMed renames or
 * retypes the field; at run time a failure is one warning naming the consequence, and the receiver
 * works on with PixelMed's 5 s.
 */
final class PixelMedReleaseWait {
  private static final Logger LOG = Logger.getLogger(PixelMedReleaseWait.class.getName());

  /** PixelMed's private field (Debian libpixelmed-java 20220618). */
  static final String FIELD = "associationReleaseToTransportConnectionCloseTimeoutInMilliseconds";

  /** The wait CordWatch sets, in milliseconds. */
  static final int MILLIS = 200;

  private static boolean applied;
  private static String failure;

  private PixelMedReleaseWait() {}

  /**
   * Sets the short wait, once per JVM.
   *
   * @return null when PixelMed's wait is {@link #MILLIS}, else why it is not (also logged once)
   */
  static synchronized String apply() {
    if (!applied) {
      applied = true;
      failure = shorten();
    }
    return failure;
  }

  private static String shorten() {
    try {
      Field f = field();
      f.setInt(null, MILLIS);
      return null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      String why = e.toString();
      LOG.warning(
          "cannot shorten PixelMed's post-release wait ("
              + why
              + "); each released association holds its slot for 5 s");
      return why;
    }
  }

  /** The field, checked to be the static int it was; made accessible. */
  static Field field() throws NoSuchFieldException {
    Field f = Association.class.getDeclaredField(FIELD);
    if (f.getType() != int.class || !Modifier.isStatic(f.getModifiers())) {
      throw new IllegalStateException(
          "PixelMed's Association." + FIELD + " is no longer a static int: " + f);
    }
    f.setAccessible(true);
    return f;
  }
}
