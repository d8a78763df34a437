/**
 * Training and validation data: DICOM studies with their labels (labels.csv with a grade column, or
 * LabelImg Pascal VOC XML) turned into the exact tensors the appliance computes, through the
 * appliance's own decoding ({@code io.cordwatch.dicom.DicomPixels}), boxes ({@code
 * io.cordwatch.roi.SuppliedBoxes}) and preprocessing ({@code io.cordwatch.infer.Preprocessing}),
 * with the per-series window taken as {@code io.cordwatch.grade.SeriesGrader} takes it ({@link
 * io.cordwatch.trainer.dataset.Dataset}); augmentation by re-cropping the kept region around each
 * box ({@link io.cordwatch.trainer.dataset.Augmentation}); splits by study; class weights.
 *
 * <p>Owns: label reading for grades, the in-memory sample form, augmentation, splitting, dataset
 * errors ({@link io.cordwatch.trainer.dataset.DatasetException}).
 *
 * <p>May not touch: the preprocessing arithmetic itself (it calls the appliance's functions, never
 * a copy of them), the network ({@code ai.djl}, {@code io.cordwatch.trainer.model}), the bundle
 * ({@code io.cordwatch.infer.Bundles}, {@code io.cordwatch.trainer.export}), or training ({@code
 * io.cordwatch.trainer.train}). Logs carry counts and folder names, never patient data.
 */
package io.cordwatch.trainer.dataset;
