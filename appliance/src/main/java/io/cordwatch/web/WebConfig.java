package io.cordwatch.web;

import java.nio.file.Path;

/**
 * What the web stage is told at start-up (keys of the same names in the appliance's settings;
 * checked there).
 *
 * @param bind address the HTTP listener binds to (and the DICOM one, which the status page shows)
 * @param httpPort port to listen on; 0 picks a free one
 * @param aeTitle our AE title, shown on the status page
 * @param boxesApi whether canal boxes may be supplied with {@code PUT /api/v1/studies/{uid}/boxes}
 * @param apiTokenFile the file holding the token API writes must carry; null: writes need none
 */
public record WebConfig(
    String bind, int httpPort, String aeTitle, boolean boxesApi, Path apiTokenFile) {}
