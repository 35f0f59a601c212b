package run.tokenlabs.chaos.probes.api;

/**
 * One GPU as DCGM labels it.
 *
 * @param hostname the {@code Hostname} label
 * @param index the {@code gpu} label (0, 1, ...)
 * @param uuid the {@code UUID} label
 * @param model the {@code modelName} label, e.g. {@code NVIDIA GB10}
 */
public record Gpu(String hostname, String index, String uuid, String model) {
  @Override
  public String toString() {
    return "GPU " + index + " (" + model + ", " + hostname + ")";
  }
}
