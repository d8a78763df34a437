/**
 * The {@code cordwatch} subcommands (picocli): serve, demo, rules test, grade, bundle (inspect,
 * assemble, sign with Ed25519 keys it makes, and install, list, activate or roll back the versions
 * on an appliance through {@code app.BundleLifecycle}, choose the one run in shadow, and report how
 * the shadow compares with the active one and with the readers, read through {@code
 * store.IndexSnapshot} while the box runs), phantom, realspine, agreement, evaluate, profile, user
 * and token (accounts and API tokens, through {@code auth}), backup and restore (of the data
 * directory, through {@code store}), retention (what the retention rules remove now, shown or
 * applied, through {@code retention}), validate and adapt (local validation and prototype
 * re-enrolment through {@code adapt}, from labelled folders or, with {@code --data-dir}, from the
 * slices a box's clinicians reviewed, read from its data directory while it runs; its report holds
 * the site operating point in sample and cross-validated by study, and the shadow comparison of
 * each {@code --data-dir}, the one {@link io.cordwatch.cli.ShadowReport} that {@code bundle
 * shadow-report} prints). Commands parse flags, call the stages and print; they contain no pipeline
 * logic, so everything they do is also reachable from tests.
 *
 * <p>Owns: argument parsing, the one error policy of every entry point ({@link
 * io.cordwatch.cli.Main#execute}), and printing.
 *
 * <p>May not touch: pipeline logic or benchmarks ({@code bench} is registered here and lives in its
 * own package); the libraries behind the stages ({@code com.pixelmed}, {@code ai.onnxruntime},
 * {@code io.helidon}, {@code java.sql}, {@code io.micrometer}) or the native bindings ({@code
 * io.cordwatch.gpu}, {@code io.cordwatch.gpu.tensorrt}, {@code io.cordwatch.gpu.nvml}, {@code
 * io.cordwatch.systemd}): a command reaches them through the stages and {@code app}.
 */
package io.cordwatch.cli;
