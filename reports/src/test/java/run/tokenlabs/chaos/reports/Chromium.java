package run.tokenlabs.chaos.reports;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium (Debian's {@code chromium}) started for one test, driven over the DevTools
 * protocol ({@link DevTools}): a fresh profile directory, no network beyond what the page asks
 * for, no background services. Closing it ends the process and removes the profile.
 */
final class Chromium implements AutoCloseable {
  /** The binaries tried, in order; the system property {@code chromium.binary} goes first. */
  private static final List<String> BINARIES = List.of("chromium", "chromium-browser", "google-chrome");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Process process;
  private final Path profile;
  private final URI browserEndpoint;
  private final List<String> stderr = new ArrayList<>();

  private Chromium(Process process, Path profile, URI browserEndpoint) {
    this.process = process;
    this.profile = profile;
    this.browserEndpoint = browserEndpoint;
  }

  /** The first Chromium binary on the PATH, or empty: the browser check is then skipped with that reason. */
  static Optional<Path> binary() {
    String configured = System.getProperty("chromium.binary", "");
    Stream<String> names = Stream.concat(configured.isEmpty() ? Stream.empty() : Stream.of(configured),
        BINARIES.stream());
    List<Path> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .filter(p -> !p.isEmpty()).map(Path::of).toList();
    return names.flatMap(name -> name.contains("/") ? Stream.of(Path.of(name))
            : path.stream().map(dir -> dir.resolve(name)))
        .filter(Files::isExecutable).findFirst();
  }

  static Chromium start(Path binary) throws IOException {
    Path profile = Files.createTempDirectory("chromium-profile-");
    Process process = new ProcessBuilder(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
        "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    CompletableFuture<URI> endpoint = new CompletableFuture<>();
    List<String> lines = new ArrayList<>();
    Thread reader = new Thread(() -> readStderr(process, endpoint, lines), "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      Chromium chromium = new Chromium(process, profile, endpoint.get(30, TimeUnit.SECONDS));
      chromium.stderr.addAll(lines);
      return chromium;
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
      throw new IllegalStateException("Chromium " + binary + " did not print its DevTools endpoint within 30 s; "
          + "its stderr: " + lines + ". Run it by hand with --headless --remote-debugging-port=0 to see why", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted while Chromium started", e);
    }
  }

  private static void readStderr(Process process, CompletableFuture<URI> endpoint, List<String> lines) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lines) {
          if (lines.size() < 200) {
            lines.add(line);
          }
        }
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          endpoint.complete(URI.create(m.group(1)));
        }
      }
      endpoint.completeExceptionally(new IllegalStateException("Chromium exited with " + process.waitFor()));
    } catch (IOException | InterruptedException e) {
      endpoint.completeExceptionally(e);
    }
  }

  /** A new page (tab) with its own DevTools session. */
  DevTools newPage() {
    return DevTools.openPage(browserEndpoint);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (Stream<Path> files = Files.walk(profile)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot remove Chromium's profile " + profile, e);
    }
  }
}
