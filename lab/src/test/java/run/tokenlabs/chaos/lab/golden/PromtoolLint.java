package run.tokenlabs.chaos.lab.golden;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code promtool check metrics} on a page: the linter Prometheus users run on an exporter. It
 * objects to names real vLLM and SGLang do use (colons, vLLM's {@code vllm:iteration_tokens_total}
 * histogram), so tests look for the specific findings they care about.
 */
public final class PromtoolLint {
  private PromtoolLint() {}

  /** The findings, one per line; empty when promtool is not installed (tests then skip). */
  public static Optional<List<String>> findings(String page) throws IOException, InterruptedException {
    Process p;
    try {
      p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    } catch (IOException e) {
      return Optional.empty(); // not on PATH
    }
    try (OutputStream in = p.getOutputStream()) {
      in.write(page.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("promtool check metrics did not end within 30 s; output so far: " + out);
    }
    return Optional.of(out.lines().toList());
  }
}
