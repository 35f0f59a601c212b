package run.tokenlabs.chaos.engine.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;

/** fabric8's mock API server started on loopback, answering through a CRUD dispatcher (or one that adds to it). */
public final class MockApiServers {
  private MockApiServers() {
  }

  /** A started server; the caller destroys it. */
  public static KubernetesMockServer start(KubernetesCrudDispatcher dispatcher) {
    var server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    return server;
  }
}
