/**
 * A worker thread running one of the project's TypeScript modules, asked requests and answering each by id.
 * It keeps the process alive only while a request is in flight, so an engine left unclosed never hangs an exit.
 */
import { parentPort, Worker, type TransferListItem } from 'node:worker_threads';
import { messageOf } from './thrown.ts';

type Reply<Result> = { requestId: number; result: Result } | { requestId: number; error: string };
interface Request<Body> {
  requestId: number;
  body: Body;
}

export class RequestWorker<Body, Result> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (result: Result) => void; reject: (err: Error) => void }>();
  private nextRequestId = 0;
  private stopped: Error | undefined;

  /** `what` names the worker's job in errors ("event log write"). */
  constructor(module: URL, workerData: unknown, what: string) {
    // The worker runs TypeScript too: it registers the same loader before importing its module.
    const tsx = import.meta.resolve('tsx/esm/api');
    this.worker = new Worker(`import(${JSON.stringify(tsx)}).then((t) => { t.register(); return import(${JSON.stringify(module.href)}); })`, {
      eval: true,
      workerData,
    });
    this.worker.on('message', (reply: Reply<Result>) => {
      const waiting = this.pending.get(reply.requestId);
      this.pending.delete(reply.requestId);
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in reply) waiting?.reject(new Error(`${what} failed: ${reply.error}`));
      else waiting?.resolve(reply.result);
    });
    // An error thrown on the thread may arrive as a plain object (a library's own error class is not cloned whole).
    this.worker.on('error', (err: unknown) => this.stop(err instanceof Error ? err : new Error(`the ${what} thread failed: ${JSON.stringify(err)}`)));
    this.worker.unref();
    this.worker.on('exit', () => this.stop(new Error(`the ${what} thread stopped`)));
  }

  /** The thread is gone: what was asked fails with why, and so does everything asked later. */
  private stop(err: Error): void {
    this.stopped ??= err;
    for (const { reject } of this.pending.values()) reject(this.stopped);
    this.pending.clear();
  }

  request(body: Body, transfer: readonly TransferListItem[] = []): Promise<Result> {
    if (this.stopped !== undefined) return Promise.reject(this.stopped);
    const requestId = ++this.nextRequestId;
    return new Promise<Result>((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ requestId, body } satisfies Request<Body>, transfer);
    });
  }

  /** Stops the thread at once: what was asked and not answered fails, as does anything asked later. */
  async terminate(): Promise<void> {
    if (this.stopped !== undefined) return;
    await this.worker.terminate();
  }

  /** Lets the worker finish what it was asked, then stops it. */
  async close(): Promise<void> {
    if (this.stopped !== undefined) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    this.worker.ref();
    this.worker.postMessage('close');
    await exited;
  }
}

/** The worker's side: answers each request with `handle` (a thrown error becomes the caller's rejection). */
export function answerRequests<Body, Result>(handle: (body: Body) => Result, onClose: () => void = () => {}): void {
  const port = parentPort!;
  port.on('message', (message: Request<Body> | 'close') => {
    if (message === 'close') {
      onClose();
      port.close();
      return;
    }
    let reply: Reply<Result>;
    try {
      reply = { requestId: message.requestId, result: handle(message.body) };
    } catch (err) {
      reply = { requestId: message.requestId, error: messageOf(err) };
    }
    port.postMessage(reply);
  });
}
