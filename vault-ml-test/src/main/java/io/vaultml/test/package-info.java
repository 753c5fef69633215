/**
 * Test kit for vault-ml and for plugin authors: fakes of every SPI, abstract contract tests
 * ({@link io.vaultml.test.DetectorContract}, {@link io.vaultml.test.EventSourceContract},
 * {@link io.vaultml.test.ForwarderContract}) that an implementation's test class extends, and
 * {@link io.vaultml.test.TestData}, which finds the shared models and recordings or skips with a visible message.
 */
package io.vaultml.test;
