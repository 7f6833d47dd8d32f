package dev.restyle.trainer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * Builds training configs in tests by naming only the fields that matter: {@code
 * TrainConfigs.from(base).set("steps", 40).build()}. The result goes through the validating
 * constructor, so an invalid combination throws as it would anywhere else.
 */
public final class TrainConfigs {
  private static final RecordComponent[] COMPONENTS = TrainConfig.class.getRecordComponents();
  private static final List<String> NAMES =
      Arrays.stream(COMPONENTS).map(RecordComponent::getName).toList();

  private final Object[] values = new Object[COMPONENTS.length];

  private TrainConfigs(TrainConfig base) {
    try {
      for (int i = 0; i < COMPONENTS.length; i++) {
        values[i] = COMPONENTS[i].getAccessor().invoke(base);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts from a copy of {@code base}. */
  public static TrainConfigs from(TrainConfig base) {
    return new TrainConfigs(base);
  }

  /** Replaces one field, named as in the record; numbers widen (an int for a double is fine). */
  public TrainConfigs set(String field, Object value) {
    int index = NAMES.indexOf(field);
    if (index < 0) {
      throw new IllegalStateException("TrainConfig has no field " + field);
    }
    values[index] = value;
    return this;
  }

  /**
   * @throws IllegalArgumentException as the constructor does for an invalid config
   */
  public TrainConfig build() {
    Class<?>[] types =
        Arrays.stream(COMPONENTS).map(RecordComponent::getType).toArray(Class<?>[]::new);
    try {
      return TrainConfig.class.getDeclaredConstructor(types).newInstance(values.clone());
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
