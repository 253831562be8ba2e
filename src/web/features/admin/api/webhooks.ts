/** Webhook rules (read once, read again after each change) and a rule's deliveries. */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { WebhookRule, WebhookRuleInput } from '../../../../shared/webhooks.js';
import { call, callForReply } from '../../../lib/api.js';

export const webhooksQuery = queryOptions({
  queryKey: ['admin', 'webhooks'],
  queryFn: ({ signal }) => call('listWebhooks', { signal }),
  staleTime: Infinity,
});

/** A rule's deliveries: read when its row is opened, and again each time it is. */
export const deliveriesQuery = (ruleId: number) =>
  queryOptions({
    queryKey: ['admin', 'webhooks', ruleId, 'deliveries'],
    queryFn: ({ signal }) =>
      call('listWebhookDeliveries', { params: { id: String(ruleId) }, signal }),
    staleTime: 0,
  });

export const useWebhooks = () => useQuery(webhooksQuery);

function useRuleChange<A, R>(run: (args: A) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: webhooksQuery.queryKey }),
  });
}

export const useAddWebhook = () =>
  useRuleChange((body: WebhookRuleInput) => callForReply('addWebhook', { body }));

/** The rule as it was, with `changes` made: the server takes a whole rule. */
export const useUpdateWebhook = () =>
  useRuleChange(({ rule, changes }: { rule: WebhookRule; changes: Partial<WebhookRuleInput> }) =>
    callForReply('updateWebhook', {
      params: { id: String(rule.id) },
      body: { ...inputOf(rule), ...changes },
    }),
  );

function inputOf(rule: WebhookRule): WebhookRuleInput {
  const { name, url, format, reasons, pattern, cooldown_s, enabled } = rule;
  return { name, url, format, reasons, pattern, cooldown_s, enabled };
}

export const useDeleteWebhook = () =>
  useRuleChange((id: number) => callForReply('deleteWebhook', { params: { id: String(id) } }));
