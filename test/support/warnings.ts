/**
 * For a test that provokes process warnings on purpose (a ledger outage, a snapshot set aside): they are
 * collected for the test to assert on instead of printed, so that `npm test` prints nothing when it passes.
 */
export function collectWarnings(): { messages: string[]; stop(): void } {
  const printers = process.listeners('warning');
  process.removeAllListeners('warning');
  const messages: string[] = [];
  const collect = (warning: Error) => messages.push(warning.message);
  process.on('warning', collect);
  return {
    messages,
    stop() {
      process.off('warning', collect);
      for (const printer of printers) process.on('warning', printer);
    },
  };
}
