package run.tokenlabs.chaos.probes.api;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.correlation.PearsonsCorrelation;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

/**
 * The statistics behind verdicts on causal chains and latency changes (commons-math3): aligning
 * two range series on time, Pearson and Spearman with p-values, NaN-throughout detection, and
 * comparing two latency samples (Mann-Whitney U, bootstrap interval of the p95 difference).
 */
public final class Analysis {
  private Analysis() {
  }

  /**
   * Pairs the points of two range series whose times are within {@code tolerance} (the nearest
   * one wins). Pairs where either value is NaN are dropped and counted.
   */
  public static AlignedPairs align(RangeSeries a, RangeSeries b, Duration tolerance) {
    List<Point> left = a.points();
    List<Point> right = b.points();
    List<Instant> times = new ArrayList<>();
    List<double[]> pairs = new ArrayList<>();
    int droppedNaN = 0;
    int j = 0;
    long toleranceMillis = tolerance.toMillis();
    for (Point p : left) {
      long t = p.time().toEpochMilli();
      while (j + 1 < right.size() && Math.abs(right.get(j + 1).time().toEpochMilli() - t)
          <= Math.abs(right.get(j).time().toEpochMilli() - t)) {
        j++;
      }
      if (j < right.size() && Math.abs(right.get(j).time().toEpochMilli() - t) <= toleranceMillis) {
        double x = p.value();
        double y = right.get(j).value();
        if (Double.isNaN(x) || Double.isNaN(y)) {
          droppedNaN++;
        } else {
          times.add(p.time());
          pairs.add(new double[] {x, y});
        }
      }
    }
    double[] xs = pairs.stream().mapToDouble(p -> p[0]).toArray();
    double[] ys = pairs.stream().mapToDouble(p -> p[1]).toArray();
    return new AlignedPairs(xs, ys, times, droppedNaN, left.size() - pairs.size() - droppedNaN);
  }

  /**
   * Pearson and Spearman correlation of aligned pairs, each with a two-sided p-value from the
   * t distribution with n - 2 degrees of freedom (for Spearman an approximation, fair from n of
   * about 10). A constant series has no correlation: NaN, with p NaN.
   *
   * @throws IllegalArgumentException with fewer than 3 pairs
   */
  public static Correlation correlate(AlignedPairs pairs) {
    int n = pairs.n();
    if (n < 3) {
      throw new IllegalArgumentException("Correlation needs at least 3 aligned pairs, got " + n
          + " (dropped " + pairs.droppedNaN() + " with NaN, " + pairs.unmatched() + " unmatched)");
    }
    double pearson = new PearsonsCorrelation().correlation(pairs.x(), pairs.y());
    double spearman = new SpearmansCorrelation().correlation(pairs.x(), pairs.y());
    return new Correlation(n, pearson, pValue(pearson, n), spearman, pValue(spearman, n));
  }

  static double pValue(double r, int n) {
    if (Double.isNaN(r)) {
      return Double.NaN;
    }
    if (Math.abs(r) >= 1.0) {
      return 0.0;
    }
    double t = Math.abs(r) * Math.sqrt((n - 2) / (1 - r * r));
    return 2 * (1 - new TDistribution(n - 2).cumulativeProbability(t));
  }

  /**
   * Whether a series has points and every one is NaN: a histogram that never got an observation
   * (the reference run's SGLang latency), which must be reported as "no data", never as 0.
   */
  public static boolean nanThroughout(RangeSeries series) {
    return !series.points().isEmpty() && series.points().stream().allMatch(p -> Double.isNaN(p.value()));
  }

