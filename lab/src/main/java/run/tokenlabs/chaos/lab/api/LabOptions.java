package run.tokenlabs.chaos.lab.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start a lab: a profile plus the options a test or a person may change. Immutable; every
 * method returns a new object.
 */
public final class LabOptions {
  /** The load worker of the runner image, which the scale-out coordinator starts as an Indexed Job. */
  public static final List<String> LOAD_WORKER_COMMAND = List.of("tokenlabs-chaos", "load-worker");
  public static final String LOAD_WORKER_MAIN = "run.tokenlabs.chaos.load.scaleout.LoadWorker";

  private final LabProfile profile;
  private final Optional<Path> rulesDirectory;
  private final Map<List<String>, String> jobCommands;

  private LabOptions(LabProfile profile, Optional<Path> rulesDirectory) {
    this(profile, rulesDirectory, Map.of(LOAD_WORKER_COMMAND, LOAD_WORKER_MAIN));
  }

  private LabOptions(LabProfile profile, Optional<Path> rulesDirectory, Map<List<String>, String> jobCommands) {
    this.profile = Objects.requireNonNull(profile, "profile");
    this.rulesDirectory = rulesDirectory;
    this.jobCommands = Map.copyOf(jobCommands);
  }

  public static LabOptions of(LabProfile profile) {
    return new LabOptions(profile, Optional.empty());
  }

  /**
   * Runs the container of a Job pod whose {@code command} + {@code args} start with {@code prefix} as a
   * local JVM process of {@code mainClass} (on this JVM's class path), the rest of the command line as
   * its arguments. Known by default: {@link #LOAD_WORKER_COMMAND} runs {@link #LOAD_WORKER_MAIN}.
   */
  public LabOptions jobCommand(List<String> prefix, String mainClass) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("A Job command prefix needs at least the command itself; got an empty one "
          + "for " + mainClass);
    }
    Map<List<String>, String> commands = new LinkedHashMap<>(jobCommands);
    commands.put(List.copyOf(prefix), Objects.requireNonNull(mainClass, "mainClass"));
    return new LabOptions(profile, rulesDirectory, commands);
  }

  /** Command prefix to main class, for the Job pods the lab runs as local processes. */
  public Map<List<String>, String> jobCommands() {
    return jobCommands;
  }

  /** A directory of PrometheusRule manifests to load (their {@code for:} scaled by the profile). */
  public LabOptions rulesDirectory(Path directory) {
    return new LabOptions(profile, Optional.of(directory), jobCommands);
  }

  /** Scrape and evaluation interval; also rescales rule {@code for:} relative to 15 s. */
  public LabOptions scrapeInterval(Duration interval) {
    return new LabOptions(profile.withScrapeInterval(interval), rulesDirectory, jobCommands);
  }

  /** Wall seconds per simulated GPU second. */
  public LabOptions timeScale(double scale) {
    return new LabOptions(profile.withTimeScale(scale), rulesDirectory, jobCommands);
  }

  /** Factor for rule {@code for:} / {@code keep_firing_for:}. */
  public LabOptions ruleForScale(double factor) {
    return new LabOptions(profile.withRuleForScale(factor), rulesDirectory, jobCommands);
  }

  public LabOptions chunkedPrefill(String model, boolean on) {
    return new LabOptions(profile.withModel(model, m -> m.withChunkedPrefill(on)), rulesDirectory, jobCommands);
  }

  /** Overrides a model's KV-cache capacity, e.g. to make a pressure test overflow sooner. */
  public LabOptions kvCapacityTokens(String model, long tokens) {
    return new LabOptions(profile.withModel(model, m -> m.withKvCapacityTokens(tokens)), rulesDirectory,
        jobCommands);
  }

  /** How long a (re)started model pod takes to turn Ready. */
  public LabOptions modelLoadDelay(String model, Duration delay) {
    return new LabOptions(profile.withModel(model, m -> m.withModelLoadDelay(delay)), rulesDirectory, jobCommands);
  }

  public LabProfile profile() {
    return profile;
  }

  public Optional<Path> rulesDirectory() {
    return rulesDirectory;
  }

  /** Starts the lab with these options. */
  public Lab start() {
    return Lab.start(this);
  }
}
