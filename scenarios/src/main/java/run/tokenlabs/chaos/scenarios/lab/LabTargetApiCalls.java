package run.tokenlabs.chaos.scenarios.lab;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Kubernetes API calls made through the lab target's client: a fabric8 {@link Interceptor}
 * that records each distinct {@link LabTargetApiCall} before its request is sent. The engine, the
 * faults, the probes and the experiments all use that client, so what it records is what the
 * runner's ServiceAccount must be allowed on a cluster; the lab's own controllers (its kubelet and
 * ReplicaSet controller) use another client, as a cluster's controllers are not the runner.
 *
 * <p>With a log file, each call is also appended there the first time it is seen, so that a run
 * through the JUnit Platform (whose target a test cannot reach) leaves the list behind. Thread-safe.
 */
public final class LabTargetApiCalls implements Interceptor {
  private final Set<LabTargetApiCall> calls = ConcurrentHashMap.newKeySet();
  private final Optional<Path> log;

  LabTargetApiCalls(Optional<Path> log) {
    this.log = log;
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    LabTargetApiCall.all(request.method(), request.uri()).forEach(this::record);
  }

  private void record(LabTargetApiCall call) {
    if (calls.add(call) && log.isPresent()) {
      append(log.get(), call);
    }
  }

  private static synchronized void append(Path file, LabTargetApiCall call) {
    try {
      Files.writeString(file, call.toLine() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append the Kubernetes API call '" + call + "' to " + file, e);
    }
  }

  /** Every distinct call so far, sorted. */
  public Set<LabTargetApiCall> calls() {
    return new TreeSet<>(calls);
  }
}
