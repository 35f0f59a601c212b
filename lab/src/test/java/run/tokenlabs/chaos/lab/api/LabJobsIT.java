package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A started lab runs Indexed Jobs: its Job controller is there from the start, and a pod whose
 * command the lab does not know fails, telling how to register it. (The Job controller itself, with
 * processes, is covered by {@code LabJobsTest} without a Prometheus.)
 */
@LabTest(rules = "src/test/resources/lab-rules")
class LabJobsIT {
  @Test
  @DisplayName("an Indexed Job on the lab gets its pod, which fails naming the unknown command and the default")
  void unknownCommandOnTheLab(Lab lab) {
    KubernetesClient client = lab.kubernetesClient();
    try {
      runUnknown(client);
    } finally {
      // the lab is shared: other tests expect every pod in it Ready, so the Job's pod goes with it
      client.batch().v1().jobs().inNamespace("token-labs").withName("lab-jobs-it").delete();
      await().atMost(Duration.ofSeconds(30)).until(() -> client.pods().inNamespace("token-labs")
          .withLabel("job-name", "lab-jobs-it").list().getItems().isEmpty());
    }
  }

  private static void runUnknown(KubernetesClient client) {
    client.batch().v1().jobs().inNamespace("token-labs").resource(new JobBuilder().withNewMetadata()
        .withName("lab-jobs-it").endMetadata().withNewSpec().withCompletionMode("Indexed").withCompletions(1)
        .withParallelism(1).withBackoffLimit(0).withNewTemplate().withNewSpec().withRestartPolicy("Never")
        .addNewContainer().withName("worker").withImage("example/worker:1").withCommand("python3", "w.py")
        .endContainer().endSpec().endTemplate().endSpec().build()).create();

    Job failed = await().atMost(Duration.ofSeconds(30)).until(
        () -> client.batch().v1().jobs().inNamespace("token-labs").withName("lab-jobs-it").get(),
        j -> j.getStatus() != null && j.getStatus().getFailed() != null && j.getStatus().getFailed() == 1
            && j.getStatus().getConditions().stream().anyMatch(c -> "Failed".equals(c.getType())));

    assertThat(failed.getStatus().getConditions()).anySatisfy(c -> assertThat(c.getReason())
        .isEqualTo("BackoffLimitExceeded"));
    Pod pod = client.pods().inNamespace("token-labs").withLabel("job-name", "lab-jobs-it").list().getItems().get(0);
    assertThat(pod.getStatus().getMessage()).contains("[python3, w.py]")
        .contains("[tokenlabs-chaos, load-worker]").contains("LabOptions.jobCommand");
  }
}
