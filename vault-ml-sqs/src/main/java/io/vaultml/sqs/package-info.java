/**
 * Amazon SQS transport (and compatible servers: ElasticMQ, LocalStack): {@link io.vaultml.sqs.SqsEventSource} and
 * {@link io.vaultml.sqs.SqsPublisher}, configured by {@link io.vaultml.sqs.SqsSettings} and the AWS SDK's standard
 * environment ({@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY},
 * {@code AWS_ENDPOINT_URL_SQS}).
 */
package io.vaultml.sqs;
