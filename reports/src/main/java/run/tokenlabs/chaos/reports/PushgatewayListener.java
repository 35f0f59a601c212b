package run.tokenlabs.chaos.reports;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import run.tokenlabs.chaos.api.ChaosConfig.PushgatewaySettings;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.engine.JournalFile;
import run.tokenlabs.chaos.engine.config.ConfigLoader;

/**
 * Pushes each finished run's results to the Prometheus Pushgateway named by {@code pushgateway.url},
 * found by ServiceLoader. Two groups per target: {@code record="last_run"}, replaced by every run
 * ({@link PushgatewayMetrics#lastRun()}), and {@code record="last_success"}, replaced only by a
 * successful run, so its {@code push_time_seconds} says when the last good game day ended.
 *
 * <p>A dry run pushes nothing: it acted on nothing, so it proves nothing. A failed push is logged
 * and written to {@code pushgateway-<runId>.txt} beside the journal (the journal itself ends with
 * {@code RunFinished}); it never changes a verdict and never throws into the engine.
 */
public final class PushgatewayListener extends AfterRunListener<PushgatewaySettings> {

  private final PushgatewayClient client;

  /**
   * The ServiceLoader instance: the configuration is read as the run reads it from the config file
   * and {@code tokenlabs.chaos.*} system properties, when the run starts.
   */
  public PushgatewayListener() {
    this(() -> ConfigLoader.load(key -> Optional.ofNullable(System.getProperty(key))).pushgateway(),
        new PushgatewayClient());
  }

  PushgatewayListener(Supplier<PushgatewaySettings> settings, PushgatewayClient client) {
    super("pushgateway", "pushing the results", settings);
    this.client = client;
  }

  @Override
  void finished(RunStarted start, PushgatewaySettings pushgateway, RunFinished event) {
    if (pushgateway.url().isEmpty()) {
      return;
    }
    Path journal = Path.of(start.journal());
    if (start.dryRun()) {
      outcome(journal, event, "not pushed: a dry run acts on nothing, so it is no result");
      return;
    }
    PushgatewayMetrics metrics = new PushgatewayMetrics(RunRecord.of(JournalFile.read(journal)));
    URI base = pushgateway.url().get();
    URI lastRun = PushgatewayClient.groupUri(base, pushgateway.job(), start.target(), "last_run");
    try {
      client.put(lastRun, metrics.lastRun());
      String pushed = "pushed to " + lastRun;
      if (metrics.success()) {
        URI lastSuccess = PushgatewayClient.groupUri(base, pushgateway.job(), start.target(), "last_success");
        client.put(lastSuccess, metrics.lastSuccess());
        pushed += " and " + lastSuccess;
      }
      outcome(journal, event, pushed);
    } catch (IOException | RuntimeException e) {
      String message = "push failed: " + e.getMessage() + "; check pushgateway.url (" + base
          + ") and that the Pushgateway is reachable from the run; the verdicts stand";
      failed(journal, event, message);
    }
  }

}
