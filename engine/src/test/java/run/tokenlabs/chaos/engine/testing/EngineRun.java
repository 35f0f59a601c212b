package run.tokenlabs.chaos.engine.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.engine.JournalFile;

/**
 * Runs fixture experiments through the real JUnit Platform with a given configuration, and gives
 * their journal as the engine's {@link JournalFile} reads it.
 */
public final class EngineRun {
  private final Path journalDir;
  private final Map<String, String> config = new LinkedHashMap<>();

  public EngineRun(Path journalDir) {
    this.journalDir = journalDir;
    config.put("tokenlabs.chaos.target", "mock");
    config.put("tokenlabs.chaos.journal.dir", journalDir.toString());
    config.put("tokenlabs.chaos.journal.keyFile", keyFile(journalDir).toString());
    config.put("tokenlabs.chaos.recoveryTimeout", "2s");
    config.put("tokenlabs.chaos.probeTimeout", "2s");
  }

  /**
   * The key file runs on {@code journalDir} use in tests: beside the journal directory (outside it, as
   * required), so that a test never touches the user's default key.
   */
  public static Path keyFile(Path journalDir) {
    return journalDir.resolveSibling(journalDir.getFileName() + ".key");
  }

  public EngineRun with(String key, String value) {
    config.put("tokenlabs.chaos." + key, value);
    return this;
  }

  public EngineExecutionResults execute(Class<?>... experiments) {
    var kit = EngineTestKit.engine("junit-jupiter");
    config.forEach(kit::configurationParameter);
    return kit.selectors(Stream.of(experiments).map(c -> selectClass(c)).toArray(DiscoverySelector[]::new)).execute();
  }

  /** The runs in the journal directory, in the order they started. */
  public List<JournalFile> runs() {
    return JournalFile.readAll(journalDir);
  }

  /** Every event of every run in the journal directory, in order. */
  public List<ChaosEvent> journal() {
    return runs().stream().flatMap(run -> run.events().stream()).toList();
  }

  /** Every event of one type, e.g. {@code journal(RollbackDone.class)}. */
  public <T extends ChaosEvent> List<T> journal(Class<T> type) {
    return journal().stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** The verdict of the only experiment run. */
  public Verdict verdict() {
    List<VerdictReached> verdicts = journal(VerdictReached.class);
    if (verdicts.size() != 1) {
      throw new AssertionError("expected one VerdictReached event, found " + verdicts);
    }
    return verdicts.get(0).verdict();
  }
}
