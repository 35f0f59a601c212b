package run.tokenlabs.chaos.probes.api;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A real Prometheus process for integration tests: its own TSDB directory, a loopback port, 1 s
 * scrape and evaluation intervals, targets from a file_sd file the test rewrites, and rules from
 * a file. Killed on close and by a shutdown hook.
 */
final class RealPrometheus implements AutoCloseable {
  private final Path dir;
  private final Process process;
  private final Thread shutdownHook;
  private final int port;

  private RealPrometheus(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.shutdownHook = new Thread(process::destroyForcibly, "prometheus-it-kill");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Starts Prometheus scraping {@code targets} (host:port) as job {@code lab}, with these rules. */
  static RealPrometheus start(List<String> targets, String rulesYaml) throws IOException {
    String binary = binary();
    Path dir = Files.createTempDirectory("probes-prometheus-it");
    Files.writeString(dir.resolve("rules.yml"), rulesYaml);
    writeTargets(dir, targets);
    Files.writeString(dir.resolve("prometheus.yml"), """
        global:
          scrape_interval: 1s
          scrape_timeout: 900ms
          evaluation_interval: 1s
        rule_files: [rules.yml]
        scrape_configs:
          - job_name: lab
            file_sd_configs:
              - files: [targets.json]
                refresh_interval: 1s
        """);
    int port = freePort();
    Process process = new ProcessBuilder(binary, "--config.file=" + dir.resolve("prometheus.yml"),
        "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--web.enable-lifecycle", "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    RealPrometheus prometheus = new RealPrometheus(dir, process, port);
    try {
      await("Prometheus /-/ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
          .ignoreExceptions().until(() -> process.isAlive() && prometheus.ready());
    } catch (RuntimeException e) {
      String log = Files.readString(dir.resolve("prometheus.log"));
      prometheus.close();
      throw new IllegalStateException("Prometheus did not become ready: " + log, e);
    }
    return prometheus;
  }

  /** Rewrites the file_sd target list (write, then rename: Prometheus never sees half a file). */
  void targets(List<String> targets) throws IOException {
    writeTargets(dir, targets);
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  private boolean ready() throws IOException {
    HttpURLConnection connection = (HttpURLConnection) url().resolve("/-/ready").toURL().openConnection();
    connection.setConnectTimeout(500);
    connection.setReadTimeout(500);
    try {
      return connection.getResponseCode() == 200;
    } finally {
      connection.disconnect();
    }
  }

  private static void writeTargets(Path dir, List<String> targets) throws IOException {
    String json = "[{\"targets\":[" + String.join(",", targets.stream().map(t -> "\"" + t + "\"").toList())
        + "],\"labels\":{\"namespace\":\"token-labs\"}}]";
    Path tmp = dir.resolve("targets.json.tmp");
    Files.writeString(tmp, json);
    Files.move(tmp, dir.resolve("targets.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String binary() {
    String env = System.getenv("PROMETHEUS_BIN");
    if (env != null && !env.isBlank()) {
      return env;
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(entry, "prometheus");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException("No prometheus binary: set PROMETHEUS_BIN or install it "
        + "(Debian: apt-get install -y prometheus)");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running already
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
