package io.cordwatch.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebServerTest {
  @TempDir Path dir;

  @Test
  void closeStopsServingAndCanBeRepeated() {
    TestAppliance app = new TestAppliance(dir);
    int port = app.server.port();
    assertTrue(port > 0);
    assertTrue(app.server.running());

    app.server.close();
    app.server.close();

    assertFalse(app.server.running());
    assertThrows(UncheckedIOException.class, () -> app.get("/observe/health/live"));
    app.close();
  }

  @Test
  void startFailsNamingTheAddressWhenThePortIsTaken() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      IllegalStateException e =
          assertThrows(
              IllegalStateException.class,
              () -> TestAppliance.onPort(dir, taken.getLocalPort()).close());
      assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
    }
  }
}
