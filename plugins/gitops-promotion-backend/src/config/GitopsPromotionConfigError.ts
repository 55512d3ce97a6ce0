/** Thrown at startup; the message names the configuration key and what is wrong with it. */
export class GitopsPromotionConfigError extends Error {
  constructor(key: string, problem: string) {
    super(`Invalid configuration at ${key}: ${problem}`);
    this.name = 'GitopsPromotionConfigError';
  }
}
