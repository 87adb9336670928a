import { messageOf } from './thrown.ts';
import { warn } from './warnings.ts';

/**
 * Runs `attempt` until it succeeds, waiting 50 ms, 100 ms, ... up to 2 s between tries, for work that must not
 * be dropped (a stored event to learn, a model delta every replica needs). Each failure is reported as a
 * warning naming `what`; once `stopped()` says so, the last failure is thrown instead of retried.
 */
export async function untilDone<T>(what: string, attempt: () => Promise<T>, stopped: () => boolean): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (err) {
      if (stopped()) throw err;
      warn('retrying', `${what} failed (${messageOf(err)}); retrying`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(50 * 2 ** tries, 2000)));
    }
  }
}
