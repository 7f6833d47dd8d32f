package dev.restyle.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code restyle} executable. */
@Command(
    name = "restyle",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Repaints images and videos in the style of an artwork with feed-forward style networks.",
    subcommands = {
      ImageCommand.class,
      VideoCommand.class,
      StreamCommand.class,
      RunCommand.class,
      KafkaCommand.class,
      KafkaSendCommand.class,
      OptimizeCommand.class,
      TrainCommand.class,
      EvaluateCommand.class,
      StylesCommand.class,
      WeightsCommand.class,
      ServeCommand.class,
      LoadTestCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  restyle styles                                   list the styles",
      "  restyle image chicago.jpg --style mosaic -o out.jpg",
      "  restyle image me.jpg --style candy --strength 0.6 --preserve-colours -o me-candy.png",
      "  restyle video --style starry_night -o sample.mp4",
      "  restyle video clip.mp4 --style mosaic --strength 0.8 -o clip-mosaic.mp4",
      "  restyle stream rtsp://camera.local/stream1 --style starry_night --out live.m3u8",
      "  restyle run config/pipeline-rtsp.yaml",
      "  restyle kafka-send clip.mp4 --bootstrap 127.0.0.1:9092 --topic frames --stream cam1",
      "  restyle kafka --bootstrap 127.0.0.1:9092 --in frames --out stylised --style starry_night",
      "  restyle weights fetch inception-v3                 the loss network for training",
      "  restyle optimize chicago.jpg starry_night.jpg -o slow.jpg",
      "  restyle train --style wave.jpg --photos photos/ --name wave",
      "  restyle train --resume runs/wave/checkpoint.ckpt",
      "  restyle evaluate starry_night runs/starry_fast/starry_fast.rsn --sheet compare.jpg",
      "  restyle serve --port 8080",
      "  restyle loadtest --url http://127.0.0.1:8080 --concurrency 1,4,16 --requests 64 --size 512",
      "  restyle bench --quick",
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (for tests). */
  public static int run(String... args) {
    Runtime.configure();
    CommandLine cli = new CommandLine(new Main());
    // every subcommand, nested ones too (weights fetch), answers --help and --version
    withHelp(cli);
    cli.setExecutionExceptionHandler(new ErrorHandler());
    return cli.execute(args);
  }

  private static void withHelp(CommandLine command) {
    command
        .getSubcommands()
        .values()
        .forEach(
            c -> {
              c.getCommandSpec().mixinStandardHelpOptions(true);
              withHelp(c);
            });
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Prints the project version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"restyle " + (v == null ? "development build" : v)};
    }
  }
}
