package run.tokenlabs.chaos.lab.jobs;

/** A Job worker for the lab's tests that prints a line and then runs until it is killed (at most 10 min). */
public final class SleepingWorker {
  private SleepingWorker() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("worker " + System.getenv("JOB_COMPLETION_INDEX") + " is up");
    Thread.sleep(600_000); // stands in for a long load run: nothing to wait on, it is killed
  }
}
