/**
 * Phantom studies: synthetic axial T2-weighted thoracic spine MRI with exact Bilsky labels, for the
 * tests, the demo, the benchmarks and the training of the demo model.
 *
 * <p>The stage owns synthetic data only. It never reads patient data and writes only placeholder
 * identities ({@code PHANTOM^CORDWATCH}). Its one rule is that a label can never disagree with the
 * pixels: anatomy and disease are geometry ({@link io.cordwatch.phantom.SliceModel}), the grade is
 * computed from that geometry's rendered masks by {@link io.cordwatch.phantom.BilskyGrader}, and
 * the image is rendered from the same geometry by {@link io.cordwatch.phantom.Acquisition}.
 *
 * <p>DICOM is written through {@link io.cordwatch.dicom.DataSetWriter}, so the DICOM library stays
 * behind the {@code dicom} package.
 */
package io.cordwatch.phantom;
