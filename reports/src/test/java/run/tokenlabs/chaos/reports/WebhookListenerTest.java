package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.ChaosConfig.WebhookSettings;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.engine.JournalFile;

/** The webhook message against a local receiver standing for Slack's incoming webhook. */
class WebhookListenerTest {
  private static final String SECRET_PATH = "/services/T000/B000/s3cr3t";

  @TempDir
  Path dir;

  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private final List<String> types = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(SECRET_PATH, exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      types.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      byte[] answer = (status == 200 ? "ok" : "invalid_payload").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Path replay(WebhookSettings settings) throws IOException {
    Path journal = GameDayReportTest.copyResource("game-day-journal.jsonl", dir);
    WebhookListener listener = new WebhookListener(() -> settings);
    for (ChaosEvent event : JournalFile.read(journal).events()) {
      if (event instanceof RunStarted s) {
        event = new RunStarted(s.at(), s.runId(), null, s.target(), s.profile(), false, s.allowedNamespaces(),
            journal.toString(), s.pendingRollbacks());
      }
      listener.onEvent(event);
    }
    return dir.resolve("webhook-20261128-200000-ab12.txt");
  }

  private WebhookSettings urlInFile() throws IOException {
    Path file = dir.resolve("webhook-url");
    Files.writeString(file, "http://127.0.0.1:" + server.getAddress().getPort() + SECRET_PATH + "\n");
    return new WebhookSettings(Optional.of(file), Optional.empty());
  }

  @Test
  @DisplayName("a finished run posts Slack's {\"text\"} with the verdicts, the score, what did not hold and the summary's path")
  void postsTheRun() throws IOException {
    Path outcome = replay(urlInFile());

    assertThat(bodies).hasSize(1);
    assertThat(types).containsExactly("application/json");
    String text = new ObjectMapper().readTree(bodies.get(0)).path("text").asText();
    assertThat(text).isEqualTo("Game day 20261128-200000-ab12 on lab: 1 HELD, 1 DEVIATED, 1 ABORTED, 1 BLOCKED, "
        + "1 ERROR; resilience score 25.\nDid not hold: LLMD-3 barePodAbsenceIsAlerted (DEVIATED), SLO-1 "
        + "baselinePerBucket (ERROR), DCGM-2 powerTracksUtilisation (ABORTED).\nSummary: "
        + dir.toAbsolutePath().resolve("summary-20261128-200000-ab12.html"));
    assertThat(Files.readString(outcome)).contains("posted to http://127.0.0.1").doesNotContain("s3cr3t");
  }

  @Test
  @DisplayName("a refused post is logged and written beside the journal without the URL's secret path, never thrown")
  void refusedPost() throws IOException {
    status = 400;
    Path outcome = replay(urlInFile());

    assertThat(bodies).hasSize(1);
    assertThat(Files.readString(outcome)).contains("failed (answered 400 (expected 2xx): invalid_payload)",
        "the verdicts stand").doesNotContain("s3cr3t");
  }

  @Test
  @DisplayName("without a webhook nothing is posted or written")
  void nothingWithoutWebhook() throws IOException {
    Path outcome = replay(WebhookSettings.none());
    assertThat(bodies).isEmpty();
    assertThat(outcome).doesNotExist();
  }
}
