import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid } from '../../core/errors.ts';
import type { AccessControl } from '../../app/access.ts';
import type { Ledger } from '../../trust/ledger/ledger.ts';
import { LEDGER } from '../../trust/policy/vocabulary.ts';
import { TextAnswer } from './shared.ts';

const MAX_PAGE = 1000;
const b64 = (hashes: Buffer[]) => hashes.map((h) => h.toString('base64'));
const Whole = Type.Integer({ minimum: 0 });
const Hashes = Type.Array(Type.String({ description: 'base64' }));

const Entries = Type.Object({
  entries: Type.Array(
    Type.Object({
      index: Type.Integer(),
      // As recorded, every field in its order: an auditor hashes it to check it against the tree.
      entry: Type.Unknown({ description: 'the ledger entry as recorded (an access decision, an administrative action...)' }),
    }),
  ),
});

/** The auditor's view: signed checkpoints, entries and proofs, enough to verify the log with only its public key. */
export function registerLedgerRoutes(app: FastifyInstance, ledger: Ledger, access: AccessControl): void {
  const preHandler = async (request: FastifyRequest) => {
    access.check(request.principal, 'readLedger', LEDGER, 'audit');
  };
  app.get(
    '/v1/ledger/checkpoint',
    {
      preHandler,
      schema: {
        summary: 'The signed C2SP checkpoint of the audit ledger (text)',
        response: { 200: TextAnswer('origin, tree size, root hash and signature lines') },
      },
    },
    async (_request, reply) => {
      void reply.type('text/plain; charset=utf-8');
      return ledger.checkpoint();
    },
  );
  app.get(
    '/v1/ledger/key',
    {
      preHandler,
      schema: {
        summary: "The ledger's verifier key as this server states it (C2SP: origin+keyid+base64 key); an auditor compares it with the one they hold",
        response: { 200: TextAnswer('the verifier key') },
      },
    },
    async (_request, reply) => {
      void reply.type('text/plain; charset=utf-8');
      return ledger.verifierKey();
    },
  );
  app.get<{ Querystring: { start: number; end: number } }>(
    '/v1/ledger/entries',
    {
      preHandler,
      schema: {
        summary: `Ledger entries [start, end), at most ${MAX_PAGE}`,
        querystring: Type.Object({ start: Whole, end: Whole }),
        response: { 200: Entries },
      },
    },
    async (request) => {
      const { start, end } = request.query;
      const size = await ledger.size();
      if (end < start || end - start > MAX_PAGE || end > size) {
        throw invalid('end', `must be from start to start + ${MAX_PAGE} and at most the ledger's size ${size}`);
      }
      return { entries: await ledger.entries(start, end) };
    },
  );
  app.get<{ Querystring: { index: number; size: number } }>(
    '/v1/ledger/proofs/inclusion',
    {
      preHandler,
      schema: {
        summary: 'RFC 9162 inclusion proof of entry `index` in the tree of `size` entries',
        querystring: Type.Object({ index: Whole, size: Whole }),
        response: { 200: Type.Object({ index: Type.Integer(), size: Type.Integer(), root: Type.String({ description: 'base64' }), proof: Hashes }) },
      },
    },
    async (request) => {
      const { index, size } = request.query;
      const proof = await ledger.inclusionProof(index, size);
      return { index, size, root: (await ledger.root(size)).toString('base64'), proof: b64(proof) };
    },
  );
  app.get<{ Querystring: { from: number; to: number } }>(
    '/v1/ledger/proofs/consistency',
    {
      preHandler,
      schema: {
        summary: 'RFC 9162 consistency proof between two tree sizes',
        querystring: Type.Object({ from: Whole, to: Whole }),
        response: { 200: Type.Object({ from: Type.Integer(), to: Type.Integer(), proof: Hashes }) },
      },
    },
    async (request) => {
      const { from, to } = request.query;
      return { from, to, proof: b64(await ledger.consistencyProof(from, to)) };
    },
  );
}
