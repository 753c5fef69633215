package io.vaultml.local;

import io.vaultml.api.config.ConfigDef;
import io.vaultml.api.config.ConfigKey;
import java.time.Duration;

/** The settings of {@code QUEUE_SYSTEM=LOCAL}. */
public final class LocalSettings {
    public static final String GROUP = "Local mode (QUEUE_SYSTEM=LOCAL)";

    public static final ConfigKey<String> WATCH_DIR = ConfigKey.string("WATCH_DIR").defaultValue("recordings")
            .group(GROUP).doc("Directory watched for recordings (.mp4), as a Kerberos Agent writes them at the edge; "
                    + "sub-directories included. Each file is processed once.").build();
    public static final ConfigKey<String> STATE_DIR = ConfigKey.string("STATE_DIR").defaultValue("vault-ml-state")
            .group(GROUP).doc("Where the worker remembers processed recordings across restarts (processed.txt: "
                    + "delete it to process them again) and writes dead letters; relative to the working directory "
                    + "(a checkout's .gitignore lists vault-ml-state/).").build();
    public static final ConfigKey<String> RESULTS_FILE = ConfigKey.string("RESULTS_FILE").defaultValue("-")
            .group(GROUP).doc("JSON-lines file results are appended to; - for standard output (logs go to "
                    + "standard error).").build();
    public static final ConfigKey<Duration> WATCH_INTERVAL = ConfigKey.duration("WATCH_INTERVAL")
            .defaultValue(Duration.ofSeconds(2)).group(GROUP)
            .doc("How often the directory is scanned. A file is taken once its size stayed the same for one "
                    + "interval (the agent finished writing it).").build();
    public static final ConfigKey<Boolean> RUN_ONCE = ConfigKey.bool("RUN_ONCE").defaultValue(false).group(GROUP)
            .doc("Process the recordings present at startup, then exit (0 when every one has a result or a "
                    + "dead letter).").build();

    public static final ConfigDef CONFIG = new ConfigDef().define(WATCH_DIR, STATE_DIR, RESULTS_FILE, WATCH_INTERVAL,
            RUN_ONCE).frozen();

    private LocalSettings() {
    }
}
