/**
 * Start-up and wiring: {@link io.cordwatch.app.Settings} (YAML file and flags, validated once with
 * messages that name the key), logging, and {@link io.cordwatch.app.Appliance}, which starts the
 * stages in data-flow order (index, spool reconciliation, series tracker, DICOM listener, HTTP) and
 * stops them in reverse. It holds no pipeline logic of its own.
 */
package io.cordwatch.app;
