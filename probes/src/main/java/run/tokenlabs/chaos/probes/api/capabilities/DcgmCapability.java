package run.tokenlabs.chaos.probes.api.capabilities;

import java.util.List;
import java.util.stream.Collectors;
import run.tokenlabs.chaos.api.Target;
import run.tokenlabs.chaos.api.spi.Capability;
import run.tokenlabs.chaos.probes.api.DcgmField;
import run.tokenlabs.chaos.probes.api.DcgmInventory;
import run.tokenlabs.chaos.probes.api.Probes;

/** The common shape of the DCGM capabilities: read the inventory, judge each GPU. */
abstract class DcgmCapability implements Capability {

  @Override
  public Availability check(Target target) {
    Probes probes = Probes.from(target);
    if (!probes.dcgm().hasSource()) {
      return Availability.absent(name() + ": the target lists no DCGM exporter and has no Prometheus to ask");
    }
    DcgmInventory inventory = probes.dcgm().inventory();
    if (inventory.gpus().isEmpty()) {
      return Availability.absent(name() + ": no GPU exposes any DCGM_FI_* field (" + inventory.source() + ")");
    }
    return judge(inventory);
  }

  abstract Availability judge(DcgmInventory inventory);

  static String names(List<DcgmField> fields) {
    return fields.stream().map(DcgmField::describe).collect(Collectors.joining(", "));
  }
}
