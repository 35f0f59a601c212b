package run.tokenlabs.chaos.scenarios.experiments.support;

import java.util.SplittableRandom;
import run.tokenlabs.chaos.probes.api.Analysis;

/**
 * The significance of a difference of two p95s, by the percentile bootstrap: the samples are resampled with
 * replacement, the p95 difference taken each time, and the p-value is twice the smaller share of differences at
 * or beyond 0 on either side (with the +1 correction, so never 0). Same resampling as {@link Analysis#compare}.
 */
public final class BootstrapP95 {
  private BootstrapP95() {
  }

  /** Two-sided bootstrap p-value of p95(on) - p95(off), from {@code resamples} resamples seeded with {@code seed}. */
  public static double pValue(double[] off, double[] on, int resamples, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] a = new double[off.length];
    double[] b = new double[on.length];
    int atOrAbove = 0;
    int atOrBelow = 0;
    for (int i = 0; i < resamples; i++) {
      resample(off, a, random);
      resample(on, b, random);
      double difference = Analysis.p95(b) - Analysis.p95(a);
      atOrAbove += difference >= 0 ? 1 : 0;
      atOrBelow += difference <= 0 ? 1 : 0;
    }
    return Math.min(1.0, 2.0 * (Math.min(atOrAbove, atOrBelow) + 1) / (resamples + 1));
  }

  private static void resample(double[] from, double[] to, SplittableRandom random) {
    for (int i = 0; i < to.length; i++) {
      to[i] = from[random.nextInt(from.length)];
    }
  }
}
