package run.tokenlabs.chaos.lab.kube;

import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The commands the lab runs as local JVM processes when a Job pod's container starts with them: a
 * command prefix (the container's {@code command} followed by its {@code args}) to the main class
 * that stands in for the image. The longest matching prefix wins; what follows it is passed on as
 * the main class's arguments.
 */
final class JobCommands {
  /**
   * What a container runs on the lab.
   *
   * @param mainClass the class whose {@code main} runs
   * @param args the arguments after the matched prefix
   */
  record Launch(String mainClass, List<String> args) {}

  private final Map<List<String>, String> mainClasses;

  JobCommands(Map<List<String>, String> mainClasses) {
    this.mainClasses = new LinkedHashMap<>(mainClasses);
  }

  /** The container's command line: {@code command} then {@code args}, as the runtime joins them. */
  static List<String> commandLine(Container container) {
    List<String> line = new ArrayList<>();
    if (container.getCommand() != null) {
      line.addAll(container.getCommand());
    }
    if (container.getArgs() != null) {
      line.addAll(container.getArgs());
    }
    return line;
  }

  /** What to run for this command line; empty when no registered prefix starts it. */
  Optional<Launch> resolve(List<String> commandLine) {
    return mainClasses.entrySet().stream()
        .filter(e -> !e.getKey().isEmpty() && e.getKey().size() <= commandLine.size()
            && commandLine.subList(0, e.getKey().size()).equals(e.getKey()))
        .max(Comparator.comparingInt(e -> e.getKey().size()))
        .map(e -> new Launch(e.getValue(), List.copyOf(commandLine.subList(e.getKey().size(), commandLine.size()))));
  }

  /** Why a command line cannot run, and how to make it run: for the pod's status and event. */
  String unknown(List<String> commandLine) {
    return "the lab runs a Job pod's container as a local process only for a command it knows; " + commandLine
        + " starts with none of " + mainClasses.keySet() + ". Register its prefix with "
        + "LabOptions.jobCommand(List.of(\"<command>\", ...), \"<main class>\")";
  }
}
