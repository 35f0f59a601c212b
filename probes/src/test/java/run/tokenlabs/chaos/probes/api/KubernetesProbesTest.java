package run.tokenlabs.chaos.probes.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Reading;

@EnableKubernetesMockClient(crud = true)
class KubernetesProbesTest {
  static KubernetesClient client;
  private KubernetesProbes probes;

  @BeforeEach
  void seed() {
    client.pods().inNamespace("token-labs").delete();
    client.v1().events().inNamespace("token-labs").delete();
    probes = KubernetesProbes.using(client).pollingEvery(Duration.ofMillis(50));
    create(pod("deepseek-r1-7b-vllm-leader", "deepseek-r1-7b", true, null, "Never"));
    create(pod("llama-3-1-8b-7d9f-abcde", "llama-3-1-8b", true, "ReplicaSet", null));
    create(pod("llama-3-1-8b-7d9f-fghij", "llama-3-1-8b", false, "ReplicaSet", null));
  }

  static Pod pod(String name, String app, boolean ready, String ownerKind, String restartPolicy) {
    PodBuilder builder = new PodBuilder().withNewMetadata().withName(name).withNamespace("token-labs")
        .addToLabels("app", app).endMetadata()
        .withNewSpec().withRestartPolicy(restartPolicy).withNodeName("spark-01").endSpec()
        .withNewStatus().addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
        .endStatus();
    if (ownerKind != null) {
      builder.editMetadata().addNewOwnerReference().withKind(ownerKind).withName(app + "-7d9f")
          .withApiVersion("apps/v1").withUid("uid-" + app).endOwnerReference().endMetadata();
    }
    return builder.build();
  }

  static void create(Pod pod) {
    client.pods().inNamespace("token-labs").resource(pod).create();
  }

  @Test
  void readyPodsCountsOnlyReadyOnesOfTheSelector() throws Exception {
    assertThat(probes.readyPods("token-labs", "app=llama-3-1-8b").read()).isEqualTo(Reading.of(1));
    assertThat(probes.readyPods("token-labs", "app=deepseek-r1-7b").read()).isEqualTo(Reading.of(1));
    assertThat(probes.readyPods("token-labs", "app=nothing").read()).isEqualTo(Reading.of(0));
  }

