package run.tokenlabs.chaos.reports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;

/**
 * Allure's trend widgets across runs: Allure draws them from {@code history/} in the results, which
 * must be the previous report's {@code history/}. The Maven build copies it before the game day
 * (the scenarios module's {@code allure-fresh-results}); a run started another way gets the same
 * from the Allure listener when the run starts. A results directory that already has a history is
 * left alone, and without a previous report nothing is written.
 */
final class AllureHistory {
  private AllureHistory() {}

  /**
   * Copies {@code report/history/*} into {@code results/history/} unless the results have a history.
   *
   * @return the files copied; none when there is nothing to carry or the results already have it
   */
  static List<Path> carry(Path report, Path results) throws IOException {
    Path from = report.resolve("history");
    Path to = results.resolve("history");
    if (!Files.isDirectory(from) || hasFiles(to)) {
      return List.of();
    }
    Files.createDirectories(to);
    List<Path> files;
    try (Stream<Path> list = Files.list(from)) {
      files = list.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      Files.copy(file, to.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }
    return files.stream().map(f -> to.resolve(f.getFileName())).toList();
  }

  private static boolean hasFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.findAny().isPresent();
    }
  }
}
