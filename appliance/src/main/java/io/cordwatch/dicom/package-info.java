/**
 * The small DICOM helper: UIDs, the facts of an instance ({@link io.cordwatch.dicom.InstanceFacts})
 * read from a data set by {@link io.cordwatch.dicom.DicomFacts}, the stored pixel values of every
 * frame ({@link io.cordwatch.dicom.DicomPixels}; lossless JPEG, JPEG-LS and JPEG 2000 through
 * {@link io.cordwatch.dicom.CompressedFrames}, which maps those transfer syntaxes onto {@link
 * io.cordwatch.dicom.JpegLossless} and the system codecs of {@code codec}, and says which of them
 * this installation decodes), the decode limits every decoder applies first ({@link
 * io.cordwatch.dicom.DecodeLimits}), and {@link io.cordwatch.dicom.DataSetWriter}, through which
 * the phantom generator writes its files by tag number without calling PixelMed itself. {@link
 * io.cordwatch.dicom.Dcmtk} is how CordWatch's own commands run DCMTK's tools ({@code storescu} for
 * the demo and the benches): one argument order, Nagle off, one success line to count. {@link
 * io.cordwatch.dicom.SpineRegion} reads the Body Part Examined vocabulary: which values name only
 * the lumbar or sacral spine, below the conus.
 *
 * <p>Owns: the DICOM library's calls outside the network stages, the facts and pixels read from an
 * instance, the decode limits, UIDs and their log tags, and the way our commands run DCMTK.
 *
 * <p>Besides {@code receive} and {@code publish} (results out), this is the only package allowed to
 * call PixelMed. Keeping the library behind these few classes is what lets it be swapped (dcm4che
 * is the preferred library once its artifacts can be reached) without touching selection, grading
 * or the web layer; everything past this package sees records and strings.
 *
 * <p>It reads; it does not decide. Whether a series is graded belongs to {@code study}, what a
 * series below the conus is called to {@code grade}. It never extracts patient name, ID or birth
 * date: what it returns is logged, indexed and served, so the only way to keep identifiers out of
 * those places is never to pick them up.
 *
 * <p>May not touch: any stage or the index ({@code io.cordwatch.study}, {@code io.cordwatch.store},
 * {@code io.cordwatch.grade}, {@code io.cordwatch.receive}): of ours it uses {@code codec} only;
 * nor patient name, ID or birth date.
 */
package io.cordwatch.dicom;
