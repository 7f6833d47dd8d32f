package dev.restyle.cli;

import dev.restyle.ingest.config.PipelineConfig;
import dev.restyle.ingest.config.PipelineConfigReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code restyle run}: runs a pipeline described in a YAML file. */
@Command(
    name = "run",
    description = {
      "Run a pipeline described in a YAML file (source, sink, style, queue, reconnects, metrics;"
          + " see config/pipeline-rtsp.yaml and config/pipeline-file.yaml). Every problem in the"
          + " file is reported at once, by field.",
    })
final class RunCommand implements Callable<Integer> {
  @Parameters(index = "0", description = "pipeline config (.yaml)")
  Path file;

  @Option(names = "--check", description = "only read and check the config, then print it")
  boolean check;

  @Mixin ShutdownOption shutdown;

  @Override
  public Integer call() throws Exception {
    PipelineConfig config = new PipelineConfigReader(PipelineLauncher.endpoints()).read(file);
    if (check) {
      System.out.println(file + ": valid; " + config);
      return 0;
    }
    return PipelineLauncher.launch("run", config, shutdown.timeout());
  }
}
