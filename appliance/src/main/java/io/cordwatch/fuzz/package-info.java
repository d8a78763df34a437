/**
 * Mutation fuzzers for the three ways bytes from outside reach the appliance.
 *
 * <ul>
 *   <li>The DICOM parsing paths we own ({@code --target readers}, the default): the readers of
 *       {@code dicom} ({@link io.cordwatch.dicom.DicomFacts}, {@link
 *       io.cordwatch.dicom.DicomPixels} and, through it, {@code CompressedFrames}, {@code
 *       JpegLossless} and the system codecs), fed files made from real seeds by bit flips,
 *       truncation, corrupted element lengths and duplicated elements ({@link
 *       io.cordwatch.fuzz.Mutator}). A reader may refuse a file only with its declared errors
 *       ({@code DicomReadException}, {@code PixelDecodeException}); anything else it throws, an
 *       OutOfMemoryError, or an input that takes longer than its deadline is a finding ({@link
 *       io.cordwatch.fuzz.DicomFuzzer}).
 *   <li>The DICOM upper layer ({@code --target association}): damaged senders' streams ({@link
 *       io.cordwatch.fuzz.PduMutator} over {@link io.cordwatch.fuzz.PduStreams}: A-ASSOCIATE-RQ,
 *       C-ECHO, a phantom C-STORE in P-DATA-TF fragments, A-RELEASE-RQ) against a real receiver on
 *       loopback ({@link io.cordwatch.fuzz.AssociationFuzzer}).
 *   <li>The HTTP server ({@code --target http}): damaged requests ({@link
 *       io.cordwatch.fuzz.HttpMutator} over {@link io.cordwatch.fuzz.HttpRequests}) against the
 *       real web server with access control on and a phantom study stored ({@link
 *       io.cordwatch.fuzz.HttpFuzzer}).
 * </ul>
 *
 * <p>The two network targets run against an appliance started in this process ({@code FuzzHost},
 * through {@code app.Appliance}, in a scratch folder); what it logs and what its threads throw is
 * watched ({@code LogWatch}) and anything but a declared refusal is a finding. Findings are saved
 * with the input that reproduces them.
 *
 * <p>A tool for development and release checks ({@code cordwatch fuzz}), not part of the running
 * appliance: nothing in the pipeline imports it. It writes only findings and its scratch folder;
 * randomness comes from one seed, so a run can be repeated exactly (for the network targets, the
 * same inputs; the receiver's timing may differ).
 *
 * <p>Owns: the mutators, the three fuzz targets, what counts as a finding, and the findings saved
 * with the inputs that reproduce them.
 *
 * <p>May not touch: the stages it fuzzes from the inside ({@code io.cordwatch.receive}, {@code
 * io.cordwatch.web}): it reaches them over loopback sockets of an appliance started through {@code
 * app.Appliance}, and the readers through {@code dicom}'s public API; nor the libraries beneath
 * them ({@code com.pixelmed}, {@code io.helidon}).
 */
package io.cordwatch.fuzz;
