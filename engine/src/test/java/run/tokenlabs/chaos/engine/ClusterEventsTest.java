package run.tokenlabs.chaos.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.tokenlabs.chaos.api.Verdict;
import run.tokenlabs.chaos.api.event.EvidenceRecorded;
import run.tokenlabs.chaos.api.event.RollbackDone;
import run.tokenlabs.chaos.engine.fixtures.ForceDeleteBarePod;
import run.tokenlabs.chaos.engine.testing.EngineRun;
import run.tokenlabs.chaos.engine.testing.MockClusterTargetProvider;

/**
 * The engine writes the chaos into the cluster's Events, about the objects the fault's rollback names,
 * on fabric8's mock API server in CRUD mode: the built-in force-delete end to end, and a server that
 * refuses Events (403) without stopping the fault or its rollback.
 */
class ClusterEventsTest {
  private static final ObjectMapper JSON = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final String POD = "deepseek-r1-7b-vllm-leader";

  @TempDir
  Path journalDir;
  EngineRun engine;

  @BeforeEach
  void setUp() {
    engine = new EngineRun(journalDir).with("probeTimeout", "20s");
    MockClusterTargetProvider.createdEvents.clear();
    MockClusterTargetProvider.refuseEvents = false;
  }

  @AfterEach
  void tearDown() {
    MockClusterTargetProvider.refuseEvents = false;
  }

  @Test
  @DisplayName("A force-delete writes ChaosInjected (Warning) and then ChaosRolledBack (Normal) about the pod, "
      + "naming the experiment and the fault, from component tokenlabs-chaos")
  void forceDeleteWritesEvents() {
    engine.execute(ForceDeleteBarePod.class);

    assertThat(engine.verdict()).isEqualTo(Verdict.HELD);
    List<Event> events = MockClusterTargetProvider.createdEvents.stream().map(ClusterEventsTest::event).toList();
    assertThat(events).extracting(Event::getReason).containsExactly("ChaosInjected", "ChaosRolledBack");
    assertThat(events).extracting(Event::getType).containsExactly("Warning", "Normal");
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getMetadata().getNamespace()).isEqualTo("token-labs");
      assertThat(e.getInvolvedObject().getKind()).isEqualTo("Pod");
      assertThat(e.getInvolvedObject().getName()).isEqualTo(POD);
      assertThat(e.getSource().getComponent()).isEqualTo("tokenlabs-chaos");
      assertThat(e.getMessage()).startsWith("Experiment T-POD ForceDeleteBarePod#forceDelete");
    });
    assertThat(events.get(0).getMessage()).contains("injected fault: force-delete pod " + POD
        + " in token-labs (grace period 0)");
    assertThat(events.get(1).getMessage()).contains("rolled back: recreate bare pod token-labs/" + POD);
    assertThat(engine.journal(EvidenceRecorded.class)).noneMatch(e -> e.name().startsWith("Kubernetes Event"));
  }

  @Test
  @DisplayName("Events refused with 403: the pod is still deleted and recreated, and each refusal is evidence "
      + "saying what to grant")
  void refusedEventsBlockNothing() {
    MockClusterTargetProvider.refuseEvents = true;

    engine.execute(ForceDeleteBarePod.class);

    assertThat(engine.verdict()).as("the fixture's body asserts the pod was deleted; its steady state after "
        + "the rollback that it is back").isEqualTo(Verdict.HELD);
    assertThat(engine.journal(RollbackDone.class)).singleElement()
        .satisfies(done -> assertThat(done.rollback()).startsWith("recreate bare pod token-labs/" + POD));
    assertThat(MockClusterTargetProvider.createdEvents).isEmpty();
    List<EvidenceRecorded> evidence = engine.journal(EvidenceRecorded.class).stream()
        .filter(e -> e.name().startsWith("Kubernetes Event")).toList();
    assertThat(evidence).extracting(EvidenceRecorded::name)
        .containsExactly("Kubernetes Event ChaosInjected not written", "Kubernetes Event ChaosRolledBack not written");
    assertThat(evidence).allSatisfy(e -> assertThat(e.content())
        .contains("about Pod token-labs/" + POD, "403", "cannot create resource \"events\"",
            "grant the runner 'create' on events"));
  }

  private static Event event(String json) {
    try {
      return JSON.readValue(json, Event.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
