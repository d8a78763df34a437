package io.cordwatch.receive;

import io.cordwatch.dicom.InstanceFacts;
import java.util.Set;

/**
 * What the next stage (study tracking) hears from the receiver. Called on receiver threads; keep it
 * short.
 */
public interface ReceiveListener {
  /** An instance is durable and indexed (called before its Success is sent). */
  void instanceStored(InstanceFacts facts);

  /** An association ended; {@code seriesUids} received instances on it. */
  void associationEnded(Set<String> seriesUids, boolean released);

  /** A listener that ignores everything. */
  ReceiveListener NONE =
      new ReceiveListener() {
        @Override
        public void instanceStored(InstanceFacts facts) {}

        @Override
        public void associationEnded(Set<String> seriesUids, boolean released) {}
      };
}
