/**
 * Configuration declared once per key (name, type, default, validator, documentation, secret flag), read from
 * any {@code name -> value} source, validated as a whole and documented from the same declarations.
 *
 * <pre>{@code
 * static final ConfigKey<Integer> FRAMES = ConfigKey.integer("NUMBER_OF_PREDICTIONS")
 *         .defaultValue(5).validator(Validators.atLeast(1)).doc("Frames analysed per recording.").build();
 * static final ConfigDef DEF = new ConfigDef().define(FRAMES);
 * Config config = DEF.parse(ConfigSource.environment());   // every problem at once, in a ConfigException
 * int frames = config.get(FRAMES);
 * }</pre>
 */
package io.vaultml.api.config;
