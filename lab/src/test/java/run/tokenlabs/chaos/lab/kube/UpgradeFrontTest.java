package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The front before the lab's API server that kubectl's kubeconfig names: websocket upgrades reach the
 * mock server's pods/exec, every other request the HTTP front as before.
 */
class UpgradeFrontTest {
  @TempDir
  static Path dir;
  static KubeApi api;

  @BeforeAll
  static void start() throws Exception {
    api = new KubeApi(dir);
    api.onExec((ns, pod, container, command) -> pod.equals("tool")
        ? Optional.of(command.contains("fail") ? new PodExec.Result(3, "", "it failed\n")
            : new PodExec.Result(0, "ran " + String.join(" ", command) + "\n", ""))
        : Optional.empty());
    for (String name : List.of("tool", "plain")) {
      api.client().pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
          .withNewSpec().addNewContainer().withName("main").endContainer().endSpec().withNewStatus()
          .withPhase("Running").endStatus().build()).create();
    }
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  @DisplayName("a request head is read up to its blank line, the body stays in the stream")
  void headEndsAtTheBlankLine() throws IOException {
    var in = new ByteArrayInputStream("POST /x HTTP/1.1\r\nHost: a\r\n\r\n{\"body\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(UpgradeFront.readHead(in), StandardCharsets.UTF_8))
        .isEqualTo("POST /x HTTP/1.1\r\nHost: a\r\n\r\n");
    assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"body\":1}");
  }

  @Test
  @DisplayName("a head without its blank line within the limit is refused")
  void endlessHeadRefused() {
    byte[] endless = ("GET / HTTP/1.1\r\nX: " + "a".repeat(UpgradeFront.MAX_HEAD)).getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> UpgradeFront.readHead(new ByteArrayInputStream(endless)))
        .hasMessageContaining("expected an HTTP/1.1 request");
  }

  @Test
  @DisplayName("only an Upgrade header naming websocket (any case) sends a connection to the websocket server")
  void upgradeHeaderDecides() {
    assertThat(UpgradeFront.wantsWebSocket(head("GET /exec HTTP/1.1\r\nConnection: Upgrade\r\nupgrade: WebSocket")))
        .isTrue();
    assertThat(UpgradeFront.wantsWebSocket(head("GET /exec HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1")))
        .isFalse();
    assertThat(UpgradeFront.wantsWebSocket(head("GET /api HTTP/1.1\r\nX-Note: Upgrade: websocket later")))
        .isFalse();
  }

  @Test
  @DisplayName("plain requests and HTTP watches still go to the HTTP front")
  void plainRequestsPassAsBefore() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces/ns/pods"))
        .build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<java.io.InputStream> watch = http.send(HttpRequest.newBuilder(
        URI.create(api.url() + "/api/v1/namespaces/ns/pods?watch=true&resourceVersion=0")).build(),
        HttpResponse.BodyHandlers.ofInputStream());

    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(list.body()).contains("\"kind\":\"PodList\"", "\"name\":\"tool\"", "\"name\":\"plain\"");
    try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(watch.body(), StandardCharsets.UTF_8))) {
      assertThat(watch.statusCode()).isEqualTo(200);
      assertThat(lines.readLine()).as("the first event of an HTTP watch").contains("\"type\":\"ADDED\"");
    }
  }

  @Test
  @DisplayName("fabric8's exec through the front (as a client outside the lab would) gets output and exit code")
  void fabric8ExecThroughTheFront() throws Exception {
    Config config = new ConfigBuilder().withMasterUrl(api.url().toString()).withNamespace("ns").build();
    try (KubernetesClient outside = new KubernetesClientBuilder().withConfig(config).build()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int ok;
      int failed;
      try (ExecWatch w = outside.pods().withName("tool").writingOutput(out).exec("dcgmi", "discovery", "-l")) {
        ok = w.exitCode().get(20, TimeUnit.SECONDS);
      }
      try (ExecWatch w = outside.pods().withName("tool").writingError(err).exec("fail")) {
        failed = w.exitCode().get(20, TimeUnit.SECONDS);
      }

      assertThat(ok).isZero();
      assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("ran dcgmi discovery -l\n");
      assertThat(failed).isEqualTo(3);
      assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("it failed\n");
    }
  }

  @Test
  @DisplayName("kubectl exec through the kubeconfig: stdout, stderr and exit code as a cluster gives them")
  void kubectlExec() throws Exception {
    Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not on PATH (Debian: apt-get install -y kubectl)");

    Run ok = kubectl("exec", "-n", "ns", "tool", "--", "dcgmi", "discovery", "-l");
    Run failed = kubectl("exec", "-n", "ns", "tool", "--", "fail");
    Run missing = kubectl("exec", "-n", "ns", "plain", "--", "dcgmi");

    assertThat(ok.exit).as(ok.toString()).isZero();
    assertThat(ok.out).isEqualTo("ran dcgmi discovery -l\n");
    assertThat(failed.exit).as(failed.toString()).isEqualTo(3);
    assertThat(failed.err).contains("it failed\n", "command terminated with exit code 3");
    assertThat(missing.exit).as(missing.toString()).isEqualTo(126);
    assertThat(missing.err).contains("exec: \"dcgmi\": executable file not found in $PATH");
  }

  @Test
  @DisplayName("kubectl exec -i (v5 closes stdin on channel 255): the input is not read, the exit still ends it")
  void kubectlExecWithStdin() throws Exception {
    Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not on PATH (Debian: apt-get install -y kubectl)");

    Run withStdin = kubectl("exec", "-i", "-n", "ns", "tool", "--", "dcgmi", "discovery", "-l");

    assertThat(withStdin.exit).as(withStdin.toString()).isZero();
    assertThat(withStdin.out).isEqualTo("ran dcgmi discovery -l\n");
  }

  private record Run(int exit, String out, String err) {}

  private static Run kubectl(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", api.kubeconfig().toString(),
        "--cache-dir", dir.resolve("cache").toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out-", ".txt");
    Path err = Files.createTempFile(dir, "err-", ".txt");
    Path in = Files.writeString(Files.createTempFile(dir, "in-", ".txt"), "input kubectl -i sends\n");
    Process p = new ProcessBuilder(command).redirectInput(in.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("kubectl " + String.join(" ", args) + " did not end within 30 s; it printed "
          + Files.readString(out) + Files.readString(err) + "; expected exec to end when the command does");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
        .anyMatch(d -> new File(d, program).canExecute());
  }

  private static byte[] head(String lines) {
    return (lines + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
  }
}
