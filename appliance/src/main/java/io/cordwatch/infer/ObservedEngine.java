package io.cordwatch.infer;

import java.nio.FloatBuffer;
import java.util.Objects;

/**
 * An engine that runs every batch on another one and then shows the batch and its embeddings to an
 * {@link Observer}: what the benchmark replays, what calibration samples, what tests record. The
 * embeddings returned are the other engine's, unchanged.
 */
public final class ObservedEngine implements BackboneEngine {
  /** Sees each batch once it has been embedded. */
  @FunctionalInterface
  public interface Observer {
    /**
     * @param nchw a read-only view of the batch's input, positioned at its first float ({@code
     *     batch * shape.itemSize()} floats)
     * @param batch the number of items
     * @param shape one item's shape
     * @param embeddings what the engine returned (not to be changed)
     */
    void batch(FloatBuffer nchw, int batch, InputShape shape, float[][] embeddings);
  }

  private final BackboneEngine engine;
  private final Observer observer;
  private final boolean ownsEngine;

  private ObservedEngine(BackboneEngine engine, Observer observer, boolean ownsEngine) {
    this.engine = Objects.requireNonNull(engine, "engine");
    this.observer = Objects.requireNonNull(observer, "observer");
    this.ownsEngine = ownsEngine;
  }

  /** Observes {@code engine} and closes it when closed. */
  public static ObservedEngine owning(BackboneEngine engine, Observer observer) {
    return new ObservedEngine(engine, observer, true);
  }

  /** Observes {@code engine}, which stays the caller's: closing this closes nothing. */
  public static ObservedEngine borrowing(BackboneEngine engine, Observer observer) {
    return new ObservedEngine(engine, observer, false);
  }

  @Override
  public String name() {
    return engine.name();
  }

  @Override
  public InputShape inputShape() {
    return engine.inputShape();
  }

  @Override
  public int embeddingWidth() {
    return engine.embeddingWidth();
  }

  @Override
  public float[][] embed(FloatBuffer nchw, int batch) {
    FloatBuffer view = nchw.asReadOnlyBuffer();
    float[][] embeddings = engine.embed(nchw, batch);
    observer.batch(view, batch, engine.inputShape(), embeddings);
    return embeddings;
  }

  @Override
  public void close() {
    if (ownsEngine) {
      engine.close();
    }
  }
}