  @Test
  @DisplayName("controller audit: the bare pod with restartPolicy Never is two findings with evidence")
  void controllerAudit() {
    List<ControllerFinding> findings = probes.controllerAudit("token-labs");

    assertThat(findings).extracting(ControllerFinding::pod, ControllerFinding::kind).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("deepseek-r1-7b-vllm-leader", ControllerFinding.Kind.NO_CONTROLLER),
        org.assertj.core.groups.Tuple.tuple("deepseek-r1-7b-vllm-leader", ControllerFinding.Kind.RESTART_POLICY_NEVER));
    assertThat(findings.get(0).evidence()).isEqualTo("ownerReferences: [], restartPolicy: Never, node: spark-01");
    assertThat(probes.controllerAudit("token-labs", "app=llama-3-1-8b")).isEmpty();
  }

  @Test
  @DisplayName("pod owners: a bare pod has none; a ReplicaSet that is the controller recreates its pod")
  void podOwners() {
    create(new PodBuilder(pod("llama-3-1-8b-7d9f-pqrst", "llama-3-1-8b", true, null, null)).editMetadata()
        .addNewOwnerReference().withKind("ReplicaSet").withName("llama-3-1-8b-7d9f").withApiVersion("apps/v1")
        .withUid("uid-rs").withController(true).endOwnerReference().endMetadata().build());

    List<PodOwners> deepseek = probes.podOwners("token-labs", "app=deepseek-r1-7b");
    List<PodOwners> llama = probes.podOwners("token-labs", "app=llama-3-1-8b");

    assertThat(deepseek).singleElement().satisfies(p -> {
      assertThat(p.bare()).isTrue();
      assertThat(p.controller()).isEmpty();
      assertThat(p).hasToString("token-labs/deepseek-r1-7b-vllm-leader has no owner");
    });
    assertThat(llama).hasSize(3).noneMatch(PodOwners::bare);
    assertThat(llama).filteredOn(p -> p.controller().isPresent()).singleElement().satisfies(p -> {
      assertThat(p.pod()).isEqualTo("llama-3-1-8b-7d9f-pqrst");
      assertThat(p.controller().orElseThrow()).isEqualTo(new PodOwners.Owner("ReplicaSet", "llama-3-1-8b-7d9f", true));
      assertThat(p.toString()).endsWith("owned by [ReplicaSet/llama-3-1-8b-7d9f (controller)]");
    });
    assertThat(probes.podOwners("token-labs", "app=nothing")).isEmpty();
  }

  @Test
  void readyEndpointAddressesExcludeNotReadyOnes() throws Exception {
    client.endpoints().inNamespace("token-labs").resource(new EndpointsBuilder().withNewMetadata()
        .withName("llama").withNamespace("token-labs").endMetadata()
        .addNewSubset().addNewAddress().withIp("10.0.0.1").endAddress()
        .addNewNotReadyAddress().withIp("10.0.0.2").endNotReadyAddress().endSubset().build()).create();

    assertThat(probes.readyEndpointAddresses("token-labs", "llama").read()).isEqualTo(Reading.of(1));
    assertThat(probes.readyEndpointAddresses("token-labs", "deepseek").read().noDataReason())
        .hasValueSatisfying(r -> assertThat(r).contains("no Endpoints object"));
  }

  @Test
  @DisplayName("awaitReady: measures the time until a replacement pod is Ready")
  void awaitReadyAfterDeletion() {
    client.pods().inNamespace("token-labs").withName("llama-3-1-8b-7d9f-abcde").delete();
    Instant deletedAt = Instant.now();
    ScheduledExecutorService reconciler = Executors.newSingleThreadScheduledExecutor();
    try {
      reconciler.schedule(() -> create(pod("llama-3-1-8b-7d9f-klmno", "llama-3-1-8b", true, "ReplicaSet", null)),
          200, TimeUnit.MILLISECONDS);

      Duration took = probes.awaitReady("token-labs", "app=llama-3-1-8b", 1, deletedAt, Duration.ofSeconds(10));

      assertThat(took).isPositive();
      assertThat(client.pods().inNamespace("token-labs").withName("llama-3-1-8b-7d9f-klmno").get()).isNotNull();
    } finally {
      reconciler.shutdownNow();
    }
  }

  @Test
  void awaitReadyFailsForABarePodThatIsGone() {
    client.pods().inNamespace("token-labs").withName("deepseek-r1-7b-vllm-leader").delete();

    assertThatThrownBy(() -> probes.awaitReady("token-labs", "app=deepseek-r1-7b", 1, Instant.now(),
        Duration.ofMillis(300)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("were not Ready again within 300 ms (need 1); seen: 0 ready")
        .hasMessageContaining("bare pod");
  }

  @Test
  void recentEventsAreFilteredByTimeAndSorted() {
    Instant now = Instant.now();
    createEvent("old", now.minus(Duration.ofHours(2)), "Scheduled");
    createEvent("newer", now.minusSeconds(5), "Killing");
    createEvent("newest", now.minusSeconds(1), "FailedMount");

    List<ClusterEvent> events = probes.recentEvents("token-labs", Duration.ofMinutes(10));

    assertThat(events).extracting(ClusterEvent::reason).containsExactly("Killing", "FailedMount");
    assertThat(events.get(0).object()).isEqualTo("Pod/deepseek-r1-7b-vllm-leader");
  }

  @Test
  @DisplayName("the recent events of one object leave out other objects' and old ones, oldest first")
  void recentEventsOfOneObject() {
    Instant now = Instant.now();
    createEvent("rs-old", now.minus(Duration.ofHours(2)), "SuccessfulCreate", "ReplicaSet", "llama-3-1-8b-7d9f");
    createEvent("pod-killing", now.minusSeconds(6), "Killing", "Pod", "llama-3-1-8b-7d9f-abcde");
    createEvent("rs-new", now.minusSeconds(5), "SuccessfulCreate", "ReplicaSet", "llama-3-1-8b-7d9f");
    createEvent("rs-newer", now.minusSeconds(4), "SuccessfulDelete", "ReplicaSet", "llama-3-1-8b-7d9f");
    createEvent("same-name-other-kind", now.minusSeconds(3), "ScalingReplicaSet", "Deployment", "llama-3-1-8b-7d9f");

    List<ClusterEvent> events = probes.recentEvents("token-labs", "ReplicaSet", "llama-3-1-8b-7d9f",
        Duration.ofMinutes(10));

    assertThat(events).extracting(ClusterEvent::reason).containsExactly("SuccessfulCreate", "SuccessfulDelete");
    assertThat(events).extracting(ClusterEvent::object).containsOnly("ReplicaSet/llama-3-1-8b-7d9f");
  }

  private static void createEvent(String name, Instant at, String reason) {
    createEvent(name, at, reason, "Pod", "deepseek-r1-7b-vllm-leader");
  }

  private static void createEvent(String name, Instant at, String reason, String kind, String object) {
    client.v1().events().inNamespace("token-labs").resource(new EventBuilder().withNewMetadata().withName(name)
        .withNamespace("token-labs").endMetadata().withReason(reason).withType("Normal").withMessage(reason + " it")
        .withLastTimestamp(at.toString()).withNewInvolvedObject().withKind(kind)
        .withName(object).endInvolvedObject().build()).create();
  }
}
