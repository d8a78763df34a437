package io.cordwatch.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.store.Index;
import io.cordwatch.testing.MutableClock;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, tokens and sessions over a real index, with time moved by hand. */
class AccountsTest {
  private static final char[] PASSWORD = "correct horse battery staple".toCharArray();

  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T10:00:00Z"));
  private Index index;
  private AccessControl access;

  @BeforeEach
  void open() {
    index = Index.open(dir.resolve("index.db"));
    access = AccessControl.over(index, AuthConfig.defaults(), clock);
  }

  @AfterEach
  void close() {
    index.close();
  }

  @Test
  void aUserLogsInWithItsPasswordOnlyAndNothingSecretIsStoredInClear() throws Exception {
    access.users().add("alice", Role.CLINICIAN, PASSWORD);

    assertEquals("alice", access.users().login("alice", PASSWORD).orElseThrow().name());
    assertEquals(Optional.empty(), access.users().login("alice", "wrong password!".toCharArray()));
    assertEquals(Optional.empty(), access.users().login("bob", PASSWORD));
    String token = access.tokens().add("pacs", Scope.READ);
    assertEquals(43, token.length(), "32 random bytes, base64url");

    List<String> everything = dump();
    assertTrue(everything.stream().noneMatch(v -> v.contains("horse")), everything.toString());
    assertTrue(everything.stream().noneMatch(v -> v.contains(token)), everything.toString());
  }

  @Test
  void namesRolesAndDuplicatesAreCheckedWithUsableMessages() {
    access.users().add("alice", Role.ADMIN, PASSWORD);
    AuthException taken =
        assertThrows(AuthException.class, () -> access.users().add("alice", Role.ADMIN, PASSWORD));
    assertEquals(AuthException.Code.NAME_TAKEN, taken.code());
    assertEquals(
        AuthException.Code.INVALID_NAME,
        assertThrows(AuthException.class, () -> access.users().add("a b", Role.ADMIN, PASSWORD))
            .code());
    assertEquals(
        AuthException.Code.INVALID_ROLE,
        assertThrows(AuthException.class, () -> Role.parse("root")).code());
    assertEquals(
        AuthException.Code.NO_SUCH_USER,
        assertThrows(AuthException.class, () -> access.users().disable("nobody")).code());
  }

  @Test
  void tokensAuthenticateWithTheirScopeUntilRevoked() {
    String read = access.tokens().add("viewer", Scope.READ);
    String write = access.tokens().add("bridge", Scope.WRITE);

    Principal r = access.tokens().authenticate(read).orElseThrow();
    assertTrue(r.mayReadResults());
    assertFalse(r.mayChangeResults());
    assertTrue(access.tokens().authenticate(write).orElseThrow().mayChangeResults());
    assertEquals(Optional.empty(), access.tokens().authenticate(read + "x"));
    assertEquals(Optional.empty(), access.tokens().authenticate(""));

    access.tokens().revoke("viewer");
    assertEquals(Optional.empty(), access.tokens().authenticate(read));
    assertEquals(List.of("bridge"), access.tokens().list().stream().map(t -> t.name()).toList());
    assertTrue(access.tokens().list().getFirst().lastUsedMs() != null, "last use is recorded");
  }

  @Test
  void sessionsEndWhenIdleTooLongOrTooOldOrTheUserIsDisabled() {
    access.users().add("alice", Role.CLINICIAN, PASSWORD);
    var user = access.users().login("alice", PASSWORD).orElseThrow();

    Sessions.Opened idle = access.sessions().open(user, "10.0.0.5");
    assertTrue(access.sessions().find(idle.cookieValue()).isPresent());
    clock.advance(Duration.ofMinutes(29));
    assertTrue(access.sessions().find(idle.cookieValue()).isPresent(), "used: kept alive");
    clock.advance(Duration.ofMinutes(30));
    assertEquals(Optional.empty(), access.sessions().find(idle.cookieValue()), "idle 30 min");

    Sessions.Opened busy = access.sessions().open(user, "10.0.0.5");
    for (int i = 0; i < 12 * 4; i++) {
      assertTrue(access.sessions().find(busy.cookieValue()).isPresent(), "at " + i * 15 + " min");
      clock.advance(Duration.ofMinutes(15));
    }
    assertEquals(Optional.empty(), access.sessions().find(busy.cookieValue()), "12 h at most");

    Sessions.Opened third = access.sessions().open(user, "10.0.0.5");
    Sessions.Session s = access.sessions().find(third.cookieValue()).orElseThrow();
    assertEquals(third.csrfToken(), s.csrfToken());
    assertTrue(Sessions.csrfMatches(s, third.csrfToken()));
    assertFalse(Sessions.csrfMatches(s, third.csrfToken() + "x"));
    access.users().disable("alice");
    assertEquals(Optional.empty(), access.sessions().find(third.cookieValue()));
    assertEquals(Optional.empty(), access.users().login("alice", PASSWORD), "disabled");
  }

