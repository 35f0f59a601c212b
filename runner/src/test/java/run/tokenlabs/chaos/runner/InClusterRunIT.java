package run.tokenlabs.chaos.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.LabOptions;
import run.tokenlabs.chaos.lab.api.LabProfile;

/**
 * The scheduled game day as the CronJob runs it, end to end on the lab: the distribution built in this module
 * ({@code target/*-dist.tar.gz}), unpacked and started as a separate process with the CronJob's command, args and
 * env and the ConfigMap's {@code cluster.yaml} (only paths and URLs substituted, the server and CA pins filled in
 * as the README tells), no Maven on its PATH, the ServiceAccount environment ({@code KUBERNETES_SERVICE_HOST/PORT},
 * token and CA in a ServiceAccount directory) pointing at the lab's API server behind TLS, Prometheus behind TLS
 * asked with the same token, the journal on a directory standing for the PVC and results pushed to a real
 * Pushgateway. Two runs, as two Saturdays: the second report's trends and history show both.
 */
class InClusterRunIT {
  /** Short, read-only experiments that reach the API server (LLMD-1 lists the routing layer) and Prometheus. */
  private static final List<String> SELECTION = List.of("--experiment", "DCGM-1,LLMD-1");
  private static final Path MANIFESTS = Path.of("..", "k8s-rbac");
  private static final Path RULES = Path.of("..", "rules");
  private static final String TOKEN = "sa-token-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());

  @TempDir
  static Path root;
  private static Lab lab;
  private static TlsFront apiServer;
  private static TlsFront prometheus;
  private static Process pushgateway;
  private static URI pushgatewayUrl;
  private static ScheduledRun scheduled;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void cluster() throws Exception {
    lab = LabOptions.of(LabProfile.gb10()).rulesDirectory(RULES).start();
    lab.awaitTargetsScraped(Duration.ofSeconds(60));
    TlsFront.Certificate certificate = TlsFront.Certificate.generate(Files.createDirectories(root.resolve("pki")));
    apiServer = new TlsFront(lab.kubernetesApiUrl(), certificate);
    prometheus = new TlsFront(lab.prometheusUrl(), certificate);
    startPushgateway();

    scheduled = new ScheduledRun(MANIFESTS, unpackDistribution(), root.resolve("pod"));
    Path serviceAccount = scheduled.local(ScheduledRun.SERVICE_ACCOUNT_DIR);
    Files.writeString(serviceAccount.resolve("token"), TOKEN);
    Files.copy(certificate.pem(), serviceAccount.resolve("ca.crt"));
    Files.copy(certificate.pem(), serviceAccount.resolve("service-ca.crt"));
    Files.writeString(serviceAccount.resolve("namespace"), "tokenlabs-chaos");
    scheduled.writeSecret("journal-key", "journal.key", HexFormat.of().formatHex(randomBytes(32)));
    String fingerprint = certificate.sha256();
    scheduled.writeConfig(config -> {
      ObjectNode kubernetes = (ObjectNode) config.path("kubernetes");
      kubernetes.putArray("allowedServers").add(apiServer.uri().toString());
      kubernetes.putArray("allowedCaSha256").add(fingerprint);
      ((ObjectNode) config.path("prometheus")).put("url", prometheus.uri().toString());
      ((ObjectNode) config.path("pushgateway")).put("url", pushgatewayUrl.toString());
      ObjectNode endpoints = (ObjectNode) config.path("endpoints");
      endpoints.put("gateway", lab.gatewayUrl().toString());
      ObjectNode models = (ObjectNode) endpoints.path("models");
      List<String> names = new ArrayList<>();
      models.fieldNames().forEachRemaining(names::add);
      names.forEach(name -> models.put(name, lab.modelUrl(name).orElseThrow(() -> new AssertionError(
          "the ConfigMap names model " + name + ", which the lab does not serve")).toString()));
      endpoints.putArray("dcgmExporters").addAll(lab.dcgmExporterUrls().stream()
          .map(u -> config.textNode(u.toString())).toList());
    });
  }

