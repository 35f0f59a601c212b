package run.tokenlabs.chaos.lab.api;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a lab from the command line, prints its endpoints and runs until interrupted (Ctrl-C):
 * {@code mvn -pl lab exec:java -Dexec.args="gb10 --scrape=15s --time-scale=1 --rules=rules"}.
 *
 * <p>Arguments: a profile name ({@code gb10} default, {@code h200}), then any of
 * {@code --scrape=DURATION} (seconds or Prometheus form, e.g. {@code 15s}), {@code --time-scale=X},
 * {@code --rules=DIR}, {@code --chunked-prefill=MODEL:on|off}. A relative {@code --rules} is resolved
 * against the current directory, which under {@code mvn -pl lab exec:java} is the directory Maven was
 * started in (the repository root, so {@code --rules=rules}).
 *
 * <p>A lab that cannot start prints one line saying why and exits with status 2; bad arguments are
 * refused before anything starts.
 */
public final class LabMain {
  private LabMain() {}

  public static void main(String[] args) throws InterruptedException {
    Lab lab;
    long start = System.nanoTime();
    try {
      lab = parse(args).start();
    } catch (RuntimeException e) {
      System.err.println("tokenlabs lab did not start: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      lab.close();
      stopped.countDown();
    }, "lab-main-stop"));
    System.out.println(describe(lab, Duration.ofNanos(System.nanoTime() - start)));
    stopped.await();
  }

  static LabOptions parse(String[] args) {
    LabOptions options = LabOptions.of(LabProfile.gb10());
    for (String arg : args) {
      if (!arg.startsWith("--")) {
        options = LabOptions.of(LabProfile.named(arg));
      }
    }
    for (String arg : args) {
      if (arg.startsWith("--scrape=")) {
        String v = arg.substring("--scrape=".length());
        options = options.scrapeInterval(v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v))
            : run.tokenlabs.chaos.lab.prometheus.PromDurations.parse(v));
      } else if (arg.startsWith("--time-scale=")) {
        options = options.timeScale(Double.parseDouble(arg.substring("--time-scale=".length())));
      } else if (arg.startsWith("--rules=")) {
        options = options.rulesDirectory(rulesDirectory(arg.substring("--rules=".length())));
      } else if (arg.startsWith("--chunked-prefill=")) {
        String[] v = arg.substring("--chunked-prefill=".length()).split(":");
        options = options.chunkedPrefill(v[0], v.length > 1 && v[1].equals("on"));
      } else if (arg.startsWith("--")) {
        throw new IllegalArgumentException("Unknown option " + arg + "; expected --scrape=, --time-scale=, "
            + "--rules=, --chunked-prefill=MODEL:on|off");
      }
    }
    return options;
  }

  /** The rules directory named by {@code --rules=}; refused at once if it is not a directory. */
  static Path rulesDirectory(String value) {
    Path dir = Path.of(value);
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--rules=" + value + ": no such directory (relative to "
          + Path.of("").toAbsolutePath() + ", where Maven was started); from the repository root the project's "
          + "rules are --rules=rules");
    }
    return dir;
  }

  static String describe(Lab lab, Duration startTime) {
    StringBuilder b = new StringBuilder();
    b.append("tokenlabs lab '").append(lab.profile().name()).append("' started in ").append(startTime.toMillis())
        .append(" ms\n");
    b.append("  gateway        ").append(lab.gatewayUrl()).append('\n');
    b.append("  gateway stats  ").append(lab.gatewayStatsUrl()).append('\n');
    lab.modelUrls().forEach((m, u) -> b.append("  model          ").append(m).append("  ").append(u).append('\n'));
    lab.dcgmExporterUrls().forEach(u -> b.append("  dcgm exporter  ").append(u).append('\n'));
    b.append("  kube-state     ").append(lab.kubeStateMetricsUrl()).append('\n');
    b.append("  prometheus     ").append(lab.prometheusUrl()).append('\n');
    b.append("  kubernetes API ").append(lab.kubernetesApiUrl()).append('\n');
    b.append("  kubeconfig     ").append(lab.kubeconfigPath()).append('\n');
    b.append("  admin          ").append(lab.adminUrl()).append("/endpoints\n");
    b.append("Try: kubectl --kubeconfig ").append(lab.kubeconfigPath()).append(" get pods -n token-labs\n");
    b.append("Ctrl-C stops the lab.");
    return b.toString();
  }
}
