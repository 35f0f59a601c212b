package run.tokenlabs.chaos.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okio.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.Arrivals;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Endpoint;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.PromptInfo;
import run.tokenlabs.chaos.load.api.RequestRecord;

class PromptAndBoundsTest {
  private static final SseTestServer.Behaviour QUICK = SseTestServer.Behaviour.normal().tokens(2, Duration.ZERO);

  @Test
  @DisplayName("prompt lengths are exact where the server tokenizes: the server counts what was asked for")
  void exactPromptLengths() throws Exception {
    var seen = new CopyOnWriteArrayList<Integer>();
    try (var server = SseTestServer.start(s -> {
      seen.add(s.promptWords());
      return QUICK;
    })) {
      LoadResult result = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), 2)
          .withWorkload(Bucket.of("A", 300, 2), Bucket.of("C", 5000, 2))
          .withBounds(new Bounds(Duration.ofSeconds(20), 6, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.prompts()).extracting(PromptInfo::exact).containsOnly(true);
      assertThat(result.prompts()).extracting(PromptInfo::promptTokens).containsExactly(300, 5000);
      assertThat(seen).hasSize(6).allSatisfy(words -> assertThat(words).isIn(300, 5000));
      assertThat(result.records()).allSatisfy(r -> assertThat(r.usage().promptTokens()).isIn(300, 5000));
    }
  }

  @Test
  void chatPromptsCountTheTemplateToo() throws Exception {
    try (var server = SseTestServer.start(s -> QUICK)) {
      var factory = new PromptFactory(new okhttp3.OkHttpClient(), Endpoint.chat(server.baseUrl(), "m"));

      PreparedPrompt prompt = factory.prepare(Bucket.of("A", 400, 2), 1);

      assertThat(prompt.info().exact()).isTrue();
      assertThat(prompt.info().promptTokens()).isEqualTo(400);
    }
  }

  @Test
  @DisplayName("without /tokenize the length is estimated and flagged so")
  void estimatedWithoutTokenize() throws Exception {
    try (var server = SseTestServer.startWithoutTokenize(s -> QUICK)) {
      var factory = new PromptFactory(new okhttp3.OkHttpClient(), Endpoint.completions(server.baseUrl(), "m"));

      PromptInfo info = factory.prepare(Bucket.of("A", 400, 2), 1).info();

      assertThat(info.exact()).isFalse();
      assertThat(info.tokenizeCalls()).isZero();
      assertThat(info.promptTokens()).isEqualTo(400);
    }
  }

  @Test
  @DisplayName("a request body is the shared prompt plus a unique numbered line, of the announced length")
  void bodiesShareThePrompt() throws Exception {
    try (var server = SseTestServer.start(s -> QUICK)) {
      var factory = new PromptFactory(new okhttp3.OkHttpClient(), Endpoint.completions(server.baseUrl(), "m"));
      PreparedPrompt prompt = factory.prepare(Bucket.longContext(), 1);

      var a = new Buffer();
      prompt.body(1).writeTo(a);
      var b = new Buffer();
      prompt.body(2).writeTo(b);

      assertThat(a.size()).isEqualTo(prompt.body(1).contentLength()).isEqualTo(prompt.info().bytes());
      String first = a.readUtf8();
      String second = b.readUtf8();
      assertThat(first).contains("Request 00000001. ").isNotEqualTo(second);
      assertThat(first.replace("00000001", "00000002")).isEqualTo(second);
      assertThat(prompt.info().promptTokens()).isEqualTo(32_768);
    }
  }

  @Test
  @DisplayName("the duration bound stops an open loop: 100/s for 300 ms schedules exactly 30")
  void durationBound() throws Exception {
    try (var server = SseTestServer.start(s -> QUICK)) {
      LoadResult result = Load.openLoop(Endpoint.completions(server.baseUrl(), "m"), Arrivals.constant(100))
          .withWorkload(Bucket.of("A", 8, 2))
          .withBounds(new Bounds(Duration.ofMillis(300), 1_000_000, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.ledger().scheduled()).isEqualTo(30);
      assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(30);
      assertThat(result.records()).allSatisfy(r -> assertThat(r.intendedStartNanos()).isLessThan(300_000_000L));
    }
  }

  @Test
  void countBoundStopsAnOpenLoop() throws Exception {
    try (var server = SseTestServer.start(s -> QUICK)) {
      LoadResult result = Load.openLoop(Endpoint.completions(server.baseUrl(), "m"), Arrivals.poisson(500))
          .withWorkload(Bucket.of("A", 8, 2))
          .withBounds(new Bounds(Duration.ofHours(1), 7, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.ledger().scheduled()).isEqualTo(7);
      assertThat(server.completions()).isEqualTo(7);
      assertThat(result.ledger().balanced()).isTrue();
    }
  }

  @Test
  @DisplayName("a closed loop keeps its concurrency and stops at the count")
  void closedLoop() throws Exception {
    try (var server = SseTestServer.start(s -> SseTestServer.Behaviour.normal().tokens(3, Duration.ofMillis(5)))) {
      LoadResult result = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), 4)
          .withWorkload(Bucket.of("A", 8, 3))
          .withBounds(new Bounds(Duration.ofSeconds(30), 20, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      assertThat(result.ledger().count(Outcome.COMPLETE)).isEqualTo(20);
      assertThat(server.completions()).isEqualTo(20);
      assertThat(server.maxConcurrent()).isLessThanOrEqualTo(4);
    }
  }

  @Test
  @DisplayName("a slow reader consumes at its own pace: the stream lasts at least (chunks - 1) x pace")
  void slowReader() throws Exception {
    try (var server = SseTestServer.start(s -> SseTestServer.Behaviour.normal().tokens(6, Duration.ZERO))) {
      LoadResult result = Load.closedLoop(Endpoint.completions(server.baseUrl(), "m"), 1)
          .withWorkload(Bucket.of("S", 8, 6).withSlowReader(Duration.ofMillis(40)))
          .withBounds(new Bounds(Duration.ofSeconds(30), 1, Duration.ofSeconds(10)))
          .withProgress(Progress.none())
          .run();

      RequestRecord r = LoadFixtures.single(result);
      assertThat(r.outcome()).isEqualTo(Outcome.COMPLETE);
      assertThat(r.slowReader()).isTrue();
      assertThat(r.lastChunkNanos() - r.firstChunkNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    }
  }

  @Test
  void progressLineReportsTheLedger() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (var server = SseTestServer.start(s -> QUICK)) {
      Load.openLoop(Endpoint.completions(server.baseUrl(), "m"), Arrivals.constant(50))
          .withWorkload(Bucket.of("A", 8, 2))
          .withBounds(new Bounds(Duration.ofMillis(400), 1000, Duration.ofSeconds(10)))
          .withProgress(new Progress(Duration.ofMillis(100), Duration.ZERO, lines::add))
          .run();
    }
    assertThat(lines).isNotEmpty();
    assertThat(lines.get(0)).contains("scheduled").contains("in flight").contains("rejected");
    assertThat(lines.get(lines.size() - 1)).startsWith("load done: scheduled 20/1000").contains("complete 20");
  }
}
