package io.cordwatch.auth;

import io.cordwatch.store.Accounts;
import io.cordwatch.store.Accounts.UserRow;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Local users: added, re-passworded, disabled and enabled on the box ({@code cordwatch user ...})
 * or by an admin on the users page, checked at login. There are no default credentials and no way
 * to delete a user (audit rows name them); disabling ends the user's sessions at once. Each change
 * is audited, naming the admin who made it when one did ({@code by}); the page's two extra rules
 * (no admin disables themself, and the last enabled admin stays) are here, so the CLI, which is the
 * way back in, keeps working without them.
 */
public final class Users {
  private final Accounts accounts;
  private final Clock clock;

  public Users(Accounts accounts, Clock clock) {
    this.accounts = accounts;
    this.clock = clock;
  }

  /**
   * Adds a user (on the box).
   *
   * @throws AuthException for a bad name, a weak password, or a name in use
   */
  public void add(String name, Role role, char[] password) {
    add(name, role, password, null);
  }

  /**
   * Adds a user; the audit row names {@code by} (null: on the box).
   *
   * @throws AuthException for a bad name, a weak password, or a name in use
   */
  public void add(String name, Role role, char[] password, Principal by) {
    Names.check("user", name);
    Passwords.checkStrength(password);
    if (!accounts.addUser(
        name, role.wireName(), Passwords.hash(password), clock.millis(), describe(by))) {
      throw new AuthException(
          AuthException.Code.NAME_TAKEN,
          "there is already a user " + name + " (cordwatch user passwd " + name + " changes it)");
    }
  }

  /**
   * Sets a new password and ends the user's sessions (on the box).
   *
   * @throws AuthException for a weak password or no such user
   */
  public void setPassword(String name, char[] password) {
    setPassword(name, password, null);
  }

  /**
   * Sets a new password and ends the user's sessions; the audit row names {@code by}.
   *
   * @throws AuthException for a weak password or no such user
   */
  public void setPassword(String name, char[] password, Principal by) {
    Passwords.checkStrength(password);
    if (!accounts.setPassword(
        name, Passwords.hash(password), clock.millis(), "user_password_changed", describe(by))) {
      throw noSuchUser(name);
    }
  }

  /**
   * Disables a user and ends its sessions (on the box: no further rule, so a locked-out site can
   * always be put right there).
   *
   * @throws AuthException when there is no such user
   */
  public void disable(String name) {
    if (!accounts.disableUser(name, clock.millis())) {
      throw noSuchUser(name);
    }
  }

  /**
   * Disables a user and ends its sessions, for an admin {@code by}: nobody disables themself (they
   * would lock themselves out mid-task), and the last enabled admin stays enabled (else nobody
   * could manage users without the box).
   *
   * @throws AuthException for no such user, oneself, or the last enabled admin
   */
  public void disable(String name, Principal by) {
    if (by.name().equals(name)) {
      throw new AuthException(
          AuthException.Code.REFUSED,
          "you cannot disable yourself; another admin can (or cordwatch user disable on the box)");
    }
    switch (accounts.disableUser(name, clock.millis(), describe(by), Role.ADMIN.wireName())) {
      case DONE -> {}
      case NO_SUCH_USER -> throw noSuchUser(name);
      case LAST_OF_ROLE ->
          throw new AuthException(
              AuthException.Code.REFUSED,
              name
                  + " is the last enabled admin; add or enable another admin first, so that"
                  + " somebody can still manage users");
    }
  }

  /**
   * Enables a disabled user again, with the password it had; the audit row names {@code by} (null:
   * on the box).
   *
   * @throws AuthException when there is no such user
   */
  public void enable(String name, Principal by) {
    if (!accounts.enableUser(name, clock.millis(), describe(by))) {
      throw noSuchUser(name);
    }
  }

  /** When each user last signed in (epoch ms), as the audit recorded it; absent: never. */
  public Map<String, Long> lastLogins() {
    return accounts.lastLogins();
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

  private static String describe(Principal by) {
    return by == null ? null : by.describe();
  }

  private static AuthException noSuchUser(String name) {
    return new AuthException(
        AuthException.Code.NO_SUCH_USER,
        "there is no user " + name + " (cordwatch user list shows them)");
  }
}
