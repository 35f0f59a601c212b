package run.tokenlabs.chaos.lab.dcgm;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import run.tokenlabs.chaos.lab.api.GpuProfile;
import run.tokenlabs.chaos.lab.http.HttpServers;
import run.tokenlabs.chaos.lab.metrics.TextFormat;

/**
 * A simulated NVIDIA dcgm-exporter for one node with one GPU: field names, types and labels as the
 * real one, values from {@link GpuState}, and only the fields the {@link GpuProfile} says exist.
 * GB10 runs the older default list of the reference run's exporter without NVLink, FB_USED/FB_FREE
 * and memory temperature (11 families); H200 runs the current {@code default-counters.csv} (PCIe
 * throughput, vGPU licence status, row remapping too) plus the NVLink error counters.
 */
public final class DcgmExporter implements AutoCloseable {
  private final String node;
  private final GpuProfile gpu;
  private final Supplier<List<GpuOccupant>> occupants;
  private final GpuState state;
  private final String uuid;
  private final HttpServer server;
  private volatile List<GpuOccupant> current = List.of();
  private volatile long xid;
  private final List<LongConsumer> xidListeners = new CopyOnWriteArrayList<>();

  public DcgmExporter(String node, GpuProfile gpu, Supplier<List<GpuOccupant>> occupants) throws IOException {
    this.node = node;
    this.gpu = gpu;
    this.occupants = occupants;
    this.state = new GpuState(gpu, node.hashCode());
    this.uuid = "GPU-" + UUID.nameUUIDFromBytes(node.getBytes(StandardCharsets.UTF_8));
    this.server = HttpServers.create(InetAddress.getLoopbackAddress(), "lab-dcgm-" + node, 4);
    server.createContext("/metrics", ex -> HttpServers.send(ex, 200, TextFormat.CONTENT_TYPE, render()));
    server.start();
  }

  public URI metricsUrl() {
    return HttpServers.baseUri(server).resolve("/metrics");
  }

  public String node() {
    return node;
  }

  /**
   * Sets the value of {@code DCGM_FI_DEV_XID_ERRORS} (0: none), as {@code dcgmi test --inject} does,
   * and tells the listeners (the lab fails the model servers on this GPU for the XIDs that lose it).
   */
  public void injectXid(long value) {
    xid = value;
    xidListeners.forEach(l -> l.accept(value));
  }

  /** Called with each injected XID value, on the injecting thread. */
  public void onXid(LongConsumer listener) {
    xidListeners.add(listener);
  }

  /** Takes one sample of the GPU (the lab calls this on a fixed period). */
  public synchronized void sample(long nowNanos) {
    current = occupants.get();
    state.sample(current, nowNanos);
  }

  /** Utilisation 0..1 as last sampled. */
  public synchronized double utilisation() {
    return state.utilisation;
  }

  synchronized String render() {
    String labels = labels();
    TextFormat out = new TextFormat();
    gauge(out, "DCGM_FI_DEV_SM_CLOCK", "SM clock frequency (in MHz).", labels, Math.round(state.smClockMhz));
    gauge(out, "DCGM_FI_DEV_MEM_CLOCK", "Memory clock frequency (in MHz).", labels, gpu.nvlink() ? 2619 : 4266);
    if (gpu.memoryTemperature()) {
      gauge(out, "DCGM_FI_DEV_MEMORY_TEMP", "Memory temperature (in C).", labels, Math.round(state.temperatureC + 4));
    }
    gauge(out, "DCGM_FI_DEV_GPU_TEMP", "GPU temperature (in C).", labels, Math.round(state.temperatureC));
    gauge(out, "DCGM_FI_DEV_POWER_USAGE", "Power draw (in W).", labels, round3(state.powerWatts));
    out.single("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter",
        "Total energy consumption since boot (in mJ).", labels, state.energyMillijoules());
    if (gpu.currentDefaultCounters()) {
      out.single("DCGM_FI_DEV_PCIE_TX_THROUGHPUT", "counter",
          "Total number of bytes transmitted through PCIe TX (in KB) via NVML.", labels, state.pcieTxKilobytes());
      out.single("DCGM_FI_DEV_PCIE_RX_THROUGHPUT", "counter",
          "Total number of bytes received through PCIe RX (in KB) via NVML.", labels, state.pcieRxKilobytes());
    }
    out.single("DCGM_FI_DEV_PCIE_REPLAY_COUNTER", "counter", "Total number of PCIe retries.", labels, 0);
    gauge(out, "DCGM_FI_DEV_GPU_UTIL", "GPU utilization (in %).", labels, Math.round(state.utilisation * 100));
    gauge(out, "DCGM_FI_DEV_MEM_COPY_UTIL", "Memory utilization (in %).", labels,
        Math.round(state.utilisation * 60));
    gauge(out, "DCGM_FI_DEV_ENC_UTIL", "Encoder utilization (in %).", labels, 0);
    gauge(out, "DCGM_FI_DEV_DEC_UTIL", "Decoder utilization (in %).", labels, 0);
    gauge(out, "DCGM_FI_DEV_XID_ERRORS", "Value of the last XID error encountered.", labels, xid);
    if (gpu.fbFieldsExported()) {
      // vLLM preallocates gpu_memory_utilization (0.9) of memory at start: FB_USED shows which pods are
      // loaded, not KV usage (that is vllm:kv_cache_usage_perc).
      long used = current.isEmpty() ? 420 : (long) (gpu.memoryMiB() * 0.9);
      gauge(out, "DCGM_FI_DEV_FB_FREE", "Framebuffer memory free (in MiB).", labels, gpu.memoryMiB() - used - 512);
      gauge(out, "DCGM_FI_DEV_FB_USED", "Framebuffer memory used (in MiB).", labels, used);
    }
    if (gpu.nvlink()) {
      out.single("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", "counter",
          "Total number of NVLink bandwidth counters for all lanes.", labels, 0);
      for (String kind : new String[] {"CRC_FLIT", "CRC_DATA", "REPLAY", "RECOVERY"}) {
        out.single("DCGM_FI_DEV_NVLINK_" + kind + "_ERROR_COUNT_TOTAL", "counter",
            "Total number of NVLink " + kind.toLowerCase(java.util.Locale.ROOT) + " errors.", labels, 0);
      }
    }
    if (gpu.currentDefaultCounters()) {
      gauge(out, "DCGM_FI_DEV_VGPU_LICENSE_STATUS", "vGPU License status", labels, 0);
      out.single("DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS", "counter",
          "Number of remapped rows for uncorrectable errors", labels, 0);
      out.single("DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS", "counter",
          "Number of remapped rows for correctable errors", labels, 0);
      gauge(out, "DCGM_FI_DEV_ROW_REMAP_FAILURE", "Whether remapping of rows has failed", labels, 0);
    }
    return out.toString();
  }

  private String labels() {
    String base = TextFormat.join(TextFormat.label("gpu", "0"), TextFormat.label("UUID", uuid),
        TextFormat.label("pci_bus_id", "00000000:01:00.0"), TextFormat.label("device", "nvidia0"),
        TextFormat.label("modelName", gpu.modelName()), TextFormat.label("Hostname", node));
    if (current.isEmpty()) {
      return base;
    }
    GpuOccupant o = current.get(0);
    return TextFormat.join(base, TextFormat.label("container", o.container()),
        TextFormat.label("namespace", o.namespace()), TextFormat.label("pod", o.pod()));
  }

  private static void gauge(TextFormat out, String name, String help, String labels, double value) {
    out.single(name, "gauge", help, labels, value);
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  @Override
  public void close() {
    HttpServers.stop(server);
  }
}
