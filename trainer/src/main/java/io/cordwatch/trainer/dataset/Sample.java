package io.cordwatch.trainer.dataset;

import io.cordwatch.infer.Preprocessing;

/**
 * One graded slice, held as the windowed [0, 1] pixels of the region around its canal box (steps 1
 * to 3 of the preprocessing, done once at load), so that every epoch can re-crop it with a new
 * augmentation through the appliance's own crop-and-resize (steps 4 and 5).
 *
 * <p>The region is large enough that no crop the augmentation can draw reaches its border unless it
 * also reaches the image's border, so cropping the region gives the same samples as cropping the
 * whole image (edge clamping included).
 *
 * @param study Study Instance UID (splits are made by study)
 * @param series Series Instance UID (the window is per series)
 * @param sopInstanceUid the slice's instance
 * @param frame 1-based frame
 * @param label class index
 * @param region windowed values, row-major, {@code width x height}
 * @param width region width
 * @param height region height
 * @param box the canal box in region coordinates, continuous and half-open
 */
public record Sample(
    String study,
    String series,
    String sopInstanceUid,
    int frame,
    int label,
    float[] region,
    int width,
    int height,
    Preprocessing.Box box) {}
