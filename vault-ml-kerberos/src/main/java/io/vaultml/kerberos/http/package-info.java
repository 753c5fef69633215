/**
 * Kerberos Vault and Hub over HTTP: {@link io.vaultml.kerberos.http.VaultMediaFetcher} downloads recordings
 * ({@code GET /storage/blob}, or a signed URL from {@code GET /storage}); the forwarders post media to a remote
 * Vault ({@code POST /storage/forward/media}), metadata to Hub ({@code POST /queue}) or a webhook, and
 * {@link io.vaultml.kerberos.http.VaultRemover} deletes the recording ({@code DELETE /storage}). Every call goes
 * through one retry policy and one circuit breaker per service ({@link io.vaultml.kerberos.http.Resilience}).
 *
 * <p>HTTP uses {@link java.net.HttpURLConnection} on purpose: it sends header values as UTF-8 bytes, as the Go
 * clients of Kerberos do, so recording keys with non-ASCII characters reach Vault intact; {@code java.net.http}
 * replaces such characters with {@code ?} or rejects them.
 */
package io.vaultml.kerberos.http;
