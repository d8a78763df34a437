/**
 * Key images drawn: a graded slice's stored pixels windowed the way grading sees them, its canal
 * box outlined in the colour of the slice's call and the grade written in the corner ({@link
 * io.cordwatch.keyimage.KeyImageRenderer}, {@link io.cordwatch.keyimage.Overlay}, with a built-in
 * bitmap font so no system font is needed).
 *
 * <p>It is shared by the two places that show a key image: {@code web} (the PNGs of the results
 * pages and the API) and {@code publish} (the optional Secondary Capture images sent to the PACS),
 * so a clinician sees the same picture in both. It holds pixels and words only: it reads the stored
 * pixels through {@code dicom} and windows them with {@code infer}'s reference preprocessing. What
 * goes on the image (grade, P(high), flags) carries no patient data.
 *
 * <p>Owns: how a key image looks: the windowing applied, the outline's colours, the corner text and
 * the bitmap font.
 *
 * <p>May not touch: the index ({@code io.cordwatch.store}), files, or the places that show its
 * images ({@code io.cordwatch.web}, {@code io.cordwatch.publish}) and the wiring and settings
 * ({@code io.cordwatch.app}, {@code io.cordwatch.config}).
 */
package io.cordwatch.keyimage;
