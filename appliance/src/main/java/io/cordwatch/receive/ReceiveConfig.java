package io.cordwatch.receive;

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
 * @param idleTimeout how long an association may sit idle between PDUs
 * @param artimTimeout how long a new connection has to send its A-ASSOCIATE-RQ
 * @param maxObjectBytes largest data set accepted in one C-STORE
 */
public record ReceiveConfig(
    String bind,
    int dicomPort,
    String aeTitle,
    List<String> allowAe,
    int maxAssociations,
    Duration idleTimeout,
    Duration artimTimeout,
    long maxObjectBytes) {

  public ReceiveConfig {
    allowAe = List.copyOf(allowAe);
  }
}
