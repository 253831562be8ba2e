/** Webhook rules and their deliveries, for admins (history/webhooks.ts sends them). */
import type { FastifyPluginAsync } from 'fastify';
import type { ApiReply } from '../../../shared/api.js';
import { WebhookRuleInputSchema, type WebhookRuleInput } from '../../../shared/webhooks.js';
import type { WebhookRepository } from '../../store/webhooks.js';
import { ApiError } from '../errors.js';
import { operation, requestSchema } from '../openapi.js';

const ruleParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1 } },
} as const;

/** The body as a rule; zod says what is wrong (the URL's scheme, say) in words. */
function ruleOf(body: unknown): WebhookRuleInput {
  const parsed = WebhookRuleInputSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ApiError('bad_request', `${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return parsed.data;
}

export const webhookRoutes: FastifyPluginAsync<{ webhooks: WebhookRepository }> = async (
  app,
  { webhooks },
) => {
  const admin = { access: 'admin' } as const;
  const body = requestSchema(WebhookRuleInputSchema);

  app.get(
    '/api/webhooks',
    { config: admin, schema: operation('listWebhooks') },
    async (): Promise<ApiReply<'listWebhooks'>> => ({ status: 'success', data: webhooks.rules() }),
  );

  app.post(
    '/api/webhooks',
    { config: admin, schema: { ...operation('addWebhook'), body } },
    async (request): Promise<ApiReply<'addWebhook'>> => ({
      status: 'success',
      data: webhooks.addRule(ruleOf(request.body)),
    }),
  );

  app.put(
    '/api/webhooks/:id',
    { config: admin, schema: { ...operation('updateWebhook'), params: ruleParams, body } },
    async (request): Promise<ApiReply<'updateWebhook'>> => {
      const { id } = request.params as { id: number };
      if (!webhooks.updateRule(id, ruleOf(request.body)))
        throw new ApiError('not_found', `No webhook rule ${id}`);
      return { status: 'success', data: webhooks.rule(id)! };
    },
  );

  app.delete(
    '/api/webhooks/:id',
    { config: admin, schema: { ...operation('deleteWebhook'), params: ruleParams } },
    async (request): Promise<ApiReply<'deleteWebhook'>> => {
      const { id } = request.params as { id: number };
      if (!webhooks.deleteRule(id)) throw new ApiError('not_found', `No webhook rule ${id}`);
      return { status: 'success', data: { id, message: `Webhook rule ${id} deleted` } };
    },
  );

  app.get(
    '/api/webhooks/:id/deliveries',
    {
      config: admin,
      schema: { ...operation('listWebhookDeliveries'), params: ruleParams },
    },
    async (request): Promise<ApiReply<'listWebhookDeliveries'>> => {
      const { id } = request.params as { id: number };
      if (webhooks.rule(id) === undefined) throw new ApiError('not_found', `No webhook rule ${id}`);
      return { status: 'success', data: webhooks.deliveries(id, 200) };
    },
  );
};
