package run.tokenlabs.chaos.lab.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab API server's pods/exec, driven by fabric8's exec as the engine drives it. */
class PodExecTest {
  @TempDir
  static Path dir;
  static KubeApi api;
  static KubernetesClient client;
  static final List<List<String>> seen = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    api = new KubeApi(dir);
    client = api.client();
    api.onExec((ns, pod, container, command) -> {
      if (!pod.equals("tool")) {
        return Optional.empty();
      }
      seen.add(command);
      return Optional.of(command.contains("fail") ? new PodExec.Result(3, "", "it failed\n")
          : new PodExec.Result(0, "ran " + String.join(" ", command) + " in " + container + "\n", ""));
    });
    for (String name : List.of("tool", "plain")) {
      client.pods().inNamespace("ns").resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
          .withNewSpec().addNewContainer().withName("main").endContainer().endSpec().withNewStatus()
          .withPhase("Running").endStatus().build()).create();
    }
  }

  @AfterAll
  static void stop() {
    api.close();
  }

  @Test
  @DisplayName("exec runs the command in the handler: its stdout on channel 1, exit status 0 on channel 3")
  void commandRuns() throws Exception {
    Exec result = exec("tool", "dcgmi", "test", "--inject");

    assertThat(result.exit).isZero();
    assertThat(result.out).isEqualTo("ran dcgmi test --inject in main\n");
    assertThat(seen).contains(List.of("dcgmi", "test", "--inject"));
  }

  @Test
  @DisplayName("a non-zero exit reaches the client as its exit code, with stderr")
  void failureCarriesItsExitCode() throws Exception {
    Exec result = exec("tool", "fail");

    assertThat(result.exit).isEqualTo(3);
    assertThat(result.err).isEqualTo("it failed\n");
  }

  @Test
  @DisplayName("a pod no handler serves answers as a container without the executable: exit 126")
  void unknownExecutable() throws Exception {
    Exec result = exec("plain", "dcgmi");

    assertThat(result.exit).isEqualTo(126);
    assertThat(result.err).contains("exec: \"dcgmi\": executable file not found in $PATH");
  }

  private record Exec(int exit, String out, String err) {}

  private static Exec exec(String pod, String... command) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch = client.pods().inNamespace("ns").withName(pod).inContainer("main").writingOutput(out)
        .writingError(err).exec(command)) {
      int exit = watch.exitCode().get(20, TimeUnit.SECONDS);
      return new Exec(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
  }
}
