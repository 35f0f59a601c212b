package run.tokenlabs.chaos.load.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.load.api.spi.LoadExecutor;

/** The load API stands apart from the load generator: callers see only the api packages. */
class ApiBoundaryTest {
  private static final Path API_SOURCES = Path.of("src/main/java/run/tokenlabs/chaos/load/api");
  /** A reference to the implementation package, imported or fully qualified; api and api.spi are fine. */
  private static final Pattern IMPLEMENTATION = Pattern.compile("\\brun\\.tokenlabs\\.chaos\\.load\\.(?!api\\b)\\w+");

  @Test
  @DisplayName("No source in load.api (or load.api.spi) refers to the implementation package run.tokenlabs.chaos.load")
  void apiDoesNotReferToTheImplementation() throws IOException {
    List<String> offenders;
    try (Stream<Path> files = Files.walk(API_SOURCES)) {
      offenders = files.filter(f -> f.toString().endsWith(".java"))
          .flatMap(ApiBoundaryTest::implementationReferences).toList();
    }

    assertThat(offenders).as("references from the API to the implementation").isEmpty();
    assertThat(API_SOURCES.resolve("LoadSpec.java")).as("the scan reads the sources").exists();
  }

  @Test
  @DisplayName("LoadSpec.run() finds the load generator through the LoadExecutor the module registers")
  void theModuleRegistersItsExecutor() {
    LoadExecutor executor = LoadExecutors.get();

    assertThat(executor.getClass().getName()).isEqualTo("run.tokenlabs.chaos.load.LoadRunner");
    assertThat(LoadExecutors.get()).isSameAs(executor);
  }

  private static Stream<String> implementationReferences(Path file) {
    try {
      String source = Files.readString(file);
      return IMPLEMENTATION.matcher(source).results().map(m -> API_SOURCES.relativize(file) + ": " + m.group());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
