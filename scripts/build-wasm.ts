/**
 * Compiles the project's WebAssembly text (`.wat` under src/) to the `.wasm` beside each file, which is committed so
 * that installing needs no compiler; test/learn/low-pass-scan.test.ts fails when a binary is not its source's.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';

const SOURCE_ROOT = fileURLToPath(new URL('../src/', import.meta.url));

/** Every `.wat` file under src/. */
export function watFiles(): string[] {
  return readdirSync(SOURCE_ROOT, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.wat'))
    .map((file) => join(SOURCE_ROOT, file));
}

/** The binary module a `.wat` file compiles to. */
export async function compileWat(file: string): Promise<Uint8Array> {
  const module = (await wabt()).parseWat(file, readFileSync(file, 'utf8'), { simd: true });
  try {
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

export const wasmFileOf = (watFile: string): string => watFile.replace(/\.wat$/, '.wasm');

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of watFiles()) {
    writeFileSync(wasmFileOf(file), await compileWat(file));
    console.log(`wrote ${wasmFileOf(file)}`);
  }
}
