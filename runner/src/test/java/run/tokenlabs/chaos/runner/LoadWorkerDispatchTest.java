package run.tokenlabs.chaos.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The runner's entrypoint also runs a scale-out's load workers: {@code tokenlabs-chaos load-worker ...}. */
class LoadWorkerDispatchTest {
  private final List<List<String>> workerCalls = new ArrayList<>();

  @Test
  @DisplayName("load-worker as the first argument runs the load worker with the arguments after it")
  void loadWorkerIsDispatched() {
    boolean dispatched = GameDayRunner.dispatched(new String[] {"load-worker", "--spec", "{\"job\":\"load-x\"}"},
        args -> workerCalls.add(List.of(args)));

    assertThat(dispatched).isTrue();
    assertThat(workerCalls).containsExactly(List.of("--spec", "{\"job\":\"load-x\"}"));
  }

  @Test
  @DisplayName("a game day's arguments, even naming load-worker later, or none at all, are left to the game day")
  void gameDayArgumentsAreNotDispatched() {
    assertThat(GameDayRunner.dispatched(new String[] {"--experiment", "load-worker"}, args -> workerCalls.add(List.of(args))))
        .isFalse();
    assertThat(GameDayRunner.dispatched(new String[0], args -> workerCalls.add(List.of(args)))).isFalse();
    assertThat(workerCalls).isEmpty();
  }
}
