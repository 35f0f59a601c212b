package run.tokenlabs.chaos.runner.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the runner from the image's own files: the image's layers are unpacked, mounted at
 * {@code /opt/tokenlabs-chaos} in a private mount namespace ({@code unshare}, no container runtime needed), and
 * its entrypoint is run with the image's environment and working directory. The only thing taken from the host
 * is Java ({@code JAVA_HOME}), standing in for the base image's; so this proves the launcher, the classpath
 * file Jib writes and the jars in the layers start the runner, not that the real base's Java does.
 */
class ImageFilesystemRunIT {

  @Test
  void theImagesEntrypointStartsTheRunner(@TempDir Path root) throws Exception {
    assumeTrue(unshareWorks(), "unshare --mount --map-root-user is not permitted here; nothing to check it with");
    ImageTar image = ImageTar.read(ImageRecipeIT.BUILT);
    image.unpack(root);
    List<String> entrypoint = new ArrayList<>();
    image.config().path("config").path("Entrypoint").forEach(arg -> entrypoint.add(arg.asText()));

    List<String> command = new ArrayList<>(List.of("unshare", "--mount", "--map-root-user", "sh", "-c",
        "mount -t tmpfs tmpfs /opt && mkdir /opt/tokenlabs-chaos"
            + " && mount --bind \"$0\" /opt/tokenlabs-chaos && exec \"$@\"",
        root.resolve(ImageRecipeIT.APP_ROOT).toString()));
    command.addAll(entrypoint);
    command.add("--help");
    ProcessBuilder run = new ProcessBuilder(command).redirectErrorStream(true);
    run.environment().clear();
    image.config().path("config").path("Env").forEach(entry -> {
      String[] pair = entry.asText().split("=", 2);
      run.environment().put(pair[0], pair[1]);
    });
    // the base's Java is not here: the host's stands in for it (the launcher prefers JAVA_HOME)
    run.environment().put("JAVA_HOME", System.getProperty("java.home"));
    run.environment().put("PATH", "/usr/bin:/bin");
    Path workingDir = Files.createDirectories(root.resolve("tmp"));
    run.directory(workingDir.toFile());

    Process process = run.start();
    boolean ended = process.waitFor(120, TimeUnit.SECONDS);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!ended) {
      process.destroyForcibly();
    }
    assertThat(ended).as("the runner's --help ended; output so far:%n%s", output).isTrue();
    assertThat(process.exitValue()).as("exit code; output:%n%s", output).isZero();
    assertThat(output).contains("Usage: tokenlabs-chaos").contains("64 usage or configuration error");
  }

  private static boolean unshareWorks() throws IOException, InterruptedException {
    try {
      Process probe = new ProcessBuilder("unshare", "--mount", "--map-root-user", "true")
          .redirectErrorStream(true).start();
      return probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
    } catch (IOException noUnshare) {
      return false;
    }
  }
}
