/**
 * The service manager's notification socket ({@code sd_notify(3)}'s protocol, spoken without
 * libsystemd): a datagram on the {@code AF_UNIX} socket named by {@code NOTIFY_SOCKET}. Java's own
 * Unix-domain channels are stream-only, so {@link io.cordwatch.systemd.NotifySocket} sends through
 * libc's {@code socket}/{@code sendto}/{@code close} with Panama.
 *
 * <p>Owns: the socket and the bytes of one notification.
 *
 * <p>May not touch: what is notified or when (readiness and the watchdog's liveness are the
 * appliance's decisions, in {@code io.cordwatch.app}).
 */
package io.cordwatch.systemd;
