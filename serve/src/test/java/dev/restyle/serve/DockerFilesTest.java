package dev.restyle.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * There is no Docker engine here, so the images cannot be built in CI; this checks what can be
 * checked without one: the Dockerfiles build the project the way its poms say (modules, profile,
 * jar and lib paths, Java version, port), and the compose file and Prometheus config agree with
 * each other and with the service.
 */
class DockerFilesTest {
  private static final Path ROOT = Path.of("..");
  private static final Path DOCKER = ROOT.resolve("docker");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void cpuImage() throws IOException {
    checkDockerfile(Files.readString(DOCKER.resolve("Dockerfile.cpu")), false);
  }

  @Test
  void cudaImage() throws IOException {
    checkDockerfile(Files.readString(DOCKER.resolve("Dockerfile.cuda")), true);
  }

  private static void checkDockerfile(String dockerfile, boolean cuda) throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"));
    String cliPom = Files.readString(ROOT.resolve("cli/pom.xml"));

    List<String> froms = lines(dockerfile, "FROM ");
    assertEquals(2, froms.size(), "a two-stage build: " + froms);
    assertTrue(froms.get(0).contains(" AS build"), froms.get(0));

    // the build stage's Maven command
    List<String> mvn = lines(dockerfile, "RUN mvn ");
    assertEquals(1, mvn.size(), mvn.toString());
    String command = mvn.getFirst();
    assertTrue(command.contains(" package"), command);
    assertTrue(command.contains("-pl cli -am"), "builds cli and what it needs: " + command);
    assertTrue(pom.contains("<module>cli</module>"), "cli is a module of the parent pom");
    assertEquals(cuda, command.contains("-Pcuda"), command);
    if (cuda) {
      assertTrue(pom.contains("<id>cuda</id>"), "the parent pom has the cuda profile");
      assertTrue(froms.get(1).contains("nvidia/cuda:12.4"), "libtorch cu124 needs CUDA 12.4");
      assertTrue(pom.contains("pytorch-native-cu124"));
    }

    // the Java the project builds with (JDK 25 per the README), at least its release level
    int release = Integer.parseInt(tag(pom, "maven.compiler.release"));
    for (String from : List.of(froms.get(0), dockerfile)) {
      Matcher m = Pattern.compile("temurin-(\\d+)|temurin:(\\d+)").matcher(from);
      assertTrue(m.find(), "a Temurin image in " + from);
      int version = Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
      assertTrue(version >= release, "Java " + version + " cannot run release " + release);
    }

    // what the runtime stage copies is what the cli module produces
    assertTrue(cliPom.contains("<finalName>restyle</finalName>"));
    assertTrue(
        cliPom.contains("<outputDirectory>${project.build.directory}/lib</outputDirectory>"));
    assertTrue(dockerfile.contains("COPY --from=build /src/cli/target/restyle.jar "), dockerfile);
    assertTrue(dockerfile.contains("COPY --from=build /src/cli/target/lib "), dockerfile);
    assertTrue(cliPom.contains("<classpathPrefix>lib/</classpathPrefix>"));
    assertTrue(
        dockerfile.contains("/opt/restyle/restyle.jar") && dockerfile.contains("/opt/restyle/lib"),
        "jar and lib/ side by side, as the manifest's class path expects");

    // the same JVM flags as ./restyle, the service's default port, offline DJL
    String launcher = Files.readString(ROOT.resolve("restyle"));
    assertTrue(launcher.contains("--enable-native-access=ALL-UNNAMED"));
    String entrypoint = lines(dockerfile, "ENTRYPOINT ").getFirst();
    assertTrue(entrypoint.contains("--enable-native-access=ALL-UNNAMED"), entrypoint);
    assertTrue(entrypoint.contains("-Dai.djl.offline=true"), entrypoint);
    assertTrue(lines(dockerfile, "CMD ").getFirst().contains("\"serve\""));
    assertEquals(
        List.of("EXPOSE " + ServeConfig.DEFAULT_PORT), lines(dockerfile, "EXPOSE "), "the port");
    assertTrue(dockerfile.contains("USER restyle"), "does not run as root");
  }

  @Test
  void composeAndPrometheus() throws IOException {
    JsonNode compose = YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
    JsonNode services = compose.path("services");
    for (String name : List.of("restyle", "kafka", "prometheus")) {
      assertTrue(services.has(name), "compose has no " + name + " service");
    }
    JsonNode restyle = services.path("restyle");
    assertEquals("docker/Dockerfile.cpu", restyle.path("build").path("dockerfile").asText());
    assertEquals("..", restyle.path("build").path("context").asText());
    assertTrue(Files.exists(DOCKER.resolve("compose.yaml").getParent().resolve("Dockerfile.cpu")));
    assertEquals(
        ServeConfig.DEFAULT_PORT + ":" + ServeConfig.DEFAULT_PORT,
        restyle.path("ports").get(0).asText());
    assertEquals(
        "docker/Dockerfile.cuda",
        services.path("restyle-gpu").path("build").path("dockerfile").asText());

    JsonNode kafka = services.path("kafka");
    assertTrue(kafka.path("image").asText().startsWith("apache/kafka:"));
    assertTrue(
        kafka.path("environment").path("KAFKA_PROCESS_ROLES").asText().contains("controller"),
        "KRaft: the broker is its own controller");

    JsonNode prometheus = services.path("prometheus");
    boolean mounted = false;
    for (JsonNode volume : prometheus.path("volumes")) {
      mounted |= volume.asText().startsWith("./prometheus.yml:/etc/prometheus/prometheus.yml");
    }
    assertTrue(mounted, "prometheus.yml is mounted");

    JsonNode scrape =
        YAML.readTree(DOCKER.resolve("prometheus.yml").toFile()).path("scrape_configs");
    List<String> targets = new ArrayList<>();
    for (JsonNode job : scrape) {
      assertEquals("/metrics", job.path("metrics_path").asText("/metrics"));
      job.path("static_configs")
          .forEach(c -> c.path("targets").forEach(t -> targets.add(t.asText())));
    }
    assertEquals(List.of("restyle:" + ServeConfig.DEFAULT_PORT), targets);
  }

  private static List<String> lines(String text, String prefix) {
    return text.lines().filter(l -> l.startsWith(prefix)).toList();
  }

  private static String tag(String xml, String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(xml);
    assertTrue(m.find(), name + " is missing");
    return m.group(1).trim();
  }
}
