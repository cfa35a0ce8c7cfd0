// Webhooks (issue 17): a project's signed deliveries of its events, with the delivery log.
import { client, unwrap } from './client';
import type { components } from './schema';

type S = components['schemas'];

export type Webhook = S['WebhookView'];
export type WebhookList = S['WebhookList'];
export type WebhookEvent = S['WebhookEvent'];
export type WebhookDelivery = S['WebhookDeliveryView'];

export const webhookKeys = {
  list: (projectId: number) => ['project', projectId, 'webhooks'] as const,
  deliveries: (webhookId: number) => ['webhook', webhookId, 'deliveries'] as const,
};

export const webhooksApi = {
  list: (projectId: number) => unwrap(client.GET('/api/projects/{projectId}/webhooks', { params: { path: { projectId } } })),
  create: (projectId: number, body: { url: string; events: WebhookEvent[] }) =>
    unwrap(client.POST('/api/projects/{projectId}/webhooks', { params: { path: { projectId } }, body })),
  update: (webhookId: number, body: { url?: string; events?: WebhookEvent[]; active?: boolean }) =>
    unwrap(client.PATCH('/api/webhooks/{webhookId}', { params: { path: { webhookId } }, body })),
  remove: (webhookId: number) => unwrap(client.DELETE('/api/webhooks/{webhookId}', { params: { path: { webhookId } } })),
  newSecret: (webhookId: number) => unwrap(client.POST('/api/webhooks/{webhookId}/secret', { params: { path: { webhookId } } })),
  ping: (webhookId: number) => unwrap(client.POST('/api/webhooks/{webhookId}/ping', { params: { path: { webhookId } } })),
  deliveries: (webhookId: number) =>
    unwrap(client.GET('/api/webhooks/{webhookId}/deliveries', { params: { path: { webhookId }, query: { limit: 50 } } })),
  redeliver: (deliveryId: number) =>
    unwrap(client.POST('/api/webhook-deliveries/{deliveryId}/redeliver', { params: { path: { deliveryId } } })),
};
