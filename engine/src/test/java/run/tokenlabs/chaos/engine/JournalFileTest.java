package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Finding;
import run.tokenlabs.chaos.api.KeyNumber;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.CapabilityChecked;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.FaultActed;
import run.tokenlabs.chaos.api.event.FaultPrepared;
import run.tokenlabs.chaos.api.event.FindingRecorded;
import run.tokenlabs.chaos.api.event.GuardBreached;
import run.tokenlabs.chaos.api.event.HypothesisChecked.CheckResult;
import run.tokenlabs.chaos.api.event.HypothesisChecked.Phase;
import run.tokenlabs.chaos.api.event.HypothesisChecked;
import run.tokenlabs.chaos.api.event.KeyNumberRecorded;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.api.event.RollbackFailed;
import run.tokenlabs.chaos.api.event.RollbackLeftPending;
import run.tokenlabs.chaos.api.event.RollbackSource;
import run.tokenlabs.chaos.api.event.RunFinished;
import run.tokenlabs.chaos.api.event.RunStarted;
import run.tokenlabs.chaos.api.event.VerdictReached;

/** The journal written by {@link Journal} and read back by {@link JournalFile}, line by line. */
class JournalFileTest {
  private static final String RUN = "20261128-200000-ab12";
  private static final String EXP = "LLMD-3 BarePodIT#absenceAlertFires";
  private static final Instant AT = Instant.parse("2026-11-28T20:00:01.250Z");

  @TempDir
  Path dir;

  /** One event of every type, with nullable fields both set and null. */
  static List<ChaosEvent> everyType() {
    return List.of(
        new RunStarted(AT, RUN, null, "lab (gb10)", "chaos", false, List.of("token-labs"), "/j/journal.jsonl", "/j/p.jsonl"),
        new ExperimentStarted(AT, RUN, EXP, "LLMD-3", "pod absence is alerted", "x.BarePodIT", "absenceAlertFires",
            "[engine:junit-jupiter]/[class:x.BarePodIT]", 90),
        new CapabilityChecked(AT, RUN, EXP, "NVLink metrics", false, "no NVLink fields"),
        new HypothesisChecked(AT, RUN, EXP, Phase.BEFORE, "gateway serves", false, List.of(
            new CheckResult("5xx ratio", "<= 0.001", "0.0", true, null),
            new CheckResult("ready pods", ">= 1", null, false, "connection refused"))),
        new FaultPrepared(AT, RUN, EXP, "force-delete pod", "recreate pod", List.of("token-labs"), true),
        new FaultActed(AT, RUN, EXP, "force-delete pod"),
        new GuardBreached(AT, RUN, EXP, "llama serves", "5xx ratio <= 0.05", "0.31", "<= 0.05", null),
        new GuardBreached(AT, RUN, EXP, "llama serves", "5xx ratio <= 0.05", null, "<= 0.05", "timeout"),
        new FindingRecorded(AT, RUN, EXP, new Finding("Bare pod", "no controller \"recreates\" it\nat all", "kubectl")),
        new FindingRecorded(AT, RUN, EXP, new Finding("Bare pod", "nothing recreates it", "kubectl")
            .withAction(Finding.Severity.HIGH, "wrap the bare pod in a Deployment")),
        new KeyNumberRecorded(AT, RUN, EXP, new KeyNumber("TTFT p95", 44.8, "s", "n=104")),
        new EvidenceRecorded(AT, RUN, EXP, "PromQL", "{} => 0.42"),
        new RollbackDone(AT, RUN, EXP, "recreate pod", "kubernetes.recreate-pod", List.of("manifest"),
            RollbackSource.GUARD_HALT),
        new RollbackFailed(AT, RUN, EXP, "recreate pod", "kubernetes.recreate-pod", List.of("manifest", "namespace"),
            RollbackSource.SHUTDOWN_HOOK, "KubernetesClientException: 409 Conflict"),
        new RollbackLeftPending(AT, RUN, "recovery of run 20261127-180000-cd34", "recreate pod",
            "kubernetes.recreate-pod", "/j/pending-rollbacks/20261127-180000-cd34.jsonl line 1",
            "dry run: would complete it; nothing was done"),
        new VerdictReached(AT, RUN, EXP, Verdict.BLOCKED, "BLOCKED: NVLink metrics absent"),
        new RunFinished(AT, RUN, null, 2, Map.of(Verdict.ERROR, 1, Verdict.HELD, 1)));
  }

