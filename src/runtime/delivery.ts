/**
 * How the relay reaches a subscriber: in-process in all-in-one mode (the consumer's receiver is called
 * directly, still through the relay and inbox, never as a shortcut), over HTTP in distributed mode.
 */
import type { Config } from '../platform/config.ts';
import type { Envelope, Subscription } from '../platform/messaging/catalogue.ts';
import type { MessageReceiver } from '../platform/messaging/receiver.ts';
import type { Deliver } from '../platform/messaging/relay.ts';
import { createServiceHttpClient } from '../platform/service-http-client.ts';
import type { ServiceName } from '../platform/service-names.ts';

export function createInProcessDelivery(
  receivers: () => Partial<Record<ServiceName, MessageReceiver>>,
): Deliver {
  return async (subscription: Subscription, messages: Envelope[]) => {
    const receiver = receivers()[subscription.service];
    if (!receiver) throw new Error(`no receiver for ${subscription.service} in this process`);
    await receiver.receive(subscription.subscriber, messages);
  };
}

export function serviceUrls(config: Config): Partial<Record<ServiceName | 'witness', string>> {
  return {
    identity: config.AUDITOR_IDENTITY_URL,
    audit: config.AUDITOR_AUDIT_URL,
    file: config.AUDITOR_FILE_URL,
    event: config.AUDITOR_EVENT_URL,
    verification: config.AUDITOR_VERIFICATION_URL,
    witness: config.AUDITOR_WITNESS_URL,
  };
}

export function createHttpDelivery(config: Config, secret: string, caller: string): Deliver {
  const urls = serviceUrls(config);
  return async (subscription, messages) => {
    const url = urls[subscription.service];
    if (!url)
      throw new Error(
        `AUDITOR_${subscription.service.toUpperCase()}_URL is not set; cannot deliver to ${subscription.subscriber}`,
      );
    await createServiceHttpClient(url, secret, caller).call(
      'POST',
      `/internal/${subscription.service}/messages/${subscription.subscriber}`,
      { messages },
    );
  };
}
