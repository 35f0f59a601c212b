package run.tokenlabs.chaos.lab.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading a long stream must not hold back the pod's other streams, although one
 * writer thread writes the tokens of all of them ({@link StepWriter}); and the stalled stream, read at
 * last, is whole and in order across the point where its handler thread took it over.
 */
class StalledReaderTest {
  /** Tokens of each of the stalled request's choices: far more than the socket buffers hold (a few MiB). */
  private static final int LONG = 4000;
  private static final int CHOICES = 16;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private ModelServer server;

  @BeforeEach
  void start() throws IOException {
    SimulatorConfig config = new SimulatorConfig("m", MetricsExposition.Flavor.VLLM,
        new SchedulerConfig(2048, 64, 4096, true, 0, 10_000), 2048, new CostModel(0.01, 0.0001, 0.001), 0.01, 20,
        0.5, 1);
    server = new ModelServer(config, new FaultState(), InetAddress.getLoopbackAddress()).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  @DisplayName("a reader that stopped reading a stream of 16 x 4,000 tokens holds back no other stream, and gets every token in order")
  void stalledReader() throws Exception {
    URI uri = server.uri();
    try (Socket stalled = new Socket()) {
      stalled.setReceiveBufferSize(4096); // fills after a few tokens: the pod's writes to it soon block
      stalled.connect(new java.net.InetSocketAddress(uri.getHost(), uri.getPort()));
      String body = "{\"model\":\"m\",\"prompt\":\"tok\",\"max_tokens\":" + LONG + ",\"n\":" + CHOICES
          + ",\"ignore_eos\":true,\"stream\":true}";
      stalled.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: pod\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
      Awaitility.await("the stalled stream's sequence generated all its tokens").atMost(Duration.ofSeconds(60))
          .until(() -> server.metrics().generationTokens() >= LONG * CHOICES);

      // Bounded: a writer blocked on the stalled socket would hold this stream back until that reader reads.
      HttpResponse<String> other = http.sendAsync(HttpRequest.newBuilder(uri.resolve("/v1/completions"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"prompt\":\"tok\",\"max_tokens\":5,"
              + "\"ignore_eos\":true,\"stream\":true}")).build(), HttpResponse.BodyHandlers.ofString())
          .get(60, TimeUnit.SECONDS);

      assertThat(other.body()).as("a stream started while another one's reader is stalled")
          .endsWith("data: [DONE]\n\n");
      String stream = dechunk(stalled.getInputStream());
      Matcher text = Pattern.compile("\"index\":([0-9]+),\"text\":\"([a-z]+ )\"").matcher(stream);
      int[] next = new int[CHOICES];
      while (text.find()) {
        int choice = Integer.parseInt(text.group(1));
        assertThat(text.group(2)).as("choice %d, token %d", choice, next[choice])
            .isEqualTo(TokenRule.outputWord(next[choice]));
        next[choice]++;
      }
      assertThat(next).containsOnly(LONG);
      assertThat(stream).endsWith("\"finish_reason\":\"length\",\"stop_reason\":null}]}\n\ndata: [DONE]\n\n");
    }
  }

  /** The body of a chunked HTTP/1.1 response, read to its last chunk. */
  private static String dechunk(InputStream in) throws IOException {
    String head = line(in);
    assertThat(head).startsWith("HTTP/1.1 200");
    while (!line(in).isEmpty()) {
      // response headers
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (int size; (size = Integer.parseInt(line(in).trim(), 16)) > 0; ) {
      body.write(in.readNBytes(size));
      line(in);
    }
    return body.toString(StandardCharsets.UTF_8);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("the stream ended inside a line; read so far: " + line);
      }
      line.append((char) c);
    }
    return line.toString().replace("\r", "");
  }
}
