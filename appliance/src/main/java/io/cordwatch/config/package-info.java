/**
 * Configuration: {@link io.cordwatch.config.Settings}, everything the appliance can be told at
 * start-up, read from defaults, the YAML file and the {@code serve} flags (same keys) and validated
 * once, with a {@link io.cordwatch.config.ConfigException} that names the key.
 *
 * <p>Owns: the key names, their defaults, the parsing of values (sizes, durations, on/off, AE
 * titles) and the checks on them. It may not touch any stage: it imports nothing from {@code
 * io.cordwatch}, so every package may read it without closing a cycle, and it opens no file but the
 * config file it is given.
 */
package io.cordwatch.config;
