/**
 * Image codecs from the operating system, bound through Panama (the JDK's Foreign Function and
 * Memory API, no JNI): {@code CharLs} (JPEG-LS, Debian's libcharls2) and {@code OpenJpeg} (JPEG
 * 2000, Debian's libopenjp2-7), both reached through {@link io.cordwatch.codec.NativeCodec}. Each
 * decodes one compressed frame held in a byte array into its samples, after checking the frame's
 * header against the {@link io.cordwatch.codec.FrameShape} the caller expects, so nothing is
 * allocated for a size the caller did not already accept.
 *
 * <p>Libraries are found by soname through {@link io.cordwatch.codec.NativeLibrary}, lazily, on
 * first use; a missing library is not an error here: the codec says it is unavailable and why
 * ({@link io.cordwatch.codec.NativeCodec}, which also names the loaded version), and the caller
 * (the receiver, at negotiation) does not offer what it cannot decode. Every failure of a decode is
 * a {@link io.cordwatch.codec.CodecException}; native resources (decoder handles, streams, images)
 * are released in {@code finally} blocks of the same call, and callbacks from native code never let
 * an exception unwind into C.
 *
 * <p>Owns: the bindings to the system's JPEG-LS and JPEG 2000 libraries, finding them by soname,
 * and the check of a compressed frame's header against the shape the caller expects.
 *
 * <p>May not touch: DICOM: no data sets, no transfer syntaxes, no PixelMed ({@code com.pixelmed}).
 * {@code dicom} maps transfer syntaxes onto these codecs and their exceptions onto its own ({@code
 * io.cordwatch.dicom} uses this package, never the other way). It imports nothing from {@code
 * io.cordwatch}.
 */
package io.cordwatch.codec;
