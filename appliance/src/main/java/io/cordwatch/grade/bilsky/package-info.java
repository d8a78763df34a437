/**
 * The Bilsky scale itself ({@link io.cordwatch.grade.bilsky.Grade}): the grades, their label names
 * and which of them are high grade. It is part of the grading stage, kept in a package of its own
 * because {@code infer} (a bundle's default classes), {@code phantom} (labels), the CLI's
 * evaluation and the trainer all name grades, and {@code grade} itself depends on {@code infer}.
 *
 * <p>Owns: the scale and nothing else.
 *
 * <p>May not touch: any other package of the appliance ({@code io.cordwatch.grade}, {@code
 * io.cordwatch.infer} and {@code io.cordwatch.phantom} use it); a bundle's class names stay
 * strings, so models that name their classes differently still load.
 */
package io.cordwatch.grade.bilsky;
