package run.tokenlabs.chaos.scenarios.example;

import static run.tokenlabs.chaos.api.Tolerance.atLeast;
import static run.tokenlabs.chaos.api.Tolerance.present;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.Hypothesis;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.SteadyState;
import run.tokenlabs.chaos.faults.Faults;
import run.tokenlabs.chaos.probes.api.Probes;

@ChaosExperiment(id = "EXAMPLE-1", title = "A Deployment-managed inference pod comes back by itself",
    recoverySeconds = 60)
class LlamaPodRecoversIT {

  @SteadyState
  Hypothesis llamaServes(Probes probes) {
    return Hypothesis.of("llama-3-1-8b is Ready and scraped",
        probes.kubernetes().readyPods("token-labs", "app=llama-3-1-8b").is(atLeast(1)),
        probes.prometheus().instant("sglang:num_running_reqs").is(present()));
  }

  @Test
  void forceDeletedPodIsReplaced(Chaos chaos, Probes probes) {
    Instant deletedAt = Instant.now();
    chaos.inject(Faults.forceDeletePod("token-labs", "app=llama-3-1-8b"));

    Duration untilReady = probes.kubernetes()
        .awaitReady("token-labs", "app=llama-3-1-8b", 1, deletedAt, Duration.ofSeconds(60));
    chaos.record(new KeyNumber("llama pod Ready again after force-delete", untilReady.toMillis() / 1000.0, "s",
        "Deployment-managed; includes the model-load delay"));
  }
}
