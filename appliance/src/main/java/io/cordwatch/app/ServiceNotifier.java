package io.cordwatch.app;

import io.cordwatch.systemd.NotifySocket;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * What the appliance tells systemd when it runs as a {@code Type=notify} service with {@code
 * WatchdogSec} (install/deb/cordwatch.service): {@code READY=1} once the listeners accept, {@code
 * WATCHDOG=1} every half watchdog interval while they are still alive, {@code STOPPING=1} on the
 * way down. Without {@code NOTIFY_SOCKET} in the environment (a checkout, a test, another service
 * manager) it does nothing.
 *
 * <p>The watchdog is fed only after a liveness check ({@link Appliance#listenersAlive}: every DICOM
 * accept loop and the HTTP server still running), never by a timer alone: a process whose listener
 * died, or a JVM too stuck to run this thread, stops the pings, and systemd kills and restarts it
 * after {@code WatchdogSec} ({@code Restart=on-failure}); nothing acknowledged is lost across a
 * restart. A full disk or a degraded GPU are not liveness failures (a restart would not fix them);
 * the readiness health says those.
 */
public final class ServiceNotifier implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ServiceNotifier.class.getName());

  private final NotifySocket socket;
  private final Duration ping;
  private final BooleanSupplier alive;
  private volatile boolean stopping;
  private Thread pinger;
  private boolean missed;

  private ServiceNotifier(NotifySocket socket, Duration ping, BooleanSupplier alive) {
    this.socket = socket;
    this.ping = ping;
    this.alive = alive;
  }

  /**
   * The notifier {@code env} asks for: none without {@code NOTIFY_SOCKET}; a watchdog every half
   * {@code WATCHDOG_USEC} when that is set and {@code WATCHDOG_PID} is absent or {@code pid}
   * (sd_watchdog_enabled(3)). Call {@link #ready} when serving, then {@link #startWatchdog}.
   *
   * @throws IOException when NOTIFY_SOCKET is set but unusable (the message names it)
   */
  public static ServiceNotifier fromEnvironment(
      Map<String, String> env, long pid, BooleanSupplier alive) throws IOException {
    String address = env.get("NOTIFY_SOCKET");
    if (address == null || address.isEmpty()) {
      return new ServiceNotifier(null, null, alive);
    }
    Duration ping = null;
    String usec = env.get("WATCHDOG_USEC");
    String forPid = env.get("WATCHDOG_PID");
    if (usec != null && (forPid == null || forPid.equals(Long.toString(pid)))) {
      try {
        long micros = Long.parseLong(usec.trim());
        if (micros > 0) {
          ping = Duration.ofNanos(micros * 1000 / 2);
        }
      } catch (NumberFormatException e) {
        throw new IOException("WATCHDOG_USEC '" + usec + "' is not a number of microseconds", e);
      }
    }
    return new ServiceNotifier(new NotifySocket(address), ping, alive);
  }

  /** Whether systemd is listening (NOTIFY_SOCKET was set). */
  public boolean active() {
    return socket != null;
  }

  /** The watchdog's ping interval (half of WatchdogSec), or null when there is no watchdog. */
  public Duration pingInterval() {
    return ping;
  }

  /** Tells systemd start-up is done; {@code status} is shown by {@code systemctl status}. */
  public void ready(String status) {
    send("READY=1\nSTATUS=" + status.replace('\n', ' '));
  }

  /** Starts the thread that feeds the watchdog, if there is one. */
  public synchronized void startWatchdog() {
    if (ping == null || pinger != null) {
      return;
    }
    LOG.info(
        "service: systemd watchdog on; alive is pinged every "
            + ping.toMillis()
            + " ms while the DICOM and HTTP listeners run");
    pinger =
        Thread.ofPlatform()
            .name("systemd-watchdog")
            .daemon(true)
            .start(
                () -> {
                  while (!stopping) {
                    watchdogTick();
                    LockSupport.parkNanos(ping.toNanos());
                  }
                });
  }

  /**
   * One watchdog round: pings when the appliance is alive, else logs (once per outage) and does
   * not, so that systemd restarts it. Returns whether it pinged.
   */
  boolean watchdogTick() {
    if (socket == null || stopping) {
      return false;
    }
    if (!alive.getAsBoolean()) {
      if (!missed) {
        LOG.severe(
            "service: a listener is down (DICOM accept loop or HTTP server); the systemd watchdog"
                + " is no longer fed and will restart the service");
      }
      missed = true;
      return false;
    }
    if (missed) {
      LOG.info("service: listeners alive again; feeding the systemd watchdog");
      missed = false;
    }
    return send("WATCHDOG=1");
  }

  private boolean send(String state) {
    if (socket == null) {
      return false;
    }
    try {
      socket.send(state);
      return true;
    } catch (IOException e) {
      LOG.warning("service: could not notify systemd: " + e.getMessage());
      return false;
    }
  }

  /** Says STOPPING=1 and stops the watchdog thread. Idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
      t = pinger;
      pinger = null;
    }
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    send("STOPPING=1");
    if (socket != null) {
      socket.close();
    }
  }
}
