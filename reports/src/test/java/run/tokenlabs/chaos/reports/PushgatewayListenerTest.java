package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
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
import run.tokenlabs.chaos.api.ChaosConfig.PushgatewaySettings;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.engine.JournalFile;

/** The listener against a local HTTP receiver standing for the Pushgateway. */
class PushgatewayListenerTest {
  /** One request as received. */
  record Received(String method, String path, String contentType, String body) {}

  @TempDir
  Path dir;

  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private HttpServer server;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
          exchange.getRequestHeaders().getFirst("Content-Type"),
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
      byte[] answer = (status == 200 ? "" : "text format parsing error in line 3").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  /** Replays a journal through the listener, as the engine would, with RunStarted naming the copy. */
  private Path replay(String resource, PushgatewaySettings settings, boolean dryRun) throws IOException {
    Path journal = GameDayReportTest.copyResource(resource, dir);
    PushgatewayListener listener = new PushgatewayListener(() -> settings, new PushgatewayClient());
    for (ChaosEvent event : JournalFile.read(journal).events()) {
      if (event instanceof RunStarted s) {
        event = new RunStarted(s.at(), s.runId(), null, s.target(), s.profile(), dryRun, s.allowedNamespaces(),
            journal.toString(), s.pendingRollbacks());
      }
      listener.onEvent(event);
    }
    return dir.resolve("pushgateway-20261128-200000-ab12.txt");
  }

  @Test
  @DisplayName("a finished run PUTs its last_run group in the text format under job and base64 target; a failed run leaves last_success alone")
  void pushesTheLastRun() throws IOException {
    Path outcome = replay("game-day-journal.jsonl", new PushgatewaySettings(Optional.of(url()), "weekly"), false);

    assertThat(received).hasSize(1);
    Received put = received.get(0);
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.path()).as("target 'lab' base64url-encoded").isEqualTo("/metrics/job/weekly/target@base64/bGFi/record/last_run");
    assertThat(put.contentType()).startsWith("text/plain; version=0.0.4");
    assertThat(put.body()).contains("tokenlabs_chaos_gameday_success 0\n",
        "tokenlabs_chaos_experiment_verdict{experiment=\"LLMD-3\",method=\"barePodAbsenceIsAlerted\",verdict=\"DEVIATED\"} 1\n");
    assertThat(Files.readString(outcome)).contains("pushed to " + url() + "metrics/job/weekly/");
  }

  @Test
  @DisplayName("a successful run also replaces the last_success group, whose push time the overdue alert reads")
  void successfulRunPushesLastSuccess() throws IOException {
    replay("held-journal.jsonl", new PushgatewaySettings(Optional.of(url()), "weekly"), false);

    assertThat(received).extracting(Received::path).containsExactly(
        "/metrics/job/weekly/target@base64/bGFi/record/last_run",
        "/metrics/job/weekly/target@base64/bGFi/record/last_success");
    assertThat(received.get(1).body()).contains("tokenlabs_chaos_gameday_last_success_timestamp_seconds ");
  }

  @Test
  @DisplayName("the ServiceLoader instance reads pushgateway.url and pushgateway.job as the run does, from tokenlabs.chaos.* properties")
  void serviceLoaderInstanceReadsTheConfiguration() throws IOException {
    System.setProperty("tokenlabs.chaos.pushgateway.url", url().toString());
    System.setProperty("tokenlabs.chaos.pushgateway.job", "from-properties");
    try {
      Path journal = GameDayReportTest.copyResource("held-journal.jsonl", dir);
      PushgatewayListener listener = java.util.ServiceLoader.load(run.tokenlabs.chaos.api.spi.ChaosListener.class)
          .stream().map(java.util.ServiceLoader.Provider::get).filter(PushgatewayListener.class::isInstance)
          .map(PushgatewayListener.class::cast).findFirst().orElseThrow();
      for (ChaosEvent event : JournalFile.read(journal).events()) {
        if (event instanceof RunStarted s) {
          event = new RunStarted(s.at(), s.runId(), null, s.target(), s.profile(), false, s.allowedNamespaces(),
              journal.toString(), s.pendingRollbacks());
        }
        listener.onEvent(event);
      }
    } finally {
      System.clearProperty("tokenlabs.chaos.pushgateway.url");
      System.clearProperty("tokenlabs.chaos.pushgateway.job");
    }
    assertThat(received).extracting(Received::path).containsExactly(
        "/metrics/job/from-properties/target@base64/bGFi/record/last_run",
        "/metrics/job/from-properties/target@base64/bGFi/record/last_success");
  }

  @Test
  @DisplayName("a refused push is logged and written beside the journal, and never thrown into the engine")
  void refusedPushIsRecordedNotThrown() throws IOException {
    status = 400;
    Path outcome = replay("game-day-journal.jsonl", new PushgatewaySettings(Optional.of(url()), "weekly"), false);

    assertThat(received).hasSize(1);
    assertThat(Files.readString(outcome)).contains("push failed: PUT ", " answered 400 (expected 200 or 202): "
        + "text format parsing error in line 3", "check pushgateway.url");
  }

  @Test
  @DisplayName("an unreachable Pushgateway is recorded the same way")
  void unreachable() throws IOException {
    server.stop(0);
    Path outcome = replay("game-day-journal.jsonl", new PushgatewaySettings(Optional.of(url()), "weekly"), false);

    assertThat(Files.readString(outcome)).contains("push failed: ", "the verdicts stand");
  }

  @Test
  @DisplayName("without pushgateway.url nothing is sent; a dry run pushes nothing and says why")
  void nothingWithoutUrlOrOnDryRun() throws IOException {
    Path outcome = replay("game-day-journal.jsonl", PushgatewaySettings.none(), false);
    assertThat(received).isEmpty();
    assertThat(outcome).doesNotExist();

    Files.delete(dir.resolve("game-day-journal.jsonl"));
    replay("game-day-journal.jsonl", new PushgatewaySettings(Optional.of(url()), "weekly"), true);
    assertThat(received).isEmpty();
    assertThat(Files.readString(outcome)).contains("not pushed: a dry run");
  }
}
