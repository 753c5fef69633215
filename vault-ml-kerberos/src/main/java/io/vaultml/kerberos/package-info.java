/**
 * Kerberos Vault and Hub wire formats. {@link io.vaultml.kerberos.KerberosEvents} parses the event a Vault
 * integration publishes (a JSON object, or an array of them), keeping every field;
 * {@link io.vaultml.kerberos.KerberosResults} writes a result as the inbound event plus the fields we add,
 * in the legacy vault-ml {@code classification} format or the Hub {@code classify} format.
 */
package io.vaultml.kerberos;
