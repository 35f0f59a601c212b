package run.tokenlabs.chaos.load.scaleout;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;

/** A load worker's refusals: exit code and a message on standard error, nothing published. */
@EnableKubernetesMockClient(crud = true)
class LoadWorkerTest {
  private static final String NS = "token-labs";
  KubernetesClient client;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  @DisplayName("arguments other than --spec <json> exit 64 saying what the worker expects")
  void usage() {
    int code = run(Map.of("JOB_COMPLETION_INDEX", "0"), "--spec");

    assertThat(code).isEqualTo(LoadWorker.EXIT_USAGE);
    assertThat(stderr()).contains("expected arguments --spec <json>");
  }

  @Test
  @DisplayName("an index outside the Job's completions, or none, exits 64 naming it")
  void indexOutOfRange() {
    assertThat(run(Map.of("JOB_COMPLETION_INDEX", "2"), "--spec", spec(300).toJson())).isEqualTo(LoadWorker.EXIT_USAGE);
    assertThat(stderr()).contains("Worker index 2 is outside 0..1 for 2 workers");
    assertThat(run(Map.of(), "--spec", spec(300).toJson())).isEqualTo(LoadWorker.EXIT_USAGE);
    assertThat(stderr()).contains("JOB_COMPLETION_INDEX is 'null'");
  }

  @Test
  @DisplayName("a worker whose start barrier never opens exits 1 with the reason and publishes nothing")
  void barrierTimeout() {
    int code = run(Map.of("JOB_COMPLETION_INDEX", "1"), "--spec", spec(300).toJson());

    assertThat(code).isEqualTo(LoadWorker.EXIT_FAILED);
    assertThat(stderr()).contains("load-worker 1 of Job load-w failed", "start ConfigMap " + NS + "/load-w-start did not "
        + "appear within 0 s");
    assertThat(client.configMaps().inNamespace(NS).list().getItems()).isEmpty();
  }

  @Test
  @DisplayName("an endpoint that needs a token, with no token in the environment, exits 1 naming the variable")
  void missingToken() {
    var withToken = Load.closedLoop(Endpoint.chat("http://127.0.0.1:9", "m").withBearerToken(Secret.of("sk-x")), 4)
        .withBounds(Bounds.of(Duration.ofSeconds(1), 10));
    String json = WorkerSpec.of(withToken, "load-w", NS, 2, Duration.ofMillis(300)).toJson();

    assertThat(json).doesNotContain("sk-x");
    assertThat(run(Map.of("JOB_COMPLETION_INDEX", "0"), "--spec", json)).isEqualTo(LoadWorker.EXIT_FAILED);
    assertThat(stderr()).contains("environment variable " + WorkerSpec.BEARER_TOKEN_ENV + " is not set");
  }

  private int run(Map<String, String> env, String... args) {
    err.reset();
    return LoadWorker.run(args, env, client, Clock.systemUTC(), new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private static WorkerSpec spec(long barrierMillis) {
    return WorkerSpec.of(Load.closedLoop(Endpoint.chat("http://127.0.0.1:9", "m"), 4)
        .withBounds(Bounds.of(Duration.ofSeconds(1), 10)), "load-w", NS, 2, Duration.ofMillis(barrierMillis));
  }
}
