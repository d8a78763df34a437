package io.cordwatch.app;

import io.cordwatch.config.Settings;
import io.cordwatch.device.ProfileDetector;
import io.cordwatch.grade.SeriesGrader;
import io.cordwatch.infer.BackboneEngine;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.BundleException;
import io.cordwatch.infer.Bundles;
import io.cordwatch.infer.EngineException;
import io.cordwatch.infer.EngineSelection;
import io.cordwatch.infer.FallbackEngine;
import io.cordwatch.publish.BundleIdentity;
import io.cordwatch.publish.Destination;
import io.cordwatch.publish.ModelIdentity;
import io.cordwatch.publish.ResultDocuments;
import io.cordwatch.publish.ResultFiles;
import io.cordwatch.receive.Spool;
import io.cordwatch.roi.BoxFileException;
import io.cordwatch.roi.BoxSource;
import io.cordwatch.roi.BoxSources;
import io.cordwatch.roi.ConfiguredBoxes;
import io.cordwatch.store.Index;
import java.time.Clock;
import java.util.List;
import java.util.logging.Logger;

/**
 * Turns a checked bundle into a {@link LoadedModel}: the site's operating point, the canal boxes
 * (file, API, the bundle's localizer), the engine the device profile calls for with its CPU
 * fallback, the grader and the results documents' model identity. The same steps at start-up and
 * for every switch, so a switched-to bundle runs exactly as it would after a restart.
 */
final class ModelLoader {
  private static final Logger LOG = Logger.getLogger(ModelLoader.class.getName());

  /** A model that cannot be loaded, with the setting its message starts with. */
  static final class LoadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LoadException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Settings settings;
  private final Index index;
  private final Spool spool;
  private final ProfileDetector.Detection detection;
  private final FallbackEngine.Listener faults;
  private final List<Destination> destinations;
  private final Clock clock;

  ModelLoader(
      Settings settings,
      Index index,
      Spool spool,
      ProfileDetector.Detection detection,
      FallbackEngine.Listener faults,
      List<Destination> destinations,
      Clock clock) {
    this.settings = settings;
    this.index = index;
    this.spool = spool;
    this.detection = detection;
    this.faults = faults;
    this.destinations = List.copyOf(destinations);
    this.clock = clock;
  }

  /**
   * Opens {@code loaded} (already checked, signature included) as the model {@code id}.
   *
   * @throws LoadException naming the setting ({@code bundle: ...}, {@code boxes: ...}) and why
   */
  LoadedModel open(String id, Bundle loaded) {
    return open(id, loaded, true);
  }

  /**
   * Opens {@code loaded} as a shadow model: the same steps as {@link #open} (operating point, boxes
   * from the file, the API and its own localizer, engine), but it builds no results documents and
   * sends no alerts, whatever forward-to and alert-webhooks say.
   *
   * @throws LoadException as {@link #open} does
   */
  LoadedModel openShadow(String id, Bundle loaded) {
    return open(id, loaded, false);
  }

  private LoadedModel open(String id, Bundle loaded, boolean publish) {
    Bundle bundle = loaded;
    if (settings.siteHighThreshold() != null) {
      LOG.info(
          "site operating point: a slice is called high from P(high) "
              + settings.siteHighThreshold()
              + " (site-high-threshold), not the bundle's "
              + (bundle.highThreshold().isPresent()
                  ? bundle.highThreshold().getAsDouble()
                  : "nearest-prototype rule"));
      bundle = bundle.withSiteHighThreshold(settings.siteHighThreshold());
    }
    if (settings.siteRuleOutThreshold() != null) {
      try {
        bundle = bundle.withSiteRuleOutThreshold(settings.siteRuleOutThreshold());
      } catch (IllegalArgumentException e) {
        throw new LoadException("site-rule-out-threshold: " + e.getMessage(), e);
      }
      LOG.info(
          "site rule-out: a series without high calls is low only below P(high) "
              + settings.siteRuleOutThreshold()
              + " (site-rule-out-threshold), not the bundle's "
              + (loaded.verdictLimits().ruleOutThreshold() > 0
                  ? loaded.verdictLimits().ruleOutThreshold()
                  : "none"));
    }
    ConfiguredBoxes boxes;
    try {
      boxes = ConfiguredBoxes.open(bundle, settings.boxes());
    } catch (BoxFileException e) {
      throw new LoadException("boxes: " + e.getMessage(), e);
    } catch (BundleException | EngineException e) {
      throw new LoadException("bundle: localizer: " + e.getMessage(), e);
    }
    String boxesState = boxes.description();
    BoxSource source = boxes.source();
    if (settings.boxesApi()) {
      // Boxes supplied through the API come first, slice by slice; then the file's, then the
      // localizer's (ConfiguredBoxes already layers those two).
      source = BoxSources.firstOf(new StoredBoxes(index), source);
      boxesState =
          boxes.any()
              ? "boxes supplied through the API first, then " + boxesState
              : "no canal boxes: every slice is reported 'no ROI' unless its box comes through the"
                  + " API (set boxes, or use a bundle with a localizer)";
    }
    if (!boxes.any()) {
      LOG.warning("grading: " + boxesState);
    }
    BackboneEngine cpu;
    try {
      cpu = Bundles.openEngine(bundle);
    } catch (BundleException | EngineException e) {
      boxes.close();
      throw new LoadException("bundle: " + e.getMessage(), e);
    }
    FallbackEngine engine =
        EngineSelection.select(
            detection,
            bundle,
            cpu,
            new EngineSelection.Options(settings.dataDir().resolve("engines"), settings.gpuRetry()),
            faults,
            clock);
    String state =
        "bundle "
            + bundle.name()
            + " clinical_use="
            + bundle.provenance().clinicalUse()
            + " ("
            + id
            + ", "
            + bundle.signature().describe()
            + "); "
            + boxesState
            + (settings.streaming()
                ? "; grading as slices arrive (stream-memory "
                    + settings.streamMemoryBytes() / (1024 * 1024)
                    + " MiB)"
                : "; grading at series completion (streaming off)");
    ModelIdentity identity = BundleIdentity.of(bundle);
    ResultPublishing publishing =
        !publish || (destinations.isEmpty() && settings.alertWebhooks().isEmpty())
            ? null
            : new ResultPublishing(
                index,
                spool,
                new ResultDocuments(
                    new ResultFiles(settings.dataDir()), settings.publishSecondaryCapture()),
                destinations,
                settings.alertWebhooks(),
                identity,
                settings.aeTitle());
    return new LoadedModel(
        id,
        bundle,
        engine,
        boxes,
        identity,
        new SeriesGrader(bundle, engine, source, boxes.tissue()),
        publishing,
        state);
  }
}
