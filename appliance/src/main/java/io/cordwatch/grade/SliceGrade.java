package io.cordwatch.grade;

/**
 * The prototype head's answer for one slice (float path).
 *
 * @param grade index of the nearest prototype, i.e. the class
 * @param probabilities softmax(-d / T), summing to 1
 * @param squaredDistances d_k = ||e - p_k||^2
 * @param oodScore min_k d_k / ood_scale
 * @param uncertain whether oodScore is above the bundle's threshold
 */
public record SliceGrade(
    int grade,
    float[] probabilities,
    float[] squaredDistances,
    float oodScore,
    boolean uncertain) {}
