/** How far the learned state has come: what a snapshot or a popular-list refresh compares against its own mark. */
export class LearningPosition {
  /** The sequence number of the last event applied. */
  seq = 0;
  /** Model deltas applied from other replicas (a serving node that applies deltas learns no event itself). */
  deltas = 0;

  advanceTo(seq: number): void {
    if (seq > this.seq) this.seq = seq;
  }

  mark(): { seq: number; deltas: number } {
    return { seq: this.seq, deltas: this.deltas };
  }

  movedSince(mark: { seq: number; deltas: number }): boolean {
    return this.seq !== mark.seq || this.deltas !== mark.deltas;
  }
}
