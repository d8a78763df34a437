package io.cordwatch.trainer.train;

import io.cordwatch.trainer.model.LayerSpec;
import io.cordwatch.trainer.model.Weights;
import java.util.Objects;

/**
 * Where a supervised run's backbone starts: He-initialised from the run's seed (the default; no
 * ImageNet weights can be downloaded here), or a backbone pretrained elsewhere, for example by
 * {@code cordwatch-trainer pretrain} (package {@code io.cordwatch.trainer.pretrain}). The
 * prototypes are always fresh. The description is what the model card and the log say, so that
 * every bundle names its initialisation.
 *
 * @param description in words, for the log and the model card
 * @param pretrained the starting tensors, or null for He initialisation from the run's seed
 */
public record BackboneInit(String description, Weights pretrained) {
  public BackboneInit {
    Objects.requireNonNull(description, "description");
  }

  /** He initialisation from the run's seed. */
  public static BackboneInit he() {
    return new BackboneInit("He-initialised backbone (no pretrained weights)", null);
  }

  /** Whether the backbone starts from pretrained tensors. */
  public boolean isPretrained() {
    return pretrained != null;
  }

  /**
   * The starting weights for {@code spec}: a fresh copy of the pretrained tensors (training updates
   * them in place), or He-initialised ones drawn with {@code seed}.
   *
   * @throws IllegalArgumentException when the pretrained tensors are for another network
   */
  public Weights weights(LayerSpec spec, long seed) {
    if (pretrained == null) {
      return Weights.heNormal(spec, seed);
    }
    if (!pretrained.spec().equals(spec)) {
      throw new IllegalArgumentException(
          description + ": the pretrained backbone is " + pretrained.spec() + ", not " + spec);
    }
    Weights w = Weights.heNormal(spec, 0).withEps(pretrained.eps());
    for (String name : w.names()) {
      w.put(name, pretrained.get(name).clone());
    }
    return w;
  }
}
