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
 * endpoint answers 200, every failure quoting the tail of its log, stopped politely and then by force.
 */
public final class ServerProcess {
  private static final int TAIL_LINES = 15;

  private final String name;
  private final Process process;
  private final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /**
   * @param name what the messages call it, e.g. "Prometheus"
   * @param process the started process, its output redirected to {@code log}
   */
  public ServerProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
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

  /** SIGTERM, then SIGKILL if it has not exited within {@code grace}. */
  public void stop(Duration grace) {
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
