package run.tokenlabs.chaos.lab.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server the lab runs as a child process on loopback (Prometheus, Zipkin): ready when an HTTP
 * endpoint answers 200, every failure quoting the tail of its log, stopped politely and then by force
 * on {@link #close()} or, failing that, by a JVM shutdown hook, so no process outlives the lab.
 */
public final class ServerProcess implements AutoCloseable {
  private static final int TAIL_LINES = 15;

  private final String name;
  private final Process process;
  private final Path log;
  private final Duration grace;
  private final Thread shutdownHook;

  /**
   * @param name what the messages call it, e.g. "Prometheus"
   * @param process the started process, its output redirected to {@code log}
   * @param grace how long it may take to exit on SIGTERM before it is killed
   */
  public ServerProcess(String name, Process process, Path log, Duration grace) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.grace = grace;
    this.shutdownHook = new Thread(this::stop, "lab-stop-" + name.replace(' ', '-'));
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** A loopback port free when asked, chosen before a process starts so that others can be pointed at it. */
  public static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free loopback port: " + e.getMessage(), e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until {@code endpoint} answers 200, polling every {@code pollEvery} (a child process has no
   * event to wait on); fails with the log's tail if the process exits or the time runs out.
   */
  public void awaitOk(URI endpoint, Duration timeout, Duration pollEvery) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // made here, not per process: a client starts a selector thread, which a worker process never needs
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with code " + process.exitValue() + " before it was ready; its log ("
            + log + ") ends with:\n" + tail());
      }
      try {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(1)).build(),
            HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + name, e);
      }
      try {
        Thread.sleep(pollEvery.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while waiting for " + name, e);
      }
    }
    throw new IOException(name + " at " + endpoint + " did not answer 200 within " + timeout.toSeconds()
        + " s; its log (" + log + ") ends with:\n" + tail());
  }

  /** The last lines of the process' log, for error messages. */
  public String tail() {
    List<String> lines;
    try {
      lines = Files.readAllLines(log);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
    return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
  }

  /** Stops the process (SIGTERM, then SIGKILL after the grace) and drops its shutdown hook. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run: nothing to remove
    }
  }

  private void stop() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
