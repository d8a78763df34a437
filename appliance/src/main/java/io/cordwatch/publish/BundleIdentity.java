package io.cordwatch.publish;

import io.cordwatch.grade.HighDecision;
import io.cordwatch.infer.Bundle;
import io.cordwatch.infer.Bundles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@link ModelIdentity} of a loaded bundle. */
public final class BundleIdentity {
  private BundleIdentity() {}

  /**
   * Names {@code bundle} by the digest of its manifest (which holds the digest of every file it
   * names, so any change to the model changes it), its name, date and decision settings.
   */
  public static ModelIdentity of(Bundle bundle) {
    String sha = Bundles.sha256(bundle.directory().resolve(Bundles.MANIFEST));
    List<String> params = new ArrayList<>();
    params.add("decision: " + HighDecision.of(bundle).formula());
    params.add("classes: " + String.join(" ", bundle.classes()));
    params.add("high grade: " + String.join(" ", bundle.highGrade()));
    params.add("temperature: " + fmt(bundle.temperature()));
    if (bundle.oodEnabled()) {
      params.add("ood threshold: " + fmt(bundle.oodThreshold()));
    }
    params.add("clinical use: " + bundle.provenance().clinicalUse());
    return new ModelIdentity(
        bundle.name(),
        bundle.provenance().date() + " sha256:" + sha.substring(0, 12),
        sha,
        bundle.provenance().clinicalUse(),
        params);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
