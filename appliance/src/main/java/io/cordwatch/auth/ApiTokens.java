package io.cordwatch.auth;

import io.cordwatch.store.Accounts;
import io.cordwatch.store.Accounts.TokenRow;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Per-client API tokens ({@code Authorization: Bearer TOKEN}), each with a name and a scope. The
 * token is shown once, when it is made; the appliance keeps only its SHA-256, so a copy of the
 * database does not let anyone call the API, and a lost token is revoked and replaced.
 */
public final class ApiTokens {
  /** How often a token's last use is written back (it is shown by {@code token list}). */
  private static final long LAST_USED_RESOLUTION_MS = 60_000;

  private final Accounts accounts;
  private final Clock clock;

  public ApiTokens(Accounts accounts, Clock clock) {
    this.accounts = accounts;
    this.clock = clock;
  }

  /**
   * Makes a token.
   *
   * @return the token itself, to be handed to the client now: it cannot be shown again
   * @throws AuthException for a bad name or one in use
   */
  public String add(String name, Scope scope) {
    Names.check("token", name);
    String token = Secrets.newSecret();
    if (!accounts.addToken(name, scope.wireName(), Secrets.sha256Hex(token), clock.millis())) {
      throw new AuthException(
          AuthException.Code.NAME_TAKEN,
          "there is already a token "
              + name
              + " (revoke it first: cordwatch token revoke "
              + name
              + ")");
    }
    return token;
  }

  /**
   * @throws AuthException when there is no such token
   */
  public void revoke(String name) {
    if (!accounts.revokeToken(name, clock.millis())) {
      throw new AuthException(
          AuthException.Code.NO_SUCH_TOKEN,
          "there is no token " + name + " (cordwatch token list shows them)");
    }
  }

  public List<TokenRow> list() {
    return accounts.tokens();
  }

  /**
   * The client this bearer token belongs to. The lookup is by the token's hash, so the comparison
   * runs on hashes in the database index and leaks nothing about the token through timing.
   */
  public Optional<Principal> authenticate(String token) {
    if (token == null || token.isEmpty() || token.length() > 512) {
      return Optional.empty();
    }
    Optional<TokenRow> row = accounts.tokenBySha256(Secrets.sha256Hex(token));
    if (row.isEmpty()) {
      return Optional.empty();
    }
    long now = clock.millis();
    Long used = row.get().lastUsedMs();
    if (used == null || now - used >= LAST_USED_RESOLUTION_MS) {
      accounts.tokenUsed(row.get().id(), now);
    }
    return Optional.of(Principal.token(row.get().name(), Scope.parse(row.get().scope())));
  }
}
