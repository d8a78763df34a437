/**
 * The access-control stage: local users with roles ({@code facilities}: the status page; {@code
 * clinician}: results read and changed; {@code admin}: a clinician who also manages users and
 * settings), per-client API tokens with a scope ({@code read}, {@code write}), browser sessions
 * with idle and absolute timeouts and their CSRF tokens, and the login throttle.
 *
 * <p>Secrets never rest in clear: passwords as PBKDF2-HMAC-SHA256 (210,000 iterations, 16-byte
 * salt, the cost stored with the hash so it can be raised), API tokens and session ids as SHA-256
 * of 32 random bytes; nothing here logs or audits a password, hash or token. There are no default
 * credentials: with no user, nobody sees results until {@code cordwatch user add NAME --role admin}
 * is run on the box. After that an admin may also manage users on the web page ({@code web}'s users
 * page calls the same {@link io.cordwatch.auth.Users} methods as the CLI, naming the admin for the
 * audit), where two more rules hold: nobody disables themself, and the last enabled admin stays
 * enabled (checked in the store's transaction).
 *
 * <p>Owns: the rules ({@code store.Accounts} owns the SQL). It answers "who is this and what may
 * they do" ({@link io.cordwatch.auth.Principal}); it does not know HTTP: reading headers and
 * cookies, the routes' policy and the answers (401, 403, 429, redirects) belong to {@code web}.
 *
 * <p>May not touch: {@code io.cordwatch.web}, {@code io.cordwatch.app}, {@code io.cordwatch.config}
 * or {@code io.cordwatch.cli} (its settings arrive as {@link io.cordwatch.auth.AuthConfig}), HTTP
 * ({@code io.helidon}) or SQL ({@code java.sql}); of ours it uses {@code store} only.
 */
package io.cordwatch.auth;
