package run.tokenlabs.chaos.probes.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import run.tokenlabs.chaos.probes.api.MetricsSampler;
import run.tokenlabs.chaos.probes.api.VllmProbes;

/**
 * The direct sampler's CPU cost: 4 targets with a few hundred series each, scraped at 10 Hz for
 * a while; prints the CPU time of the sampler's threads per second of wall time. Run with
 * {@code mvn -pl probes exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=run.tokenlabs.chaos.probes.bench.SamplerCpuBench [-Dexec.args=30]}.
 */
public final class SamplerCpuBench {
  private SamplerCpuBench() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    byte[] body = SyntheticExposition.of(2, 8).getBytes(StandardCharsets.UTF_8);
    List<HttpServer> servers = new ArrayList<>();
    MetricsSampler.Builder builder = MetricsSampler.builder().metrics(VllmProbes.GAUGES).interval(Duration.ofMillis(100));
    for (int i = 0; i < 4; i++) {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext("/metrics", exchange -> {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.start();
      servers.add(server);
      builder.target("model-" + i, URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics"));
    }
    int lines = (int) new String(body, StandardCharsets.UTF_8).lines().filter(l -> !l.startsWith("#")).count();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (MetricsSampler sampler = builder.start()) {
      Thread.sleep(3000); // warm-up, not measured
      long cpuBefore = samplerCpuNanos(threads);
      long scrapesBefore = sampler.scrapes();
      long wallStart = System.nanoTime();
      Thread.sleep(seconds * 1000L);
      double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
      double cpuSeconds = (samplerCpuNanos(threads) - cpuBefore) / 1e9;
      long scrapes = sampler.scrapes() - scrapesBefore;
      System.out.printf(java.util.Locale.ROOT,
          "4 targets x %d series (%d bytes) at 10 Hz for %.1f s: %d scrapes (%.1f/s), %d failed;%n"
              + "sampler threads used %.3f s CPU = %.1f%% of one core (%.2f ms CPU per scrape)%n",
          lines, body.length, wallSeconds, scrapes, scrapes / wallSeconds, sampler.failedScrapes(), cpuSeconds,
          100 * cpuSeconds / wallSeconds, 1000 * cpuSeconds / scrapes);
    } finally {
      servers.forEach(s -> s.stop(0));
    }
  }

  private static long samplerCpuNanos(ThreadMXBean threads) {
    long total = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith("metrics-sampler-")) {
        total += Math.max(0, threads.getThreadCpuTime(thread.getId()));
      }
    }
    return total;
  }
}
