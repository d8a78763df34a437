package io.cordwatch.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The training objective of the source study's prototypical network (BILSKY.md), on DJL arrays so
 * that PyTorch differentiates it:
 *
 * <pre>{@code
 * d_nk  = ||e_n - p_k||^2                                   squared distance to prototype k
 * CE    = sum_n w_{y_n} * -log softmax_k(-d_nk / T)[y_n] / sum_n w_{y_n}     (torch's weighted mean)
 * PL    = mean_n d_{n, y_n}                                 compact regularisation
 * VAT   = mean_n KL( p_n || q_n(e_n + r_adv_n) )           virtual adversarial loss
 * total = CE + lambda * PL + VAT
 * }</pre>
 *
 * <p><b>Where VAT acts.</b> As in the study's pipeline figure and the authors' code, the virtual
 * adversarial perturbation is of the embedding e (the 2048-d output of the global average pool)
 * that is fed to the prototype head, not of the image. The head is {@code p(k | e) = softmax_k(-||e
 * - p_k||^2 / T)}, so the gradient of {@code KL(p || q(e + r))} with respect to r, which one power
 * iteration needs, has a closed form: with {@code z_k = -||e + r - p_k||^2 / T}, {@code dKL/dz = q
 * - p} and {@code dz_k/dr = -2 (e + r - p_k) / T}; the terms in {@code e + r} cancel because p and
 * q both sum to 1, leaving
 *
 * <pre>{@code
 * grad_r KL = (2 / T) * sum_k (q_k - p_k) * p_k(vector)  =  (2 / T) (q - p) P
 * }</pre>
 *
 * (P the K x D prototype matrix). {@link #vatDirection} evaluates it at {@code r = xi * d / ||d||}
 * for a random d and normalises it per sample (Miyato et al. 2018, one power iteration); LossesTest
 * checks it against finite differences and against PyTorch's autograd. The clean prediction p and
 * the direction are constants (no gradient flows through them), as in Miyato's implementation; the
 * perturbed prediction q is differentiated, through e into the backbone and into the prototypes.
 *
 * <p>Every function returns arrays attached to the manager of {@code e} (or {@code scope}), never
 * to the parameters' manager, so a training step's temporaries are freed with the step.
 */
public final class Losses {
  private Losses() {}

  /** Guards the per-sample normalisation against a zero vector (Miyato's implementation: 1e-8). */
  static final double NORMALISE_EPS = 1e-12;

  /**
   * The loss terms of one batch; {@code total} carries the gradient, {@code vat} is null when
   * epsilon is 0, {@code distances} are the clean {@code [N, K]} squared distances.
   */
  public record Terms(
      NDArray total, NDArray crossEntropy, NDArray compact, NDArray vat, NDArray distances) {}

  /** The hyper-parameters of the objective. */
  public record Weights(double temperature, double lambda, double xi, double epsilon) {
    /** The authors' values: T = 2, lambda = 0.1, xi = eps = 0.1. */
    public static Weights published() {
      return new Weights(2, 0.1, 0.1, 0.1);
    }
  }

  /** {@code [N, K]} squared distances between embeddings {@code e [N, D]} and prototypes. */
  public static NDArray squaredDistances(NDArray e, NDArray prototypes) {
    // Differences, then squares: the same arithmetic as the appliance's PrototypeHead.
    return e.expandDims(1).sub(prototypes).square().sum(new int[] {2});
  }

  /**
   * Class-weighted cross-entropy over logits {@code -d / T}: {@code sum_n w_{y_n} * -log p_n[y_n] /
   * sum_n w_{y_n}}, which is torch.nn.CrossEntropyLoss(weight=w)'s mean.
   *
   * @param oneHot {@code [N, K]} one-hot labels
   * @param classWeights {@code [K]}
   */
  public static NDArray crossEntropy(
      NDArray distances, NDArray oneHot, NDArray classWeights, double temperature) {
    NDArray logp = distances.div((float) -temperature).logSoftmax(1);
    NDArray nll = logp.mul(oneHot).sum(new int[] {1}).neg();
    NDArray w = oneHot.mul(classWeights).sum(new int[] {1});
    return nll.mul(w).sum().div(w.sum());
  }

  /**
   * Compact regularisation: the mean over the batch of the squared distance to the own prototype.
   */
  public static NDArray compact(NDArray distances, NDArray oneHot) {
    return distances.mul(oneHot).sum(new int[] {1}).mean();
  }

  /**
   * The virtual adversarial direction: the gradient of {@code KL(p(e) || p(e + xi * d / ||d||))}
   * with respect to the perturbation, normalised per sample to unit length. No gradient flows
   * through the result.
   *
   * @param random {@code [N, D]} the random start d (standard normal)
   */
  public static NDArray vatDirection(
      NDArray e,
      NDArray prototypes,
      double temperature,
      double xi,
      NDArray random,
      NDManager scope) {
    NDArray eD = e.stopGradient();
    NDArray pD = prototypes.stopGradient();
    pD.attach(scope);
    NDArray p = squaredDistances(eD, pD).div((float) -temperature).softmax(1);
    NDArray r = normalise(random).mul((float) xi);
    NDArray q = squaredDistances(eD.add(r), pD).div((float) -temperature).softmax(1);
    NDArray grad = q.sub(p).matMul(pD).mul((float) (2 / temperature));
    return normalise(grad);
  }

  /**
   * The virtual adversarial loss: {@code mean_n KL(p_n || q_n)} with p the clean prediction (a
   * constant) and q the prediction at {@code e + eps * direction}, differentiable in e and the
   * prototypes.
   */
  public static NDArray vat(
      NDArray e,
      NDArray prototypes,
      double temperature,
      double epsilon,
      NDArray direction,
      NDManager scope) {
    NDArray pD = prototypes.stopGradient();
    pD.attach(scope);
    NDArray logp = squaredDistances(e.stopGradient(), pD).div((float) -temperature).logSoftmax(1);
    NDArray p = logp.exp();
    NDArray logq =
        squaredDistances(e.add(direction.mul((float) epsilon)), prototypes)
            .div((float) -temperature)
            .logSoftmax(1);
    return p.mul(logp.sub(logq)).sum(new int[] {1}).mean();
  }

  /** All terms for one batch. */
  public static Terms terms(
      NDArray e,
      NDArray prototypes,
      NDArray oneHot,
      NDArray classWeights,
      Weights w,
      NDArray random,
      NDManager scope) {
    NDArray d = squaredDistances(e, prototypes);
    NDArray ce = crossEntropy(d, oneHot, classWeights, w.temperature());
    NDArray pl = compact(d, oneHot);
    NDArray total = ce.add(pl.mul((float) w.lambda()));
    NDArray vat = null;
    if (w.epsilon() > 0) {
      NDArray dir = vatDirection(e, prototypes, w.temperature(), w.xi(), random, scope);
      vat = vat(e, prototypes, w.temperature(), w.epsilon(), dir, scope);
      total = total.add(vat);
    }
    return new Terms(total, ce, pl, vat, d);
  }

  /** Each row divided by its Euclidean norm. */
  static NDArray normalise(NDArray rows) {
    return rows.div(rows.norm(new int[] {1}, true).add((float) NORMALISE_EPS));
  }
}
