package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** LLMD-3 of the reference run, in the lab: what a force-deleted pod looks like from every side. */
@LabTest(rules = "src/test/resources/lab-rules")
class PodLifecycleIT {

  @Test
  @DisplayName("force-deleting the bare pod: streams cut, 503 no healthy upstream, series vanish, alert fires, "
      + "pod stays gone until re-created from its manifest")
  void bareDeepSeekPodForceDeleted(Lab lab) throws Exception {
    lab.awaitTargetsScraped(Duration.ofSeconds(30));
    KubernetesClient k8s = lab.kubernetesClient();
    var pods = k8s.pods().inNamespace("token-labs");
    Pod manifest = pods.withName(LabProfile.DEEPSEEK_POD).get();
    CompletableFuture<OpenAiCalls.Result> open = CompletableFuture.supplyAsync(() -> OpenAiCalls.stream(
        lab.gatewayUrl(), OpenAiCalls.completionBody("deepseek-r1-7b", "hello", 100_000, true), System.nanoTime()));
    await("a long stream is running").atMost(Duration.ofSeconds(10))
        .until(() -> lab.modelStats("deepseek-r1-7b").stream().anyMatch(s -> s.running() == 1));

    pods.withName(LabProfile.DEEPSEEK_POD).withGracePeriod(0).delete();

    OpenAiCalls.Result cut = open.get(10, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(cut.done()).as("a stream of a deleted pod must not end with [DONE]").isFalse();
    assertThat(cut.dataChunks()).isPositive();
    await("gateway has no upstream").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      HttpResponse<String> r = OpenAiCalls.post(lab.gatewayUrl().resolve("/v1/completions"),
          OpenAiCalls.completionBody("deepseek-r1-7b", "hi", 3, false));
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("no healthy upstream");
    });
    await("vLLM series vanish (no data, not 0)").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
        .until(() -> PromQueries.instant(lab, "vllm:num_requests_running{model_name=\"deepseek-r1-7b\"}").isEmpty()
            && PromQueries.instant(lab, "up{job=\"deepseek-r1-7b\"}").isEmpty());
    await("absence alert fires").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> PromQueries.single(lab, "ALERTS{alertname=\"LabModelSeriesAbsent\",alertstate=\"firing\"}") == 1);
    await("a bare pod stays gone").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3))
        .until(() -> pods.withLabel("app", "deepseek-r1-7b").list().getItems().isEmpty());

    // The rollback: re-create the pod from its manifest, as a person (or the engine) would.
    pods.resource(new PodBuilder(manifest).editMetadata().withResourceVersion(null).endMetadata().withStatus(null)
        .build()).create();
    await("re-created pod is Ready and served").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      assertThat(isReady(pods.withName(LabProfile.DEEPSEEK_POD).get())).isTrue();
      assertThat(OpenAiCalls.post(lab.gatewayUrl().resolve("/v1/completions"),
          OpenAiCalls.completionBody("deepseek-r1-7b", "hi", 3, false)).statusCode()).isEqualTo(200);
    });
    await("series are back").atMost(Duration.ofSeconds(20))
        .until(() -> !PromQueries.instant(lab, "vllm:num_requests_running{model_name=\"deepseek-r1-7b\"}").isEmpty());
  }

  @Test
  @DisplayName("a deleted Deployment pod is replaced by a new pod that turns Ready")
  void deploymentPodReplaced(Lab lab) {
    var pods = lab.kubernetesClient().pods().inNamespace("token-labs");
    String old = pods.withLabel("app", "llama-3-1-8b").list().getItems().get(0).getMetadata().getName();

    pods.withName(old).withGracePeriod(0).delete();

    await("replacement Ready").atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      var now = pods.withLabel("app", "llama-3-1-8b").list().getItems();
      assertThat(now).hasSize(1);
      assertThat(now.get(0).getMetadata().getName()).isNotEqualTo(old).startsWith("llama-3-1-8b-");
      assertThat(isReady(now.get(0))).isTrue();
      assertThat(lab.kubernetesClient().endpoints().inNamespace("token-labs").withName("llama-3-1-8b").get()
          .getSubsets()).flatExtracting(s -> s.getAddresses()).extracting(a -> a.getTargetRef().getName())
          .containsExactly(now.get(0).getMetadata().getName());
    });
    await("gateway serves llama again").atMost(Duration.ofSeconds(10)).until(() -> OpenAiCalls.post(
        lab.gatewayUrl().resolve("/v1/completions"), OpenAiCalls.completionBody("llama-3-1-8b", "hi", 3, false))
        .statusCode() == 200);
  }

  private static boolean isReady(Pod p) {
    return p != null && p.getStatus() != null && p.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"));
  }
}
