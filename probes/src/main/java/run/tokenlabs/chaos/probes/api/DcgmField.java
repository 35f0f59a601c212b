package run.tokenlabs.chaos.probes.api;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * DCGM fields this project reasons about, with their ids from {@code dcgm_fields.h}. The
 * Prometheus metric name is the field name as dcgm-exporter writes it.
 */
public enum DcgmField {
  DCGM_FI_DEV_SM_CLOCK(100),
  DCGM_FI_DEV_MEM_CLOCK(101),
  DCGM_FI_DEV_MEMORY_TEMP(140),
  DCGM_FI_DEV_GPU_TEMP(150),
  DCGM_FI_DEV_POWER_USAGE(155),
  DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION(156),
  DCGM_FI_DEV_PCIE_REPLAY_COUNTER(202),
  DCGM_FI_DEV_GPU_UTIL(203),
  DCGM_FI_DEV_MEM_COPY_UTIL(204),
  DCGM_FI_DEV_ENC_UTIL(206),
  DCGM_FI_DEV_DEC_UTIL(207),
  DCGM_FI_DEV_XID_ERRORS(230),
  DCGM_FI_DEV_FB_TOTAL(250),
  DCGM_FI_DEV_FB_FREE(251),
  DCGM_FI_DEV_FB_USED(252),
  DCGM_FI_DEV_FB_RESERVED(253),
  DCGM_FI_DEV_FB_USED_PERCENT(254),
  DCGM_FI_DEV_NVLINK_CRC_FLIT_ERROR_COUNT_TOTAL(409),
  DCGM_FI_DEV_NVLINK_CRC_DATA_ERROR_COUNT_TOTAL(419),
  DCGM_FI_DEV_NVLINK_REPLAY_ERROR_COUNT_TOTAL(429),
  DCGM_FI_DEV_NVLINK_RECOVERY_ERROR_COUNT_TOTAL(439),
  DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL(449),
  DCGM_FI_PROF_GR_ENGINE_ACTIVE(1001),
  DCGM_FI_PROF_SM_ACTIVE(1002),
  DCGM_FI_PROF_SM_OCCUPANCY(1003),
  DCGM_FI_PROF_PIPE_TENSOR_ACTIVE(1004),
  DCGM_FI_PROF_DRAM_ACTIVE(1005),
  DCGM_FI_PROF_PCIE_TX_BYTES(1009),
  DCGM_FI_PROF_PCIE_RX_BYTES(1010),
  DCGM_FI_PROF_NVLINK_TX_BYTES(1011),
  DCGM_FI_PROF_NVLINK_RX_BYTES(1012);

  /** dcgm-exporter's default counters (its {@code default-counters.csv}). */
  public static final List<DcgmField> EXPORTER_DEFAULTS = List.of(DCGM_FI_DEV_SM_CLOCK, DCGM_FI_DEV_MEM_CLOCK,
      DCGM_FI_DEV_MEMORY_TEMP, DCGM_FI_DEV_GPU_TEMP, DCGM_FI_DEV_POWER_USAGE, DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION,
      DCGM_FI_DEV_PCIE_REPLAY_COUNTER, DCGM_FI_DEV_GPU_UTIL, DCGM_FI_DEV_MEM_COPY_UTIL, DCGM_FI_DEV_ENC_UTIL,
      DCGM_FI_DEV_DEC_UTIL, DCGM_FI_DEV_XID_ERRORS, DCGM_FI_DEV_FB_FREE, DCGM_FI_DEV_FB_USED,
      DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL);

  /** Frame-buffer memory: what links GPU memory to KV-cache pressure. */
  public static final List<DcgmField> FB_MEMORY = List.of(DCGM_FI_DEV_FB_USED, DCGM_FI_DEV_FB_FREE);

  /** Any of these shows NVLink traffic. */
  public static final List<DcgmField> NVLINK = List.of(DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL,
      DCGM_FI_PROF_NVLINK_TX_BYTES, DCGM_FI_PROF_NVLINK_RX_BYTES);

  private final int id;

  DcgmField(int id) {
    this.id = id;
  }

  /** The DCGM field id, e.g. 252 for FB_USED. */
  public int id() {
    return id;
  }

  /** Whether it is a profiling (DCP) field, which needs DCGM's profiling module. */
  public boolean profiling() {
    return name().startsWith("DCGM_FI_PROF_");
  }

  /** The field of that metric name, if this catalogue knows it. */
  public static Optional<DcgmField> ofMetric(String metricName) {
    return Arrays.stream(values()).filter(f -> f.name().equals(metricName)).findFirst();
  }

  /** {@code DCGM_FI_DEV_FB_USED (252)}. */
  public String describe() {
    return name() + " (" + id + ")";
  }
}
