/**
 * The canal segmenter: a network that labels each pixel around the canal as outside, epidural
 * space, dura, CSF, cord or tumour, trained on the tissue maps of phantoms and real slices ({@code
 * cordwatch phantom --masks}, {@code cordwatch realspine --masks}), and the measurements a Bilsky
 * grade is made of, read from its maps (tumour area, tumour-cord distance, CSF around the cord).
 *
 * <p>{@link io.cordwatch.trainer.segment.SegmentData} loads slices with their maps, {@link
 * io.cordwatch.trainer.segment.SegmenterTraining} trains the network with one logit per class,
 * {@link io.cordwatch.trainer.segment.SegmentScore} measures each slice and scores the maps against
 * the reference ones, {@link io.cordwatch.trainer.segment.SegmentCommand} is {@code cordwatch
 * train-segmenter}, and {@link io.cordwatch.trainer.segment.SegmenterOnnx} its ONNX export. The
 * network, its optimiser and its ONNX writer are the localizer's, reused, not copied; the view and
 * the tumour-in-box measurement are the appliance's ({@link io.cordwatch.roi.CanalTissue}), so the
 * scores here are what the appliance's veto reads. The exported file goes into a bundle with {@code
 * cordwatch bundle add-segmenter}; docs/validation.md says what was measured with it.
 *
 * <p>Owns: the segmenter's classes, training views and loss, its measurements and its export.
 *
 * <p>May not touch: the appliance's grading and verdicts ({@code io.cordwatch.grade}: the veto
 * built on the segmenter lives there, judged through the appliance), the bundle format ({@link
 * io.cordwatch.infer.Bundles}; it only names the metadata key and output the bundle reads), or the
 * backbone's data and training ({@code io.cordwatch.trainer.dataset}, {@code
 * io.cordwatch.trainer.train}).
 */
package io.cordwatch.trainer.segment;
