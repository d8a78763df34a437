/**
 * A mutation fuzzer for the DICOM parsing paths we own: the readers of {@code dicom} ({@link
 * io.cordwatch.dicom.DicomFacts}, {@link io.cordwatch.dicom.DicomPixels} and, through it, {@code
 * CompressedFrames}, {@code JpegLossless} and the system codecs), fed files made from real seeds by
 * bit flips, truncation, corrupted element lengths and duplicated elements ({@link
 * io.cordwatch.fuzz.Mutator}). A reader may refuse a file only with its declared errors ({@code
 * DicomReadException}, {@code PixelDecodeException}); anything else it throws, an OutOfMemoryError,
 * or an input that takes longer than its deadline is a finding, saved with the seed that reproduces
 * it ({@link io.cordwatch.fuzz.DicomFuzzer}).
 *
 * <p>A tool for development and release checks ({@code cordwatch fuzz}), not part of the running
 * appliance: nothing in the pipeline imports it. It reads files and writes findings where it is
 * told; randomness comes from one seed, so a run can be repeated exactly.
 */
package io.cordwatch.fuzz;
