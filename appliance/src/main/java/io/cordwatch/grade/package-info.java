/**
 * The grading stage: from a series' files to its verdict. {@link io.cordwatch.grade.SeriesGrader}
 * runs the pipeline for one series (pixels from {@code io.cordwatch.dicom}, boxes from a {@code
 * io.cordwatch.roi.BoxSource}, tensors from {@code io.cordwatch.infer.Preprocessing}, embeddings
 * from a {@code io.cordwatch.infer.BackboneEngine}, or the whole series at once from an engine
 * offering {@code io.cordwatch.infer.SeriesEngine}, the fused GPU pass); the {@link
 * io.cordwatch.grade.PrototypeHead} turns embeddings into grades, probabilities and an
 * out-of-distribution score; {@link io.cordwatch.grade.Verdicts} turns slice results into segments,
 * key images and the study grade. Decoding a file is a step of its own ({@link
 * io.cordwatch.grade.SeriesGrader#decode}), so the appliance can decode instances as they arrive
 * and grade the decoded series later with the same result; a grading can be cancelled between
 * batches when its inputs went stale. {@link io.cordwatch.grade.SeriesFiles} groups a folder's
 * files by study and series (their header facts read through {@code io.cordwatch.dicom}) for the
 * offline commands that grade, validate and adapt.
 *
 * <p>Owns: the head's maths and its double-precision reference (the CUDA {@code prototype_head}
 * kernel is checked against it), the verdict rules, and how their thresholds are chosen on
 * validation slices ({@link io.cordwatch.grade.HighThreshold} for the triage threshold, used by the
 * trainer and {@code bundle set-high-threshold}; {@link io.cordwatch.grade.ConfidentBand}; {@link
 * io.cordwatch.grade.RuleOut} for the rule-out threshold, on validation series).
 *
 * <p>May not touch: DICOM parsing ({@code com.pixelmed}), ONNX Runtime ({@code ai.onnxruntime}) or
 * the database ({@code io.cordwatch.store}, {@code java.sql}): it reaches pixels and the model only
 * through those interfaces, and it returns records that callers store or print.
 */
package io.cordwatch.grade;
