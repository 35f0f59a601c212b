package run.tokenlabs.chaos.faults;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One {@code dcgmi test --inject} run inside a DCGM pod, through the pods/exec subresource (the path
 * {@code kubectl exec} takes): it writes a value into a DCGM field of one GPU, as the hostengine then
 * reports it to dcgm-exporter and every DCGM client.
 *
 * @param namespace the DCGM pod's namespace
 * @param pod the DCGM pod, on the node of the GPU
 * @param container the container that runs {@code dcgmi} next to the hostengine
 * @param gpuId the GPU's DCGM id on that node ({@code dcgmi discovery -l})
 * @param field the DCGM field id (230 is {@code DCGM_FI_DEV_XID_ERRORS})
 * @param value the value written
 */
record DcgmInjection(String namespace, String pod, String container, int gpuId, int field, long value) {
  /** {@code dcgmi test --inject --gpuid 0 -f 230 -v 79}: the arguments as exec sends them. */
  List<String> command() {
    return List.of("dcgmi", "test", "--inject", "--gpuid", String.valueOf(gpuId), "-f", String.valueOf(field), "-v",
        String.valueOf(value));
  }

  /** The same command as a person would type it, for descriptions and dry runs. */
  String kubectl() {
    return "kubectl exec -n " + namespace + " " + pod + " -c " + container + " -- " + String.join(" ", command());
  }

  /**
   * Runs it and waits for its exit status.
   *
   * @throws IllegalStateException when it exits non-zero or does not finish within {@code timeout}, with
   *     its output
   */
  void run(KubernetesClient client, Duration timeout) throws InterruptedException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try (ExecWatch watch = client.pods().inNamespace(namespace).withName(pod).inContainer(container)
        .writingOutput(out).writingError(err).exec(command().toArray(String[]::new))) {
      exit = watch.exitCode().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("'" + kubectl() + "' failed before it exited: " + e.getCause().getMessage()
          + "; check that the pod runs and the runner may create pods/exec in " + namespace, e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("'" + kubectl() + "' did not exit within " + timeout.toSeconds() + " s; "
          + "check that the DCGM hostengine answers in pod " + namespace + "/" + pod, e);
    }
    if (exit != 0) {
      throw new IllegalStateException("'" + kubectl() + "' exited with " + exit + " (expected 0): "
          + (out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).strip()
          + "; check that the container runs the DCGM hostengine (or reaches it) and that GPU " + gpuId
          + " exists there ('dcgmi discovery -l')");
    }
  }
}
