package run.tokenlabs.chaos.reports;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the Allure report's Environment widget shows of a run, in this order (the widget shows the
 * first five): run id, target, lab profile, the Prometheus version, the model servers, the Maven
 * profile, any passed-in versions, dry run, journal and summary page.
 *
 * <p>Versions the run cannot see for itself are passed as system properties
 * {@value #PROPERTY_PREFIX}{@code <name>} (e.g. {@code -Dtokenlabs.chaos.env.vllm=0.8.5}); each
 * becomes an entry of that name. The Prometheus version is asked of the {@code prometheus} on the
 * PATH (the one the lab starts) unless {@code tokenlabs.chaos.env.prometheus} gives it.
 */
final class RunEnvironment {
  static final String PROPERTY_PREFIX = "tokenlabs.chaos.env.";
  private static final Pattern LAB_PROFILE = Pattern.compile("^lab \\((\\w+)\\)");
  private static final Pattern PROMETHEUS_VERSION = Pattern.compile("prometheus, version (\\S+)");

  private RunEnvironment() {}

  static Map<String, String> of(RunRecord run, Path journal, Path summaryPage) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("run", run.runId);
    env.put("target", run.target);
    Matcher lab = LAB_PROFILE.matcher(run.target);
    boolean isLab = lab.find();
    env.put("lab.profile", isLab ? lab.group(1) : "none (not the lab)");
    env.put("prometheus", System.getProperty(PROPERTY_PREFIX + "prometheus", prometheusVersion()));
    if (isLab) {
      env.put("model.servers", "lab simulators (vLLM and SGLang metrics and APIs), not real servers");
    }
    env.put("maven.profile", run.profile);
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(PROPERTY_PREFIX)).sorted()
        .forEach(k -> env.put(k.substring(PROPERTY_PREFIX.length()), System.getProperty(k)));
    env.put("dryRun", String.valueOf(run.dryRun));
    env.put("journal", journal.toString());
    env.put("summary", summaryPage.toString());
    return env;
  }

  /** {@code prometheus --version} of the one on the PATH, or why there is none. */
  static String prometheusVersion() {
    try {
      Process p = new ProcessBuilder("prometheus", "--version").redirectErrorStream(true).start();
      try (InputStream in = p.getInputStream()) {
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return "unknown (prometheus --version did not answer in 10 s)";
        }
        return parseVersion(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      return "unknown (no prometheus on the PATH; pass -D" + PROPERTY_PREFIX + "prometheus=VERSION)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown (interrupted)";
    }
  }

  static String parseVersion(String output) {
    Matcher m = PROMETHEUS_VERSION.matcher(output);
    return m.find() ? m.group(1) : "unknown (prometheus --version said: " + Values.abbreviate(output, 80) + ")";
  }
}
