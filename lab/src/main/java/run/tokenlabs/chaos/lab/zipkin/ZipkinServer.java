package run.tokenlabs.chaos.lab.zipkin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import run.tokenlabs.chaos.lab.process.ServerProcess;

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

  private final ServerProcess process;
  private final URI url;
  private final Path log;

  private ZipkinServer(Process process, URI url, Path log) {
    this.process = new ServerProcess("The Zipkin server", process, log, Duration.ofSeconds(10));
    this.url = url;
    this.log = log;
  }

  /** A free loopback port, chosen before the process starts so that exporters can be pointed at it. */
  public static int freePort() {
    return ServerProcess.freeLoopbackPort();
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
    process.awaitOk(url.resolve("/health"), timeout, Duration.ofMillis(100));
  }

  @Override
  public void close() {
    process.close();
  }
}
