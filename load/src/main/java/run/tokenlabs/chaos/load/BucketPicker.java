package run.tokenlabs.chaos.load;

import java.util.List;
import java.util.SplittableRandom;

/** Draws the bucket of each request by weight, reproducibly for a seed; thread-safe. */
final class BucketPicker {
  private final List<PreparedPrompt> prompts;
  private final double[] cumulative;
  private final SplittableRandom random;

  BucketPicker(List<PreparedPrompt> prompts, long seed) {
    this.prompts = prompts;
    this.cumulative = new double[prompts.size()];
    double sum = 0;
    for (int i = 0; i < prompts.size(); i++) {
      sum += prompts.get(i).bucket().weight();
      cumulative[i] = sum;
    }
    this.random = new SplittableRandom(seed);
  }

  synchronized PreparedPrompt next() {
    double x = random.nextDouble() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (x < cumulative[i]) {
        return prompts.get(i);
      }
    }
    return prompts.get(prompts.size() - 1);
  }
}
