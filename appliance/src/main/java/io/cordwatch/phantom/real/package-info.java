/**
 * Real normal spine MRI turned into CordWatch fixtures: NIfTI volumes (Spinal Cord Toolbox example
 * data, MIT) resliced to axial DICOM series of grade-0 anatomy with canal boxes, and copies with
 * synthetic epidural tumours whose Bilsky grade is measured from the warped cord and sac masks by
 * {@link io.cordwatch.phantom.BilskyGrader}.
 *
 * <p>Like its parent stage it prepares synthetic-label data only: it reads the fixture folder and
 * writes placeholder identities ({@code PHANTOM^CORDWATCH}); DICOM goes through {@link
 * io.cordwatch.dicom.DataSetWriter}.
 *
 * <p>Owns: reading the NIfTI fixtures, reslicing them to axial series, and the synthetic tumours
 * with their measured grades.
 *
 * <p>May not touch: the pipeline stages ({@code io.cordwatch.grade}, {@code io.cordwatch.infer},
 * {@code io.cordwatch.roi}, {@code io.cordwatch.store}) or the DICOM library ({@code
 * com.pixelmed}).
 */
package io.cordwatch.phantom.real;
