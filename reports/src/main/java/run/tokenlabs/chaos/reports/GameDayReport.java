package run.tokenlabs.chaos.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import run.tokenlabs.chaos.engine.JournalFile;
import run.tokenlabs.chaos.reports.SummaryPage.ReportPaths;

/**
 * The game-day summary page of a run, written from its journal: {@code summary-<runId>.html}
 * (self-contained) and {@code summary-<runId>.md}. The Allure listener calls it when a run
 * finishes; as a main class it does the same for any journal, or compares two runs:
 * <pre>
 * GameDayReport target/chaos-journal/journal-RUNID.jsonl [--out DIR] [--allure-report DIR] [--allure-results DIR]
 * GameDayReport --compare BASELINE.jsonl CURRENT.jsonl [--out DIR]
 * </pre>
 */
public final class GameDayReport {
  private static final Logger LOG = Logger.getLogger(GameDayReport.class.getName());
  /** The files written: the HTML page and its Markdown twin. */
  public record Written(Path html, Path markdown) {}

  private GameDayReport() {}

  /**
   * Writes the summary of the run in {@code journal} into {@code outputDir}.
   *
   * @param allureReport the Allure report directory to link, or {@code null} if there is none
   * @param allureResults the Allure results directory to link, or {@code null}
   */
  public static Written writeSummary(Path journal, Path outputDir, Path allureReport, Path allureResults) {
    RunRecord run = RunRecord.of(JournalFile.read(journal));
    String runId = run.runId.isEmpty() ? runIdFromFileName(journal) : run.runId;
    SummaryPage page = new SummaryPage(run, new ReportPaths(journal, outputDir, allureReport, allureResults),
        history(journal, run));
    return write(outputDir, "summary-" + runId, SummaryHtml.render(page), SummaryMarkdown.render(page));
  }

  /**
   * The runs journaled beside {@code journal} before it; a directory that cannot be read costs the
   * history section, never the page.
   */
  static RunHistory history(Path journal, RunRecord run) {
    try {
      List<RunRecord> earlier = JournalFile.readAll(parentOf(journal)).stream().map(RunRecord::of).toList();
      return RunHistory.of(earlier, run);
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "The summary of run " + run.runId + " has no history section: the journals beside "
          + journal + " could not be read (" + e.getMessage() + "); the page is written without it", e);
      return RunHistory.of(List.of(), run);
    }
  }

  /** Writes {@code comparison-<baselineRunId>-vs-<currentRunId>}: key numbers side by side with deltas. */
  public static Written writeComparison(Path baselineJournal, Path currentJournal, Path outputDir) {
    RunRecord baseline = RunRecord.of(JournalFile.read(baselineJournal));
    RunRecord current = RunRecord.of(JournalFile.read(currentJournal));
    RunComparison comparison = new RunComparison(baseline, current);
    return write(outputDir, "comparison-" + baseline.runId + "-vs-" + current.runId,
        comparison.html(), comparison.markdown());
  }

  private static Written write(Path dir, String baseName, String html, String markdown) {
    try {
      Files.createDirectories(dir);
      Path htmlFile = dir.resolve(baseName + ".html");
      Path mdFile = dir.resolve(baseName + ".md");
      writeAtomically(htmlFile, html);
      writeAtomically(mdFile, markdown);
      return new Written(htmlFile, mdFile);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the summary page into '" + dir + "': " + e.getMessage(), e);
    }
  }

  /** Readers (a browser refreshing the page, CI archiving it) never see half a page. */
  private static void writeAtomically(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static String runIdFromFileName(Path journal) {
    String name = journal.getFileName().toString();
    return name.replaceFirst("^journal-", "").replaceFirst("\\.jsonl$", "");
  }

  public static void main(String[] args) {
    try {
      Written written = run(List.of(args));
      System.out.println("Wrote " + written.html() + " and " + written.markdown());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    } catch (UncheckedIOException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }

  static Written run(List<String> args) {
    List<String> positional = new ArrayList<>();
    Path out = null;
    Path allureReport = null;
    Path allureResults = null;
    boolean compare = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      switch (arg) {
        case "--compare" -> compare = true;
        case "--out" -> out = Path.of(value(args, ++i, arg));
        case "--allure-report" -> allureReport = Path.of(value(args, ++i, arg));
        case "--allure-results" -> allureResults = Path.of(value(args, ++i, arg));
        default -> {
          if (arg.startsWith("--")) {
            throw new IllegalArgumentException("Unknown option " + arg + "\n" + USAGE);
          }
          positional.add(arg);
        }
      }
    }
    if (positional.size() != (compare ? 2 : 1)) {
      throw new IllegalArgumentException((compare ? "--compare needs two journals" : "Give one journal file")
          + ", got " + positional.size() + "\n" + USAGE);
    }
    Path first = Path.of(positional.get(0));
    Path dir = out != null ? out : parentOf(compare ? Path.of(positional.get(1)) : first);
    return compare ? writeComparison(first, Path.of(positional.get(1)), dir)
        : writeSummary(first, dir, allureReport, allureResults);
  }

  private static String value(List<String> args, int index, String option) {
    if (index >= args.size()) {
      throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
    }
    return args.get(index);
  }

  private static Path parentOf(Path file) {
    Path parent = file.toAbsolutePath().getParent();
    return parent == null ? Path.of(".") : parent;
  }

  private static final String USAGE = """
      Usage: GameDayReport JOURNAL.jsonl [--out DIR] [--allure-report DIR] [--allure-results DIR]
             GameDayReport --compare BASELINE.jsonl CURRENT.jsonl [--out DIR]
      Writes summary-<runId>.html/.md (or comparison-<a>-vs-<b>.html/.md) next to the journal unless --out is given.""";
}
