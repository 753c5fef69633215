package io.vaultml.sqs;

import io.vaultml.api.ConfigException;
import io.vaultml.api.RetriableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** Queue names or URLs, resolved once at startup. */
final class Queues {
    private Queues() {
    }

    static String url(SqsClient sqs, String nameOrUrl) {
        if (nameOrUrl.startsWith("https://") || nameOrUrl.startsWith("http://")) {
            return nameOrUrl;
        }
        try {
            return sqs.getQueueUrl(b -> b.queueName(nameOrUrl)).queueUrl();
        } catch (QueueDoesNotExistException e) {
            throw new ConfigException("SQS queue " + nameOrUrl + " does not exist");
        } catch (SqsException e) {
            if (e.statusCode() == 401 || e.statusCode() == 403) {
                throw new ConfigException("SQS refused access to queue " + nameOrUrl + ": " + e.awsErrorDetails().errorMessage());
            }
            throw new RetriableException("SQS lookup of queue " + nameOrUrl + " failed: " + e.getMessage(), e);
        } catch (SdkClientException e) {
            throw new ConfigException("SQS is not reachable for queue " + nameOrUrl + ": " + e.getMessage());
        }
    }

    static boolean isFifo(String url) {
        return url.endsWith(".fifo");
    }
}
