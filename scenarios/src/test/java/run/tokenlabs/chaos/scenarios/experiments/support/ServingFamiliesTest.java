package run.tokenlabs.chaos.scenarios.experiments.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ServingFamiliesTest {
  private static final Pattern SERVING_NAME = Pattern.compile("\\b(?:vllm|sglang):[a-z0-9_]+");
  private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  private static final Path RULES = MODULE.getParent().resolve("rules/prometheus");
  private static final Path EXPERIMENTS = MODULE.resolve("src/test/java/run/tokenlabs/chaos/scenarios/experiments");

  @Test
  @DisplayName("every vLLM/SGLang family a Prometheus rule queries is required")
  void rulesFamiliesAreRequired() throws IOException {
    Set<String> inRules = new TreeSet<>();
    try (Stream<Path> files = Files.list(RULES)) {
      files.filter(f -> f.toString().endsWith(".rules.yml"))
          .forEach(f -> names(f).forEach(n -> inRules.add(ServingFamilies.familyOf(n))));
    }

    assertThat(inRules).as("families the rules in %s query", RULES).isNotEmpty();
    assertThat(ServingFamilies.REQUIRED.keySet()).containsAll(inRules);
  }

  @Test
  @DisplayName("every required family is queried by a rule or named in an experiment's source (no stale entry)")
  void requiredFamiliesAreUsed() throws IOException {
    Set<String> used = new TreeSet<>();
    try (Stream<Path> files = Stream.concat(Files.list(RULES), Files.walk(EXPERIMENTS))) {
      files.filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".java"))
          .filter(f -> !f.getFileName().toString().startsWith("ServingFamilies")
              && !f.getFileName().toString().equals("BoundaryInventoryIT.java"))
          .forEach(f -> names(f).forEach(n -> used.add(ServingFamilies.familyOf(n))));
    }

    assertThat(used).containsAll(ServingFamilies.REQUIRED.keySet());
  }

  @Test
  @DisplayName("a histogram is present through its _bucket series; a missing gauge is named, per engine")
  void missingPerEngine() {
    Set<String> names = Set.of("vllm:time_to_first_token_seconds_bucket", "vllm:num_requests_running",
        "vllm:num_requests_waiting", "vllm:num_preemptions_total", "vllm:request_queue_time_seconds_sum",
        "vllm:request_prefill_time_seconds_count", "sglang:num_running_reqs");

    assertThat(ServingFamilies.missing("vllm:", names)).containsExactly("vllm:kv_cache_usage_perc");
    assertThat(ServingFamilies.missing("sglang:", names))
        .containsExactly("sglang:generation_tokens_total", "sglang:e2e_request_latency_seconds");
    assertThat(ServingFamilies.engineOf("sglang:num_running_reqs")).isEqualTo("sglang:");
    assertThat(ServingFamilies.familyOf("vllm:e2e_request_latency_seconds_count"))
        .isEqualTo("vllm:e2e_request_latency_seconds");
  }

  private static Set<String> names(Path file) {
    try {
      Set<String> out = new TreeSet<>();
      Matcher m = SERVING_NAME.matcher(Files.readString(file));
      while (m.find()) {
        out.add(m.group());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
