package run.tokenlabs.chaos.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Supplier;
import run.tokenlabs.chaos.api.ChaosConfig.WebhookSettings;
import run.tokenlabs.chaos.api.Secret;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.engine.JournalFile;
import run.tokenlabs.chaos.engine.config.ConfigLoader;

/**
 * Posts one message about each finished run to the incoming webhook named by {@code webhook.urlFile}
 * or {@code webhook.urlEnv}, found by ServiceLoader. The payload is Slack's {@code {"text": ...}},
 * which Mattermost, Rocket.Chat and others take too: the verdict counts, the resilience score, the
 * experiments that did not hold and where the summary page is.
 *
 * <p>The URL is a credential: it is read when the run finishes and never logged (only its host). A
 * failed post is logged and written to {@code webhook-<runId>.txt} beside the journal; it never
 * changes a verdict and never throws into the engine.
 */
public final class WebhookListener extends AfterRunListener<WebhookSettings> {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  /** The ServiceLoader instance: the configuration as the run reads it, from the config file and properties. */
  public WebhookListener() {
    this(() -> ConfigLoader.load(key -> Optional.ofNullable(System.getProperty(key))).webhook());
  }

  WebhookListener(Supplier<WebhookSettings> settings) {
    super("webhook", "posting to the webhook", settings);
  }

  @Override
  void finished(RunStarted start, WebhookSettings webhook, RunFinished event) {
    Path journal = Path.of(start.journal());
    String host = "the webhook";
    try {
      Optional<Secret> url = webhook.readUrl();
      if (url.isEmpty()) {
        return;
      }
      URI uri = URI.create(url.get().reveal());
      host = uri.getScheme() + "://" + uri.getHost();
      String text = message(RunRecord.of(JournalFile.read(journal)), journal);
      post(uri, JSON.writeValueAsString(Map.of("text", text)));
      outcome(journal, event, "posted to " + host);
    } catch (IOException | RuntimeException e) {
      // the exception's text may carry the URL: name the host only
      String reason = e instanceof IOException && e.getMessage() != null && e.getMessage().startsWith("answered")
          ? e.getMessage() : e.getClass().getSimpleName();
      String message = "post to " + host + " failed (" + reason + "); check webhook.urlFile / webhook.urlEnv and that "
          + "the run can reach it; the verdicts stand";
      failed(journal, event, message);
    }
  }

  /** The message: what a reader of the channel needs to decide whether to open the summary. */
  static String message(RunRecord run, Path journal) {
    StringBuilder text = new StringBuilder("Game day ").append(run.runId).append(" on ").append(run.target);
    if (run.dryRun) {
      text.append(" (dry run: nothing acted on)");
    }
    text.append(": ");
    StringBuilder counts = new StringBuilder();
    for (Verdict verdict : Verdict.values()) {
      long n = run.experiments().stream().filter(e -> e.verdict == verdict).count();
      if (n > 0) {
        counts.append(counts.length() == 0 ? "" : ", ").append(n).append(' ').append(verdict.name());
      }
    }
    text.append(counts.length() == 0 ? "no verdict" : counts);
    OptionalDouble score = RunHistory.score(run);
    text.append(score.isPresent() ? "; resilience score " + Values.significant(score.getAsDouble(), 3) : "");
    List<String> failed = run.experiments().stream()
        .filter(e -> e.verdict == Verdict.DEVIATED || e.verdict == Verdict.ERROR || e.verdict == Verdict.ABORTED)
        .map(e -> e.id + " " + e.method + " (" + e.verdict + ")").toList();
    if (!failed.isEmpty()) {
      text.append(".\nDid not hold: ").append(String.join(", ", failed));
    }
    Path parent = journal.toAbsolutePath().getParent();
    text.append(".\nSummary: ").append((parent == null ? Path.of(".") : parent).resolve("summary-" + run.runId + ".html"));
    return text.toString();
  }

  private void post(URI uri, String payload) throws IOException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8)).build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() / 100 != 2) {
      String body = response.body() == null ? "" : response.body().strip();
      throw new IOException("answered " + response.statusCode() + " (expected 2xx): "
          + (body.length() > 200 ? body.substring(0, 200) + "…" : body));
    }
  }

}
