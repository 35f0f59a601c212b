package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The lab's Kubernetes API server: fabric8's mock server in CRUD mode on loopback with what real
 * clients expect of an API server ({@link ApiDispatcher}), an HTTP front that also serves watches
 * over plain HTTP ({@link ApiProxy}), a fabric8 client bound to the mock and a kubeconfig file
 * pointing at the front, for kubectl and any other client.
 */
public final class KubeApi implements AutoCloseable {
  /** The mock server logs every request at INFO; held strongly so the level sticks. */
  private static final java.util.logging.Logger MOCK_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
  /**
   * Netty's logger for a listener it could not notify because its event loop had ended: closing the
   * mock server right after it started (a lab that failed to start) logs a harmless stack trace there
   * at SEVERE, which would bury the one line saying why the lab failed.
   */
  private static final java.util.logging.Logger NETTY_SHUTDOWN_LOG =
      java.util.logging.Logger.getLogger("io.netty.util.concurrent.DefaultPromise.rejectedExecution");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    NETTY_SHUTDOWN_LOG.setLevel(java.util.logging.Level.OFF);
  }

  private final KubernetesMockServer server;
  private final PodExec exec = new PodExec();
  private final PodLogs logs = new PodLogs();
  private final DeletePropagation deletions = new DeletePropagation();
  private final ApiProxy proxy;
  private final KubernetesClient client;
  private final Path kubeconfig;
  private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "lab-kube-janitor");
    t.setDaemon(true);
    return t;
  });

  public KubeApi(Path workDir) throws IOException {
    server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new ApiDispatcher(Clock.systemUTC(), exec, logs, deletions), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    try {
      proxy = new ApiProxy(URI.create("http://" + server.getHostName() + ":" + server.getPort()), Clock.systemUTC());
    } catch (IOException | RuntimeException e) {
      client.close();
      server.destroy(); // nothing else holds the store: it must not outlive the failure
      throw e;
    }
    kubeconfig = workDir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfigYaml(url()));
    // The mock server records every request for takeRequest(); drain it so a long run does not grow.
    janitor.scheduleWithFixedDelay(this::drainRecordedRequests, 5, 5, TimeUnit.SECONDS);
  }

  /** Who runs the commands of pods/exec requests (the lab's DCGM pods run {@code dcgmi}); replaces the previous one. */
  public void onExec(PodExec.Handler handler) {
    exec.handler(handler);
  }

  /** Where pods/log requests are answered from (the files of the pods the lab runs as local processes). */
  PodLogs podLogs() {
    return logs;
  }

  /** The propagation policy of each Job DELETE, for the lab's Job controller. */
  DeletePropagation deletions() {
    return deletions;
  }

  public KubernetesClient client() {
    return client;
  }

  /** The API server's URL as the kubeconfig names it (the front kubectl talks to). */
  public URI url() {
    return proxy.uri();
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  private void drainRecordedRequests() {
    try {
      while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
        // discard
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String kubeconfigYaml(URI server) {
    return "apiVersion: v1\nkind: Config\nclusters:\n- name: tokenlabs-lab\n  cluster:\n    server: " + server
        + "\ncontexts:\n- name: tokenlabs-lab\n  context:\n    cluster: tokenlabs-lab\n    user: lab\n"
        + "    namespace: token-labs\ncurrent-context: tokenlabs-lab\nusers:\n- name: lab\n  user:\n"
        + "    token: lab-token-not-a-secret\n";
  }

  @Override
  public void close() {
    janitor.shutdownNow();
    proxy.close();
    client.close();
    try {
      server.destroy();
    } catch (IllegalStateException e) {
      // fabric8's mock server waits a bounded time for its connections to end; a watch that an informer opened
      // just before the close can outlive it. The store is gone either way: say so rather than fail the caller.
      java.util.logging.Logger.getLogger(KubeApi.class.getName()).warning("the lab's API server closed with a "
          + "connection still open (" + e.getMessage() + "); its threads end with the JVM");
    }
  }
}
