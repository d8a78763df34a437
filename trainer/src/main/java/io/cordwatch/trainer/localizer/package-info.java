/**
 * The spinal-canal localizer as the trainer sees it: labelled whole slices ({@link
 * io.cordwatch.trainer.localizer.LocalizerData}, split by study), the network described once
 * ({@link io.cordwatch.trainer.localizer.LocalizerGraph}) and realised on DJL/PyTorch for training
 * ({@link io.cordwatch.trainer.localizer.DjlLocalizer}) and as ONNX for the appliance ({@link
 * io.cordwatch.trainer.localizer.LocalizerOnnx}, our own writer, checked against ONNX Runtime), the
 * training loop ({@link io.cordwatch.trainer.localizer.LocalizerTraining}: seeded, progress with
 * ETA, held-out IoU), the result ({@link io.cordwatch.trainer.localizer.TrainedLocalizer}: export,
 * add to a bundle), {@code cordwatch train-localizer} ({@link
 * io.cordwatch.trainer.localizer.LocalizerCommand}) and {@code cordwatch score-localizer} ({@link
 * io.cordwatch.trainer.localizer.LocalizerScoreCommand}: a bundle's localizer against labelled
 * boxes, whole slices or strips, {@link io.cordwatch.trainer.localizer.LocalizerScore}).
 *
 * <p>Owns: the localizer's architecture, training, export and scoring.
 *
 * <p>May not touch: how the appliance builds views and reads boxes ({@link
 * io.cordwatch.roi.CanalLocator}, reused here as is, so the model is trained and scored on exactly
 * what it will see), the bundle format ({@link io.cordwatch.infer.Bundles}, called, never copied),
 * or the backbone's data and training ({@code io.cordwatch.trainer.dataset}, {@code
 * io.cordwatch.trainer.train}).
 */
package io.cordwatch.trainer.localizer;
