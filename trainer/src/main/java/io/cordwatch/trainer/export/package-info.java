/**
 * From a trained network to a model bundle: the backbone through {@code OnnxWriter} (float32, or
 * float16 weights), the prototypes, an OOD scale and validation metrics measured on the exported
 * bundle in ONNX Runtime, bundle.json through the appliance's {@code Bundles.create} (so the result
 * passes {@code cordwatch bundle verify} by construction), a model card and the training curves;
 * and {@link io.cordwatch.trainer.export.BundleExport#addLocalizer}, where a trained localizer
 * joins a bundle. {@link io.cordwatch.trainer.export.EnsembleExport} makes one bundle of several
 * trained ones (their backbones side by side, prototypes concatenated), refitting its OOD scale and
 * triage threshold on a validation set.
 *
 * <p>Owns: what goes into an exported bundle from a finished training run (the backbone's ONNX,
 * prototypes, OOD scale, validation metrics, model card and curves), a localizer's joining a
 * bundle, and an ensemble's bundle made of trained members.
 *
 * <p>May not touch: the bundle's manifest rules (the appliance owns them; it calls {@link
 * io.cordwatch.infer.Bundles}) or training: it reads a finished run ({@link
 * io.cordwatch.trainer.train.TrainingRun}, {@link io.cordwatch.trainer.train.Scores}) and trains
 * nothing, so it uses no DJL ({@code ai.djl}).
 */
package io.cordwatch.trainer.export;
