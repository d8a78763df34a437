package io.cordwatch.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The index's query-only connections, lent to one read at a time ({@link Database#read}).
 *
 * <p>A fair queue of idle connections: a read takes one, or waits for the first one given back, in
 * the order the reads arrived. Waiting ignores interrupts, as the monitor this replaces did: a read
 * is short, and a request thread interrupted by a server shutting down should finish the read it
 * began rather than fail it half way (its interrupt status is kept for whoever checks next).
 *
 * <p>Closing takes every connection back, so it waits for the reads in progress, closes them, and
 * then returns them to the queue closed: a read still waiting wakes, finds the index closed and
 * gives its connection straight back, so nobody waits for ever on a closed index.
 */
final class ReadPool {
  private final int size;
  private final BlockingQueue<Connection> idle;

  ReadPool(List<Connection> connections) {
    this.size = connections.size();
    this.idle = new ArrayBlockingQueue<>(size, true, connections);
  }

  int size() {
    return size;
  }

  /** An idle connection, waiting for one to be given back if all are lent. */
  Connection take() {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return idle.take();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Returns a connection {@link #take} lent. */
  void give(Connection c) {
    if (!idle.offer(c)) {
      throw new IllegalStateException("a read connection was given back twice");
    }
  }

  /** Waits for every connection to come back, closes each, and leaves them in the queue closed. */
  void closeAll() throws SQLException {
    List<Connection> back = new ArrayList<>(size);
    SQLException failed = null;
    try {
      for (int i = 0; i < size; i++) {
        Connection c = take();
        back.add(c);
        try {
          c.close();
        } catch (SQLException e) {
          if (failed == null) {
            failed = e;
          } else {
            failed.addSuppressed(e);
          }
        }
      }
    } finally {
      back.forEach(this::give);
    }
    if (failed != null) {
      throw failed;
    }
  }
}
