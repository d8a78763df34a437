/**
 * Site adaptation: prototype re-enrolment from a site's own graded slices ({@code cordwatch
 * adapt}). The backbone stays frozen; the slices' embeddings are collected through the appliance's
 * own grading path ({@link io.cordwatch.adapt.Enrolment}), new prototypes are the per-grade means
 * shrunk toward the shipped ones by the amount of local data ({@link
 * io.cordwatch.adapt.Shrinkage}), the result is cross-validated by study against the parent on the
 * same held-out slices ({@link io.cordwatch.adapt.CrossValidation}) and refused with the figures
 * when it is worse ({@link io.cordwatch.adapt.Adaptation}). An accepted adaptation is a new bundle
 * naming its parent; the parent is never changed.
 *
 * <p>Depends on {@code infer}, {@code grade}, {@code roi}, {@code dicom} and {@code stats}; nothing
 * depends on it but {@code cli}.
 */
package io.cordwatch.adapt;
