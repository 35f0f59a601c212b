package run.tokenlabs.chaos.scenarios.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.TargetProvider;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.LabOptions;
import run.tokenlabs.chaos.lab.api.LabProfile;

/**
 * The {@code lab} target: starts the embedded lab with the configured profile, loading the
 * project's alert rules from the directory in system property {@value #RULES_DIR_PROPERTY}
 * (set by the build) when it exists. Embedded: it needs no chaos profile and touches nothing
 * outside this machine's loopback.
 */
public final class LabTargetProvider implements TargetProvider {
  /** System property naming the directory of PrometheusRule manifests the lab loads. */
  public static final String RULES_DIR_PROPERTY = "tokenlabs.rules.dir";
  /**
   * System property naming a file to which the target appends every distinct Kubernetes API call
   * its client makes (see {@link LabTargetApiCalls}); unset, the calls are only kept in memory.
   */
  public static final String API_CALL_LOG_PROPERTY = "tokenlabs.lab.kubernetesApiCallLog";
  private static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(60);

  @Override
  public String kind() {
    return "lab";
  }

  @Override
  public boolean isEmbedded() {
    return true;
  }

  @Override
  public Target open(ChaosConfig config) {
    LabProfile profile;
    try {
      profile = LabProfile.named(config.labProfile());
    } catch (IllegalArgumentException e) {
      throw new ChaosConfigException("lab.profile: " + e.getMessage(), e);
    }
    LabOptions options = LabOptions.of(profile);
    Optional<Path> rules = rulesDirectory();
    if (rules.isPresent()) {
      options = options.rulesDirectory(rules.get());
    }
    Lab lab = Lab.start(options);
    try {
      // Experiments read Prometheus from their first steady-state check: hand the lab over only once
      // every target has been scraped, so "no data" never means "not scraped yet".
      lab.awaitTargetsScraped(SCRAPE_TIMEOUT);
      return new LabTarget(lab, config.kubernetes().maxResponseBytes(), apiCallLog());
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  private static Optional<Path> apiCallLog() {
    return Optional.ofNullable(System.getProperty(API_CALL_LOG_PROPERTY)).filter(p -> !p.isBlank()).map(Path::of);
  }

  static Optional<Path> rulesDirectory() {
    return Optional.ofNullable(System.getProperty(RULES_DIR_PROPERTY)).map(Path::of).filter(Files::isDirectory);
  }
}
