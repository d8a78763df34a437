package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.systemd.NotifyReceiver;
import io.cordwatch.testing.SkipPeers;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch serve} as systemd runs it with {@code Type=notify} and {@code WatchdogSec}
 * (install/deb/cordwatch.service): a child JVM with NOTIFY_SOCKET and WATCHDOG_USEC set says
 * READY=1 once its DICOM port accepts, feeds the watchdog from then on, and says STOPPING=1 on
 * SIGTERM.
 */
class ServeUnderSystemdTest {
  private static final Pattern READY =
      Pattern.compile("READY=1\nSTATUS=DICOM on port (\\d+), HTTP on port (\\d+)");

  @TempDir Path tmp;

  @Test
  void serveSaysReadyFeedsTheWatchdogAndSaysStopping() throws Exception {
    SkipPeers.assumePeers("a separately started server");
    String address = tmp.resolve("notify").toString();
    try (NotifyReceiver systemd = new NotifyReceiver(address)) {
      ProcessBuilder b =
          new ProcessBuilder(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "--enable-native-access=ALL-UNNAMED",
              "-cp",
              System.getProperty("java.class.path"),
              "io.cordwatch.cli.Main",
              "serve",
              "--data-dir",
              tmp.resolve("data").toString(),
              "--bind",
              "127.0.0.1",
              "--dicom-port",
              "0",
              "--http-port",
              "0",
              "--disk-reserve",
              "0",
              "--retention-interval",
              "0");
      b.environment().put("NOTIFY_SOCKET", address);
      // A ping every half second; systemd would restart it after a whole second without one.
      b.environment().put("WATCHDOG_USEC", "1000000");
      b.environment().remove("WATCHDOG_PID");
      Path log = tmp.resolve("serve.log");
      Process serve = b.redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        String ready = systemd.next();
        Matcher m = READY.matcher(ready);
        assertTrue(m.matches(), ready + "\n" + Files.readString(log));
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1))), 5000);
        }
        assertEquals("WATCHDOG=1", systemd.next());
        assertEquals("WATCHDOG=1", systemd.next());

        serve.destroy();
        String last = systemd.next();
        while (last.equals("WATCHDOG=1")) {
          last = systemd.next();
        }
        assertEquals("STOPPING=1", last);
        assertTrue(serve.waitFor(60, TimeUnit.SECONDS), "serve did not stop on SIGTERM");
        assertTrue(List.of(0, 143).contains(serve.exitValue()), "exit " + serve.exitValue());
        assertTrue(
            Files.readString(log).contains("systemd watchdog on; alive is pinged every 500 ms"),
            Files.readString(log));
      } finally {
        serve.destroyForcibly();
      }
    }
  }
}
