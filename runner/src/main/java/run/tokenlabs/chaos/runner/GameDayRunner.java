package run.tokenlabs.chaos.runner;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.engine.RunnerArming;
import run.tokenlabs.chaos.load.scaleout.LoadWorker;

/**
 * The game day's command line: runs the experiments through the JUnit Platform Launcher, with no Maven and no
 * sources, writes the journal, the Allure results and HTML report and the summary page, and ends with an exit
 * code a scheduler can act on ({@link ExitCode}). The distribution's {@code bin/tokenlabs-chaos} starts it; see
 * {@link RunnerOptions#USAGE} for the options.
 */
public final class GameDayRunner {
  /** System property naming the distribution's directory (set by the launcher script): {@code allure/}, {@code rules/}. */
  static final String HOME_PROPERTY = "tokenlabs.chaos.runner.home";
  private static final String RULES_DIR_PROPERTY = "tokenlabs.rules.dir";
  /** The first argument that runs a scale-out's load worker ({@link LoadWorker}) instead of a game day. */
  static final String LOAD_WORKER = "load-worker";

  private GameDayRunner() {
  }

  public static void main(String[] args) {
    if (dispatched(args, LoadWorker::main)) {
      return;
    }
    System.exit(run(args, System.out, System.err).code);
  }

  /**
   * Hands the arguments after {@value #LOAD_WORKER} to {@code loadWorker} when it is the first one, and says
   * whether it did: the pods of a scale-out's Job run the same image, and so the same entrypoint, as the game day.
   */
  static boolean dispatched(String[] args, Consumer<String[]> loadWorker) {
    if (args.length == 0 || !LOAD_WORKER.equals(args[0])) {
      return false;
    }
    loadWorker.accept(Arrays.copyOfRange(args, 1, args.length));
    return true;
  }

  static ExitCode run(String[] args, PrintStream out, PrintStream err) {
    RunnerOptions options;
    RunPlan plan;
    try {
      options = RunnerOptions.parse(args);
      if (options.help()) {
        out.println(RunnerOptions.USAGE);
        return ExitCode.HELD;
      }
      plan = RunPlan.of(options, key -> Optional.ofNullable(System.getProperty(key)));
    } catch (UsageException e) {
      err.println("tokenlabs-chaos: " + e.getMessage());
      err.println(RunnerOptions.USAGE);
      return ExitCode.USAGE;
    }
    if (options.arm()) {
      RunnerArming.arm();
    }
    Path output = options.output().toAbsolutePath().normalize();
    Path results = output.resolve("allure-results");
    Path report = output.resolve("allure-report");
    freshResults(results);
    // the engine reads the launch's configuration parameters; the reports module's listeners (Pushgateway,
    // webhook) read the configuration from system properties, as under Maven: give both the same
    plan.parameters().forEach(System::setProperty);
    // read by allure-java-commons and the reports module when the launcher and the run start
    System.setProperty("allure.results.directory", results.toString());
    home().map(h -> h.resolve("rules")).filter(Files::isDirectory)
        .filter(rules -> System.getProperty(RULES_DIR_PROPERTY) == null)
        .ifPresent(rules -> System.setProperty(RULES_DIR_PROPERTY, rules.toString()));

    Launcher launcher = LauncherFactory.create();
    TestPlan testPlan = launcher.discover(ExperimentSelection.request(options, plan.parameters()));
    long selected = testPlan.countTestIdentifiers(t -> t.isTest());
    if (selected == 0) {
      err.println("tokenlabs-chaos: no experiment matches " + describe(options) + "; see the experiment ids in the "
          + "README's table, and the tags with --tag/--exclude-tag");
      return ExitCode.USAGE;
    }
    List<String> unmatched = unmatchedIds(options, testPlan);
    if (!unmatched.isEmpty()) {
      err.println("tokenlabs-chaos: --experiment " + String.join(",", unmatched) + " matches no experiment (or only "
          + "excluded ones); check the ids in the README's table and the tags with --tag/--exclude-tag");
      return ExitCode.USAGE;
    }
    out.println("[tokenlabs-chaos] " + selected + " experiment(s) on target " + plan.config().target()
        + (plan.config().dryRun() ? " (dry run)" : "") + "; output " + output);
    SummaryGeneratingListener junit = new SummaryGeneratingListener();
    launcher.execute(testPlan, junit);

    Progress progress = Progress.current();
    Map<Verdict, Integer> verdicts = progress.verdicts();
    TestExecutionSummary summary = junit.getSummary();
    long failuresWithoutVerdict = Math.max(0, summary.getTotalFailureCount()
        - verdicts.getOrDefault(Verdict.DEVIATED, 0) - verdicts.getOrDefault(Verdict.ERROR, 0));
    summary.getFailures().forEach(f -> err.println("[tokenlabs-chaos] failed: " + f.getTestIdentifier().getDisplayName()
        + ": " + f.getException()));
    generateReport(results, report, out, err);
    ExitCode exit = ExitCode.of(verdicts, failuresWithoutVerdict, plan.config().dryRun());
    progress.summaryPage().ifPresent(page -> out.println("[tokenlabs-chaos] summary page: " + page));
    out.println("[tokenlabs-chaos] verdicts " + verdicts + (failuresWithoutVerdict > 0 ? ", " + failuresWithoutVerdict
        + " failure(s) outside any verdict" : "") + "; exit code " + exit.code + " (" + exit + ")");
    return exit;
  }

