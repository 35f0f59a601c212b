package run.tokenlabs.chaos.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The runner's command line, parsed: which configuration, which experiments, where the output goes, and
 * whether the run is armed for a cluster. Parsing only; what the options mean together is checked by
 * {@link RunPlan}.
 *
 * @param config the configuration file ({@code --config}); none runs the lab with its defaults
 * @param experimentIds experiment ids to run ({@code --experiment}, e.g. {@code LLMD-3}); empty runs all
 * @param tags JUnit tags to include ({@code --tag}); empty includes all
 * @param excludedTags JUnit tags to leave out ({@code --exclude-tag}); by default {@value #DEVIATES_BY_DESIGN}
 * @param dryRun {@code --dry-run}: plan and journal every action, take none
 * @param output where the journal (unless the configuration names one), Allure results and report go
 * @param arm {@code --arm}: allow a cluster target
 * @param help {@code --help}
 */
record RunnerOptions(Optional<Path> config, List<String> experimentIds, List<String> tags, List<String> excludedTags,
                     boolean dryRun, Path output, boolean arm, boolean help) {

  /** The tag of lab variants that end DEVIATED on purpose; a game day leaves them out unless told otherwise. */
  static final String DEVIATES_BY_DESIGN = "deviates-by-design";
  static final Path DEFAULT_OUTPUT = Path.of("tokenlabs-chaos-output");

  static final String USAGE = """
      Usage: tokenlabs-chaos [options]
        --config FILE        the configuration (YAML); without it the embedded lab runs with its defaults
        --experiment ID      run only this experiment (e.g. LLMD-3); repeat or separate with commas
        --tag TAG            run only experiments with this JUnit tag; repeatable
        --exclude-tag TAG    leave out experiments with this tag; repeatable (default: deviates-by-design;
                             --exclude-tag none leaves out nothing)
        --dry-run            plan and journal every action on the target, take none
        --output DIR         journal (unless the configuration names journal.dir), Allure results and
                             report; default ./tokenlabs-chaos-output. Keep it between runs for the trends
        --arm                allow a target other than the lab (a real cluster): required for one
        --help               this text
      Exit codes: 0 every experiment HELD or BLOCKED (in a dry run: ABORTED at its first action too);
                  1 some DEVIATED; 2 some ERROR or ABORTED, or a failure outside any experiment;
                  64 usage or configuration error (nothing ran).""";

  /** Parses {@code args}; throws {@link UsageException} naming the bad argument. */
  static RunnerOptions parse(String... args) {
    Optional<Path> config = Optional.empty();
    List<String> ids = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    List<String> excluded = new ArrayList<>();
    boolean excludedGiven = false;
    boolean dryRun = false;
    boolean arm = false;
    boolean help = false;
    Path output = DEFAULT_OUTPUT;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--config" -> config = Optional.of(Path.of(value(args, ++i, arg)));
        case "--experiment" -> ids.addAll(commaList(value(args, ++i, arg)));
        case "--tag" -> tags.addAll(commaList(value(args, ++i, arg)));
        case "--exclude-tag" -> {
          excludedGiven = true;
          commaList(value(args, ++i, arg)).stream().filter(t -> !t.equals("none")).forEach(excluded::add);
        }
        case "--dry-run" -> dryRun = true;
        case "--output" -> output = Path.of(value(args, ++i, arg));
        case "--arm" -> arm = true;
        case "--help", "-h" -> help = true;
        default -> throw new UsageException("unknown argument '" + arg + "'; the options are listed below");
      }
    }
    if (!excludedGiven) {
      excluded.add(DEVIATES_BY_DESIGN);
    }
    return new RunnerOptions(config, List.copyOf(ids), List.copyOf(tags), List.copyOf(excluded), dryRun, output, arm,
        help);
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(option + " needs a value, e.g. " + option + " " + example(option));
    }
    return args[i];
  }

  private static String example(String option) {
    return switch (option) {
      case "--config" -> "cluster.yaml";
      case "--experiment" -> "LLMD-3";
      case "--output" -> "/var/lib/tokenlabs-chaos/reports";
      default -> "deviates-by-design";
    };
  }

  private static List<String> commaList(String text) {
    List<String> items = Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (items.isEmpty()) {
      throw new UsageException("an empty list '" + text + "'; give at least one value");
    }
    return items;
  }
}
