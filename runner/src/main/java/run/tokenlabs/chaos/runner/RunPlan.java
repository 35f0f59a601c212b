package run.tokenlabs.chaos.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.ChaosConfigException;
import run.tokenlabs.chaos.engine.config.ConfigLoader;

/**
 * What a run will do, decided before anything runs: the configuration the engine will read (loaded and validated
 * here, so a bad value is a usage error and not an ERROR per experiment), the JUnit configuration parameters that
 * carry it, and the arming rules of the runner: a target other than the lab runs only with {@code --arm}, and
 * {@code --arm} only for such a target, from a configuration file. Without {@code --arm} the chaos profile's
 * property is set to {@code none} for the engine whatever the JVM's {@code -D} say, so nothing but {@code --arm}
 * can arm the runner.
 *
 * @param options the command line
 * @param config the configuration the engine will read
 * @param parameters the JUnit configuration parameters of the launch
 */
record RunPlan(RunnerOptions options, ChaosConfig config, Map<String, String> parameters) {

  static final String PROFILE = ConfigLoader.PREFIX + "profile";

  /**
   * Checks the options against the configuration.
   *
   * @param systemProperties where properties the command line does not set come from (the JVM's)
   * @throws UsageException naming what is wrong and what to do
   */
  static RunPlan of(RunnerOptions options, Function<String, Optional<String>> systemProperties) {
    Map<String, String> parameters = new LinkedHashMap<>();
    options.config().ifPresent(file -> {
      if (!Files.isRegularFile(file)) {
        throw new UsageException("--config " + file + ": no such file (looked at " + file.toAbsolutePath()
            + "); give the path of the YAML configuration");
      }
      parameters.put(ConfigLoader.PREFIX + "config", file.toAbsolutePath().toString());
    });
    if (options.dryRun()) {
      parameters.put(ConfigLoader.PREFIX + "dryRun", "true");
    }
    // the default journal.dir is <this>/chaos-journal; a configured journal.dir (a cluster's volume) wins
    parameters.put(ConfigLoader.BUILD_DIRECTORY_PROPERTY, options.output().toAbsolutePath().toString());
    parameters.put(PROFILE, options.arm() ? "chaos" : "none");
    ChaosConfig config;
    try {
      config = ConfigLoader.load(key -> Optional.ofNullable(parameters.get(key)).or(() -> systemProperties.apply(key)));
    } catch (ChaosConfigException e) {
      throw new UsageException("the configuration cannot run: " + e.getMessage(), e);
    }
    boolean lab = "lab".equals(config.target());
    if (!lab && !options.arm()) {
      throw new UsageException("target '" + config.target() + "' acts on a real cluster, and the runner was not armed; "
          + "add --arm to the command line when this is meant (and dryRun: true in the configuration for a first run)");
    }
    if (lab && options.arm()) {
      throw new UsageException("--arm is given, but the target is the lab"
          + options.config().map(f -> " (" + f + " says target: lab or nothing)").orElse(" (no --config)")
          + ", which needs no arming; drop --arm, or give the cluster's configuration with --config");
    }
    return new RunPlan(options, config, Map.copyOf(parameters));
  }
}
