package io.cordwatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.app.Appliance;
import io.cordwatch.config.Settings;
import io.cordwatch.receive.RunningAppliance;
import io.cordwatch.testing.Credentials;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cordwatch user ...} and {@code token ...} on a data directory, as an operator runs them.
 */
class AccountCommandsTest {
  @TempDir Path tmp;

  private CliRun user(String stdin, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "user";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--data-dir";
    all[args.length + 2] = tmp.resolve("data").toString();
    return CliRun.runWithInput(stdin, all);
  }

  private CliRun token(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "token";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--data-dir";
    all[args.length + 2] = tmp.resolve("data").toString();
    return CliRun.run(all);
  }

  @Test
  void usersAreAddedListedReplacedAndDisabledWithoutShowingSecrets() {
    CliRun none = user("", "list");
    assertTrue(none.out().contains("cordwatch user add NAME --role admin"), none.all());

    CliRun weak = user("too short\n", "add", "alice", "--role", "admin", "--password-stdin");
    assertEquals(1, weak.exit(), weak.all());
    assertTrue(weak.err().contains("at least 12 characters"), weak.all());

    CliRun added =
        user(Credentials.PASSWORD + "\n", "add", "alice", "--role", "admin", "--password-stdin");
    assertEquals(0, added.exit(), added.all());
    assertTrue(added.out().contains("user alice added with role admin"), added.all());
    CliRun again =
        user(
            Credentials.PASSWORD + "\n", "add", "alice", "--role", "clinician", "--password-stdin");
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("there is already a user alice"), again.all());
    CliRun badRole = user("", "add", "bob", "--role", "root", "--password-stdin");
    assertTrue(
        badRole.err().contains("role must be one of facilities, clinician, admin"), badRole.all());

    assertEquals(0, user("a new long passphrase\n", "passwd", "alice", "--password-stdin").exit());
    CliRun noConsole = user("", "passwd", "alice");
    assertEquals(1, noConsole.exit());
    assertTrue(noConsole.err().contains("--password-stdin"), noConsole.all());

    assertEquals(0, user("", "disable", "alice").exit());
    CliRun list = user("", "list");
    assertTrue(list.out().matches("(?s).*alice +admin +disabled.*"), list.all());
    assertFalse(list.out().contains("pbkdf2"), "never a hash");
    assertFalse(list.out().contains("passphrase"));

    assertEquals(0, user("", "enable", "alice").exit());
    assertTrue(user("", "list").out().matches("(?s).*alice +admin +enabled.*"), "enabled again");
    CliRun nobody = user("", "enable", "nobody");
    assertEquals(1, nobody.exit(), nobody.all());
    assertTrue(nobody.err().contains("there is no user nobody"), nobody.all());
  }

  @Test
  void aTokenIsPrintedOnceAndOnlyItsNameIsListed() {
    CliRun added = token("add", "pacs-bridge", "--scope", "write");
    assertEquals(0, added.exit(), added.all());
    String secret = added.out().strip();
    assertTrue(secret.matches("[A-Za-z0-9_-]{43}"), added.all());
    assertTrue(added.err().contains("shown only now"), added.all());

    CliRun list = token("list");
    assertTrue(list.out().matches("(?s).*pacs-bridge +write .*never.*"), list.all());
    assertFalse(list.out().contains(secret));

    assertEquals(1, token("add", "pacs-bridge", "--scope", "read").exit());
    assertEquals(1, token("add", "x", "--scope", "admin").exit());
    assertEquals(0, token("revoke", "pacs-bridge").exit());
    CliRun gone = token("revoke", "pacs-bridge");
    assertEquals(1, gone.exit());
    assertTrue(gone.err().contains("there is no token pacs-bridge"), gone.all());
  }

  @Test
  void accountsMadeOnTheBoxWorkAtOnceOnTheRunningAppliance() throws Exception {
    Path data = tmp.resolve("data");
    try (Appliance appliance =
            Appliance.start(Settings.load(null, RunningAppliance.flags(data)), Clock.systemUTC());
        HttpClient http = HttpClient.newHttpClient()) {
      String base = "http://127.0.0.1:" + appliance.httpPort();
      HttpResponse<String> before =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/api/v1/studies")).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(401, before.statusCode());

      String secret = token("add", "reader", "--scope", "read").out().strip();
      HttpResponse<String> read =
          http.send(
              Credentials.bearer(
                      HttpRequest.newBuilder(URI.create(base + "/api/v1/studies")), secret)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, read.statusCode(), read.body());

      user(Credentials.PASSWORD + "\n", "add", "carol", "--role", "clinician", "--password-stdin");
      HttpResponse<String> login =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/login"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "name=carol&password="
                              + URLEncoder.encode(Credentials.PASSWORD, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(303, login.statusCode(), login.body());
      assertTrue(
          login.headers().firstValue("Set-Cookie").orElse("").startsWith("cordwatch_session="));

      token("revoke", "reader");
      assertEquals(
          401,
          http.send(
                  Credentials.bearer(
                          HttpRequest.newBuilder(URI.create(base + "/api/v1/studies")), secret)
                      .GET()
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .statusCode(),
          "a revoked token is refused from its next request on");
    }
  }
}
