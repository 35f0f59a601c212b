package run.tokenlabs.chaos.scenarios.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The module seams, checked on the sources so that a change that crosses one fails the build
 * instead of waiting for a reviewer: the engine's public API packages do not reach into its
 * implementation (the one exception is JUnit's: an annotation meta-annotated with {@code @ExtendWith}
 * names the extension class it registers, as fabric8's {@code @KubernetesTest} does), the engine
 * carries no load-generator dependencies, the lab knows nothing of the engine, and experiments stay
 * small and named by what they test. The load API's own boundary is checked in the load module.
 */
class ModuleBoundariesTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  /** Names of planning documents kept outside the repository (spelt with classes so this file does not match itself). */
  private static final Pattern FOREIGN_DOCUMENTS = Pattern.compile("\\bD[E]SIGN\\b|\\bF[A]CTS\\b|share[d]/");
  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(run\\.tokenlabs\\.chaos\\.[\\w.]+);", Pattern.MULTILINE);

  @Test
  @DisplayName("the author API, the SPI, the events and the built-in faults import no engine implementation package")
  void engineApiImportsNoImplementation() {
    List<String> offending = importsFrom(ROOT.resolve("engine/src/main/java/run/tokenlabs/chaos/api"),
        ROOT.resolve("engine/src/main/java/run/tokenlabs/chaos/faults"))
        .filter(i -> i.imported().startsWith("run.tokenlabs.chaos.engine."))
        .filter(i -> !isExtensionRegistration(i))
        .map(Import::toString).toList();
    assertThat(offending).as("api -> implementation imports").isEmpty();
  }

  @Test
  @DisplayName("the lab is a world to break: it imports nothing of the engine, load, probes or reports")
  void labIsFreeOfTheEngine() {
    List<String> offending = importsFrom(ROOT.resolve("lab/src/main/java"))
        .filter(i -> !i.imported().startsWith("run.tokenlabs.chaos.lab."))
        .map(Import::toString).toList();
    assertThat(offending).isEmpty();
  }

  @Test
  @DisplayName("the engine's POM has no HTTP client, histogram or mock web server dependency (they belong to load)")
  void engineHasNoLoadDependencies() throws IOException {
    String pom = Files.readString(ROOT.resolve("engine/pom.xml"));
    assertThat(pom).doesNotContain("okhttp", "HdrHistogram", "mockwebserver");
  }

  @Test
  @DisplayName("experiment classes stay under 250 lines and no class name in scenarios carries a ticket id")
  void experimentsAreSmallAndNamedByMeaning() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT.resolve("scenarios/src"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String name = file.getFileName().toString();
        assertThat(name).as(file.toString()).doesNotContainPattern("(?i)^(llmd|failure|dcgm|slo|trace|nextrun)\\d");
        if (name.endsWith("IT.java") && file.toString().contains("experiments")) {
          assertThat(Files.readAllLines(file)).as("%s lines", name).hasSizeLessThanOrEqualTo(250);
        }
      }
    }
  }

  @Test
  @DisplayName("no source file cites documents that are not in this repository")
  void sourcesCiteOnlyThisRepository() throws IOException {
    try (Stream<Path> files = Files.walk(ROOT)) {
      List<String> offending = files.filter(f -> !f.toString().contains("/target/") && !f.toString().contains("/.git/"))
          .filter(f -> f.toString().endsWith(".java"))
          .filter(f -> FOREIGN_DOCUMENTS.matcher(read(f)).find())
          .map(f -> ROOT.relativize(f).toString()).toList();
      assertThat(offending).isEmpty();
    }
  }

  /** JUnit's model: an annotation meta-annotated with {@code @ExtendWith} names the extension class it registers. */
  private static boolean isExtensionRegistration(Import i) {
    String source = read(i.file());
    String simpleName = i.imported().substring(i.imported().lastIndexOf('.') + 1);
    return source.contains("@interface")
        && Pattern.compile("@ExtendWith\\(\\{?[^)]*\\b" + simpleName + "\\.class").matcher(source).find();
  }

  private static Stream<Import> importsFrom(Path... dirs) {
    return Stream.of(dirs).flatMap(ModuleBoundariesTest::javaFiles).flatMap(file -> {
      Matcher m = IMPORT.matcher(read(file));
      Stream.Builder<Import> imports = Stream.builder();
      while (m.find()) {
        imports.add(new Import(file, m.group(1)));
      }
      return imports.build();
    });
  }

  private static Stream<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir + "; the test expects the repository layout", e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Import(Path file, String imported) {
    @Override
    public String toString() {
      return ROOT.relativize(file) + " imports " + imported;
    }
  }
}
