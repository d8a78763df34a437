/**
 * Configuration: every setting declared once in {@link io.cordwatch.config.Keys} as a {@link
 * io.cordwatch.config.Setting} (key, kind of value, default, doc, checks). The defaults, the YAML
 * file reader ({@code ConfigFile}), the checks, the {@code serve} flags (added by {@code
 * cli.ServeCommand} from {@link io.cordwatch.config.Keys#ALL}) and the settings table of
 * docs/operations.md ({@link io.cordwatch.config.Keys#markdownTable}) all come from those
 * declarations; {@link io.cordwatch.config.Settings#load} puts defaults, file and flags together
 * (same keys) into one validated record, or stops with a {@link
 * io.cordwatch.config.ConfigException} that names the key.
 *
 * <p>Owns: the key names, their defaults, the parsing of values (sizes, durations, on/off, AE
 * titles) and the checks on them.
 *
 * <p>May not touch: any stage ({@code io.cordwatch.app}, {@code io.cordwatch.receive}, {@code
 * io.cordwatch.web} and the rest): it imports nothing from {@code io.cordwatch}, so any package may
 * read it without closing a cycle (the stages do not: {@code app} hands each a small record of its
 * own), and it opens no file but the config file it is given.
 */
package io.cordwatch.config;
