package run.tokenlabs.chaos.lab.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import run.tokenlabs.chaos.lab.simulator.ModelServer;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;

/**
 * The lab's own share of the time to first token (a benchmark: it prints figures and asserts
 * nothing). Closed loops of 16, 64, 256 and 1,024 sessions through the gateway, with the project's
 * load generator, each on a fresh gb10 lab at time scale 0.01; every point is run several times and
 * the median run is reported, the machine being shared.
 *
 * <p>The overhead is the TTFT the client measured (first chunk with choices minus the moment the
 * request left the client's queue) less the TTFT the simulator modelled for the same requests
 * (arrival in the scheduler to first token): everything that is not the simulated GPU, i.e. the
 * gateway, both HTTP hops, the handler threads and the client. Reported two ways: the difference of
 * the medians (robust to the pauses of a shared machine) and the difference of the means (by
 * linearity exactly the mean of the per-request differences). In simulated time it is that divided
 * by the time scale. The step clock's lag is how late the simulator's steps ended against their due
 * time; the run is ordered by its median overhead.
 *
 * <p>Arguments: session counts (default {@code 16 64 256 1024}); {@code -Druns=N} (default 3) and
 * {@code -Dseconds=S} (default 5) per run.
 */
public final class TtftOverheadBenchmark {
  private static final Bucket WORKLOAD = Bucket.of("bench", 256, 32);

  private TtftOverheadBenchmark() {}

  /** What one run measured; times in milliseconds of wall time. */
  record Run(long requests, long failed, double clientP50Millis, double serverP50Millis, double clientMeanMillis,
             double serverMeanMillis, double maxLagMillis) {
    double overheadMillis() {
      return clientP50Millis - serverP50Millis;
    }

    double meanOverheadMillis() {
      return clientMeanMillis - serverMeanMillis;
    }
  }

  public static void main(String[] args) {
    int[] sessions = args.length == 0 ? new int[] {16, 64, 256, 1024}
        : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    int runs = Integer.getInteger("runs", 3);
    Duration duration = Duration.ofSeconds(Integer.getInteger("seconds", 5));
    System.out.printf("%8s %8s %6s %11s %11s %13s %13s %13s %11s%n", "sessions", "requests", "failed",
        "client p50", "model p50", "overhead p50", "overhead sim", "mean overhd", "max lag");
    for (int n : sessions) {
      List<Run> results = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        results.add(run(n, duration));
      }
      results.sort((a, b) -> Double.compare(a.overheadMillis(), b.overheadMillis()));
      Run median = results.get(results.size() / 2);
      double timeScale = LabProfile.gb10().timeScale();
      System.out.printf("%8d %8d %6d %8.2f ms %8.2f ms %10.2f ms %11.3f s %10.2f ms %8.1f ms   (p50 overhead of each "
          + "run: %s; load average %.1f)%n", n, median.requests(), median.failed(), median.clientP50Millis(),
          median.serverP50Millis(), median.overheadMillis(), median.overheadMillis() / 1000 / timeScale,
          median.meanOverheadMillis(), median.maxLagMillis(),
          results.stream().map(r -> String.format("%.2f", r.overheadMillis())).toList(),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static Run run(int sessions, Duration duration) {
    try (Lab lab = Lab.start(LabProfile.gb10())) {
      ModelServer pod = lab.simulators(LabProfile.DEEPSEEK).get(0);
      long countBefore = pod.metrics().ttft().count();
      double sumBefore = pod.metrics().ttft().sum();
      long mark = pod.metrics().ttftNanos().recorded();
      Endpoint endpoint = Endpoint.completions(lab.gatewayUrl().toString(), LabProfile.DEEPSEEK).withIgnoreEos(true);
      Bounds bounds = Bounds.of(duration, 1_000_000).withRequestTimeout(Duration.ofSeconds(120))
          .withMaxDispatchDelay(Duration.ofSeconds(30));
      LoadResult result = Load.closedLoop(endpoint, sessions).withWorkload(WORKLOAD).withBounds(bounds)
          .withProgress(Progress.none()).run();
      long serverCount = pod.metrics().ttft().count() - countBefore;
      double serverSum = pod.metrics().ttft().sum() - sumBefore;
      double[] client = result.records().stream().filter(r -> r.outcome() == Outcome.COMPLETE)
          .mapToDouble(TtftOverheadBenchmark::ttftFromSendMillis).sorted().toArray();
      var loop = pod.loop().stats();
      if (serverCount != client.length) {
        System.out.printf("  note: %d first tokens in the simulator, %d complete requests at the client%n",
            serverCount, client.length);
      }
      return new Run(result.ledger().scheduled(), result.ledger().scheduled() - client.length, median(client),
          pod.metrics().ttftNanos().medianSince(mark) / 1e6, Arrays.stream(client).average().orElse(Double.NaN),
          serverCount == 0 ? Double.NaN : serverSum * 1000 / serverCount, loop.maxLagNanos() / 1e6);
    }
  }

  private static double median(double[] sorted) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static double ttftFromSendMillis(RequestRecord r) {
    return (r.firstChunkNanos() - r.actualStartNanos()) / 1e6;
  }
}
