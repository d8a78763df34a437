package io.cordwatch.grade;

/** {@link SliceGrade} computed in double precision by {@link PrototypeHead#reference}. */
public record ReferenceGrade(
    int grade,
    double[] probabilities,
    double[] squaredDistances,
    double oodScore,
    boolean uncertain) {}