  /**
   * Compares two latency samples: Mann-Whitney U (two-sided p-value, normal approximation) and a
   * percentile bootstrap interval of p95(candidate) - p95(baseline).
   *
   * @param resamples bootstrap resamples, e.g. 2000
   * @param seed the random seed, so a report can be reproduced
   * @param confidence e.g. 0.95
   */
  public static DistributionComparison compare(double[] baseline, double[] candidate, int resamples, long seed,
                                               double confidence) {
    if (baseline.length < 2 || candidate.length < 2) {
      throw new IllegalArgumentException("Each sample needs at least 2 values, got " + baseline.length + " and "
          + candidate.length);
    }
    MannWhitneyUTest test = new MannWhitneyUTest();
    double u = test.mannWhitneyU(baseline, candidate);
    double p = test.mannWhitneyUTest(baseline, candidate);
    double p95Baseline = p95(baseline);
    double p95Candidate = p95(candidate);
    SplittableRandom random = new SplittableRandom(seed);
    double[] differences = new double[resamples];
    double[] a = new double[baseline.length];
    double[] b = new double[candidate.length];
    for (int i = 0; i < resamples; i++) {
      resample(baseline, a, random);
      resample(candidate, b, random);
      differences[i] = p95(b) - p95(a);
    }
    Arrays.sort(differences);
    double alpha = (1 - confidence) / 2;
    Percentile percentile = new Percentile().withEstimationType(Percentile.EstimationType.R_7);
    return new DistributionComparison(baseline.length, candidate.length, u, p, p95Baseline, p95Candidate,
        p95Candidate - p95Baseline, percentile.evaluate(differences, alpha * 100),
        percentile.evaluate(differences, (1 - alpha) * 100), confidence);
  }

  /** The 95th percentile, linear interpolation between order statistics (R-7, as numpy's default). */
  public static double p95(double[] values) {
    return new Percentile().withEstimationType(Percentile.EstimationType.R_7).evaluate(values, 95);
  }

  private static void resample(double[] from, double[] to, SplittableRandom random) {
    for (int i = 0; i < to.length; i++) {
      to[i] = from[random.nextInt(from.length)];
    }
  }

  /**
   * Two series paired on time.
   *
   * @param x the first series' values
   * @param y the second series' values at the same times
   * @param times the times of the pairs
   * @param droppedNaN pairs dropped because a value was NaN
   * @param unmatched points of the first series with no partner within the tolerance
   */
  public record AlignedPairs(double[] x, double[] y, List<Instant> times, int droppedNaN, int unmatched) {
    public AlignedPairs {
      times = List.copyOf(times);
    }

    public int n() {
      return x.length;
    }
  }

  /**
   * Correlation of two aligned series.
   *
   * @param n the number of pairs
   * @param pearson Pearson's r
   * @param pearsonP its two-sided p-value
   * @param spearman Spearman's rho
   * @param spearmanP its two-sided p-value (t approximation)
   */
  public record Correlation(int n, double pearson, double pearsonP, double spearman, double spearmanP) {
    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "Pearson r=%.3f (p=%.3g), Spearman rho=%.3f (p=%.3g), n=%d",
          pearson, pearsonP, spearman, spearmanP, n);
    }
  }

  /**
   * Two latency samples compared.
   *
   * @param nBaseline size of the baseline sample
   * @param nCandidate size of the candidate sample
   * @param mannWhitneyU the U statistic
   * @param pValue the two-sided Mann-Whitney p-value
   * @param p95Baseline the baseline's p95
   * @param p95Candidate the candidate's p95
   * @param p95Difference p95Candidate - p95Baseline
   * @param ciLow the interval's lower bound of the p95 difference
   * @param ciHigh the interval's upper bound
   * @param confidence the interval's confidence level
   */
  public record DistributionComparison(int nBaseline, int nCandidate, double mannWhitneyU, double pValue,
                                       double p95Baseline, double p95Candidate, double p95Difference,
                                       double ciLow, double ciHigh, double confidence) {
    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT,
          "p95 %.4g -> %.4g (diff %.4g, %.0f%% CI [%.4g, %.4g]); Mann-Whitney U=%.1f p=%.3g; n=%d/%d",
          p95Baseline, p95Candidate, p95Difference, confidence * 100, ciLow, ciHigh, mannWhitneyU, pValue,
          nBaseline, nCandidate);
    }
  }
}
