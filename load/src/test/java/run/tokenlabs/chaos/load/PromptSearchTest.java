package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;

/**
 * The prompt search against a tokenizer where words cost one or two tokens (like real BPE, unlike
 * one token per word): it must still land exactly on the target instead of oscillating around it.
 */
class PromptSearchTest {
  private HttpServer server;
  private final AtomicInteger calls = new AtomicInteger();

  @BeforeEach
  void startTokenizer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/tokenize", exchange -> {
      calls.incrementAndGet();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      byte[] answer = ("{\"count\":" + tokens(body) + "}").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** Words longer than five letters cost two tokens; a chat template adds seven. */
  private static int tokens(String body) throws IOException {
    JsonNode json = new ObjectMapper().readTree(body);
    boolean chat = json.has("messages");
    String text = chat ? json.path("messages").get(0).path("content").asText() : json.path("prompt").asText();
    int count = chat ? 7 : 0;
    for (String word : text.split("\\s+")) {
      if (!word.isEmpty()) {
        count += word.length() > 5 ? 2 : 1;
      }
    }
    return count;
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 701, 4096, 32768})
  @DisplayName("chat prompts land exactly on the target token count within the call limit")
  void exactWithUnevenTokens(int target) {
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    var factory = new PromptFactory(new OkHttpClient(), Endpoint.chat(base, "m"));

    for (long seed = 1; seed <= 5; seed++) {
      PreparedPrompt prompt = factory.prepare(Bucket.of("chat" + target, target, 2), seed);

      assertThat(prompt.info().exact()).as("seed %d: %s", seed, prompt.info()).isTrue();
      assertThat(prompt.info().promptTokens()).isEqualTo(target);
    }
  }
}
