/**
 * Local mode ({@code QUEUE_SYSTEM=LOCAL}): recordings from a directory, results and dead letters to JSON-lines
 * files. Needs no external service; it is what the README's first command runs.
 */
package io.vaultml.local;
