/**
 * Playwright starts `yarn start` and waits for the frontend; the backend comes up
 * on its own schedule, so wait for its readiness endpoint before any test signs in.
 */
export default async function waitForBackend() {
  const url = 'http://localhost:7007/.backstage/health/v1/readiness';
  const deadline = Date.now() + 300_000;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) {
        return;
      }
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = String(error);
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  throw new Error(`The backend did not become ready at ${url}: ${lastError}`);
}