  private Path write(List<ChaosEvent> events) {
    Clock clock = Clock.fixed(AT, ZoneOffset.UTC);
    try (Journal journal = Journal.open(dir, RUN, clock)) {
      events.forEach(event -> journal.record((at, runId) -> event));
      return journal.file();
    }
  }

  @Test
  @DisplayName("every event type survives the round trip, field for field, in order")
  void roundTrip() {
    assertThat(ChaosEvent.class.getPermittedSubclasses()).as("the list above covers every event type")
        .allMatch(type -> everyType().stream().anyMatch(type::isInstance));

    JournalFile read = JournalFile.read(write(everyType()));

    assertThat(read.events()).containsExactlyElementsOf(everyType());
    assertThat(read.tornLastLine()).isEmpty();
    assertThat(read.runId()).isEqualTo(RUN);
    assertThat(read.events(GuardBreached.class)).hasSize(2);
  }

  @Test
  @DisplayName("a finding journaled before findings had actions reads as a finding without action")
  void findingWithoutActionField() throws IOException {
    String line = "{\"type\":\"FindingRecorded\",\"schema\":2,\"at\":\"2026-11-28T20:00:01.250Z\",\"runId\":\"" + RUN
        + "\",\"experiment\":\"" + EXP + "\",\"finding\":{\"title\":\"t\",\"statement\":\"s\",\"evidence\":\"e\"}}";

    assertThat(JournalCodec.read(line)).isEqualTo(new FindingRecorded(AT, RUN, EXP, new Finding("t", "s", "e")));
  }

  @Test
  @DisplayName("a line is one JSON object: type, schema, then the record's fields by name")
  void lineLayout() throws IOException {
    Path file = write(List.of(new VerdictReached(AT, RUN, EXP, Verdict.HELD, "hypothesis held"),
        new RunFinished(AT, RUN, null, 1, Map.of(Verdict.HELD, 1))));

    assertThat(Files.readAllLines(file)).containsExactly(
        "{\"type\":\"VerdictReached\",\"schema\":2,\"at\":\"2026-11-28T20:00:01.250Z\",\"runId\":\"" + RUN + "\","
            + "\"experiment\":\"" + EXP + "\",\"verdict\":\"HELD\",\"message\":\"hypothesis held\"}",
        "{\"type\":\"RunFinished\",\"schema\":2,\"at\":\"2026-11-28T20:00:01.250Z\",\"runId\":\"" + RUN + "\","
            + "\"experiment\":null,\"experiments\":1,\"verdicts\":{\"HELD\":1}}");
  }

