/**
 * Site adaptation: prototype re-enrolment from a site's own graded slices ({@code cordwatch
 * adapt}). The backbone stays frozen; the slices' embeddings are collected through the appliance's
 * own grading path ({@link io.cordwatch.adapt.Enrolment}), new prototypes are the per-grade means
 * shrunk toward the shipped ones by the amount of local data ({@link
 * io.cordwatch.adapt.Shrinkage}), the result is cross-validated by study against the parent on the
 * same held-out slices ({@link io.cordwatch.adapt.CrossValidation}) and refused with the figures
 * when it is worse ({@link io.cordwatch.adapt.Adaptation}). An accepted adaptation is a new bundle
 * naming its parent; the parent is never changed. The same site data serves local validation
 * ({@code cordwatch validate}): the site operating point ({@link
 * io.cordwatch.adapt.OperatingPoint}), chosen on all the site's slices, and what that rule gives on
 * studies it did not see ({@link io.cordwatch.adapt.CrossValidatedOperatingPoint}: chosen on k-1
 * folds of whole studies, applied to the held-out one). Both cross-validations deal studies into
 * folds the same way ({@link io.cordwatch.adapt.StudyFolds}).
 *
 * <p>Site data comes as {@link io.cordwatch.adapt.LabelledStudies}: a folder of DICOM files with a
 * labels.csv ({@link io.cordwatch.adapt.LabelledFolder}), or the slices an appliance's clinicians
 * confirmed or corrected, read from its data directory without disturbing it ({@link
 * io.cordwatch.adapt.ReviewedStudies}: the current slice decisions as reference, the spooled
 * instances of their series, the boxes grading used; study decisions are counted, never turned into
 * slice labels). Validation and enrolment take either through the same code.
 *
 * <p>Depends on {@code infer}, {@code grade}, {@code roi}, {@code dicom}, {@code stats} and {@code
 * store} (read only, through {@code store.IndexSnapshot}); nothing depends on it but {@code cli}.
 *
 * <p>Owns: site adaptation (prototype re-enrolment, the shrinkage toward the shipped prototypes,
 * the cross-validation against the parent and the refusal of a worse result) and local validation
 * (the site operating point, in sample and cross-validated), with the study folds both deal.
 *
 * <p>May not touch: the running appliance or its settings ({@code io.cordwatch.app}, {@code
 * io.cordwatch.config}, {@code io.cordwatch.receive}, {@code io.cordwatch.study}, {@code
 * io.cordwatch.web}): it reads a box's data directory through {@code store.IndexSnapshot} without
 * disturbing it; nor the libraries behind the stages it uses ({@code ai.onnxruntime}, {@code
 * com.pixelmed}, {@code java.sql}): the model runs through {@code infer}, DICOM is read through
 * {@code dicom}.
 */
package io.cordwatch.adapt;
