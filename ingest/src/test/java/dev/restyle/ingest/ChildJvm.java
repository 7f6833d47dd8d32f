package dev.restyle.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM running a main class of this test classpath: the same java, small
 * heap, one libtorch thread, DJL offline. Tests start such children to kill them or send them real
 * signals.
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** {@code java [options] -cp CLASSPATH MAIN ARGS...} with {@code heap} as -Xmx. */
  public static List<String> command(String heap, Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(
        List.of(
            "-Xmx" + heap,
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "--enable-native-access=ALL-UNNAMED",
            "-Djava.awt.headless=true",
            "-Dai.djl.offline=true",
            "-DOPT_OUT_TRACKING=true",
            "-Dai.djl.pytorch.num_threads=1",
            "-Dai.djl.pytorch.num_interop_threads=1",
            "-cp",
            System.getProperty("java.class.path"),
            main.getName()));
    command.addAll(List.of(args));
    return command;
  }
}
