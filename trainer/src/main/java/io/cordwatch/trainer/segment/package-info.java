/**
 * The canal segmenter, an experiment towards grading from the anatomy itself: a network that labels
 * each pixel around the canal as outside, epidural space, dura, CSF, cord or tumour, trained on the
 * phantom's tissue maps ({@code cordwatch phantom --masks}), and the measurements a Bilsky grade is
 * made of, read from its maps (tumour area, tumour-cord distance, CSF around the cord).
 *
 * <p>{@link io.cordwatch.trainer.segment.SegmentData} loads slices with their maps, {@link
 * io.cordwatch.trainer.segment.SegmenterTraining} trains the localizer's U-Net ({@link
 * io.cordwatch.trainer.localizer.LocalizerGraph}) with one logit per class, {@link
 * io.cordwatch.trainer.segment.SegmentScore} measures each slice and scores the maps against the
 * phantom's, and {@link io.cordwatch.trainer.segment.SegmentCommand} is {@code cordwatch
 * train-segmenter}. Nothing here is in the appliance or the bundle yet: docs/validation.md says
 * what was measured with it.
 */
package io.cordwatch.trainer.segment;
