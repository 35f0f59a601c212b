package run.tokenlabs.chaos.lab.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import run.tokenlabs.chaos.lab.process.ServerProcess;

/**
 * A real Prometheus process run by the lab: found through {@code PROMETHEUS_BIN} or {@code PATH},
 * started on a free loopback port with its own storage, awaited until {@code /-/ready}, and stopped
 * on {@link #close()} or, failing that, by a JVM shutdown hook, so no process outlives the lab.
 */
public final class PrometheusServer implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final ServerProcess process;
  private final URI url;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  private PrometheusServer(Process process, URI url, Path log) {
    this.process = new ServerProcess("Prometheus", process, log, Duration.ofSeconds(5));
    this.url = url;
    this.log = log;
  }

  /** The scrape configuration, minus the port Prometheus itself will listen on. */
  public record Setup(Duration interval, Path modelsSd, Path dcgmSd, URI gatewayStats, URI kubeStateMetrics,
                      List<Path> ruleFiles) {}

  /** Writes the config into {@code workDir}, starts Prometheus and waits until it is ready. */
  public static PrometheusServer start(Path workDir, Setup setup) throws IOException {
    PrometheusServer server = launch(workDir, setup);
    server.awaitReady();
    return server;
  }

  /**
   * Writes the config and starts the process without waiting; call {@link #awaitReady()} before use.
   * The port is free when chosen; should another process take it first, {@link #awaitReady()} says so.
   */
  public static PrometheusServer launch(Path workDir, Setup setup) throws IOException {
    Path binary = findBinary();
    int port = ServerProcess.freeLoopbackPort();
    String address = "127.0.0.1:" + port;
    Path config = workDir.resolve("prometheus.yml");
    Files.writeString(config, PrometheusConfig.render(setup.interval(), setup.modelsSd(), setup.dcgmSd(),
        setup.gatewayStats(), setup.kubeStateMetrics(), address, setup.ruleFiles()));
    Path data = Files.createDirectories(workDir.resolve("tsdb"));
    Path log = workDir.resolve("prometheus.log");
    Process p = new ProcessBuilder(binary.toString(), "--config.file=" + config, "--storage.tsdb.path=" + data,
        "--web.listen-address=" + address, "--web.enable-lifecycle", "--storage.tsdb.retention.time=1d",
        "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new PrometheusServer(p, URI.create("http://" + address), log);
  }

  public URI url() {
    return url;
  }

  public Path logFile() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** GET {@code path} (e.g. {@code /api/v1/targets}) and parse the JSON answer. */
  public JsonNode getJson(String pathAndQuery) throws IOException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(url.resolve(pathAndQuery))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return json.readTree(r.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking Prometheus " + pathAndQuery, e);
    }
  }

  /** The active targets that have been scraped at least once and are up, and the total. */
  public int[] scrapedAndTotalTargets() throws IOException {
    JsonNode targets = getJson("/api/v1/targets?state=active").path("data").path("activeTargets");
    int scraped = 0;
    for (JsonNode t : targets) {
      boolean once = !t.path("lastScrape").asText("0001").startsWith("0001");
      if (once && "up".equals(t.path("health").asText())) {
        scraped++;
      }
    }
    return new int[] {scraped, targets.size()};
  }

  static Path findBinary() {
    String env = System.getenv("PROMETHEUS_BIN");
    if (env != null && !env.isBlank()) {
      Path p = Path.of(env);
      if (Files.isExecutable(p)) {
        return p;
      }
      throw new IllegalStateException("PROMETHEUS_BIN is set to " + env + " but that is not an executable file; "
          + "point it at the prometheus binary or unset it to search PATH");
    }
    return findOnPath("prometheus").orElseThrow(() -> new IllegalStateException(
        "The lab needs the Prometheus server binary and found none: PROMETHEUS_BIN is unset and no 'prometheus' "
            + "is on PATH. Install it (Debian/Ubuntu: apt-get install -y prometheus) or set PROMETHEUS_BIN."));
  }

  static Optional<Path> findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Waits until {@code /-/ready} answers 200; fails with the log's tail if the process dies or times out. */
  public void awaitReady() throws IOException {
    process.awaitOk(url.resolve("/-/ready"), READY_TIMEOUT, Duration.ofMillis(50));
  }

  @Override
  public void close() {
    process.close();
  }
}
