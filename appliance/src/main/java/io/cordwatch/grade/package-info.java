/**
 * The grading stage: from embeddings to grades. Today the {@link io.cordwatch.grade.PrototypeHead}
 * (squared distances to the bundle's prototypes, softmax(-d / T), nearest prototype,
 * out-of-distribution score); the study verdict built from slice grades belongs here too.
 *
 * <p>Owns: the head's maths and its double-precision reference, which the CUDA {@code
 * prototype_head} kernel is checked against. It may not touch pixels, DICOM, ONNX Runtime or the
 * database: it receives embeddings and a bundle's head parameters and returns numbers, so it can be
 * tested exhaustively without a model.
 */
package io.cordwatch.grade;
