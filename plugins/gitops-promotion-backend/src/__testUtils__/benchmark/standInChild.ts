import {
  ArgoCdDevServerOptions,
  createArgoCdDevServer,
} from '@internal/argocd-dev-server';

/**
 * The child half of {@link startStandInProcess}: starts the Argo CD stand-in
 * with the options in argv[2] (JSON), reports its URL, then answers the
 * parent's calls (reconcile, requests, resetRequests, close).
 */
async function main() {
  const options = JSON.parse(process.argv[2]) as ArgoCdDevServerOptions;
  const standIn = createArgoCdDevServer(options);
  const running = await standIn.start();
  const calls: Record<string, () => unknown> = {
    reconcile: () => standIn.reconcile(),
    requests: () => standIn.requests(),
    resetRequests: () => standIn.resetRequests(),
    close: async () => {
      await running.close();
      setImmediate(() => process.exit(0));
    },
  };
  process.on('message', async (message: { id: number; call: string }) => {
    try {
      const result = await calls[message.call]();
      process.send!({ id: message.id, result });
    } catch (error) {
      process.send!({ id: message.id, error: String(error) });
    }
  });
  process.send!({ url: running.url });
}

main().catch(error => {
  process.stderr.write(`${error}\n`);
  process.exit(1);
});
