package run.tokenlabs.chaos.scenarios.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.DURATION;
import static run.tokenlabs.chaos.scenarios.load.LabLoads.assertLedgerBalanced;

import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.LabProfile;
import run.tokenlabs.chaos.lab.api.LabTest;
import run.tokenlabs.chaos.load.api.ApiFlavor;
import run.tokenlabs.chaos.load.api.Bounds;
import run.tokenlabs.chaos.load.api.Bucket;
import run.tokenlabs.chaos.load.api.Load;
import run.tokenlabs.chaos.load.api.LoadResult;
import run.tokenlabs.chaos.load.api.Outcome;
import run.tokenlabs.chaos.load.api.Progress;
import run.tokenlabs.chaos.load.api.PromptInfo;
import run.tokenlabs.chaos.load.api.RequestRecord;
import run.tokenlabs.chaos.load.api.Workload;

/**
 * Prompt and output lengths against the lab simulator, which counts tokens by a fixed rule and
 * serves {@code /tokenize}: what the load generator says it sent and received must be what the
 * server counted, request by request.
 */
@LabTest
class ExactTokenCountsLoadIT {
  private static final String MODEL = LabProfile.DEEPSEEK;

  @Test
  @DisplayName("completions: prompts built through /tokenize are exact and equal usage.prompt_tokens; "
      + "with ignore_eos every answer is max_tokens long, as the server counted it")
  void completionsPromptAndOutputLengthsAreExact(Lab lab) {
    Bucket shortPrompt = Bucket.of("p700", 700, 64);
    Bucket longPrompt = Bucket.of("p3000", 3000, 16);
    long generatedBefore = LabLoads.generatedTokens(lab, MODEL);

    LoadResult result = Load.closedLoop(LabLoads.direct(lab, MODEL).withIgnoreEos(true), 4)
        .withWorkload(Workload.of(shortPrompt, longPrompt))
        .withBounds(new Bounds(Duration.ofSeconds(30), 16, Duration.ofSeconds(20)))
        .withProgress(Progress.none())
        .run();

    assertLedgerBalanced(result, 16);
    assertPromptsExact(result, shortPrompt, longPrompt);
    Map<String, Bucket> buckets = Map.of("p700", shortPrompt, "p3000", longPrompt);
    for (RequestRecord r : result.records()) {
      Bucket b = buckets.get(r.bucket());
      assertCompleteAtMaxTokens(r, b);
      // Server pacing bounds the client's figures from below: the first token needs the prefill step,
      // the last one a step per token. A latency under these was not measured from the request's start.
      // The lab's step clock pays a late step back by shortening later ones, by at most 10 %.
      assertThat(r.ttft()).as("TTFT of request %d", r.id()).get(DURATION)
          .isGreaterThanOrEqualTo(LabLoads.minPrefill(lab, MODEL, b.promptTokens()).multipliedBy(9).dividedBy(10));
      assertThat(r.e2e()).as("E2E of request %d", r.id()).get(DURATION)
          .isGreaterThanOrEqualTo(LabLoads.minStep(lab, MODEL).multipliedBy(b.maxTokens()).multipliedBy(9).dividedBy(10));
      assertThat(r.gaps().count()).as("one gap between each pair of token chunks").isEqualTo(b.maxTokens() - 1);
    }
    long generated = LabLoads.generatedTokens(lab, MODEL) - generatedBefore;
    assertThat(generated).as("tokens the simulator generated = tokens the client received")
        .isEqualTo(result.records().stream().mapToLong(RequestRecord::tokensReceived).sum());
    assertThat(result.histograms().ttftMicros().getTotalCount()).isEqualTo(16);
  }

  @Test
  @DisplayName("chat through the gateway: exact prompts including the chat template, reasoning plus answer "
      + "tokens equal usage.completion_tokens, and the answer starts after the reasoning chain")
  void chatThroughGatewayCountsReasoningAndAnswer(Lab lab) {
    Bucket chat = Bucket.interactive().withMaxTokens(50);

    LoadResult result = Load.closedLoop(LabLoads.viaGateway(lab, MODEL, ApiFlavor.CHAT).withIgnoreEos(true), 3)
        .withWorkload(chat)
        .withBounds(new Bounds(Duration.ofSeconds(30), 9, Duration.ofSeconds(20)))
        .withProgress(Progress.none())
        .run();

    assertLedgerBalanced(result, 9);
    assertPromptsExact(result, chat);
    int reasoningTokens = (int) Math.floor(chat.maxTokens() * lab.profile().model(MODEL).reasoningShare());
    assertThat(reasoningTokens).as("the DeepSeek profile streams reasoning first").isPositive();
    for (RequestRecord r : result.records()) {
      assertCompleteAtMaxTokens(r, chat);
      // The first answer token is the (reasoningTokens + 1)-th generated token: at least that many steps.
      assertThat(r.ttfc()).as("time to first content token of request %d", r.id()).get(DURATION)
          .isGreaterThanOrEqualTo(LabLoads.minStep(lab, MODEL).multipliedBy(reasoningTokens + 1));
    }
  }

  @Test
  @DisplayName("a chat prompt of 500 tokens is built exactly: the target is reachable (354 words) under the lab's rule")
  void chatPromptOf500TokensIsExact(Lab lab) {
    Bucket chat = Bucket.of("chat500", 500, 8);

    LoadResult result = Load.closedLoop(LabLoads.viaGateway(lab, MODEL, ApiFlavor.CHAT), 1)
        .withWorkload(chat)
        .withBounds(new Bounds(Duration.ofSeconds(10), 1, Duration.ofSeconds(10)))
        .withProgress(Progress.none())
        .run();

    assertLedgerBalanced(result, 1);
    assertPromptsExact(result, chat);
    assertThat(result.records().get(0).usage().promptTokens()).isEqualTo(500);
  }

  private static void assertPromptsExact(LoadResult result, Bucket... buckets) {
    Map<String, PromptInfo> prompts = result.prompts().stream()
        .collect(Collectors.toMap(PromptInfo::bucket, Function.identity()));
    assertThat(prompts).hasSize(buckets.length);
    for (Bucket b : buckets) {
      PromptInfo p = prompts.get(b.name());
      assertThat(p.exact()).as("prompt of %s counted by the server's /tokenize, not estimated: %s", b.name(), p).isTrue();
      assertThat(p.promptTokens()).as("prompt tokens of %s", b.name()).isEqualTo(b.promptTokens());
      assertThat(p.tokenizeCalls()).as("/tokenize round trips for %s", b.name()).isBetween(1, 8);
    }
  }

  private static void assertCompleteAtMaxTokens(RequestRecord r, Bucket b) {
    assertThat(r.outcome()).as("outcome of request %d: %s", r.id(), r).isEqualTo(Outcome.COMPLETE);
    assertThat(r.truncation()).isEmpty();
    assertThat(r.httpStatus()).isEqualTo(200);
    assertThat(r.doneReceived()).isTrue();
    assertThat(r.usage()).as("usage chunk of request %d", r.id()).isNotNull();
    assertThat(r.usage().promptTokens()).as("server's prompt_tokens for request %d", r.id())
        .isEqualTo(b.promptTokens());
    assertThat(r.usage().completionTokens()).as("server's completion_tokens with ignore_eos").isEqualTo(b.maxTokens());
    assertThat(r.tokensReceived()).as("token chunks the client received").isEqualTo(r.usage().completionTokens());
    assertThat(r.finishReason()).isEqualTo("length");
  }
}
