package io.cordwatch.auth;

import io.cordwatch.store.Index;
import java.time.Clock;

/**
 * The access-control stage as one object: users, API tokens, browser sessions and the login
 * throttle, over the index's account tables. The web stage asks it who a request acts for; the CLI
 * uses it to manage accounts on the box.
 */
public final class AccessControl {
  private final AuthConfig config;
  private final Users users;
  private final ApiTokens tokens;
  private final Sessions sessions;
  private final LoginThrottle throttle;

  private AccessControl(Index index, AuthConfig config, Clock clock) {
    this.config = config;
    this.users = new Users(index.accounts(), clock);
    this.tokens = new ApiTokens(index.accounts(), clock);
    this.sessions = new Sessions(index.accounts(), config, clock);
    this.throttle = new LoginThrottle(config, clock);
  }

  public static AccessControl over(Index index, AuthConfig config, Clock clock) {
    return new AccessControl(index, config, clock);
  }

  /** With the default timeouts and limits (the CLI, which opens no sessions). */
  public static AccessControl over(Index index, Clock clock) {
    return new AccessControl(index, AuthConfig.defaults(), clock);
  }

  public AuthConfig config() {
    return config;
  }

  public Users users() {
    return users;
  }

  public ApiTokens tokens() {
    return tokens;
  }

  public Sessions sessions() {
    return sessions;
  }

  public LoginThrottle throttle() {
    return throttle;
  }

  /** What to do when nobody can log in: said by the status page, login page and start-up log. */
  public static final String FIRST_ADMIN_HINT =
      "No user can sign in yet, so results are visible to nobody. Create the first admin on the"
          + " appliance with: install/cordwatch user add NAME --role admin";
}