  @Test
  @DisplayName("NaN and infinite key numbers are written as strings and read back as themselves, never 0")
  void nonFiniteKeyNumbers() throws IOException {
    List<ChaosEvent> events = Arrays.stream(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
        .mapToObj(v -> (ChaosEvent) new KeyNumberRecorded(AT, RUN, EXP, new KeyNumber("peak", v, "%", "")))
        .toList();
    Path file = write(events);

    assertThat(Files.readString(file)).contains("\"value\":\"NaN\"").contains("\"value\":\"Infinity\"")
        .contains("\"value\":\"-Infinity\"");
    assertThat(JournalFile.read(file).events(KeyNumberRecorded.class)).extracting(e -> e.keyNumber().value())
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
  }

  @Test
  @DisplayName("a key number whose value is null or missing is refused, not read as 0")
  void missingNumberIsNotZero() throws IOException {
    String line = "{\"type\":\"KeyNumberRecorded\",\"schema\":2,\"at\":\"2026-11-28T20:00:01Z\",\"runId\":\"r\","
        + "\"experiment\":\"e\",\"keyNumber\":{\"name\":\"peak\",%s\"unit\":\"%%\",\"note\":\"\"}}\n";
    Path withNull = Files.writeString(dir.resolve("journal-null.jsonl"), line.formatted("\"value\":null,"));
    Path without = Files.writeString(dir.resolve("journal-missing.jsonl"), line.formatted(""));

    assertThatThrownBy(() -> JournalFile.read(withNull)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining(withNull + ":1 is not a journal event: field 'keyNumber.value': ");
    assertThatThrownBy(() -> JournalFile.read(without)).hasMessageContaining(without + ":1 is not a journal event")
        .hasMessageContaining("'value'");
  }

  @Test
  @DisplayName("a torn last line (killed mid-write) is left out and named; everything before it is read")
  void tornLastLine() throws IOException {
    Path file = write(everyType().subList(0, 3));
    String torn = "{\"type\":\"VerdictReached\",\"schema\":2,\"at\":\"2026-11-28T20:0";
    Files.writeString(file, torn, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

    JournalFile read = JournalFile.read(file);

    assertThat(read.events()).containsExactlyElementsOf(everyType().subList(0, 3));
    assertThat(read.tornLastLine()).hasValueSatisfying(why -> assertThat(why).startsWith("line 4: "));
  }

  @Test
  @DisplayName("a torn multi-byte character at the end still reads as a torn line")
  void tornInsideACharacter() throws IOException {
    Path file = write(everyType().subList(0, 1));
    byte[] euro = "{\"type\":\"FindingRecorded\",\"statement\":\"costs \u20ac".getBytes(StandardCharsets.UTF_8);
    Files.write(file, Arrays.copyOf(euro, euro.length - 1), java.nio.file.StandardOpenOption.APPEND);

    assertThat(JournalFile.read(file).tornLastLine()).isPresent();
  }

  @Test
  @DisplayName("a broken line followed by more lines is an error naming file and line")
  void brokenLineInTheMiddle() throws IOException {
    Path file = write(everyType().subList(0, 2));
    List<String> lines = Files.readAllLines(file);
    Files.write(file, List.of(lines.get(0), "{\"type\":\"Nonsense\",\"schema\":2}", lines.get(1)));

    assertThatThrownBy(() -> JournalFile.read(file)).isInstanceOf(UncheckedIOException.class)
        .hasMessageStartingWith("Journal " + file + ":2 is not a journal event: ")
        .hasMessageContaining("Nonsense")
        .hasMessageContaining("file was changed by hand or is not a journal");
  }

  @Test
  @DisplayName("a line of another schema, or of the untyped journal before it, is refused with what to do")
  void otherSchemas() throws IOException {
    Path newer = Files.writeString(dir.resolve("journal-newer.jsonl"),
        "{\"type\":\"RunStarted\",\"schema\":3,\"at\":\"2026-11-28T20:00:01Z\"}\n");
    Path untyped = Files.writeString(dir.resolve("journal-untyped.jsonl"),
        "{\"type\":\"RUN_STARTED\",\"at\":\"2026-11-28T20:00:01Z\",\"runId\":\"r\",\"experiment\":null,\"data\":{}}\n");

    assertThatThrownBy(() -> JournalFile.read(newer)).hasMessageContaining(newer + ":1")
        .hasMessageContaining("schema 3, and this reader reads schema 2 only");
    assertThatThrownBy(() -> JournalFile.read(untyped)).hasMessageContaining(untyped + ":1")
        .hasMessageContaining("no 'schema' field: written before journal events were typed");
  }

  @Test
  @DisplayName("a file that cannot be read names itself and what to pass instead")
  void missingFile() {
    Path missing = dir.resolve("journal-missing.jsonl");

    assertThatThrownBy(() -> JournalFile.read(missing)).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("Cannot read the journal '" + missing + "'")
        .hasMessageContaining("journal-<runId>.jsonl");
  }

  @Test
  @DisplayName("readAll: every journal of a directory, in the order the runs started; other files ignored")
  void readAll() throws IOException {
    Instant first = Instant.parse("2026-11-28T20:00:00Z");
    Files.writeString(dir.resolve("journal-b.jsonl"), JournalCodec.write(
        new RunStarted(first.plusSeconds(60), "b", null, "lab", "test", false, List.of(), "j", "p")) + "\n");
    Files.writeString(dir.resolve("journal-a.jsonl"), JournalCodec.write(
        new RunStarted(first.plusSeconds(120), "a", null, "lab", "test", false, List.of(), "j", "p")) + "\n");
    Files.writeString(dir.resolve("summary-a.md"), "# not a journal");

    assertThat(JournalFile.readAll(dir)).extracting(JournalFile::runId).containsExactly("b", "a");
    assertThat(JournalFile.readAll(dir.resolve("absent"))).isEmpty();
  }
}
