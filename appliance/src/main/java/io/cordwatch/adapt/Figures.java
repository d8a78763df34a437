package io.cordwatch.adapt;

import io.cordwatch.grade.HighDecision;
import io.cordwatch.grade.PrototypeHead;
import io.cordwatch.grade.SliceGrade;
import io.cordwatch.stats.ConfusionMatrix;
import io.cordwatch.stats.Dichotomous;
import java.util.List;
import java.util.function.Function;

/**
 * How one head agrees with the site's reference grades on a set of slices.
 *
 * @param grades reference grade (rows) against the head's nearest prototype (columns)
 * @param highLow reference high/low against the bundle's high call (its P(high) threshold)
 * @param uncertain slices whose OOD score is above the bundle's threshold
 */
public record Figures(ConfusionMatrix grades, Dichotomous highLow, long uncertain) {

  /** Exact agreement over all grades. */
  public double exact() {
    return grades.n() == 0 ? Double.NaN : (double) grades.agreements() / grades.n();
  }

  /**
   * Scores {@code slices}, each with the head and decision rule given for it; {@code high[c]} says
   * whether class c is high.
   */
  static Figures score(
      Function<EnrolledSlice, PrototypeHead> headOf,
      Function<EnrolledSlice, HighDecision> decisionOf,
      boolean[] high,
      List<String> classes,
      List<EnrolledSlice> slices) {
    ConfusionMatrix m = ConfusionMatrix.empty(classes);
    long tp = 0;
    long fn = 0;
    long fp = 0;
    long tn = 0;
    long uncertain = 0;
    for (EnrolledSlice s : slices) {
      SliceGrade g = headOf.apply(s).grade(s.embedding());
      m = m.add(s.label(), g.grade());
      HighDecision decision = decisionOf.apply(s);
      boolean called = decision.call(g.grade(), decision.pHigh(g.probabilities()));
      boolean reference = high[s.label()];
      if (reference) {
        tp += called ? 1 : 0;
        fn += called ? 0 : 1;
      } else {
        fp += called ? 1 : 0;
        tn += called ? 0 : 1;
      }
      uncertain += g.uncertain() ? 1 : 0;
    }
    return new Figures(m, Dichotomous.of(tp, fn, fp, tn), uncertain);
  }
}
