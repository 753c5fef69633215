package io.vaultml.worker;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/**
 * The command line, on picocli: generated usage for every command ({@code --help}), {@code --version}, errors that
 * name the bad option and show the usage, and one set of exit codes: 0 done, 1 failed at run time, 2 configuration
 * or usage error.
 */
final class Cli {
    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final String EXIT_OK = "0:done";
    static final String EXIT_FAILED = "1:failed at run time";
    static final String EXIT_FAILED_DETECT = "1:a file could not be analysed (the others were)";
    static final String EXIT_USAGE = "2:configuration or usage error (one line per problem)";

    private Cli() {
    }

    /** {@code args} of one command, as a whole command line ({@code detect --fps 2 a.mp4}). */
    static String[] prepend(String command, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    /** {@code vault-ml}: the worker by default, and the other commands. */
    @Command(name = "java -jar vault-ml-worker.jar", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = "Turns recorded surveillance video into object-detection and tracking metadata. Without a "
                    + "command: the worker, configured by environment variables (see docs/configuration.md).",
            subcommands = {WorkerCommand.class, ConfigDocs.class, CommandLine.HelpCommand.class},
            exitCodeListHeading = EXIT_CODES_HEADING, exitCodeList = {EXIT_OK, EXIT_FAILED, EXIT_USAGE})
    static final class Root implements Callable<Integer> {
        @Option(names = "--once", description = "process what is there now, then stop (LOCAL mode: the files in "
                + "WATCH_DIR)")
        boolean once;

        @Override
        public Integer call() {
            return Main.runWorker(once);
        }
    }

    @Command(name = "worker", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = "Run the worker configured by environment variables (the default command).",
            exitCodeListHeading = EXIT_CODES_HEADING, exitCodeList = {EXIT_OK, EXIT_FAILED, EXIT_USAGE})
    static final class WorkerCommand implements Callable<Integer> {
        @Option(names = "--once", description = "process what is there now, then stop")
        boolean once;

        @Override
        public Integer call() {
            return Main.runWorker(once);
        }
    }

    @Command(name = "config-docs", mixinStandardHelpOptions = true, versionProvider = Versions.class,
            description = "Print the configuration reference (Markdown, docs/configuration.md).")
    static final class ConfigDocs implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(Main.configReference());
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** The project version and the native runtimes this build carries. */
    static final class Versions implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"vault-ml " + (version == null ? "(development build)" : version),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")",
                "ONNX Runtime " + onnxRuntime(), "FFmpeg " + ffmpeg()};
        }

        private static String onnxRuntime() {
            try {
                return OrtEnvironment.getEnvironment().getVersion() + ", execution providers "
                        + OrtEnvironment.getAvailableProviders();
            } catch (RuntimeException | LinkageError e) {
                return "unavailable (" + e.getClass().getSimpleName() + ")";
            }
        }

        private static String ffmpeg() {
            try {
                org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.global.avutil.class);
                return org.bytedeco.ffmpeg.global.avutil.av_version_info().getString();
            } catch (RuntimeException | LinkageError e) {
                return "unavailable (" + e.getClass().getSimpleName() + ")";
            }
        }
    }
}
