package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Conversation;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.Workload;

/** Multi-turn conversations through the whole client: what each turn sends, and how turns are booked. */
class ConversationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private MockWebServer server;
  private final List<JsonNode> bodies = new CopyOnWriteArrayList<>();
  private final AtomicInteger answers = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start(InetAddress.getByName("127.0.0.1"), 0);
    server.setDispatcher(new Dispatcher() {
      @Override
      public synchronized MockResponse dispatch(RecordedRequest request) {
        if (request.getTarget().equals("/tokenize")) {
          return new MockResponse.Builder().code(404).build();
        }
        try {
          bodies.add(JSON.readTree(request.getBody().utf8()));
        } catch (IOException e) {
          return new MockResponse.Builder().code(400).build();
        }
        int n = answers.incrementAndGet();
        return new MockResponse.Builder().code(200).addHeader("Content-Type", "text/event-stream")
            .body(delta("answer ") + delta("\\\"number\\\" " + n, "stop") + usage() + "data: [DONE]\n\n").build();
      }
    });
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void eachTurnSendsTheConversationSoFarAndTheAnswersAsStreamed() {
    LoadResult result = run(Workload.conversation(Conversation.of(3, 16, 4)), 1, 5);

    assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(5);
    assertThat(bodies).hasSize(5);
    assertThat(roles(bodies.get(0))).containsExactly("user");
    assertThat(roles(bodies.get(1))).containsExactly("user", "assistant", "user");
    assertThat(roles(bodies.get(2))).containsExactly("user", "assistant", "user", "assistant", "user");
    // the earlier messages are sent again exactly: what the user said, and what the server answered
    assertThat(bodies.get(1).get("messages").get(0)).isEqualTo(bodies.get(0).get("messages").get(0));
    assertThat(bodies.get(1).get("messages").get(1).get("content").asText()).isEqualTo("answer \"number\" 1");
    assertThat(bodies.get(2).get("messages").get(3).get("content").asText()).isEqualTo("answer \"number\" 2");
    assertThat(bodies.get(2).get("messages").get(2)).isEqualTo(bodies.get(1).get("messages").get(2));
    // after the last turn a new conversation starts
    assertThat(roles(bodies.get(3))).containsExactly("user");
    assertThat(bodies.get(3).get("messages").get(0)).isNotEqualTo(bodies.get(0).get("messages").get(0));
    assertThat(result.records()).extracting(RequestRecord::bucket).containsExactly("T1", "T2", "T3", "T1", "T2");
    assertThat(result.histograms("T2").ttftMicros().getTotalCount()).isEqualTo(2);
    assertThat(result.histograms("T3").ttftMicros().getTotalCount()).isEqualTo(1);
  }

  @Test
  void sessionsKeepTheirOwnConversations() {
    LoadResult result = run(Workload.conversation(Conversation.of(2, 16, 4)), 3, 12);

    assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(12);
    int secondTurns = 0;
    for (JsonNode body : bodies) {
      JsonNode messages = body.get("messages");
      if (messages.size() == 1) {
        continue;
      }
      secondTurns++;
      assertThat(messages.size()).isEqualTo(3);
      // the history holds the answer this session got to its own first message (answer n went to body n)
      String answered = messages.get(1).get("content").asText();
      assertThat(answered).matches("answer \"number\" \\d+");
      int n = Integer.parseInt(answered.substring(answered.lastIndexOf(' ') + 1));
      assertThat(messages.get(0)).isEqualTo(bodies.get(n - 1).get("messages").get(0));
    }
    assertThat(secondTurns).isPositive();
    assertThat(result.histograms("T2").ttftMicros().getTotalCount()).isEqualTo(secondTurns);
  }

  @Test
  void thinkTimeIsSpentBetweenTurnsOfASession() {
    Duration think = Duration.ofMillis(150);
    LoadResult result = run(Workload.conversation(Conversation.of(2, 16, 4).withThinkTime(think)), 1, 2);

    List<RequestRecord> records = result.records();
    assertThat(records).hasSize(2);
    assertThat(records.get(1).intendedStartNanos() - records.get(0).endNanos()).isGreaterThanOrEqualTo(think.toNanos());
  }

  @Test
  void aConversationNeedsAClosedLoopOfChatSessions() {
    var open = Load.openLoop(Endpoint.chat("http://127.0.0.1:1", "m"), Arrivals.constant(1));
    assertThatThrownBy(() -> open.withWorkload(Workload.conversation(Conversation.of(2, 16, 4))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Load.closedLoop");
    var completions = Load.closedLoop(Endpoint.completions("http://127.0.0.1:1", "m"), 1);
    assertThatThrownBy(() -> completions.withWorkload(Workload.conversation(Conversation.of(2, 16, 4))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Endpoint.chat");
  }

  private LoadResult run(Workload workload, int sessions, int requests) {
    return Load.closedLoop(Endpoint.chat("http://127.0.0.1:" + server.getPort(), "m"), sessions)
        .withWorkload(workload)
        .withBounds(new Bounds(Duration.ofSeconds(30), requests, Duration.ofSeconds(10)))
        .withProgress(Progress.none())
        .run();
  }

  private static List<String> roles(JsonNode body) {
    var roles = new java.util.ArrayList<String>();
    body.get("messages").forEach(m -> roles.add(m.get("role").asText()));
    return roles;
  }

  private static String delta(String text) {
    return delta(text, null);
  }

  private static String delta(String text, String finish) {
    return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
        + text + "\"},\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
  }

  private static String usage() {
    return "data: {\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":16,\"completion_tokens\":2,"
        + "\"total_tokens\":18}}\n\n";
  }
}
