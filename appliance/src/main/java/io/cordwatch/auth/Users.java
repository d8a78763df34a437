package io.cordwatch.auth;

import io.cordwatch.store.Accounts;
import io.cordwatch.store.Accounts.UserRow;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * Local users: added, re-passworded and disabled on the box ({@code cordwatch user ...}), checked
 * at login. There are no default credentials and no way to delete a user (audit rows name them);
 * disabling ends the user's sessions at once.
 */
public final class Users {
  private final Accounts accounts;
  private final Clock clock;

  public Users(Accounts accounts, Clock clock) {
    this.accounts = accounts;
    this.clock = clock;
  }

  /**
   * Adds a user.
   *
   * @throws AuthException for a bad name, a weak password, or a name in use
   */
  public void add(String name, Role role, char[] password) {
    Names.check("user", name);
    Passwords.checkStrength(password);
    if (!accounts.addUser(name, role.wireName(), Passwords.hash(password), clock.millis())) {
      throw new AuthException(
          AuthException.Code.NAME_TAKEN,
          "there is already a user " + name + " (cordwatch user passwd " + name + " changes it)");
    }
  }

  /**
   * Sets a new password and ends the user's sessions.
   *
   * @throws AuthException for a weak password or no such user
   */
  public void setPassword(String name, char[] password) {
    Passwords.checkStrength(password);
    if (!accounts.setPassword(
        name, Passwords.hash(password), clock.millis(), "user_password_changed")) {
      throw noSuchUser(name);
    }
  }

  /**
   * Disables a user and ends its sessions.
   *
   * @throws AuthException when there is no such user
   */
  public void disable(String name) {
    if (!accounts.disableUser(name, clock.millis())) {
      throw noSuchUser(name);
    }
  }

  public List<UserRow> list() {
    return accounts.users();
  }

  /** Whether anybody can log in (else the status page says how to add the first admin). */
  public boolean anyActive() {
    return accounts.anyActiveUser();
  }

  /**
   * The enabled user with this name and password. Takes as long for an unknown or disabled user as
   * for a wrong password, so timing does not tell which names exist; a hash made at an older cost
   * is upgraded on the way.
   */
  public Optional<UserRow> login(String name, char[] password) {
    Optional<UserRow> user = name == null ? Optional.empty() : accounts.user(name);
    if (user.isEmpty() || user.get().disabled()) {
      Passwords.verifyNothing(password);
      return Optional.empty();
    }
    if (!Passwords.verify(password, user.get().passwordHash())) {
      return Optional.empty();
    }
    if (Passwords.needsRehash(user.get().passwordHash())) {
      accounts.setPassword(
          name, Passwords.hash(password), clock.millis(), "user_password_rehashed");
    }
    return user;
  }

  /**
   * Audits a refused login (the name as typed, made printable by the caller; never the password).
   */
  public void auditFailure(String name, String from) {
    accounts.audit(clock.millis(), "login_failed", name + " from " + from);
  }

  private static AuthException noSuchUser(String name) {
    return new AuthException(
        AuthException.Code.NO_SUCH_USER,
        "there is no user " + name + " (cordwatch user list shows them)");
  }
}
