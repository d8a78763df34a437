package io.cordwatch.receive;

import io.cordwatch.tls.ServerTls;
import java.time.Duration;
import java.util.List;

/**
 * What the DICOM listener is told at start-up (keys of the same names in the appliance's settings;
 * checked there).
 *
 * @param bind address the listener binds to
 * @param dicomPort port to listen on; 0 picks a free one
 * @param aeTitle our (called) AE title
 * @param allowAe calling AE titles allowed to send; empty means nobody may
 * @param maxAssociations concurrent associations before "local limit exceeded"
 * @param maxAssociationsPerAe concurrent associations one calling AE title may hold (1 to {@code
 *     maxAssociations}), so one sender cannot take every slot
 * @param idleTimeout how long an association may wait for its next whole PDU
 * @param artimTimeout how long a new connection has to send its A-ASSOCIATE-RQ
 * @param maxObjectBytes largest data set accepted in one C-STORE
 * @param tls the DICOM TLS listener beside the plain one, or null for none
 */
public record ReceiveConfig(
    String bind,
    int dicomPort,
    String aeTitle,
    List<String> allowAe,
    int maxAssociations,
    int maxAssociationsPerAe,
    Duration idleTimeout,
    Duration artimTimeout,
    long maxObjectBytes,
    Tls tls) {

  /**
   * The second listener, DICOM over TLS (PS3.15 B.9/B.10, BCP 195): same AE titles, limits and
   * timeouts as the plain one, its own port.
   *
   * @param port port to listen on; 0 picks a free one
   * @param identity our certificate and key, the client CAs if any, and the protocol policy
   */
  public record Tls(int port, ServerTls identity) {}

  public ReceiveConfig {
    allowAe = List.copyOf(allowAe);
    if (maxAssociationsPerAe < 1 || maxAssociationsPerAe > maxAssociations) {
      throw new IllegalArgumentException(
          "maxAssociationsPerAe must be 1 to " + maxAssociations + ", was " + maxAssociationsPerAe);
    }
  }

  /**
   * The per-AE limit when none is set: half of {@code maxAssociations}, rounded up, so two senders
   * can always share the listener and one alone still gets at least one association.
   */
  public static int defaultPerAeLimit(int maxAssociations) {
    return Math.max(1, (maxAssociations + 1) / 2);
  }
}
