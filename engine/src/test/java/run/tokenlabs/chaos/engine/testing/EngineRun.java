package run.tokenlabs.chaos.engine.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Runs fixture experiments through the real JUnit Platform with a given configuration, and reads the journal. */
public final class EngineRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path journalDir;
  private final Map<String, String> config = new LinkedHashMap<>();

  public EngineRun(Path journalDir) {
    this.journalDir = journalDir;
    config.put("tokenlabs.chaos.target", "mock");
    config.put("tokenlabs.chaos.journal.dir", journalDir.toString());
    config.put("tokenlabs.chaos.recoveryTimeout", "2s");
    config.put("tokenlabs.chaos.probeTimeout", "2s");
  }

  public EngineRun with(String key, String value) {
    config.put("tokenlabs.chaos." + key, value);
    return this;
  }

  public EngineExecutionResults execute(Class<?>... experiments) {
    var kit = EngineTestKit.engine("junit-jupiter");
    config.forEach(kit::configurationParameter);
    return kit.selectors(Stream.of(experiments).map(c -> selectClass(c)).toArray(org.junit.platform.engine.DiscoverySelector[]::new))
        .execute();
  }

  /** Every journal line of every run in the journal directory, in order. */
  public List<JsonNode> journal() {
    try (Stream<Path> files = Files.list(journalDir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("journal-")).sorted()
          .flatMap(EngineRun::lines).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public List<JsonNode> journal(String type) {
    return journal().stream().filter(e -> e.path("type").asText().equals(type)).toList();
  }

  /** The verdict of the only experiment run. */
  public String verdict() {
    List<JsonNode> verdicts = journal("VERDICT");
    if (verdicts.size() != 1) {
      throw new AssertionError("expected one VERDICT event, found " + verdicts);
    }
    return verdicts.get(0).path("data").path("verdict").asText();
  }

  private static Stream<JsonNode> lines(Path file) {
    try {
      return Files.readAllLines(file).stream().map(line -> {
        try {
          return JSON.readTree(line);
        } catch (IOException e) {
          throw new UncheckedIOException("journal line is not JSON: " + line, e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
