package io.cordwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.systemd.NotifyReceiver;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What systemd hears from the appliance: readiness, a watchdog fed only while alive, stopping. */
class ServiceNotifierTest {
  @TempDir Path tmp;

  @Test
  void withoutNotifySocketNothingIsSent() throws Exception {
    try (ServiceNotifier n =
        ServiceNotifier.fromEnvironment(Map.of("WATCHDOG_USEC", "2000000"), 1, () -> true)) {
      assertFalse(n.active());
      assertNull(n.pingInterval());
      assertFalse(n.watchdogTick());
    }
  }

  @Test
  void theWatchdogIsFedOnlyWhileTheListenersAreAlive() throws Exception {
    String address = tmp.resolve("notify").toString();
    AtomicBoolean alive = new AtomicBoolean(true);
    try (NotifyReceiver systemd = new NotifyReceiver(address)) {
      ServiceNotifier n =
          ServiceNotifier.fromEnvironment(
              Map.of("NOTIFY_SOCKET", address, "WATCHDOG_USEC", "60000000", "WATCHDOG_PID", "42"),
              42,
              alive::get);
      assertEquals(Duration.ofSeconds(30), n.pingInterval());
      n.ready("DICOM on port 11112");
      assertEquals("READY=1\nSTATUS=DICOM on port 11112", systemd.next());
      assertTrue(n.watchdogTick());
      alive.set(false);
      assertFalse(n.watchdogTick(), "a dead listener is not pinged for");
      assertFalse(n.watchdogTick());
      alive.set(true);
      assertTrue(n.watchdogTick());
      n.close();
      n.close();
      assertFalse(n.watchdogTick(), "nothing after close");
      // Datagrams arrive in order: the two ticks while dead sent nothing.
      assertEquals("WATCHDOG=1", systemd.next());
      assertEquals("WATCHDOG=1", systemd.next());
      assertEquals("STOPPING=1", systemd.next());
    }
  }

  @Test
  void aWatchdogMeantForAnotherProcessIsNotOurs() throws Exception {
    String address = tmp.resolve("notify").toString();
    try (ServiceNotifier n =
        ServiceNotifier.fromEnvironment(
            Map.of("NOTIFY_SOCKET", address, "WATCHDOG_USEC", "2000000", "WATCHDOG_PID", "7"),
            8,
            () -> true)) {
      assertTrue(n.active());
      assertNull(n.pingInterval());
    }
  }

  @Test
  void anUnusableNotifySocketOrIntervalIsNamed() {
    IOException e =
        assertThrows(
            IOException.class,
            () -> ServiceNotifier.fromEnvironment(Map.of("NOTIFY_SOCKET", "x"), 1, () -> true));
    assertTrue(e.getMessage().contains("NOTIFY_SOCKET 'x'"), e.getMessage());
    e =
        assertThrows(
            IOException.class,
            () ->
                ServiceNotifier.fromEnvironment(
                    Map.of("NOTIFY_SOCKET", "/run/n", "WATCHDOG_USEC", "soon"), 1, () -> true));
    assertTrue(e.getMessage().contains("WATCHDOG_USEC 'soon'"), e.getMessage());
  }
}
