package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import run.tokenlabs.chaos.engine.fixtures.MarkerExperiment;
import run.tokenlabs.chaos.engine.testing.GameDayFixture;

/**
 * A secret given on the Maven command line as a system property never reaches failsafe's XML report,
 * which lists the test JVM's system properties. Runs real Maven and failsafe on a fixture
 * experiment, both as the game day runs it ({@code bin/gameday}, experiments in Maven's JVM) and as
 * {@code mvn verify} runs integration tests (a forked JVM).
 */
class SecretReportSafetyTest {
  private static final String SECRET = "s3cr3t-bearer-7f1c9a";
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"bin/gameday", "mvn verify"})
  @DisplayName("-Dtokenlabs.chaos.prometheus.bearerToken=... is refused and absent from the failsafe XML report")
  void secretPropertyNeverInTheReport(String how) throws Exception {
    Path marker = dir.resolve("fault-marker");
    GameDayFixture fixture = GameDayFixture.create(dir.resolve("checkout"), MarkerExperiment.class, Map.of(
        "tokenlabs.chaos.target", "mock", "tokenlabs.chaos.journal.dir", dir.resolve("journal").toString(),
        "test.marker", marker.toString()));
    List<String> command = new ArrayList<>(how.equals("bin/gameday")
        ? List.of(fixture.gameday().toString()) : List.of("mvn", "-B", "verify"));
    command.addAll(List.of("-o", "-Dtokenlabs.chaos.prometheus.bearerToken=" + SECRET));
    Path log = dir.resolve("maven.log");
    ProcessBuilder builder = new ProcessBuilder(command).directory(fixture.root().toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("PATH", fixture.toolStubs() + ":" + System.getenv("PATH"));
    Process maven = builder.start();
    try {
      assertThat(maven.waitFor(4, TimeUnit.MINUTES)).as("Maven finished; output:\n%s", GameDayFixture.tail(log, 40))
          .isTrue();
    } finally {
      maven.descendants().forEach(ProcessHandle::destroyForcibly);
      maven.destroyForcibly();
    }

    List<Path> reports = fixture.failsafeReports();
    assertThat(reports).as("failsafe reports; output:\n%s", GameDayFixture.tail(log, 40)).hasSize(1);
    String report = Files.readString(reports.get(0));
    assertThat(report).as("the report records system properties, so the secret's absence means something")
        .contains("<properties>").contains("name=\"tokenlabs.chaos.target\"");
    assertThat(report).doesNotContain(SECRET);
    assertThat(report).as("the experiment failed on the refusal, naming the key")
        .contains("tokenlabs.chaos.prometheus.bearerToken: a secret may not be given as a system property");
    assertThat(Files.readString(log)).doesNotContain(SECRET);
    assertThat(marker).as("nothing was injected").doesNotExist();
  }
}
