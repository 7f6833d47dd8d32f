package dev.restyle.cli;

import dev.restyle.engine.network.CorruptFileException;
import dev.restyle.engine.weights.KnownWeights;
import dev.restyle.engine.weights.WeightsResolver;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code restyle weights}: the pretrained loss networks, fetched into and listed from the cache.
 */
@Command(
    name = "weights",
    description = "Fetch and list the pretrained networks the losses use.",
    subcommands = {WeightsCommand.Fetch.class, WeightsCommand.List.class})
final class WeightsCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code restyle weights fetch NAME}. */
  @Command(
      name = "fetch",
      description =
          "Get a pretrained network into the weights cache, verified by hash: inception-v3 (npm"
              + " package nsfwjs 4.4.0, converted; needs npm or --from) or vgg16 (torchvision's"
              + " download).")
  static final class Fetch implements Callable<Integer> {
    @Parameters(index = "0", description = "inception-v3 or vgg16")
    String name;

    @Option(
        names = "--from",
        description =
            "a local copy instead of the network: nsfwjs-4.4.0.tgz for inception-v3, the .pth"
                + " file for vgg16")
    Path from;

    @Override
    public Integer call() throws Exception {
      KnownWeights weights = KnownWeights.parse(name);
      System.out.println("fetching " + weights.source().description() + " ...");
      Path file = weights.fetch(from);
      System.out.println(weights.id() + ": verified and cached at " + file);
      return ExitCodes.OK;
    }
  }

  /** {@code restyle weights list}. */
  @Command(name = "list", description = "Show which pretrained networks are cached and verified.")
  static final class List implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      WeightsResolver resolver = WeightsResolver.standard();
      for (KnownWeights weights : KnownWeights.values()) {
        Path file = resolver.cached(weights.source());
        String state;
        if (file == null) {
          state =
              "not cached: "
                  + (weights.source().fetchCommand() != null
                      ? weights.source().fetchCommand()
                      : "restyle weights fetch " + weights.id());
        } else {
          try {
            weights.source().verify(file);
            state = "verified  " + file;
          } catch (CorruptFileException e) {
            state = "DAMAGED   " + file + " (delete it and fetch again)";
          }
        }
        System.out.printf("%-13s %s%n", weights.id(), state);
      }
      System.out.println(
          "(cache: "
              + String.join(
                  ", ", resolver.searchDirectories().stream().map(Path::toString).toList())
              + ")");
      return ExitCodes.OK;
    }
  }
}
