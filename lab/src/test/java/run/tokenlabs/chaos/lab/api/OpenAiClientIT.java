package run.tokenlabs.chaos.lab.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The lab through the official {@code openai} Node client (v6), a client nobody here wrote: the
 * gateway and each pod answer chat, completions, streams and {@code n} choices as the client
 * expects, and every error path reaches it as a status with the nested error the client reads
 * ({@code err.status}, {@code err.error.type}, {@code err.error.message}). The checks are
 * {@code src/test/node/openai-client-check.mjs}; the client is installed from the committed lock file
 * into {@code target/openai-node} with {@code npm ci}. Skipped, with the reason, only when node or npm
 * is missing; any failing check fails the test.
 */
@LabTest(rules = "src/test/resources/lab-rules")
class OpenAiClientIT {
  private static final Path SOURCES = Path.of("src/test/node");
  private static final Path WORK = Path.of("target/openai-node");

  @Test
  @DisplayName("the official openai client gets answers, streams, n choices and nested errors from gateway and pods")
  void officialClient(Lab lab) throws Exception {
    Assumptions.assumeTrue(onPath("node"), "node is not on PATH: install Node.js 20+ (Debian: apt-get install nodejs)");
    Assumptions.assumeTrue(onPath("npm"), "npm is not on PATH: install npm (Debian: apt-get install npm)");
    installClient();

    Run check = run(List.of("node", "openai-client-check.mjs", config(lab)), 240);
    System.out.println(check.output()); // one line per check, for the build log

    assertThat(check.exitCode()).as("openai client checks (exit code) on node %s (the client supports Node.js 20+); "
        + "output:%n%s", run(List.of("node", "--version"), 30).output().trim(), check.output()).isZero();
    assertThat(check.output()).contains("ok - gateway: an unknown model is 404 NotFoundError")
        .doesNotContain("not ok");
  }

  private static String config(Lab lab) {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode();
    root.put("gateway", lab.gatewayUrl().toString());
    root.put("admin", lab.adminUrl().toString());
    root.put("gatewayOwnedBy", "Envoy AI Gateway");
    root.put("maxModelLen", lab.profile().model(LabProfile.DEEPSEEK).maxModelLen());
    var pods = root.putArray("pods");
    for (ModelProfile m : lab.profile().models()) {
      pods.addObject().put("url", lab.modelUrl(m.name()).orElseThrow().toString()).put("model", m.name())
          .put("ownedBy", m.engine() == ServingEngine.VLLM ? "vllm" : "sglang");
    }
    return root.toString();
  }

  /** Copies the sources to target and installs the locked client there, unless already installed. */
  private static void installClient() throws IOException, InterruptedException {
    Files.createDirectories(WORK);
    boolean lockChanged = !Files.exists(WORK.resolve("package-lock.json"))
        || Files.mismatch(SOURCES.resolve("package-lock.json"), WORK.resolve("package-lock.json")) >= 0;
    for (String file : List.of("package.json", "package-lock.json", "openai-client-check.mjs")) {
      Files.copy(SOURCES.resolve(file), WORK.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    if (lockChanged || !Files.isDirectory(WORK.resolve("node_modules/openai"))) {
      Run install = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 300);
      assertThat(install.exitCode()).as("npm ci in %s (the npm registry must be reachable); output:%n%s",
          WORK.toAbsolutePath(), install.output()).isZero();
    }
  }

  record Run(int exitCode, String output) {}

  private static Run run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).directory(WORK.toFile()).redirectErrorStream(true).start();
    // Output is read on this thread after exit; the checks print a line each, far below a pipe's buffer.
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not end within " + timeoutSeconds + " s; output so "
          + "far:\n" + new String(p.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8));
    }
    return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
  }
}
