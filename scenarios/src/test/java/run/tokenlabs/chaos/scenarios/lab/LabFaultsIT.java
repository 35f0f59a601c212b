package run.tokenlabs.chaos.scenarios.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import run.tokenlabs.chaos.api.ChaosConfig;
import run.tokenlabs.chaos.api.spi.Fault;
import run.tokenlabs.chaos.api.spi.Rollback;
import run.tokenlabs.chaos.lab.api.Lab;
import run.tokenlabs.chaos.lab.api.LabTest;
import run.tokenlabs.chaos.scenarios.lab.faults.ChunkedPrefillSwitch;
import run.tokenlabs.chaos.scenarios.lab.faults.SimulatorFaults;
import run.tokenlabs.chaos.scenarios.lab.faults.StepSlowdown;

/**
 * The lab-only faults against a running lab: each rollback puts back what its fault found (not the
 * profile's defaults), leaves alone what it did not arm where it says so, and may run twice.
 */
@LabTest
class LabFaultsIT {
  private static final String MODEL = "deepseek-r1-7b";
  private static final Duration UNDO_TIMEOUT = Duration.ofSeconds(5);
  private Lab lab;
  private boolean chunkedBefore;

  /** The lab is shared with the other lab tests of this run: leave it as found. */
  @AfterEach
  void restoreLab() {
    if (lab != null) {
      lab.faults(MODEL).clear();
      lab.setChunkedPrefill(MODEL, chunkedBefore);
    }
  }

  @Test
  @DisplayName("ChunkedPrefillSwitch: the rollback restores the setting it found, twice over")
  void chunkedPrefillRestoresWhatItFound(Lab lab) throws Exception {
    LabTarget target = target(lab);
    boolean found = !chunkedBefore; // not the profile's setting, so a rollback to the profile's would show
    lab.setChunkedPrefill(MODEL, found);
    ChunkedPrefillSwitch fault = ChunkedPrefillSwitch.set(MODEL, !found);

    ChunkedPrefillSwitch.Restore rollback = fault.prepare(target);
    assertThat(lab.chunkedPrefill(MODEL)).as("prepare changes nothing").isEqualTo(found);
    fault.act(target, rollback);
    assertThat(lab.chunkedPrefill(MODEL)).isEqualTo(!found);
    rollback.undo(target, UNDO_TIMEOUT);
    rollback.undo(target, UNDO_TIMEOUT);

    assertThat(rollback).isEqualTo(new ChunkedPrefillSwitch.Restore(MODEL, found));
    assertThat(lab.chunkedPrefill(MODEL)).isEqualTo(found);
  }

  @Test
  @DisplayName("StepSlowdown: the rollback restores the armed factor it read, other armed faults stay")
  void stepSlowdownRestoresTheArmedFactor(Lab lab) throws Exception {
    LabTarget target = target(lab);
    lab.faults(MODEL).slowSteps(2.5).cutStreamsAfter(7);
    StepSlowdown fault = StepSlowdown.of(MODEL, 8);

    StepSlowdown.RestoreFactor rollback = fault.prepare(target);
    fault.act(target, rollback);
    assertThat(lab.faults(MODEL).stepSlowdown()).isEqualTo(8.0);
    rollback.undo(target, UNDO_TIMEOUT);
    rollback.undo(target, UNDO_TIMEOUT);

    assertThat(rollback).isEqualTo(new StepSlowdown.RestoreFactor(MODEL, 2.5));
    assertThat(lab.faults(MODEL).stepSlowdown()).isEqualTo(2.5);
    assertThat(lab.faults(MODEL).describe()).contains("\"cutAfterTokens\":7");
  }

  @Test
  @DisplayName("SimulatorFaults: the rollback disarms the model's faults; an unknown model fails in prepare")
  void simulatorFaultsDisarm(Lab lab) throws Exception {
    LabTarget target = target(lab);
    lab.faults(MODEL).slowSteps(3);

    Rollback rollback = prepareAndAct(SimulatorFaults.cutStreamsAfter(MODEL, 5), target);
    assertThat(lab.faults(MODEL).describe()).contains("\"cutAfterTokens\":5");
    rollback.undo(target, UNDO_TIMEOUT);
    rollback.undo(target, UNDO_TIMEOUT);

    assertThat(lab.faults(MODEL).describe()).contains("\"cutAfterTokens\":-1");
    assertThat(lab.faults(MODEL).stepSlowdown()).as("disarms every fault of the model").isEqualTo(1.0);
    assertThatThrownBy(() -> SimulatorFaults.resetConnections("no-such-model", 0.5).prepare(target))
        .hasMessageContaining("No model 'no-such-model'");
  }

  private LabTarget target(Lab lab) {
    this.lab = lab;
    this.chunkedBefore = lab.chunkedPrefill(MODEL);
    return new LabTarget(lab, ChaosConfig.KubernetesSettings.DEFAULT_MAX_RESPONSE_BYTES, java.util.Optional.empty()); // not closed: the lab belongs to @LabTest
  }

  /** What the engine does on inject, without the engine: the fault acts on the rollback it prepared. */
  private static <R extends Record & Rollback> R prepareAndAct(Fault<R> fault, LabTarget target) throws Exception {
    R rollback = fault.prepare(target);
    fault.act(target, rollback);
    return rollback;
  }
}
