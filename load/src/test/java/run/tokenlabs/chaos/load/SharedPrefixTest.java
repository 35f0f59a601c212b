package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.Workload;

/** A shared system-prompt prefix: the same first bytes in every request, the unique line after it. */
class SharedPrefixTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void chatRequestsShareTheSystemMessageAndDifferAfterIt() throws IOException {
    List<JsonNode> bodies = run(Endpoint::chat);

    JsonNode first = bodies.get(0).get("messages");
    assertThat(first.get(0).get("role").asText()).isEqualTo("system");
    // about 64 tokens (one per word on this server): searched like a prompt, less its request line and template
    assertThat(first.get(0).get("content").asText().split(" ")).hasSizeBetween(48, 64);
    for (JsonNode body : bodies) {
      assertThat(body.get("messages").get(0)).isEqualTo(first.get(0));
      assertThat(body.get("messages").get(1).get("role").asText()).isEqualTo("user");
    }
    assertThat(bodies).extracting(b -> b.get("messages").get(1).get("content").asText()).doesNotHaveDuplicates();
  }

  @Test
  void completionPromptsStartWithThePrefix() throws IOException {
    List<JsonNode> bodies = run(Endpoint::completions);

    String a = bodies.get(0).get("prompt").asText();
    String b = bodies.get(1).get("prompt").asText();
    int split = a.indexOf("\n\n");
    assertThat(split).isPositive();
    assertThat(b).startsWith(a.substring(0, split + 2)).isNotEqualTo(a);
    assertThat(b.substring(split + 2)).startsWith("Request ");
  }

  private interface EndpointKind {
    Endpoint at(String baseUrl, String model);
  }

  private static List<JsonNode> run(EndpointKind kind) throws IOException {
    List<JsonNode> bodies = new CopyOnWriteArrayList<>();
    try (var sse = SseTestServer.start(seen -> SseTestServer.Behaviour.normal()).recordingBodies(b -> {
      try {
        bodies.add(JSON.readTree(b));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    })) {
      var result = Load.closedLoop(kind.at(sse.baseUrl(), "m"), 2)
          .withWorkload(Workload.of(Bucket.of("A", 32, 4)).withSharedPrefix(64))
          .withBounds(new Bounds(Duration.ofSeconds(30), 6, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();
      assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(6);
    }
    assertThat(bodies).hasSize(6);
    return bodies;
  }
}
