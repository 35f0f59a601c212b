package run.tokenlabs.chaos.lab.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessTest {
  @TempDir
  Path dir;

  private ServerProcess start(String script) throws IOException {
    Path log = dir.resolve("server.log");
    Process process = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    return new ServerProcess("Test server", process, log, Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("a server that exits before it is ready: the error names it, its exit code and its log's last lines")
  void exitsBeforeReady() throws IOException {
    ServerProcess server = start("echo 'bind: address already in use'; exit 3");
    URI nobody = URI.create("http://127.0.0.1:" + ServerProcess.freeLoopbackPort() + "/-/ready");

    assertThatThrownBy(() -> server.awaitOk(nobody, Duration.ofSeconds(20), Duration.ofMillis(20)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("Test server exited with code 3")
        .hasMessageContaining("bind: address already in use");
  }

  @Test
  @DisplayName("a server that never answers: the error names the endpoint and the time it had; close ends it")
  void neverAnswers() throws IOException {
    ServerProcess server = start("echo starting; exec sleep 60");
    URI nobody = URI.create("http://127.0.0.1:" + ServerProcess.freeLoopbackPort() + "/health");

    assertThatThrownBy(() -> server.awaitOk(nobody, Duration.ofMillis(300), Duration.ofMillis(20)))
        .hasMessageContaining(nobody.toString()).hasMessageContaining("did not answer 200")
        .hasMessageContaining("starting");
    server.close();
    assertThat(server.isAlive()).isFalse();
  }
}
