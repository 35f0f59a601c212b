package run.tokenlabs.chaos.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A throwaway checkout that runs one fixture experiment of this module the way a game day runs the
 * real ones: the repository's own {@code bin/gameday}, copied in, runs {@code mvn -Pchaos verify}
 * on a project whose parent is the repository's parent POM, so the chaos profile's failsafe
 * settings apply unchanged. Nothing is compiled: failsafe runs the classes this test JVM runs.
 */
public final class GameDayFixture {
  private static final Pattern PARENT_VERSION = Pattern.compile(
      "<artifactId>tokenlabs-chaos-parent</artifactId>\\s*<version>([^<]+)</version>");
  private final Path root;

  private GameDayFixture(Path root) {
    this.root = root;
  }

  /**
   * Writes the checkout into {@code dir}.
   *
   * @param experiment the top-level experiment class failsafe runs
   * @param properties system properties of the experiment, as failsafe's systemPropertyVariables
   */
  public static GameDayFixture create(Path dir, Class<?> experiment, Map<String, String> properties) throws IOException {
    Path repository = repositoryRoot();
    Files.createDirectories(dir.resolve("bin"));
    Path gameday = Files.copy(repository.resolve("bin/gameday"), dir.resolve("bin/gameday"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.setPosixFilePermissions(gameday, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(dir.resolve("pom.xml"), pom(dir, repository, experiment, properties));
    return new GameDayFixture(dir);
  }

  /** The copy of {@code bin/gameday}. */
  public Path gameday() {
    return root.resolve("bin/gameday");
  }

  public Path root() {
    return root;
  }

  /** The XML reports failsafe wrote, one per test class. */
  public List<Path> failsafeReports() throws IOException {
    Path reports = root.resolve("target/failsafe-reports");
    if (!Files.isDirectory(reports)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(reports)) {
      return files.filter(f -> f.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList();
    }
  }

  /**
   * A directory with stand-ins for {@code prometheus} and {@code promtool}, to put first on PATH:
   * {@code bin/gameday} installs them when missing, which a test must not do, and no experiment here
   * starts them.
   */
  public Path toolStubs() throws IOException {
    Path stubs = Files.createDirectories(root.resolve("stubs"));
    for (String tool : List.of("prometheus", "promtool")) {
      Path stub = Files.writeString(stubs.resolve(tool), "#!/bin/sh\necho '" + tool + " stub' >&2\nexit 1\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return stubs;
  }

  /** The repository: the nearest directory above the working directory that holds bin/gameday. */
  static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("bin/gameday")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no bin/gameday above " + Path.of("").toAbsolutePath()
        + "; run this test from the repository (mvn -pl engine test)");
  }

  private static String pom(Path dir, Path repository, Class<?> experiment, Map<String, String> properties)
      throws IOException {
    String parentVersion = parentVersion(repository);
    Path classes = codeSource(run.tokenlabs.chaos.api.Chaos.class);
    Path testClasses = codeSource(experiment);
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> elements = new ArrayList<>();
    for (String element : classPath.split(java.io.File.pathSeparator)) {
      elements.add("        <additionalClasspathElement>" + xml(element) + "</additionalClasspathElement>");
    }
    String variables = properties.entrySet().stream()
        .map(e -> "        <" + e.getKey() + ">" + xml(e.getValue()) + "</" + e.getKey() + ">")
        .collect(Collectors.joining("\n"));
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <parent>
            <groupId>run.tokenlabs</groupId>
            <artifactId>tokenlabs-chaos-parent</artifactId>
            <version>%s</version>
            <relativePath>%s</relativePath>
          </parent>
          <artifactId>tokenlabs-chaos-gameday-fixture</artifactId>
          <packaging>pom</packaging>
          <dependencies>
            <!-- only so that failsafe picks its JUnit Platform provider; the classes come from the elements below -->
            <dependency><groupId>org.junit.jupiter</groupId><artifactId>junit-jupiter-api</artifactId><scope>test</scope></dependency>
          </dependencies>
          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-failsafe-plugin</artifactId>
                <configuration>
                  <!-- as the scenarios module does: the parent's chaos profile skips every test -->
                  <skipTests>false</skipTests>
                  <classesDirectory>%s</classesDirectory>
                  <testClassesDirectory>%s</testClassesDirectory>
                  <includes combine.self="override"><include>%s</include></includes>
                  <additionalClasspathElements>
        %s
                  </additionalClasspathElements>
                  <systemPropertyVariables>
        %s
                  </systemPropertyVariables>
                </configuration>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(xml(parentVersion), xml(parentPath(dir, repository)), xml(classes.toString()),
        xml(testClasses.toString()), experiment.getName().replace('.', '/') + ".java",
        String.join("\n", elements), variables);
  }

  /**
   * The repository's POM relative to the checkout: Maven resolves relativePath against the project
   * directory even when it is absolute, and then falls back, silently, to whatever parent POM the
   * local repository holds.
   */
  private static String parentPath(Path dir, Path repository) {
    return dir.toAbsolutePath().relativize(repository.resolve("pom.xml").toAbsolutePath()).toString();
  }

  private static String parentVersion(Path repository) throws IOException {
    Matcher m = PARENT_VERSION.matcher(Files.readString(repository.resolve("pom.xml")));
    if (!m.find()) {
      throw new IllegalStateException("no version of tokenlabs-chaos-parent in " + repository.resolve("pom.xml"));
    }
    return m.group(1);
  }

  private static Path codeSource(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The last {@code lines} lines of a file, for failure messages. */
  public static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