  /** The ids asked for with --experiment that no selected test carries: a typo would otherwise run nothing of it. */
  private static List<String> unmatchedIds(RunnerOptions options, TestPlan testPlan) {
    Set<String> found = testPlan.getRoots().stream().flatMap(root -> testPlan.getDescendants(root).stream())
        .filter(TestIdentifier::isTest).map(t -> ExperimentSelection.experimentId(t.getSource()))
        .flatMap(Optional::stream).collect(Collectors.toSet());
    return options.experimentIds().stream().filter(id -> !found.contains(id)).toList();
  }

  private static void generateReport(Path results, Path report, PrintStream out, PrintStream err) {
    Optional<Path> allure = home().map(h -> h.resolve("allure"));
    if (allure.isEmpty()) {
      err.println("[tokenlabs-chaos] no Allure HTML report: " + HOME_PROPERTY + " is not set (the bin/tokenlabs-chaos "
          + "script sets it); the results are in " + results);
      return;
    }
    try {
      new AllureReport(allure.get()).generate(results, report);
      out.println("[tokenlabs-chaos] Allure report: " + report.resolve("index.html"));
    } catch (IOException e) {
      // the verdicts stand without the HTML: the results and the summary page are written
      err.println("[tokenlabs-chaos] no Allure HTML report: " + e.getMessage() + "; the results are in " + results);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("[tokenlabs-chaos] Allure report generation interrupted; the results are in " + results);
    }
  }

  private static Optional<Path> home() {
    return Optional.ofNullable(System.getProperty(HOME_PROPERTY)).filter(h -> !h.isBlank()).map(Path::of);
  }

  /** One run, one report: the last run's results go (their history is in the last report, carried on). */
  static void freshResults(Path results) {
    try {
      if (Files.isDirectory(results)) {
        try (Stream<Path> files = Files.walk(results)) {
          for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(file);
          }
        }
      }
      Files.createDirectories(results);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare the Allure results directory " + results + " (" + e
          + "); check that --output is writable", e);
    }
  }

  private static String describe(RunnerOptions options) {
    return "experiments " + (options.experimentIds().isEmpty() ? "(all)" : options.experimentIds())
        + ", tags " + (options.tags().isEmpty() ? "(all)" : options.tags())
        + ", excluded tags " + options.excludedTags();
  }
}
