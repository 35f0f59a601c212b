package run.tokenlabs.chaos.lab.zipkin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A real Zipkin server run by the lab as a process ({@code java -jar zipkin-server-<v>-exec.jar}), with
 * in-memory storage on a free loopback port: where the lab's gateway and model simulators send their
 * spans, and what a trace probe asks. It is the jar the build resolved (see {@link #findJar()}); nothing
 * is downloaded at run time. Stopped on {@link #close()} or, failing that, by a JVM shutdown hook.
 *
 * <p>Launching returns at once; {@link #awaitReady} waits for {@code /health}. Its JVM takes several
 * seconds to start (tens on a busy machine), which is why the lab starts it only when tracing is asked for.
 */
public final class ZipkinServer implements AutoCloseable {
  /** Overrides the jar the build resolved (a path to a {@code zipkin-server-*-exec.jar}). */
  public static final String JAR_PROPERTY = "tokenlabs.lab.zipkinJar";
  private static final String RESOLVED = "/run/tokenlabs/chaos/lab/zipkin/zipkin-server.properties";

  private final Process process;
  private final URI url;
  private final Path log;
  private final Thread shutdownHook;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ZipkinServer(Process process, URI url, Path log) {
    this.process = process;
    this.url = url;
    this.log = log;
    this.shutdownHook = new Thread(this::stopProcess, "lab-zipkin-stop");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A free loopback port, chosen before the process starts so that exporters can be pointed at it. */
  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port for the Zipkin server", e);
    }
  }

  /** Starts the server on {@code port} of 127.0.0.1 with in-memory storage, logging into {@code workDir}. */
  public static ZipkinServer launch(Path workDir, int port) throws IOException {
    Path jar = findJar();
    Path log = workDir.resolve("zipkin.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java,
        // a short-lived test server: C1 only, a small serial heap, so it starts fast and stays small
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-jar", jar.toString(),
        "--armeria.ports[0].port=" + port, "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].protocols=http",
        "--logging.level.root=WARN")
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("STORAGE_TYPE", "mem");
    return new ZipkinServer(builder.start(), URI.create("http://127.0.0.1:" + port), log);
  }

  /**
   * The exec jar: {@value #JAR_PROPERTY} if set, else the one the build resolved into the local Maven
   * repository (the lab module declares it as a dependency).
   */
  static Path findJar() {
    String override = System.getProperty(JAR_PROPERTY);
    if (override != null && !override.isBlank()) {
      Path p = Path.of(override);
      if (!Files.isRegularFile(p)) {
        throw new IllegalStateException(JAR_PROPERTY + " is " + override + ", which is not a file; point it at a "
            + "zipkin-server-<version>-exec.jar or unset it to use the one the build resolved");
      }
      return p;
    }
    Properties resolved = new Properties();
    try (InputStream in = ZipkinServer.class.getResourceAsStream(RESOLVED)) {
      if (in == null) {
        throw new IllegalStateException("The lab was built without " + RESOLVED + "; rebuild the lab module");
      }
      resolved.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path jar = Path.of(resolved.getProperty("jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("The Zipkin server jar " + jar + " is missing from the local Maven repository; "
          + "build the lab module once online (mvn -pl lab -am compile) or set -D" + JAR_PROPERTY);
    }
    return jar;
  }

  public URI url() {
    return url;
  }

  public Path logFile() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Waits until {@code /health} answers 200; fails with the log's tail if the process dies or the time runs out. */
  public void awaitReady(Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("The Zipkin server exited with code " + process.exitValue() + " before it was ready; "
            + "its log (" + log + ") ends with:\n" + tail());
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(url.resolve("/health"))
            .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the Zipkin server", e);
      }
      try {
        Thread.sleep(100); // a child process has no event to wait on; poll its health endpoint
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for the Zipkin server", e);
      }
    }
    throw new IOException("The Zipkin server at " + url + " was not healthy within " + timeout.toSeconds()
        + " s; its log (" + log + ") ends with:\n" + tail());
  }

  private String tail() {
    List<String> lines;
    try {
      lines = new ArrayList<>(Files.readAllLines(log));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
  }

  private void stopProcess() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stopProcess();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: nothing to remove
    }
  }
}
