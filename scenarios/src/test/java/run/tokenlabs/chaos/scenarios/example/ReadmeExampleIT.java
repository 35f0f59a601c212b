package run.tokenlabs.chaos.scenarios.example;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The README's example runs against the lab and HOLDS. Run through the JUnit Platform so that an
 * ABORTED or BLOCKED example (a skip) cannot pass unnoticed.
 */
class ReadmeExampleIT {

  @Test
  @DisplayName("The README example force-deletes the Llama pod, sees it replaced, and its verdict is HELD")
  void exampleHolds() throws IOException {
    Path journalDir = Path.of("target", "readme-example");

    EngineTestKit.engine("junit-jupiter")
        .configurationParameter("tokenlabs.chaos.target", "lab")
        .configurationParameter("tokenlabs.chaos.journal.dir", journalDir.toString())
        .selectors(selectClass(LlamaPodRecoversIT.class)).execute()
        .testEvents().assertStatistics(s -> s.succeeded(1).failed(0).aborted(0));

    List<JsonNode> journal = newestJournal(journalDir);
    assertThat(journal).filteredOn(e -> e.path("type").asText().equals("VERDICT"))
        .singleElement().satisfies(v -> assertThat(v.path("data").path("verdict").asText()).isEqualTo("HELD"));
    assertThat(journal).filteredOn(e -> e.path("type").asText().equals("KEY_NUMBER"))
        .singleElement().satisfies(k -> assertThat(k.path("data").path("value").asDouble()).isPositive());
    assertThat(journal).filteredOn(e -> e.path("type").asText().equals("ROLLBACK_DONE"))
        .singleElement().satisfies(r -> assertThat(r.path("data").path("outcome").asText()).isEqualTo("done"));
  }

  private static List<JsonNode> newestJournal(Path dir) throws IOException {
    Path newest;
    try (Stream<Path> files = Files.list(dir)) {
      newest = files.filter(f -> f.getFileName().toString().startsWith("journal-"))
          .max(java.util.Comparator.comparing(f -> f.toFile().lastModified())).orElseThrow();
    }
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : Files.readAllLines(newest)) {
      events.add(json.readTree(line));
    }
    return events;
  }
}
