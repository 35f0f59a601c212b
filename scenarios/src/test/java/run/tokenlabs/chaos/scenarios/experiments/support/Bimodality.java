package run.tokenlabs.chaos.scenarios.experiments.support;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A bimodality test for latencies: one Gaussian against a mixture of two on the log of the values, with the
 * likelihood-ratio statistic's p-value from a parametric bootstrap, and the count of modes of the fitted mixture.
 *
 * <p>Why this test. Latencies are right-skewed and multiplicative, so a single log-normal mode must not look like
 * two: on the log scale it is one Gaussian. The likelihood ratio of two components against one has no chi-square
 * null distribution (the one-component model sits on the boundary of the two-component one), so the p-value is
 * bootstrapped (McLachlan, 1987): samples of the same size are drawn from the fitted single Gaussian, both models are
 * refitted, and p is the share of resampled ratios at or above the observed one. A mixture of two Gaussians can
 * still be unimodal (equal weights and variances: only when the means are more than two standard deviations
 * apart does a dip appear), so "bimodal" also needs the fitted mixture's density to have two local maxima, each
 * component holding at least {@value #MIN_WEIGHT} of the values (a component on a few outliers is no mode). Hartigan's
 * dip test was not chosen because its p-value against a uniform null is conservative at small n; the bimodality
 * coefficient was not chosen because skewed unimodal samples cross its 5/9 threshold and it gives no p-value.
 *
 * <p>EM of a Gaussian mixture has degenerate maxima (a component on one point has infinite likelihood); component
 * standard deviations are floored at a hundredth of the sample's, in the observed fit and every resample alike.
 */
public final class Bimodality {
  /** EM stops here or when the log-likelihood gains less than {@link #TOLERANCE} x n: the observed fit and every
   * resample run the same procedure, so the bootstrap compares like with like. */
  private static final int MAX_ITERATIONS = 100;
  private static final double TOLERANCE = 1e-6;
  private static final double SD_FLOOR = 0.01;
  private static final int GRID = 2000;
  /** A component of fewer values than this share is a few outliers, not a mode. */
  static final double MIN_WEIGHT = 0.05;

  private Bimodality() {
  }

  /**
   * Tests {@code values} (all positive, e.g. seconds) for two modes on the log scale.
   *
   * @param resamples bootstrap resamples of the likelihood ratio (199 or more)
   * @param seed the bootstrap's seed, so a run repeats
   * @param alpha the significance level "bimodal" needs
   */
  public static Result test(double[] values, int resamples, long seed, double alpha) {
    if (values.length < 6) {
      throw new IllegalArgumentException("A bimodality test needs at least 6 values, saw " + values.length
          + "; run the load step longer");
    }
    double[] logs = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] > 0) || Double.isInfinite(values[i])) {
        throw new IllegalArgumentException("Latencies must be positive and finite, saw " + values[i] + " at " + i);
      }
      logs[i] = Math.log(values[i]);
    }
    double floor = SD_FLOOR * Math.max(sd(logs, mean(logs)), 1e-12);
    double one = oneComponentLogLikelihood(logs, floor);
    Mixture two = Mixture.fit(logs, floor);
    double ratio = Math.max(0, 2 * (two.logLikelihood() - one));
    double mu = mean(logs);
    double sigma = Math.max(sd(logs, mu), floor);
    SplittableRandom random = new SplittableRandom(seed);
    int atLeast = 0;
    for (int b = 0; b < resamples; b++) {
      double[] sample = new double[logs.length];
      for (int i = 0; i < sample.length; i++) {
        sample[i] = mu + sigma * gaussian(random);
      }
      double f = SD_FLOOR * Math.max(sd(sample, mean(sample)), 1e-12);
      double lr = 2 * (Mixture.fit(sample, f).logLikelihood() - oneComponentLogLikelihood(sample, f));
      if (lr >= ratio) {
        atLeast++;
      }
    }
    double p = (atLeast + 1.0) / (resamples + 1.0);
    int modes = two.modes();
    boolean bothWeighty = Math.min(two.weight(), 1 - two.weight()) >= MIN_WEIGHT;
    return new Result(values.length, ratio, p, modes, p < alpha && modes >= 2 && bothWeighty, two, alpha, resamples);
  }

  private static double oneComponentLogLikelihood(double[] x, double floor) {
    double mu = mean(x);
    double sigma = Math.max(sd(x, mu), floor);
    double ll = 0;
    for (double v : x) {
      ll += logNormalDensity(v, mu, sigma);
    }
    return ll;
  }

  static double mean(double[] x) {
    return Arrays.stream(x).average().orElse(Double.NaN);
  }

  /** Maximum-likelihood standard deviation (divides by n, as the mixture's M step does). */
  static double sd(double[] x, double mean) {
    double s = 0;
    for (double v : x) {
      s += (v - mean) * (v - mean);
    }
    return Math.sqrt(s / x.length);
  }

  private static double logNormalDensity(double x, double mu, double sigma) {
    double z = (x - mu) / sigma;
    return -0.5 * z * z - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian, and the bootstrap must repeat with its seed.
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /**
   * A two-component Gaussian mixture on the log scale, fitted by EM from two starts (the sorted values split at
   * the median and at the widest gap), the best likelihood kept.
   *
   * @param weight the first (lower) component's weight
   * @param mu1 mean of the lower component (log scale)
   * @param sigma1 its standard deviation
   * @param mu2 mean of the upper component (log scale)
   * @param sigma2 its standard deviation
   * @param logLikelihood the fit's log-likelihood
   */
  public record Mixture(double weight, double mu1, double sigma1, double mu2, double sigma2, double logLikelihood) {
    static Mixture fit(double[] x, double floor) {
      double[] sorted = x.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      int widest = 1;
      for (int i = 1; i < n; i++) {
        if (sorted[i] - sorted[i - 1] > sorted[widest] - sorted[widest - 1]) {
          widest = i;
        }
      }
      Mixture best = null;
      for (int split : new int[] {n / 2, widest}) {
        int s = Math.max(1, Math.min(n - 1, split));
        double[] low = Arrays.copyOfRange(sorted, 0, s);
        double[] high = Arrays.copyOfRange(sorted, s, n);
        Mixture m = em(x, (double) s / n, mean(low), Math.max(sd(low, mean(low)), floor), mean(high),
            Math.max(sd(high, mean(high)), floor), floor);
        if (best == null || m.logLikelihood > best.logLikelihood) {
          best = m;
        }
      }
      return best;
    }

    private static Mixture em(double[] x, double w, double m1, double s1, double m2, double s2, double floor) {
      double previous = Double.NEGATIVE_INFINITY;
      double[] r = new double[x.length];
      double ll = previous;
      for (int it = 0; it < MAX_ITERATIONS; it++) {
        ll = 0;
        double c1 = Math.log(w) - Math.log(s1) - 0.5 * Math.log(2 * Math.PI);
        double c2 = Math.log(1 - w) - Math.log(s2) - 0.5 * Math.log(2 * Math.PI);
        for (int i = 0; i < x.length; i++) {
          double z1 = (x[i] - m1) / s1;
          double z2 = (x[i] - m2) / s2;
          double a = c1 - 0.5 * z1 * z1;
          double b = c2 - 0.5 * z2 * z2;
          double max = Math.max(a, b);
          double total = max + Math.log(Math.exp(a - max) + Math.exp(b - max));
          r[i] = Math.exp(a - total);
          ll += total;
        }
        double n1 = Arrays.stream(r).sum();
        double n2 = x.length - n1;
        if (n1 < 1e-9 || n2 < 1e-9 || ll - previous < TOLERANCE * x.length) {
          break; // a component emptied (the one-component fit) or converged
        }
        previous = ll;
        double sum1 = 0;
        double sum2 = 0;
        for (int i = 0; i < x.length; i++) {
          sum1 += r[i] * x[i];
          sum2 += (1 - r[i]) * x[i];
        }
        m1 = sum1 / n1;
        m2 = sum2 / n2;
        double v1 = 0;
        double v2 = 0;
        for (int i = 0; i < x.length; i++) {
          v1 += r[i] * (x[i] - m1) * (x[i] - m1);
          v2 += (1 - r[i]) * (x[i] - m2) * (x[i] - m2);
        }
        s1 = Math.max(Math.sqrt(v1 / n1), floor);
        s2 = Math.max(Math.sqrt(v2 / n2), floor);
        w = Math.min(1 - 1e-9, Math.max(1e-9, n1 / x.length));
      }
      return m1 <= m2 ? new Mixture(w, m1, s1, m2, s2, ll) : new Mixture(1 - w, m2, s2, m1, s1, ll);
    }

    /** Local maxima of the mixture's density on a fine grid spanning both components. */
    int modes() {
      double from = Math.min(mu1 - 4 * sigma1, mu2 - 4 * sigma2);
      double to = Math.max(mu1 + 4 * sigma1, mu2 + 4 * sigma2);
      double step = (to - from) / GRID;
      int modes = 0;
      double before = density(from - step);
      double here = density(from);
      for (int i = 1; i <= GRID + 1; i++) {
        double after = density(from + i * step);
        if (here > before && here >= after) {
          modes++;
        }
        before = here;
        here = after;
      }
      return modes;
    }

    private double density(double x) {
      return weight * Math.exp(logNormalDensity(x, mu1, sigma1)) + (1 - weight) * Math.exp(logNormalDensity(x, mu2,
          sigma2));
    }

    /** Ashman's D: the components' separation in pooled standard deviations; above 2 they separate cleanly. */
    public double separation() {
      return Math.sqrt(2) * Math.abs(mu2 - mu1) / Math.sqrt(sigma1 * sigma1 + sigma2 * sigma2);
    }
  }

  /**
   * The test's outcome.
   *
   * @param n values tested
   * @param likelihoodRatio 2 x (log-likelihood of two components - of one)
   * @param pValue bootstrap p-value of that ratio under one log-normal mode
   * @param modes local maxima of the fitted two-component density
   * @param bimodal p below alpha, two modes, each component at least {@link #MIN_WEIGHT} of the values
   * @param mixture the two-component fit
   * @param alpha the significance level
   * @param resamples bootstrap resamples
   */
  public record Result(int n, double likelihoodRatio, double pValue, int modes, boolean bimodal, Mixture mixture,
                       double alpha, int resamples) {
    /** The lower mode's centre in the values' unit (geometric mean of its component). */
    public double lowerMode() {
      return Math.exp(mixture.mu1());
    }

    /** The upper mode's centre in the values' unit. */
    public double upperMode() {
      return Math.exp(mixture.mu2());
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "n=%d, LR=%.3g, bootstrap p=%.3g (%d resamples), modes of the fit %d, "
              + "components %.3g (weight %.2f) and %.3g (weight %.2f), Ashman's D %.2f -> %s at alpha %.2f", n,
          likelihoodRatio, pValue, resamples, modes, lowerMode(), mixture.weight(), upperMode(), 1 - mixture.weight(),
          mixture.separation(), bimodal ? "bimodal" : "not bimodal", alpha);
    }
  }
}
