import { Agent, request } from 'undici';

/**
 * What community Argo CD plugins (Red Hat's, Roadie's) do for a page of
 * cells: one `GET /api/v1/applications/{name}` per cell, `concurrency` at a
 * time, each answer read whole.
 */
export async function requestEachApplication(
  cells: Array<{ url: string; application: string }>,
  options: { token: string; concurrency: number; agent: Agent },
): Promise<void> {
  const queue = [...cells];
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let cell = queue.shift(); cell; cell = queue.shift()) {
        const response = await request(
          `${cell.url}/api/v1/applications/${cell.application}`,
          {
            headers: { authorization: `Bearer ${options.token}` },
            dispatcher: options.agent,
          },
        );
        await response.body.json();
      }
    }),
  );
}
