/**
 * Start-up and wiring: logging and {@link io.cordwatch.app.Appliance}, which starts the stages in
 * data-flow order (index, an interrupted retention removal finished, spool reconciliation, series
 * tracker, grading, DICOM listener, HTTP, the retention timer) and stops them in reverse ({@code
 * StartedStages}), also when a start-up step fails part way (a port in use), so a failed start
 * leaves no worker thread or open index behind. {@link io.cordwatch.app.RetentionWiring} builds
 * retention the same way for the appliance and the {@code retention} command (where the publish
 * stage's hold on undelivered results will go). It also runs grading: {@link
 * io.cordwatch.app.GradingWorker} takes queued jobs from the index (with back-off between failed
 * attempts) and commits each verdict in one transaction; {@code StreamingGrading} decodes instances
 * as they arrive and grades a released series ahead of its completion, a result the worker commits
 * only when the series' instances are exactly those it was graded from; {@code StoredBoxes} serves
 * the boxes supplied through the API, and {@link io.cordwatch.app.RegradeOnBoxChange} decides which
 * series are graded again when those boxes change. The model they grade with is a {@code
 * LoadedModel} (bundle, engine, boxes, grader) held in a {@code ModelSlot}: each job leases the
 * current one, and {@code ModelSwitcher} installs a newly activated bundle version between jobs
 * without a restart (the old one closes after its last job); {@link
 * io.cordwatch.app.BundleLifecycle} installs, lists, activates and rolls back the versions for the
 * CLI and the admin routes, with the signature rules of the settings; {@code ShadowGrading} loads
 * the version chosen to run in shadow the same way (publishing off) into a slot of its own and
 * grades each series with it after the worker committed the real verdict, storing what it finds
 * apart and never letting a shadow failure touch the job. {@link io.cordwatch.app.ServiceNotifier}
 * tells systemd when the appliance is ready and feeds its watchdog while the listeners run (through
 * {@code io.cordwatch.systemd} in native/).
 *
 * <p>It takes {@link io.cordwatch.config.Settings} as given (read and checked by {@code config});
 * it may not read configuration itself. {@link io.cordwatch.app.StageSettings} cuts from them the
 * small record each stage takes (receive, study, web), so those stages import neither {@code
 * config} nor {@code app}; no stage imports {@code app}.
 *
 * <p>Owns: start-up in data-flow order and shutdown in reverse, the wiring of the stages to each
 * other, the grading worker with its model slot (which bundle version grades now, switched between
 * jobs) and shadow grading, the bundle versions' lifecycle for the CLI and the admin routes, and
 * the service manager's readiness and watchdog.
 *
 * <p>May not touch: the commands that start it ({@code io.cordwatch.cli}, {@code
 * io.cordwatch.bench}, {@code io.cordwatch.fuzz}); the GPU bindings ({@code io.cordwatch.gpu},
 * {@code io.cordwatch.gpu.tensorrt}, {@code io.cordwatch.gpu.nvml}): the engine comes from {@code
 * infer.EngineSelection} and GPU readings from {@code telemetry}; or the libraries behind the
 * stages ({@code io.helidon}, {@code com.pixelmed}, {@code ai.onnxruntime}, {@code java.sql},
 * {@code io.micrometer}): it starts each stage through that stage's own API.
 */
package io.cordwatch.app;
