package run.tokenlabs.chaos.runner;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Allure HTML report of a run, generated as the build's chaos profile generates it: Allure's command line
 * (shipped in the distribution's {@code allure/} directory) in a JVM of its own, with {@code APP_HOME} for its
 * plugins and no analytics script (a game-day report is opened on machines without internet). Its own JVM
 * because its libraries are not the engine's versions.
 *
 * @param allureHome the unpacked Allure command line: {@code lib/*.jar} and {@code lib/config}
 */
record AllureReport(Path allureHome) {
  private static final long TIMEOUT_MINUTES = 5;

  /**
   * Generates {@code report} from {@code results}, replacing what was there (its history is carried into the
   * results by the reports module when the run starts).
   *
   * @throws IOException naming the command, its exit code and its output's tail when it fails
   */
  void generate(Path results, Path report) throws IOException, InterruptedException {
    Path lib = allureHome.resolve("lib");
    if (!Files.isDirectory(lib)) {
      throw new IOException("no Allure command line at " + allureHome + " (expected its lib/ there); the "
          + "distribution ships it in allure/: run the runner from its bin/ script, or set tokenlabs.chaos.runner.home");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = List.of(java, "-cp", lib.resolve("*") + File.pathSeparator + lib.resolve("config"),
        "io.qameta.allure.CommandLine", "generate", "--clean", results.toString(), "-o", report.toString());
    Path log = Files.createTempFile("allure-generate", ".log");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("APP_HOME", allureHome.toString());
      builder.environment().put("ALLURE_NO_ANALYTICS", "true");
      Process process = builder.start();
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IOException("Allure's report generation did not end within " + TIMEOUT_MINUTES + " min: " + command);
      }
      if (process.exitValue() != 0 || !Files.isRegularFile(report.resolve("index.html"))) {
        throw new IOException("Allure's report generation ended with " + process.exitValue() + " and "
            + (Files.isRegularFile(report.resolve("index.html")) ? "" : "no ") + "index.html in " + report
            + "; command " + command + "; output: " + tail(log));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log, StandardCharsets.UTF_8);
    return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
  }
}
