package run.tokenlabs.chaos.lab.http;

import java.util.logging.Logger;

/**
 * The JVM-wide settings of the JDK's HTTP server ({@code com.sun.net.httpserver}) that the lab needs
 * to time streams as the servers it imitates do.
 *
 * <p>Two JDK defaults distort what the lab measures. Without {@code TCP_NODELAY}, every small SSE
 * write waits for the previous one to be acknowledged, and the client delays its acknowledgement:
 * about 40 ms is added to the first token, which is 4 simulated seconds at time scale 0.01. And the
 * JDK keeps at most 200 idle keep-alive connections, closing the rest, so a load of more sessions
 * finds its pooled connections closed under it. vLLM's uvicorn and Envoy set {@code TCP_NODELAY}
 * and keep every connection a client holds.
 *
 * <p>The JDK reads both as system properties once, when its internal configuration class loads,
 * which happens when the first server of the JVM is created. So they are set here, from
 * {@link HttpServers}' static initialiser, before the lab creates any server. A value the user set
 * on the command line is kept (with a warning when it undoes the tuning). A JDK server created in
 * the same JVM before the lab's first one has already fixed the defaults: start the lab first, or
 * pass the two {@code -D} options.
 */
final class JdkServerTuning {
  static final String NODELAY = "sun.net.httpserver.nodelay";
  static final String MAX_IDLE_CONNECTIONS = "sun.net.httpserver.maxIdleConnections";
  /** Idle keep-alive connections kept open: above any session count the lab is sized for. */
  static final int IDLE_CONNECTIONS = 4 * HttpServers.MAX_STREAMS;

  private static final Logger LOG = Logger.getLogger(JdkServerTuning.class.getName());

  private JdkServerTuning() {}

  static synchronized void apply() {
    keepOrSet(NODELAY, "true");
    keepOrSet(MAX_IDLE_CONNECTIONS, String.valueOf(IDLE_CONNECTIONS));
  }

  private static void keepOrSet(String property, String wanted) {
    String given = System.getProperty(property);
    if (given == null) {
      System.setProperty(property, wanted);
    } else if (!given.equals(wanted)) {
      LOG.warning(() -> "-D" + property + "=" + given + " was set for this JVM; the lab wanted " + wanted
          + " and keeps the given value, so its latency or connection figures follow the JDK's, not the "
          + "imitated servers'. Remove the option to get the lab's tuning.");
    }
  }
}
