package run.tokenlabs.chaos.load;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.Chaos;
import run.tokenlabs.chaos.api.ChaosExperiment;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Progress;

/**
 * An experiment that only loads (no fault) and records a key number from the load, as several game
 * day experiments do. Run by {@link DryRunLoadTest} through the engine, not by Surefire on its own.
 */
@ChaosExperiment(id = "T-LOAD-ONLY", title = "a load through the gateway, no fault")
public class LoadOnlyExperiment {
  /** What its load plans: two sessions, at most three requests. */
  static final Bounds BOUNDS = new Bounds(Duration.ofSeconds(20), 3, Duration.ofSeconds(10));

  @Test
  void loadThroughTheGateway(Chaos chaos) {
    LoadResult result = Load.closedLoop(Endpoint.completions(chaos.target().gateway().orElseThrow().toString(), "m"), 2)
        .withWorkload(LoadFixtures.tiny())
        .withBounds(BOUNDS)
        .withProgress(Progress.none())
        .run();
    chaos.record(new KeyNumber("requests booked", result.records().size(), "requests", "n=" + result.records().size()));
  }
}
