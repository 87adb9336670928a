/** A content embedding as stored: little-endian float32s, 4 bytes a dimension. */
export function embeddingToBytes(embedding: readonly number[] | undefined): Buffer | null {
  return embedding === undefined ? null : Buffer.from(new Float32Array(embedding).buffer);
}

export function embeddingFromBytes(bytes: Buffer): number[] {
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
}
