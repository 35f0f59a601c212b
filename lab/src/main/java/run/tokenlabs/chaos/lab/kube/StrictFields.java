package run.tokenlabs.chaos.lab.kube;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Strict field validation ({@code ?fieldValidation=Strict}, what kubectl asks for with validation on):
 * the fields of a manifest that its kind does not have, named as the API server names them
 * ({@code unknown field "spec.containers[0].imagePulPolicy"}).
 *
 * <p>fabric8's model classes keep every field they do not know in {@code additionalProperties}, so
 * the manifest is read into its typed class and those maps are collected. Kinds without a model
 * class (custom resources) are not checked.
 */
final class StrictFields {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final int MAX_DEPTH = 64;

  private StrictFields() {}

  /** The API server's strict-decoding message for {@code json}, or empty when every field is known. */
  static Optional<String> unknownFields(String json) {
    Object typed;
    try {
      typed = SERIALIZATION.unmarshal(json);
    } catch (RuntimeException e) {
      return Optional.empty(); // not a manifest the model reads: the store answers as it would anyway
    }
    if (typed == null || typed instanceof GenericKubernetesResource) {
      return Optional.empty();
    }
    List<String> unknown = new ArrayList<>();
    walk(typed, "", unknown, 0);
    if (unknown.isEmpty()) {
      return Optional.empty();
    }
    List<String> quoted = unknown.stream().map(f -> "unknown field \"" + f + "\"").toList();
    return Optional.of(String.join(", ", quoted));
  }

  private static void walk(Object value, String path, List<String> unknown, int depth) {
    if (value == null || depth > MAX_DEPTH) {
      return;
    }
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", unknown, depth + 1);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> walk(v, path + "." + k, unknown, depth + 1));
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (String field : additionalProperties(value)) {
      unknown.add(path.isEmpty() ? field : path + "." + field);
    }
    for (Class<?> c = value.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        JsonProperty property = f.getAnnotation(JsonProperty.class);
        if (property == null || Modifier.isStatic(f.getModifiers())) {
          continue;
        }
        String name = property.value().isEmpty() ? f.getName() : property.value();
        walk(read(f, value), path.isEmpty() ? name : path + "." + name, unknown, depth + 1);
      }
    }
  }

  private static List<String> additionalProperties(Object value) {
    try {
      Method m = value.getClass().getMethod("getAdditionalProperties");
      if (m.invoke(value) instanceof Map<?, ?> extra) {
        return extra.keySet().stream().map(String::valueOf).sorted().toList();
      }
    } catch (ReflectiveOperationException e) {
      // a model class without the map (enums, value types): nothing unknown to report
    }
    return List.of();
  }

  private static Object read(Field f, Object owner) {
    try {
      f.setAccessible(true);
      return f.get(owner);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
