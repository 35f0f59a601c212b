package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@code kubectl rollout restart} of the Llama Deployment in the lab: a rolling update with surge. */
@LabTest
class RollingRestartIT {
  private static final String MODEL = "llama-3-1-8b";
  private static final String RESTARTED_AT = "kubectl.kubernetes.io/restartedAt";

  @Test
  @DisplayName("restartedAt on the template: a new ReplicaSet's pod turns Ready before the old pod is deleted "
      + "(maxSurge 1, maxUnavailable 0 by default at 1 replica); the old ReplicaSet ends at 0")
  void rollingRestartReplacesThePod(Lab lab) {
    KubernetesClient k8s = lab.kubernetesClient();
    var pods = k8s.pods().inNamespace("token-labs");
    String old = pods.withLabel("app", MODEL).list().getItems().get(0).getMetadata().getName();
    Set<Integer> readyCounts = ConcurrentHashMap.newKeySet();
    Set<Integer> podCounts = ConcurrentHashMap.newKeySet();

    k8s.apps().deployments().inNamespace("token-labs").withName(MODEL).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + RESTARTED_AT + "\":\"2026-12-01T12:00:00Z\"}}}}}");

    await("rollout finished").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      List<Pod> now = pods.withLabel("app", MODEL).list().getItems();
      podCounts.add(now.size());
      readyCounts.add((int) now.stream().filter(RollingRestartIT::ready).count());
      assertThat(now).hasSize(1);
      Pod fresh = now.get(0);
      assertThat(fresh.getMetadata().getName()).isNotEqualTo(old);
      assertThat(fresh.getMetadata().getAnnotations()).containsEntry(RESTARTED_AT, "2026-12-01T12:00:00Z");
      assertThat(ready(fresh)).isTrue();
    });
    assertThat(podCounts).as("the surge pod ran beside the old one").contains(2);
    assertThat(readyCounts).as("maxUnavailable 0: a Ready pod all along").doesNotContain(0);
    String oldSet = old.substring(0, old.lastIndexOf('-'));
    assertThat(k8s.apps().replicaSets().inNamespace("token-labs").withName(oldSet).get().getSpec().getReplicas())
        .isZero();
  }

  @Test
  @DisplayName("after a rollout, a deleted pod of the new ReplicaSet is replaced once: never two pods for one replica")
  void afterRolloutOneReplacement(Lab lab) {
    KubernetesClient k8s = lab.kubernetesClient();
    var pods = k8s.pods().inNamespace("token-labs");
    k8s.apps().deployments().inNamespace("token-labs").withName(MODEL).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{\"" + RESTARTED_AT + "\":\"2026-12-01T13:00:00Z\"}}}}}");
    await("rollout finished").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
        pods.withLabel("app", MODEL).list().getItems().stream().filter(RollingRestartIT::ready).count() == 1
            && pods.withLabel("app", MODEL).list().getItems().size() == 1
            && RESTARTED_AT_13.equals(pods.withLabel("app", MODEL).list().getItems().get(0).getMetadata()
                .getAnnotations().get(RESTARTED_AT)));

    for (int i = 0; i < 4; i++) { // the rollout controller checks every 200 ms: each delete races it once
      String name = pods.withLabel("app", MODEL).list().getItems().get(0).getMetadata().getName();
      pods.withName(name).withGracePeriod(0).delete();
      await("replacement of " + name + " Ready").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
          .until(() -> pods.withLabel("app", MODEL).list().getItems().stream()
              .anyMatch(p -> !p.getMetadata().getName().equals(name) && ready(p)));
      await("one pod for one replica").during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> pods.withLabel("app", MODEL).list().getItems().size(), n -> n == 1);
    }
  }

  private static final String RESTARTED_AT_13 = "2026-12-01T13:00:00Z";

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
