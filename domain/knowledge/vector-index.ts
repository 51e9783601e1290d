/**
 * Cosine similarity search over one agent's chunk vectors, in memory: FerretDB has no vector search
 * (docs/database.md), and an agent's knowledge is small enough to scan. The vectors are normalized
 * once into one row-major Float32Array, so a query is one normalization and a dot product per row,
 * with the best `k` kept in a small sorted list (no sort of every score).
 */
export interface ScoredRow {
  row: number;
  /** Cosine similarity, in [-1, 1]. */
  score: number;
}

export class VectorIndex {
  readonly rows: number;

  private constructor(
    readonly dimensions: number,
    private readonly matrix: Float32Array,
  ) {
    this.rows = matrix.length / dimensions;
  }

  /** Copies and normalizes the vectors; a zero vector stays zero and scores 0 against anything. */
  static of(dimensions: number, vectors: readonly ArrayLike<number>[]): VectorIndex {
    if (!Number.isInteger(dimensions) || dimensions < 1) throw new Error('an index needs at least one dimension');
    const matrix = new Float32Array(vectors.length * dimensions);
    vectors.forEach((vector, row) => {
      if (vector.length !== dimensions) throw new Error(`vector ${row} has ${vector.length} dimensions, not ${dimensions}`);
      const target = matrix.subarray(row * dimensions, (row + 1) * dimensions);
      target.set(vector);
      normalizeInPlace(target);
    });
    return new VectorIndex(dimensions, matrix);
  }

  /** The `k` rows most similar to `query` with a score of at least `minScore`, best first (ties: lower row first). */
  topK(query: ArrayLike<number>, k: number, minScore = -1): ScoredRow[] {
    if (query.length !== this.dimensions) throw new Error(`the query has ${query.length} dimensions, not ${this.dimensions}`);
    const q = normalizeInPlace(Float32Array.from(query));
    const best: ScoredRow[] = [];
    if (k < 1) return best;
    const dims = this.dimensions;
    const matrix = this.matrix;
    const unrolled = dims - (dims % 4);
    for (let row = 0, offset = 0; row < this.rows; row += 1, offset += dims) {
      // Four running sums: independent additions the CPU can overlap (about twice as fast as one sum).
      let a = 0;
      let b = 0;
      let c = 0;
      let d = 0;
      let i = 0;
      for (; i < unrolled; i += 4) {
        a += matrix[offset + i] * q[i];
        b += matrix[offset + i + 1] * q[i + 1];
        c += matrix[offset + i + 2] * q[i + 2];
        d += matrix[offset + i + 3] * q[i + 3];
      }
      for (; i < dims; i += 1) a += matrix[offset + i] * q[i];
      const dot = a + b + c + d;
      if (dot < minScore || (best.length === k && dot <= best[k - 1].score)) continue;
      let at = best.length;
      while (at > 0 && best[at - 1].score < dot) at -= 1;
      best.splice(at, 0, { row, score: dot });
      if (best.length > k) best.pop();
    }
    return best;
  }
}

export function normalizeInPlace(vector: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < vector.length; i += 1) sum += vector[i] * vector[i];
  if (sum === 0) return vector;
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < vector.length; i += 1) vector[i] *= scale;
  return vector;
}
