package io.cordwatch.web;

import io.cordwatch.auth.AccessControl;
import io.cordwatch.store.Index;
import io.cordwatch.store.Records.ReviewRow;
import io.cordwatch.telemetry.DiskWatermark;
import io.cordwatch.telemetry.Meters;
import java.time.Clock;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the web layer reads; it owns none of it. Its writes are a study's canal boxes and
 * clinicians' reviews, through the index, and logins and logouts, through access control.
 *
 * @param config the web stage's settings
 * @param index the index database (read-only use)
 * @param meters the meters (counters for status, scrape for /observe/metrics)
 * @param disk free space against the reserve
 * @param dicomListening whether the DICOM listener is accepting connections
 * @param dicomPort the DICOM port actually bound (differs from settings when 0 was asked)
 * @param dicomTlsPort the DICOM TLS port actually bound, or -1 when DICOM TLS is off
 * @param engineState one line about the grading engine/model ("no model loaded: grading arrives
 *     with the model")
 * @param clock time source
 * @param startedAt when the appliance started
 * @param accelerator the device profile, engine mode and GPU readings
 * @param model the model bundle loaded at start-up; supplies null when none is configured
 * @param apiToken the deprecated shared token (read once, at start-up, from {@code
 *     api-token-file}), accepted as a write-scope API token
 * @param access users, API tokens, sessions and the login throttle
 * @param reviewed told each clinician's decision once it is stored (a confirmed or corrected study
 *     grade becomes a verified SR for the PACS); must not throw
 * @param bundles the installed model bundles and the active one; null where there is no store
 *     (tests of other routes)
 */
public record WebContext(
    WebConfig config,
    Index index,
    Meters meters,
    DiskWatermark disk,
    BooleanSupplier dicomListening,
    IntSupplier dicomPort,
    IntSupplier dicomTlsPort,
    Supplier<String> engineState,
    Clock clock,
    Instant startedAt,
    Supplier<Accelerator> accelerator,
    Supplier<ActiveModel> model,
    ApiToken apiToken,
    AccessControl access,
    Consumer<ReviewRow> reviewed,
    BundleControl bundles) {}
