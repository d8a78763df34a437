/**
 * Phantom studies: synthetic axial T2-weighted thoracic spine MRI with exact Bilsky labels, for the
 * tests, the demo, the benchmarks and the training of the demo model.
 *
 * <p>Owns: synthetic data only. It never reads patient data and writes only placeholder identities
 * ({@code PHANTOM^CORDWATCH}). Its one rule is that a label can never disagree with the pixels:
 * anatomy and disease are geometry ({@link io.cordwatch.phantom.SliceModel}), the grade is computed
 * from that geometry's rendered masks by {@link io.cordwatch.phantom.BilskyGrader}, and the image
 * is rendered from the same geometry by {@link io.cordwatch.phantom.Acquisition}.
 *
 * <p>Three styles ({@link io.cordwatch.phantom.StudyPlan.Style}): internal and external mimic the
 * source study's test sets with fixed tissue appearance; randomized ({@link
 * io.cordwatch.phantom.Randomization}) draws contrast from relaxation physics ({@link
 * io.cordwatch.phantom.TissueContrast}), texture fields ({@link
 * io.cordwatch.phantom.TextureField}), patient anatomy ({@link
 * io.cordwatch.phantom.AnatomyVariant}), grade-0 mimics ({@link io.cordwatch.phantom.Mimics}) and
 * artefacts ({@link io.cordwatch.phantom.Degradation}) with severities continuous across grade
 * boundaries, and writes each slice's distance to the nearest grade boundary ({@link
 * io.cordwatch.phantom.BoundaryDistance}) as labels.csv's last column. All of its draws and their
 * training and hold-out ranges are in {@link io.cordwatch.phantom.FactorRange} (docs/phantom.md).
 * On request each axial T2 slice's tissue map is written beside it ({@link
 * io.cordwatch.phantom.TissueMasks}), the same geometry on the image's pixel grid.
 *
 * <p>{@link io.cordwatch.phantom.SyntheticStudy} writes small unlabelled MR studies (an oval, a
 * canal, a cord) for the receiver's tests and the ingest benchmark, where only the headers and the
 * volume matter.
 *
 * <p>All DICOM here is written through {@link io.cordwatch.dicom.DataSetWriter} with UIDs from
 * {@link io.cordwatch.dicom.Uids} (name-based for the phantom, so a seed reproduces the bytes;
 * random for the synthetic study), so the DICOM library stays behind the {@code dicom} package.
 *
 * <p>May not touch: patient data; the DICOM library ({@code com.pixelmed}): files go through {@code
 * dicom.DataSetWriter}; or the pipeline that grades what it makes ({@code io.cordwatch.grade},
 * {@code io.cordwatch.infer}, {@code io.cordwatch.roi}, {@code io.cordwatch.store}), so a label
 * never comes from the model under test.
 */
package io.cordwatch.phantom;
