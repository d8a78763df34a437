/**
 * Start-up and wiring: {@link io.cordwatch.app.Settings} (YAML file and flags, validated once with
 * messages that name the key), logging, and {@link io.cordwatch.app.Appliance}, which starts the
 * stages in data-flow order (index, spool reconciliation, series tracker, DICOM listener, HTTP) and
 * stops them in reverse. It also runs grading: {@link io.cordwatch.app.GradingWorker} takes queued
 * jobs from the index (with back-off between failed attempts) and commits each verdict in one
 * transaction; {@code StreamingGrading} decodes instances as they arrive and grades a released
 * series ahead of its completion, a result the worker commits only when the series' instances are
 * exactly those it was graded from; {@code StoredBoxes} serves the boxes supplied through the API.
 */
package io.cordwatch.app;
