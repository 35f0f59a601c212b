package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LabOptionsTest {
  @Test
  void gb10MatchesTheReferenceRun() {
    LabProfile gb10 = LabProfile.gb10();
    ModelProfile deepseek = gb10.model(LabProfile.DEEPSEEK);
    assertThat(deepseek.kvCapacityTokens()).isBetween(1_500_000L, 1_700_000L);
    assertThat(deepseek.bare()).isTrue();
    assertThat(deepseek.chunkedPrefill()).isFalse();
    assertThat(gb10.gpu().nvlink()).isFalse();
    assertThat(gb10.gpu().fbFieldsExported()).isFalse();
    // 6 concurrent decodes: 125 ms per token, the reference run's TPOT
    assertThat(deepseek.stepFixedSeconds() + 6 * deepseek.decodeSequenceSeconds()).isEqualTo(0.125);
    assertThat(LabProfile.h200().gpu().nvlink()).isTrue();
  }

  @Test
  void commandLineOptions() {
    LabOptions o = LabMain.parse(new String[] {"h200", "--scrape=15s", "--time-scale=1",
        "--rules=src/test/resources/lab-rules",
        "--chunked-prefill=deepseek-r1-7b:off"});
    assertThat(o.profile().name()).isEqualTo("h200");
    assertThat(o.profile().scrapeInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(o.profile().ruleForScale()).isEqualTo(1.0);
    assertThat(o.profile().timeScale()).isEqualTo(1.0);
    assertThat(o.rulesDirectory()).contains(Path.of("src/test/resources/lab-rules"));
    assertThat(o.profile().model(LabProfile.DEEPSEEK).chunkedPrefill()).isFalse();
    assertThatThrownBy(() -> LabMain.parse(new String[] {"--nope"})).hasMessageContaining("--scrape=");
    assertThatThrownBy(() -> LabMain.parse(new String[] {"--rules=../no-such-rules"}))
        .as("a missing rules directory is refused before anything starts, saying where it was looked for")
        .hasMessageContaining("--rules=../no-such-rules: no such directory")
        .hasMessageContaining(Path.of("").toAbsolutePath().toString())
        .hasMessageContaining("--rules=rules");
    assertThatThrownBy(() -> LabProfile.named("a100")).hasMessageContaining("expected one of: gb10, h200");
  }

  @Test
  void optionsCopyInsteadOfChanging() {
    LabOptions base = LabOptions.of(LabProfile.gb10());
    LabOptions small = base.kvCapacityTokens(LabProfile.DEEPSEEK, 100_000);
    assertThat(small.profile().model(LabProfile.DEEPSEEK).kvCapacityTokens()).isEqualTo(100_000);
    assertThat(base.profile().model(LabProfile.DEEPSEEK).kvCapacityTokens()).isGreaterThan(1_000_000);
    assertThatThrownBy(() -> base.chunkedPrefill("gpt-4", true)).hasMessageContaining("has no model 'gpt-4'");
  }

  @Test
  void jobCommandsKeepTheLoadWorkerAndSurviveOtherOptions() {
    LabOptions base = LabOptions.of(LabProfile.gb10());
    assertThat(base.jobCommands()).containsExactly(java.util.Map.entry(java.util.List.of("tokenlabs-chaos",
        "load-worker"), "run.tokenlabs.chaos.load.scaleout.LoadWorker"));
    LabOptions more = base.jobCommand(java.util.List.of("my-tool", "run"), "com.example.Main")
        .scrapeInterval(Duration.ofSeconds(2)).rulesDirectory(Path.of("rules"));
    assertThat(more.jobCommands()).containsEntry(java.util.List.of("my-tool", "run"), "com.example.Main")
        .containsKey(LabOptions.LOAD_WORKER_COMMAND).hasSize(2);
    assertThat(base.jobCommands()).hasSize(1);
    assertThatThrownBy(() -> base.jobCommand(java.util.List.of(), "com.example.Main"))
        .hasMessageContaining("at least the command itself");
  }
}
