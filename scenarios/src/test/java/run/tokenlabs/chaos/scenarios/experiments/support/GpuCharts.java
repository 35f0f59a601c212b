package run.tokenlabs.chaos.scenarios.experiments.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.probes.api.Analysis;
import run.tokenlabs.chaos.probes.api.RangeSeries;

/** DCGM-2's charts: a GPU signal (power, SM clock) against utilisation, as aligned pairs with their correlation. */
public final class GpuCharts {
  private GpuCharts() {}

  /** One scatter: x utilisation, y the signal, the pairs aligned as the correlation aligned them. */
  public static void againstUtilisation(Chaos chaos, String gpu, String signalName, RangeSeries signal,
      RangeSeries util, Duration step, Analysis.Correlation c) {
    Analysis.AlignedPairs pairs = Analysis.align(signal, util, step.dividedBy(2));
    List<double[]> points = new ArrayList<>(pairs.n());
    for (int i = 0; i < pairs.n(); i++) {
      points.add(new double[] {pairs.y()[i], pairs.x()[i]});
    }
    ChartEvidence.scatter(signalName + " against GPU utilisation, " + gpu).x("GPU utilisation (%)", false)
        .y(signalName).note(String.format(Locale.ROOT, "Pearson r = %.3f, p = %.2g, n = %d aligned pairs "
            + "(Spearman rho = %.3f)", c.pearson(), c.pearsonP(), c.n(), c.spearman()))
        .series(gpu, points, false, true).record(chaos);
  }
}