  @AfterAll
  static void stop() throws Exception {
    if (pushgateway != null) {
      pushgateway.destroy();
      pushgateway.waitFor(10, TimeUnit.SECONDS);
    }
    if (prometheus != null) {
      prometheus.close();
    }
    if (apiServer != null) {
      apiServer.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @DisplayName("two scheduled runs through the in-cluster path: exit 0, journal, Allure HTML, summary and pushed "
      + "verdicts, and the second report's trends and history show both runs")
  void twoScheduledRuns() throws Exception {
    Path journalDir = scheduled.local("/var/lib/tokenlabs-chaos");
    Path reports = journalDir.resolve("reports");

    String first = runOnce("first");
    String second = runOnce("second");

    assertThat(journals(journalDir)).as("one journal per run on the volume").hasSize(2);
    assertThat(reports.resolve("allure-report/index.html")).isRegularFile();
    Path summary = journalDir.resolve("summary-" + second + ".html");
    assertThat(summary).isRegularFile();
    String page = Files.readString(summary);
    assertThat(page).as("the summary's history section names both runs").contains("<h2>History</h2>", first, second);
    assertThat(new ObjectMapper().readTree(reports.resolve("allure-report/history/history-trend.json").toFile()))
        .as("Allure's trend holds a point per run").hasSize(2);

    assertThat(apiServer.authorizations()).as("the API server was asked with the ServiceAccount token")
        .containsExactly("Bearer " + TOKEN);
    assertThat(prometheus.authorizations()).as("Prometheus was asked with the token from the same file")
        .containsExactly("Bearer " + TOKEN);
    String pushed = get(pushgatewayUrl.resolve("/metrics"));
    assertThat(pushed).as("the last run's verdicts on the Pushgateway")
        .containsPattern("tokenlabs_chaos_experiment_verdict\\{[^}]*experiment=\"DCGM-1\"[^}]*verdict=\"HELD\"[^}]*} 1")
        .containsPattern("tokenlabs_chaos_experiment_verdict\\{[^}]*experiment=\"LLMD-1\"[^}]*verdict=\"HELD\"[^}]*} 1");
  }

  /** One scheduled run; returns its run id, after checking its exit code and console. */
  private String runOnce(String name) throws IOException, InterruptedException {
    Path log = root.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(scheduled.command(SELECTION)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).directory(root.toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(scheduled.environment());
    env.put("PATH", pathWithoutMaven());
    env.put("KUBERNETES_SERVICE_HOST", apiServer.uri().getHost());
    env.put("KUBERNETES_SERVICE_PORT", Integer.toString(apiServer.port()));
    Process process = builder.start();
    // a bound, not a timed assertion: a hung run fails with its log instead of hanging the build
    boolean ended = process.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly();
    }
    String console = Files.readString(log);
    assertThat(ended).as("the run ended; its console:\n%s", console).isTrue();
    assertThat(process.exitValue()).as("exit code 0 (all HELD/BLOCKED); console:\n%s", console).isZero();
    assertThat(console).contains("on target cluster (context in-cluster)", "DCGM-1", "LLMD-1", "Allure report: ");
    var runId = java.util.regex.Pattern.compile("\\[tokenlabs-chaos] run (\\S+) on target").matcher(console);
    assertThat(runId.find()).as("the run id on the console:\n%s", console).isTrue();
    return runId.group(1);
  }

  /** A PATH with java and what the launcher script calls, and no Maven: a directory of links. */
  private static String pathWithoutMaven() throws IOException {
    Path bin = root.resolve("path-bin");
    if (!Files.isDirectory(bin)) {
      Files.createDirectories(bin);
      Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
      Files.createSymbolicLink(bin.resolve("dirname"), Path.of("/usr/bin/dirname"));
    }
    assertThat(bin.resolve("mvn")).doesNotExist();
    return bin.toString();
  }

  private static Path unpackDistribution() throws IOException, InterruptedException {
    Path tarball;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      tarball = files.filter(f -> f.getFileName().toString().endsWith("-dist.tar.gz")).findFirst()
          .orElseThrow(() -> new AssertionError("no target/*-dist.tar.gz: this test runs after the package phase "
              + "(mvn -pl runner -am verify), which builds the distribution"));
    }
    Path into = Files.createDirectories(root.resolve("image"));
    Process tar = new ProcessBuilder("tar", "-xzf", tarball.toAbsolutePath().toString(), "-C", into.toString())
        .redirectErrorStream(true).start();
    String output = new String(tar.getInputStream().readAllBytes());
    assertThat(tar.waitFor(2, TimeUnit.MINUTES) && tar.exitValue() == 0).as("tar: %s", output).isTrue();
    Path home = into.resolve("tokenlabs-chaos");
    assertThat(home.resolve("bin/tokenlabs-chaos")).isExecutable();
    return home;
  }

  private static void startPushgateway() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String binary = System.getenv().getOrDefault("PUSHGATEWAY_BIN", "/usr/bin/prometheus-pushgateway");
    // Debian's build persists to /var/lib/prometheus/pushgateway.data by default, which would carry groups
    // between test runs (and other tests' pushes): this one keeps its own file
    pushgateway = new ProcessBuilder(binary, "--web.listen-address=127.0.0.1:" + port,
            "--persistence.file=" + root.resolve("pushgateway.data")).redirectErrorStream(true)
        .redirectOutput(root.resolve("pushgateway.log").toFile()).start();
    pushgatewayUrl = URI.create("http://127.0.0.1:" + port);
    HttpClient client = HttpClient.newHttpClient();
    await("the Pushgateway ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions().until(() -> client.send(HttpRequest.newBuilder(pushgatewayUrl.resolve("/-/ready")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    // ready, and ours: not another process that took the port first
    assertThat(pushgateway.isAlive()).as("the Pushgateway on port %d runs; its log is in %s", port,
        root.resolve("pushgateway.log")).isTrue();
  }

  private String get(URI uri) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
    return response.body();
  }

  private static List<Path> journals(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().matches("journal-.*\\.jsonl")).toList();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new java.security.SecureRandom().nextBytes(bytes);
    return bytes;
  }
}
