package run.tokenlabs.chaos.engine.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A one-context kubeconfig written for a test and installed as fabric8's {@code kubeconfig} system
 * property; {@link #close()} puts the previous value back, so tests cannot leak a cluster to each other.
 */
public final class TestKubeconfig implements AutoCloseable {
  private static final String PROPERTY = "kubeconfig";
  private final String previous;

  private TestKubeconfig(Path file) {
    this.previous = System.setProperty(PROPERTY, file.toString());
  }

  /** Writes {@code dir/kubeconfig} with one cluster at {@code server}, current context {@code context}, and installs it. */
  public static TestKubeconfig install(Path dir, String cluster, String server, String context) throws IOException {
    Path file = Files.writeString(dir.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: %s
          cluster: {server: "%s"}
        users:
        - name: sre
          user: {token: not-a-real-token}
        contexts:
        - name: %s
          context: {cluster: %s, user: sre}
        current-context: %s
        """.formatted(cluster, server, context, cluster, context));
    return new TestKubeconfig(file);
  }

  @Override
  public void close() {
    if (previous == null) {
      System.clearProperty(PROPERTY);
    } else {
      System.setProperty(PROPERTY, previous);
    }
  }
}
