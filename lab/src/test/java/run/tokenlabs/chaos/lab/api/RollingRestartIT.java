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

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null && pod.getStatus().getConditions() != null && pod.getStatus().getConditions()
        .stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
