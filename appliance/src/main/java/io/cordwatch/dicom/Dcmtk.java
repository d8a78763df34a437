package io.cordwatch.dicom;

import java.util.ArrayList;
import java.util.List;

/**
 * DCMTK's command-line tools as CordWatch's own commands drive them ({@code cordwatch demo} sends
 * its phantom study with {@code storescu}; the benches send with it and receive with {@code
 * storescp}): the one place that knows {@code storescu}'s argument order, the environment DCMTK
 * needs to be measured fairly, and the line its verbose log writes for an acknowledged instance.
 *
 * <p>Debian's DCMTK leaves Nagle's algorithm on unless {@code TCP_NODELAY=1} is in the environment;
 * then every C-STORE whose last PDU is short waits for the peer's delayed ACK (about 40 ms on Linux
 * loopback), on either side, which swamps whatever the receiver does. So every process made here
 * has it switched off.
 */
public final class Dcmtk {
  /** What {@code storescu -v} logs for each instance the receiver answered with Success. */
  public static final String STORE_SUCCESS = "Received Store Response (Success)";

  private Dcmtk() {}

  /**
   * {@code storescu} sending {@code sources} to a receiver on loopback.
   *
   * @param options storescu's options, e.g. {@code -v} (log each response, so Success responses can
   *     be counted) or {@code +sd} (scan the source folders)
   * @param sources files, or folders with {@code +sd}
   */
  public static ProcessBuilder storescu(
      String callingAe, String calledAe, int port, List<String> options, List<String> sources) {
    List<String> cmd = new ArrayList<>(List.of("storescu"));
    cmd.addAll(options);
    cmd.addAll(List.of("-aet", callingAe, "-aec", calledAe, "127.0.0.1", Integer.toString(port)));
    cmd.addAll(sources);
    return process(cmd);
  }

  /** A DCMTK tool's process: standard error merged into its output, Nagle's algorithm off. */
  public static ProcessBuilder process(List<String> command) {
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().put("TCP_NODELAY", "1");
    return b;
  }
}
