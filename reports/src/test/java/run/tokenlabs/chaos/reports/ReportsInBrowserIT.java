package run.tokenlabs.chaos.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.TestResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.event.ChaosEvent;
import run.tokenlabs.chaos.api.event.ExperimentStarted;
import run.tokenlabs.chaos.api.event.VerdictReached;
import run.tokenlabs.chaos.engine.JournalFile;

/**
 * The browser check: the summary page and the Allure report of a small game day (the {@link ChartJournal}
 * run, fed through the Allure listener as a run would feed it) are served over loopback HTTP and opened
 * in headless Chromium, as a newcomer would open them. Any console error fails it; every chart must have
 * rendered; screenshots go to {@code target/browser-check/screenshots}. Skipped, with the reason, only
 * when no Chromium is installed.
 */
class ReportsInBrowserIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RENDER = Duration.ofSeconds(30);

  private static Path dir;
  private static Path screenshots;
  private static Chromium chromium;
  private static LoopbackServer server;

  @BeforeAll
  static void run() throws Exception {
    Optional<Path> binary = Chromium.binary();
    assumeTrue(binary.isPresent(), "No Chromium on the PATH (chromium, chromium-browser, google-chrome, or "
        + "-Dchromium.binary): the browser check needs one; install Debian's chromium package (.ci/run does)");
    dir = Path.of(System.getProperty("browser.check.dir", "target/browser-check")).toAbsolutePath();
    deleteTree(dir);
    screenshots = Files.createDirectories(dir.resolve("screenshots"));
    Path results = dir.resolve("allure-results");
    Path journal = ChartJournal.write(dir.resolve("chaos-journal"));
    feedAllure(journal, results);
    generateAllureReport(results, dir.resolve("allure-report"));
    server = new LoopbackServer(dir);
    chromium = Chromium.start(binary.get());
  }

  @AfterAll
  static void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (server != null) {
      server.close();
    }
  }

  /** Each experiment as allure-junit5 would run it: a test case started, its events, its status. */
  private static void feedAllure(Path journal, Path results) {
    AllureLifecycle lifecycle = new AllureLifecycle(new FileSystemResultsWriter(results));
    AllureChaosListener listener = new AllureChaosListener(lifecycle, results);
    String testCase = null;
    for (ChaosEvent event : JournalFile.read(journal).events()) {
      if (event instanceof ExperimentStarted e) {
        testCase = UUID.randomUUID().toString();
        lifecycle.scheduleTestCase(new TestResult().setUuid(testCase).setName(e.method() + "()")
            .setFullName(e.className() + "." + e.method()).setHistoryId(e.uniqueId()));
        lifecycle.startTestCase(testCase);
      }
      listener.onEvent(event);
      if (event instanceof VerdictReached v && testCase != null) {
        Status status = switch (v.verdict()) {
          case HELD -> Status.PASSED;
          case DEVIATED -> Status.FAILED;
          case ERROR -> Status.BROKEN;
          default -> Status.SKIPPED;
        };
        lifecycle.updateTestCase(testCase, t -> t.setStatus(status));
        lifecycle.stopTestCase(testCase);
        lifecycle.writeTestCase(testCase);
        testCase = null;
      }
    }
  }

  private static void generateAllureReport(Path results, Path report) throws IOException, InterruptedException {
    Path home = Path.of(System.getProperty("allure.home", "target/allure-2.34.0"));
    assertThat(home.resolve("lib")).as("Allure command line unpacked by the build (maven-dependency-plugin, "
        + "pre-integration-test); run this IT through mvn verify").isDirectory();
    String classpath = home.resolve("lib") + "/*" + java.io.File.pathSeparator + home.resolve("lib/config");
    Path log = dir.resolve("allure-generate.log");
    ProcessBuilder generate = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", classpath, "io.qameta.allure.CommandLine", "generate", "--clean", results.toString(), "-o",
        report.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    generate.environment().put("APP_HOME", home.toString()); // where Allure finds its plugins (behaviors, ...)
    generate.environment().put("ALLURE_NO_ANALYTICS", "true"); // the report must not call an analytics host
    Process p = generate.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("allure generate finished within 120 s (log %s)", log).isTrue();
    assertThat(p.exitValue()).as("allure generate exit code; its output: %s", Files.readString(log)).isZero();
  }

  @Test
  @DisplayName("the summary page renders every chart, logs no console error, and is one file")
  void summaryPage() throws IOException {
    try (DevTools page = chromium.newPage()) {
      page.navigate(server.url("chaos-journal/summary-" + ChartJournal.RUN + ".html"), 1280, 2300);

      JsonNode charts = page.evaluate("Array.from(document.querySelectorAll('figure.chart img')).map(i => "
          + "({alt: i.alt, complete: i.complete, width: i.naturalWidth, height: i.naturalHeight}))");
      List<String> rendered = new ArrayList<>();
      charts.forEach(c -> {
        assertThat(c.get("complete").asBoolean()).as("chart '%s' loaded", c.get("alt").asText()).isTrue();
        assertThat(c.get("width").asInt()).as("chart '%s' width", c.get("alt").asText()).isEqualTo(ChartPainter.WIDTH);
        assertThat(c.get("height").asInt()).as("chart '%s' height", c.get("alt").asText()).isEqualTo(ChartPainter.HEIGHT);
        rendered.add(c.get("alt").asText());
      });
      assertThat(rendered).hasSize(ChartJournal.CHARTS.size());
      assertThat(page.evaluate("document.querySelectorAll('script, link[rel=stylesheet], img:not([src^=\"data:\"])')"
          + ".length").asInt()).as("scripts, stylesheets and images not inlined").isZero();
      assertThat(page.evaluate("document.querySelector('h2').textContent").asText()).isEqualTo("Top Findings");
      save("summary.png", page.screenshot());
      assertThat(page.errors()).as("console errors of the summary page").isEmpty();
    }
  }

  @Test
  @DisplayName("the Allure report opens without console errors, filed by area, each chart attachment an image")
  void allureReport() throws IOException {
    try (DevTools page = chromium.newPage()) {
      page.navigate(server.url("allure-report/index.html#behaviors"), 1280, 1000);
      awaitText(page, "LLMD: llm-d serving and pod failures");
      awaitText(page, "FAILURE: failure simulation");
      page.evaluate("Array.from(document.querySelectorAll('.node__title')).filter(t => t.querySelector('.node__arrow'))"
          + ".forEach(t => t.click()) || true");
      awaitText(page, "LLMD-3 Bare pod force-deleted: absence alerts fire within their bound");
      save("allure-behaviors.png", page.screenshot());
      page.navigate(server.url("allure-report/index.html"), 1280, 1000);
      awaitText(page, "lab (gb10)"); // the Environment widget, its first entries
      awaitText(page, "gb10");
      save("allure-overview.png", page.screenshot());

      int charts = 0;
      for (Path testCase : chartTestCases()) {
        JsonNode result = JSON.readTree(testCase.toFile());
        page.navigate(server.url("allure-report/index.html#testresult/" + result.get("uid").asText()), 1280, 1400);
        awaitText(page, result.get("name").asText());
        int attachments = page.evaluate("(async () => { document.querySelectorAll('.step__title').forEach(t => "
            + "{ if (t.textContent.includes('Chart:')) t.click(); }); await new Promise(r => setTimeout(r, 300)); "
            + "const rows = [...document.querySelectorAll('.attachment-row')].filter(r => "
            + "r.querySelector('[data-tooltip=\"image/png\"]')); rows.forEach(r => r.click()); return rows.length; })()")
            .asInt();
        assertThat(attachments).as("chart attachments of %s", result.get("name").asText()).isPositive();
        Awaitility.await("charts of " + result.get("name").asText() + " drawn").atMost(RENDER)
            .pollInterval(Duration.ofMillis(200)).until(() -> page.evaluate("[...document.querySelectorAll('img')]"
                + ".filter(i => i.complete && i.naturalWidth === " + ChartPainter.WIDTH + ").length").asInt()
                >= attachments);
        charts += attachments;
        if (result.get("name").asText().startsWith("LLMD-3")) {
          save("allure-chart.png", page.screenshot());
        }
      }
      assertThat(charts).as("chart images shown in the Allure report").isGreaterThanOrEqualTo(ChartJournal.CHARTS.size());
      assertThat(page.errors()).as("console errors of the Allure report").isEmpty();
    }
  }

  /** The report's test cases that carry a chart (a PNG attachment in a step or on the test). */
  private static List<Path> chartTestCases() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("allure-report/data/test-cases"))) {
      List<Path> withCharts = files.filter(f -> {
        try {
          return Files.readString(f).contains("\"type\":\"image/png\"");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).sorted().toList();
      assertThat(withCharts).as("test cases with chart attachments in the report").hasSize(4);
      return withCharts;
    }
  }

  private static void awaitText(DevTools page, String text) throws IOException {
    try {
      Awaitility.await("'" + text + "' shown").atMost(RENDER).pollInterval(Duration.ofMillis(200))
          .until(() -> page.evaluate("document.body.textContent").asText().contains(text));
    } catch (ConditionTimeoutException e) {
      save("failed.png", page.screenshot());
      throw new AssertionError("Expected the page to show '" + text + "' within " + RENDER.toSeconds() + " s; it "
          + "shows: " + Values.abbreviate(page.evaluate("document.body.innerText").asText(), 600) + "; console errors: "
          + page.errors() + "; screenshot " + screenshots.resolve("failed.png"), e);
    }
  }

  private static void save(String name, byte[] png) throws IOException {
    Files.write(screenshots.resolve(name), png);
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    }
  }
}