  @Test
  void aNewPasswordEndsTheUsersSessions() {
    access.users().add("alice", Role.ADMIN, PASSWORD);
    var user = access.users().login("alice", PASSWORD).orElseThrow();
    Sessions.Opened s = access.sessions().open(user, "10.0.0.5");

    access.users().setPassword("alice", "another good passphrase".toCharArray());

    assertEquals(Optional.empty(), access.sessions().find(s.cookieValue()));
    assertTrue(access.users().login("alice", "another good passphrase".toCharArray()).isPresent());
  }

  @Test
  void theThrottleCountsFailuresPerAddressAndPerNameWithinTheWindow() {
    LoginThrottle t = access.throttle();
    for (int i = 0; i < 5; i++) {
      assertEquals(Optional.empty(), t.retryAfter("10.0.0.5", "alice"));
      t.failed("10.0.0.5", "alice");
      clock.advance(Duration.ofSeconds(10));
    }
    assertEquals(
        Optional.of(Duration.ofSeconds(250)), t.retryAfter("10.0.0.5", "bob"), "same address");
    assertTrue(t.retryAfter("10.0.0.9", "ALICE").isPresent(), "same name, any address");
    assertEquals(Optional.empty(), t.retryAfter("10.0.0.9", "bob"));
    clock.advance(Duration.ofSeconds(251));
    assertEquals(Optional.empty(), t.retryAfter("10.0.0.5", "alice"));
  }

  @Test
  void changesAreAuditedWithoutSecrets() throws Exception {
    access.users().add("alice", Role.ADMIN, PASSWORD);
    access.tokens().add("pacs", Scope.WRITE);
    access.tokens().revoke("pacs");
    access.users().disable("alice");

    List<String> audit = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("index.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT event, detail FROM audit ORDER BY id")) {
      while (rs.next()) {
        audit.add(rs.getString(1) + ": " + rs.getString(2));
      }
    }
    assertEquals(
        List.of(
            "user_added: user alice, role admin",
            "token_added: token pacs, scope write",
            "token_revoked: token pacs",
            "user_disabled: user alice"),
        audit);
  }

  @Test
  void anAdminNeitherDisablesThemselfNorTheLastEnabledAdmin() {
    access.users().add("root", Role.ADMIN, PASSWORD);
    access.users().add("pat", Role.CLINICIAN, PASSWORD);
    Principal root = Principal.user("root", Role.ADMIN);

    AuthException self =
        assertThrows(AuthException.class, () -> access.users().disable("root", root));
    assertEquals(AuthException.Code.REFUSED, self.code());
    assertTrue(self.getMessage().contains("cannot disable yourself"), self.getMessage());
    // An admin acting after their own account went (a stale principal) still cannot take away
    // the last enabled admin: the store checks it in the same transaction.
    AuthException last =
        assertThrows(
            AuthException.class,
            () -> access.users().disable("root", Principal.user("gone", Role.ADMIN)));
    assertEquals(AuthException.Code.REFUSED, last.code());
    assertTrue(last.getMessage().contains("root is the last enabled admin"), last.getMessage());
    assertFalse(access.users().list().getFirst().disabled(), "root stays enabled");

    access.users().disable("pat", root);
    assertTrue(access.users().login("pat", PASSWORD).isEmpty(), "disabled: no login");
    access.users().enable("pat", root);
    assertTrue(access.users().login("pat", PASSWORD).isPresent(), "enabled, same password");
    AuthException none =
        assertThrows(AuthException.class, () -> access.users().enable("nobody", root));
    assertEquals(AuthException.Code.NO_SUCH_USER, none.code());
  }

  @Test
  void lastLoginsComeFromTheAuditedSignIns() {
    access.users().add("alice", Role.CLINICIAN, PASSWORD);
    access.users().add("bob", Role.CLINICIAN, PASSWORD);
    var alice = access.users().login("alice", PASSWORD).orElseThrow();
    access.sessions().open(alice, "10.0.0.1");
    clock.advance(Duration.ofMinutes(5));
    access.sessions().open(alice, "10.0.0.2");

    assertEquals(
        java.util.Map.of("alice", clock.millis()),
        access.users().lastLogins(),
        "the newest sign-in, from any address; bob never signed in");
  }

  /** Every text value in the account tables. */
  private List<String> dump() throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("index.db"));
        Statement s = c.createStatement()) {
      for (String table : List.of("users", "api_tokens", "sessions", "audit")) {
        try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
          while (rs.next()) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
              out.add(String.valueOf(rs.getString(i)));
            }
          }
        }
      }
    }
    return out;
  }
}
