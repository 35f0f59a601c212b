package run.tokenlabs.chaos.lab.kube;

import java.net.URI;

/**
 * A model pod whose container runs, as service discovery sees it.
 *
 * @param pod pod name
 * @param model served model name (the {@code app} label)
 * @param node node it runs on
 * @param uri base URL of its server
 * @param ready whether its Ready condition is True
 */
public record PodTarget(String pod, String model, String node, URI uri, boolean ready) {}
