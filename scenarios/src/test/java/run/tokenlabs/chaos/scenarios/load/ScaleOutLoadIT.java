package run.tokenlabs.chaos.scenarios.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.api.LabTest;
import run.tokenlabs.chaos.load.api.ApiFlavor;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.JobWorkers;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadSpec;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.ScaleOut;
import run.tokenlabs.chaos.load.api.ScaledLoadResult;

/**
 * The scale-out path end to end on the lab: the Indexed Job's pods run as local worker processes
 * started by the lab (the same {@code tokenlabs-chaos load-worker} command a cluster's runner image
 * runs), pass the start barrier, load the gateway and publish their results, which the coordinator
 * merges; the rollback removes the Job and its ConfigMaps.
 */
@LabTest
class ScaleOutLoadIT {
  private static final String NS = "token-labs";
  private static final String MODEL = LabProfile.DEEPSEEK;
  private static final int SESSIONS = 8;
  private static final int WORKERS = 2;

  @Test
  @DisplayName("a closed loop of 8 sessions as 2 local workers: both publish, the Job completes, the merged ledger "
      + "is balanced and the sum of theirs, and the rollback leaves neither Job nor ConfigMap")
  void twoLocalWorkersMerged(Lab lab) throws Exception {
    KubernetesClient client = lab.kubernetesClient();
    Target target = new KubeOnly(client);
    LoadSpec spec = Load.closedLoop(LabLoads.viaGateway(lab, MODEL, ApiFlavor.CHAT).withIgnoreEos(true), SESSIONS)
        .withWorkload(Bucket.of("short", 64, 8))
        // a generous request timeout: it bounds how long the coordinator waits for the results, which two worker
        // JVMs starting on a busy CI machine may need; the load itself stops after 3 s
        .withBounds(new Bounds(Duration.ofSeconds(3), 2_000, Duration.ofSeconds(60)));
    ScaleOut load = ScaleOut.of("scale-out IT", spec, JobWorkers.kubernetesJob(NS, WORKERS)
        .withStart(Duration.ofSeconds(60), Duration.ofSeconds(2)));
    ScaleOut.RemoveWorkers rollback = load.prepare(target);
    String job = load.jobName();
    ScaledLoadResult result;
    try {
      load.act(target, rollback);
      result = load.awaitResult();

      List<ConfigMap> results = client.configMaps().inNamespace(NS).withLabel("tokenlabs.run/scale-out", job).list()
          .getItems();
      assertThat(results).extracting(cm -> cm.getMetadata().getName())
          .contains(job + "-result-0", job + "-result-1", job + "-start");
      Job completed = Awaitility.await("Job " + job + " Complete").atMost(Duration.ofSeconds(60))
          .until(() -> client.batch().v1().jobs().inNamespace(NS).withName(job).get(), ScaleOutLoadIT::complete);
      assertThat(completed.getStatus().getSucceeded()).isEqualTo(WORKERS);
    } finally {
      rollback.undo(target, Duration.ofSeconds(30));
    }

    assertThat(result.workers()).extracting(ScaledLoadResult.Worker::index).containsExactly(0, 1);
    assertThat(result.errors()).isEmpty();
    assertThat(result.ledger().balanced()).as("%s", result.ledger()).isTrue();
    long scheduled = 0;
    for (ScaledLoadResult.Worker w : result.workers()) {
      assertThat(w.ledger().scheduled()).as("worker %d ran", w.index()).isPositive();
      assertThat(w.ledger().balanced()).as("worker %d: %s", w.index(), w.ledger()).isTrue();
      scheduled += w.ledger().scheduled();
    }
    assertThat(result.ledger().scheduled()).isEqualTo(scheduled);
    for (Outcome o : Outcome.values()) {
      assertThat(result.ledger().count(o)).as(o.name())
          .isEqualTo(result.workers().stream().mapToLong(w -> w.ledger().count(o)).sum());
    }
    assertThat(result.ledger().count(Outcome.COMPLETE)).as("%s", result.ledger()).isEqualTo(scheduled);
    assertThat(result.histograms().ttftMicros().getTotalCount()).isEqualTo(scheduled);
    assertThat(client.batch().v1().jobs().inNamespace(NS).withName(job).get()).isNull();
    assertThat(client.configMaps().inNamespace(NS).withLabel("tokenlabs.run/scale-out", job).list().getItems())
        .isEmpty();
    Awaitility.await("worker pods of " + job + " gone").atMost(Duration.ofSeconds(30))
        .until(() -> client.pods().inNamespace(NS).withLabel("batch.kubernetes.io/job-name", job).list().getItems()
            .isEmpty());
  }

  private static boolean complete(Job job) {
    return job != null && job.getStatus() != null && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream().anyMatch(c -> "Complete".equals(c.getType())
            && "True".equals(c.getStatus()));
  }

  /** The lab's Kubernetes API as a target: what the scale-out's fault and rollback act through. */
  private record KubeOnly(KubernetesClient kubernetes) implements Target {
    @Override
    public String name() {
      return "lab kubernetes";
    }

    @Override
    public void close() {
    }
  }
}
