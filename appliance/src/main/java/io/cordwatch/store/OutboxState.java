package io.cordwatch.store;

/**
 * An outbox row's state; {@link #sql} is the {@code outbox.state} value. Pending rows are sent when
 * due; a send that succeeds makes the row sent, one that fails leaves it pending with a later due
 * time, until the sender gives up and marks it failed. A row still pending when its series gets a
 * new verdict is superseded: the new verdict's documents replace it.
 */
public enum OutboxState {
  PENDING,
  SENT,
  FAILED,
  SUPERSEDED;

  /** The spelling stored in the database. */
  public String sql() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
