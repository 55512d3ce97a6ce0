import { durationText } from './duration';

/** An automatic edge as a card says it: "Auto from Staging after 30 min". */
export function autoFromText(upstreamTitle: string, after?: string) {
  const wait = durationText(after, 'short');
  return `Auto from ${upstreamTitle}${wait ? ` after ${wait}` : ''}`;
}

/**
 * An automatic edge as a sentence is read out: "promoted from Staging
 * automatically after 30 minutes".
 */
export function autoFromSentence(upstreamTitle: string, after?: string) {
  const wait = durationText(after, 'long');
  return `promoted from ${upstreamTitle} automatically${
    wait ? ` after ${wait}` : ''
  }`;
}
