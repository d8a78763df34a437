/**
 * The {@code cordwatch} subcommands (picocli): serve, demo, rules test, grade, bundle, phantom,
 * agreement, evaluate, bench. Commands parse flags, call the stages and print; they contain no
 * pipeline logic, so everything they do is also reachable from tests.
 */
package io.cordwatch.cli;
