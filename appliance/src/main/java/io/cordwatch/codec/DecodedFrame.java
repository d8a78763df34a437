package io.cordwatch.codec;

/**
 * One decoded frame.
 *
 * @param samples the samples, component by component for each pixel, row by row; each is the
 *     codestream's {@code precision}-bit value: unsigned ones as they are (so a 16-bit sample above
 *     32767 reads negative as a Java short), signed ones sign-extended to 16 bits
 * @param precision bits per sample in the codestream
 * @param signed the codestream says its samples are signed (JPEG 2000 only; JPEG-LS has no sign)
 * @param lossless the codestream itself says it is lossless: JPEG-LS with NEAR 0; JPEG 2000 coded
 *     with the reversible 5-3 wavelet throughout (necessary, not sufficient: a reversible
 *     codestream can still have been truncated to a lower rate)
 */
public record DecodedFrame(short[] samples, int precision, boolean signed, boolean lossless) {}
