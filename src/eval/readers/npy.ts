import { readFileSync } from 'node:fs';
import { MoteurError } from '../../core/errors.ts';
import { requireFile } from './lines.ts';

/** A 2-D float matrix read from a NumPy .npy file, widened to float32. */
export interface NpyMatrix {
  rows: number;
  columns: number;
  values: Float32Array;
}

const MAGIC = '\x93NUMPY';

/** Reads a .npy file (format 1.x, 2.x or 3.x) holding a little-endian, C-order float16 or float32 matrix. */
export function readNpyMatrix(path: string): NpyMatrix {
  requireFile(path);
  const bytes = readFileSync(path);
  const bad = (why: string) => new MoteurError('data_file_malformed', `${path}: ${why}`, { field: 'data' });
  if (bytes.length < 10 || bytes.toString('latin1', 0, 6) !== MAGIC) throw bad('not a NumPy .npy file (bad magic string)');
  const major = bytes[6]!;
  const headerLength = major === 1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8);
  const headerStart = major === 1 ? 10 : 12;
  const header = bytes.toString('latin1', headerStart, headerStart + headerLength);
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shape === undefined) throw bad(`unreadable header ${JSON.stringify(header.trim())}`);
  if (fortran === 'True') throw bad('Fortran-order arrays are not supported (save with C order)');
  const dims = shape
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  if (dims.length !== 2 || dims.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`expected a 2-D array, shape is (${shape})`);
  const [rows, columns] = dims as [number, number];
  const count = rows * columns;
  const dataStart = headerStart + headerLength;
  const width = descr === '<f2' ? 2 : descr === '<f4' ? 4 : 0;
  if (width === 0) throw bad(`dtype ${descr} is not supported (expected little-endian float16 '<f2' or float32 '<f4')`);
  if (bytes.length - dataStart < count * width)
    throw bad(`file is truncated: shape (${rows}, ${columns}) needs ${count * width} bytes of data, found ${bytes.length - dataStart}`);
  const values = new Float32Array(count);
  for (let k = 0; k < count; k++) {
    const at = dataStart + k * width;
    values[k] = width === 2 ? float16ToNumber(bytes.readUInt16LE(at)) : bytes.readFloatLE(at);
  }
  return { rows, columns, values };
}

/** IEEE 754 half precision to a JS number, including subnormals, infinities and NaN. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
