package run.tokenlabs.chaos.lab.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to start a lab: a profile plus the options a test or a person may change. Immutable; every
 * method returns a new object.
 */
public final class LabOptions {
  private final LabProfile profile;
  private final Optional<Path> rulesDirectory;

  private LabOptions(LabProfile profile, Optional<Path> rulesDirectory) {
    this.profile = Objects.requireNonNull(profile, "profile");
    this.rulesDirectory = rulesDirectory;
  }

  public static LabOptions of(LabProfile profile) {
    return new LabOptions(profile, Optional.empty());
  }

  /** A directory of PrometheusRule manifests to load (their {@code for:} scaled by the profile). */
  public LabOptions rulesDirectory(Path directory) {
    return new LabOptions(profile, Optional.of(directory));
  }

  /** Scrape and evaluation interval; also rescales rule {@code for:} relative to 15 s. */
  public LabOptions scrapeInterval(Duration interval) {
    return new LabOptions(profile.withScrapeInterval(interval), rulesDirectory);
  }

  /** Wall seconds per simulated GPU second. */
  public LabOptions timeScale(double scale) {
    return new LabOptions(profile.withTimeScale(scale), rulesDirectory);
  }

  /** Factor for rule {@code for:} / {@code keep_firing_for:}. */
  public LabOptions ruleForScale(double factor) {
    return new LabOptions(profile.withRuleForScale(factor), rulesDirectory);
  }

  public LabOptions chunkedPrefill(String model, boolean on) {
    return new LabOptions(profile.withModel(model, m -> m.withChunkedPrefill(on)), rulesDirectory);
  }

  /** Overrides a model's KV-cache capacity, e.g. to make a pressure test overflow sooner. */
  public LabOptions kvCapacityTokens(String model, long tokens) {
    return new LabOptions(profile.withModel(model, m -> m.withKvCapacityTokens(tokens)), rulesDirectory);
  }

  /** How long a (re)started model pod takes to turn Ready. */
  public LabOptions modelLoadDelay(String model, Duration delay) {
    return new LabOptions(profile.withModel(model, m -> m.withModelLoadDelay(delay)), rulesDirectory);
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
