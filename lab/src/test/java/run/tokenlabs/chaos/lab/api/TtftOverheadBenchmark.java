package run.tokenlabs.chaos.lab.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
 * <p>Beside the latency, each run reports the CPU time the whole JVM (lab and load generator) spent
 * during the load, per request and per streamed token: unlike wall time it hardly depends on what
 * else the machine runs, so two builds of the lab compare on a shared host.
 *
 * <p>Arguments: session counts (default {@code 16 64 256 1024}); {@code -Druns=N} (default 3) and
 * {@code -Dseconds=S} (default 5) per run; {@code -Drequests=N} ends each run after N requests
 * instead (the same work in every run, for CPU comparisons); {@code -Dcpu.threads=true} prints each
 * run's CPU by thread group; {@code -Dwarmup=N} (default 1) runs of the first session count before
 * any that is reported.
 *
 * <p>The warm-up run is there because a fresh JVM compiles the lab's code while the first runs go on:
 * in a 15 s profile of the first run, the JIT compiler threads took a third of the process's CPU, on
 * the same two cores as the lab's handler threads. A game day's lab runs for minutes, its code long
 * compiled, so that compilation is not part of what the lab adds to a TTFT.
 */
public final class TtftOverheadBenchmark {
  private static final Bucket WORKLOAD = Bucket.of("bench", 256, 32);

  private TtftOverheadBenchmark() {}

  /** What one run measured; times in milliseconds of wall time. */
  record Run(long requests, long failed, double clientP50Millis, double serverP50Millis, double clientMeanMillis,
             double serverMeanMillis, double maxLagMillis, Cpu cpu) {
    double overheadMillis() {
      return clientP50Millis - serverP50Millis;
    }

    double meanOverheadMillis() {
      return clientMeanMillis - serverMeanMillis;
    }
  }

  /**
   * What the JVM spent during one run's load: CPU of the process and of the lab's serving threads,
   * context switches (-1 if unknown), over the tokens and requests that completed.
   */
  record Cpu(long processNanos, long labNanos, long contextSwitches, long tokens, long requests) {
    double microsPerToken() {
      return tokens == 0 ? Double.NaN : processNanos / 1e3 / tokens;
    }

    double labMicrosPerToken() {
      return tokens == 0 ? Double.NaN : labNanos / 1e3 / tokens;
    }

    double switchesPerToken() {
      return tokens == 0 || contextSwitches < 0 ? Double.NaN : (double) contextSwitches / tokens;
    }

    double millisPerRequest() {
      return requests == 0 ? Double.NaN : processNanos / 1e6 / requests;
    }
  }

  public static void main(String[] args) {
    int[] sessions = args.length == 0 ? new int[] {16, 64, 256, 1024}
        : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    int runs = Integer.getInteger("runs", 3);
    long requests = Long.getLong("requests", 0);
    Duration duration = requests > 0 ? Duration.ofMinutes(10) : Duration.ofSeconds(Integer.getInteger("seconds", 5));
    long maxRequests = requests > 0 ? requests : 1_000_000;
    System.out.printf("%8s %8s %6s %11s %11s %13s %13s %13s %11s%n", "sessions", "requests", "failed",
        "client p50", "model p50", "overhead p50", "overhead sim", "mean overhd", "max lag");
    for (int i = 0; i < Integer.getInteger("warmup", 1); i++) {
      Run warm = run(sessions[0], duration, maxRequests);
      System.out.printf("%8s warm-up run, not counted: %d requests, overhead p50 %.2f ms, %.1f us CPU/token "
          + "(lab's serving threads %.1f)%n", "", warm.requests(), warm.overheadMillis(), warm.cpu().microsPerToken(),
          warm.cpu().labMicrosPerToken());
    }
    for (int n : sessions) {
      List<Run> results = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        results.add(run(n, duration, maxRequests));
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
      printCpu(results.stream().map(Run::cpu).toList());
    }
  }

  private static void printCpu(List<Cpu> runs) {
    System.out.printf("%8s CPU during the load, per run: JVM %s us/token, %s ms/request; lab's serving threads %s "
        + "us/token; %s context switches/token%n", "", each(runs, "%.1f", Cpu::microsPerToken),
        each(runs, "%.2f", Cpu::millisPerRequest), each(runs, "%.1f", Cpu::labMicrosPerToken),
        each(runs, "%.1f", Cpu::switchesPerToken));
  }

  private static List<String> each(List<Cpu> runs, String format, java.util.function.ToDoubleFunction<Cpu> figure) {
    return runs.stream().map(c -> String.format(format, figure.applyAsDouble(c))).toList();
  }

  private static Run run(int sessions, Duration duration, long maxRequests) {
    try (Lab lab = Lab.start(LabProfile.gb10())) {
      ModelServer pod = lab.simulators(LabProfile.DEEPSEEK).get(0);
      long countBefore = pod.metrics().ttft().count();
      double sumBefore = pod.metrics().ttft().sum();
      long mark = pod.metrics().ttftNanos().recorded();
      Endpoint endpoint = Endpoint.completions(lab.gatewayUrl().toString(), LabProfile.DEEPSEEK).withIgnoreEos(true);
      Bounds bounds = Bounds.of(duration, maxRequests).withRequestTimeout(Duration.ofSeconds(120))
          .withMaxDispatchDelay(Duration.ofSeconds(30));
      CpuMeter cpu = new CpuMeter();
      LoadResult result = Load.closedLoop(endpoint, sessions).withWorkload(WORKLOAD).withBounds(bounds)
          .withProgress(Progress.none()).run();
      Cpu spent = spent(cpu, result);
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
          serverCount == 0 ? Double.NaN : serverSum * 1000 / serverCount, loop.maxLagNanos() / 1e6, spent);
    }
  }

  private static Cpu spent(CpuMeter cpu, LoadResult result) {
    long processNanos = cpu.processNanos();
    long switches = cpu.contextSwitches();
    Map<String, Long> byGroup = cpu.byThreadGroup();
    long labNanos = byGroup.entrySet().stream().filter(e -> CpuMeter.isLabServing(e.getKey()))
        .mapToLong(Map.Entry::getValue).sum();
    if (Boolean.getBoolean("cpu.threads")) {
      byGroup.entrySet().stream().filter(e -> e.getValue() > 10_000_000L)
          .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
          .forEach(e -> System.out.printf("    %-40s %7.0f ms%n", e.getKey(), e.getValue() / 1e6));
    }
    long tokens = result.records().stream().filter(r -> r.outcome() == Outcome.COMPLETE)
        .mapToLong(RequestRecord::outputTokens).sum();
    return new Cpu(processNanos, labNanos, switches, tokens, result.ledger().scheduled());
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
