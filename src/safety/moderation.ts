/**
 * The moderation state: each video's open case (its reports since the last human decision), the review
 * queue ordered by risk, the automated reach freeze, moderators' decisions and creators' appeals, and the
 * restrictions the feed reads (one map lookup per candidate; only restricted videos are in it).
 */
import { randomBytes } from 'node:crypto';
import { MoteurError } from '../core/errors.ts';
import type { SafetyConfig } from './config.ts';
import { FreezeThreshold } from './freeze-threshold.ts';
import type { PriorSignal } from './prior-risk.ts';
import type { Appeal, Decision, SafetyStore, StoredReport } from './safety-store.ts';
import {
  CATEGORY_SEVERITY,
  REASON_CATEGORY,
  REASON_SEVERITY,
  type DecisionAction,
  type DecisionCategory,
  type ModeratorAction,
  type ReportReason,
} from './vocabulary.ts';

/** What the feed must respect about a video; absent for a video nobody restricted. */
export interface Restriction {
  /** Reach frozen by the report rate: no new audience but followers, until a moderator decides. */
  frozen: boolean;
  /** Reachable by followers and by link, never recommended. */
  notForYou: boolean;
  /** Never shown to people under 18. */
  ageRestricted: boolean;
  /** Shown with this label, never amplified (no exploration or trending). */
  label: string | null;
}

export interface DecisionInput {
  videoId: string;
  action: ModeratorAction;
  category: DecisionCategory;
  ground: 'illegal' | 'incompatible';
  legalGround?: string;
  explanation: string;
  label?: string;
  /** Sensitive topics the moderator sets on the video (replacing those it had). */
  sensitiveTopics?: string[];
}

export interface QueueItem {
  videoId: string;
  /** Σ report weight × reporter reliability × reason severity, times (1 + log10(1 + reach)). */
  risk: number;
  reports: number;
  /** The reports as counted after the integrity checks. */
  weightedReports: number;
  byReason: Partial<Record<ReportReason, number>>;
  reach: number;
  frozen: boolean;
  /** Why some reports count for less (accounts under an hour old, bursts from one account). */
  integrity: string[];
  /** Held before any report, on what earlier removals say (src/safety/prior-risk.ts): why. */
  held?: string;
  /** An appeal reopened the case: another moderator than the one who decided must decide it. */
  appeal?: { id: string; decisionId: string; action: DecisionAction; decidedBy: string };
}

const RESTRICTIVE: ReadonlySet<DecisionAction> = new Set(['remove', 'not_for_you', 'age_restrict', 'label', 'freeze']);
export const restricts = (action: DecisionAction): boolean => RESTRICTIVE.has(action);

/** The name automated decisions are recorded under. */
export const AUTOMATED_MODERATOR = 'moteur-safety';

const newId = (prefix: string, ts: number) => `${prefix}-${ts.toString(36)}-${randomBytes(5).toString('hex')}`;

export class Moderation {
  private readonly restrictions = new Map<string, Restriction>();
  private readonly topics: Map<string, string[]>;
  private readonly reach = new Map<string, number>();
  /** Each video's reports since its last human decision. */
  private readonly pending = new Map<string, StoredReport[]>();
  private readonly reporters = new Map<string, { upheld: number; decided: number }>();
  private readonly lastDecision = new Map<string, Decision>();
  private readonly openAppeals = new Map<string, Appeal>();
  /** Videos held before any report, until a moderator decides: the hold, for the queue. */
  private readonly held = new Map<string, Decision>();
  /** Videos a moderator has decided on: never held again on prior evidence. */
  private readonly reviewed = new Set<string>();
  /** Likes each video got from new accounts or bursts (shown in its case, to weigh a wave of likes against its reports). */
  private readonly discountedLikes = new Map<string, number>();
  private readonly threshold: FreezeThreshold;

  constructor(
    private readonly store: SafetyStore,
    private readonly config: SafetyConfig,
  ) {
    this.threshold = new FreezeThreshold(config.freeze);
    this.topics = store.topics();
    const reports = store.reports();
    const decisions = store.decisions();
    // Replayed in time order, so each decision settles the reports that came before it.
    for (let r = 0, d = 0; r < reports.length || d < decisions.length; ) {
      if (d >= decisions.length || (r < reports.length && reports[r]!.ts <= decisions[d]!.ts)) this.addPending(reports[r++]!);
      else this.apply(decisions[d++]!);
    }
    for (const appeal of store.appeals()) if (appeal.status === 'open') this.openAppeals.set(appeal.videoId, appeal);
  }

  // ---- what the feed reads

  restrictionOf(videoId: string): Restriction | undefined {
    return this.restrictions.get(videoId);
  }

  topicsOf(videoId: string): readonly string[] | undefined {
    return this.topics.get(videoId);
  }

  setTopics(videoId: string, topics: readonly string[]): void {
    const unique = [...new Set(topics)];
    if (unique.length === 0 && !this.topics.has(videoId)) return;
    this.store.setTopics(videoId, unique);
    if (unique.length === 0) this.topics.delete(videoId);
    else this.topics.set(videoId, unique);
  }

  served(videoId: string): void {
    this.reach.set(videoId, (this.reach.get(videoId) ?? 0) + 1);
    this.threshold.served();
  }

  likeDiscounted(videoId: string): void {
    this.discountedLikes.set(videoId, (this.discountedLikes.get(videoId) ?? 0) + 1);
  }

  reachOf(videoId: string): number {
    return this.reach.get(videoId) ?? 0;
  }

  // ---- reports

  /** Takes a report in; returns the automated freeze it triggered, if the video's report rate crossed the threshold, or false for a report known already. */
  report(report: StoredReport): Decision | undefined | false {
    if (!this.store.addReport(report)) return false;
    this.addPending(report);
    if (!this.config.enabled) return undefined;
    const restriction = this.restrictions.get(report.videoId);
    if (restriction?.frozen === true || restriction?.notForYou === true) return undefined;
    const weighted = this.weightedReports(report.videoId);
    const reach = this.reachOf(report.videoId);
    const needed = this.threshold.reportsToFreeze(reach);
    if (weighted < needed) return undefined;
    const reasons = this.byReason(report.videoId);
    const top = (Object.entries(reasons) as [ReportReason, number][]).sort((a, b) => b[1] - a[1])[0]![0];
    return this.record({
      id: newId('dec', report.ts),
      videoId: report.videoId,
      action: 'freeze',
      category: REASON_CATEGORY[top],
      ground: 'incompatible',
      legalGround: null,
      explanation:
        `Reach frozen automatically until a moderator reviews the video: ${weighted.toFixed(2)} weighted reports ` +
        `(mostly ${top.replace('_', ' ')}) in ${reach} servings, at or past the ${needed.toFixed(2)} weighted reports that freeze a video of that reach.`,
      label: null,
      decidedBy: 'automated',
      moderator: AUTOMATED_MODERATOR,
      source: 'notice',
      appealId: null,
      ts: report.ts,
      reach,
    });
  }

  /**
   * Holds a video nobody reported on prior evidence (its creator's removals, its resemblance to removed videos):
   * its reach is frozen until a moderator decides, an automated decision on the platform's own initiative.
   * Undefined when the video was reviewed already or is restricted.
   */
  hold(videoId: string, signal: PriorSignal, ts: number): Decision | undefined {
    if (!this.config.enabled || this.reviewed.has(videoId) || this.restrictions.has(videoId)) return undefined;
    return this.record({
      id: newId('dec', ts),
      videoId,
      action: 'freeze',
      category: signal.category,
      ground: 'incompatible',
      legalGround: null,
      explanation: signal.explanation,
      label: null,
      decidedBy: 'automated',
      moderator: AUTOMATED_MODERATOR,
      source: 'own_initiative',
      appealId: null,
      ts,
      reach: this.reachOf(videoId),
    });
  }

  private addPending(report: StoredReport): void {
    this.threshold.reported(report.weight);
    const list = this.pending.get(report.videoId) ?? [];
    list.push(report);
    this.pending.set(report.videoId, list);
  }

  private weightedReports(videoId: string): number {
    return (this.pending.get(videoId) ?? []).reduce((sum, r) => sum + r.weight, 0);
  }

  private byReason(videoId: string): Partial<Record<ReportReason, number>> {
    const counts: Partial<Record<ReportReason, number>> = {};
    for (const r of this.pending.get(videoId) ?? []) counts[r.reason] = (counts[r.reason] ?? 0) + r.weight;
    return counts;
  }

  /** A reporter's track record: (upheld + 1) / (decided + 2), so a first report counts one half. */
  reliabilityOf(reporter: string): number {
    const record = this.reporters.get(reporter);
    return ((record?.upheld ?? 0) + 1) / ((record?.decided ?? 0) + 2);
  }

  // ---- the queue

  /** Every open case, riskiest first: videos with reports since their last human decision, and appealed decisions. */
  queue(limit: number): QueueItem[] {
    const videos = new Set([...this.pending.keys(), ...this.openAppeals.keys(), ...this.held.keys()]);
    const items = [...videos].map((videoId) => this.caseOf(videoId));
    return items.sort((a, b) => b.risk - a.risk || a.videoId.localeCompare(b.videoId)).slice(0, limit);
  }

  private caseOf(videoId: string): QueueItem {
    const reports = this.pending.get(videoId) ?? [];
    const reach = this.reachOf(videoId);
    let signal = 0;
    const discounted = { new_account: 0, burst: 0 };
    for (const r of reports) {
      signal += r.weight * this.reliabilityOf(r.reporter) * REASON_SEVERITY[r.reason];
      if (r.discounted !== null) discounted[r.discounted]++;
    }
    const integrity: string[] = [];
    const share = (this.config.integrity.discount * 100).toFixed(0);
    if (discounted.new_account > 0) integrity.push(`${discounted.new_account} report(s) from accounts under an hour old, each counted at ${share} %`);
    if (discounted.burst > 0) integrity.push(`${discounted.burst} report(s) sent in a burst by one account, each counted at ${share} %`);
    const hold = this.held.get(videoId);
    // A hold weighs as one first report of its category's severity.
    if (hold !== undefined) signal += 0.5 * CATEGORY_SEVERITY[hold.category];
    const likes = this.discountedLikes.get(videoId) ?? 0;
    if (likes > 0) integrity.push(`${likes} like(s) from accounts under an hour old or sent in bursts`);
    const item: QueueItem = {
      videoId,
      risk: Number((signal * (1 + Math.log10(1 + reach))).toFixed(4)),
      reports: reports.length,
      weightedReports: Number(this.weightedReports(videoId).toFixed(4)),
      byReason: this.byReason(videoId),
      reach,
      frozen: this.restrictions.get(videoId)?.frozen === true,
      integrity,
    };
    if (hold !== undefined) item.held = hold.explanation;
    const appeal = this.openAppeals.get(videoId);
    if (appeal !== undefined) {
      const appealed = this.store.decision(appeal.decisionId)!;
      item.appeal = { id: appeal.id, decisionId: appealed.id, action: appealed.action, decidedBy: appealed.moderator };
      // An appealed case comes before reports of the same weight: someone is waiting for an answer.
      item.risk = Math.max(item.risk, 1);
    }
    return item;
  }

  // ---- decisions and appeals

  /** A moderator's decision, applied and stored; an appealed case must be decided by another moderator. */
  decide(input: DecisionInput, moderator: string, ts: number): Decision {
    const appeal = this.openAppeals.get(input.videoId);
    if (appeal !== undefined) {
      const appealed = this.store.decision(appeal.decisionId)!;
      if (appealed.moderator === moderator) {
        throw new MoteurError(
          'same_moderator',
          `the decision ${appealed.id} under appeal was taken by ${moderator}: another moderator must decide the appeal`,
          { field: 'videoId' },
        );
      }
    }
    const decision = this.record({
      id: newId('dec', ts),
      videoId: input.videoId,
      action: input.action,
      category: input.category,
      ground: input.ground,
      legalGround: input.ground === 'illegal' ? (input.legalGround ?? null) : null,
      explanation: input.explanation,
      label: input.action === 'label' ? (input.label ?? 'unverified') : null,
      decidedBy: 'human',
      moderator,
      source: (this.pending.get(input.videoId)?.length ?? 0) > 0 ? 'notice' : 'own_initiative',
      appealId: appeal?.id ?? null,
      ts,
      reach: this.reachOf(input.videoId),
    });
    this.settleAppeal(decision);
    return decision;
  }

  /** A decision on an appealed case answers the appeal: upheld when it repeats the appealed action, else reversed. */
  private settleAppeal(decision: Decision): void {
    const appeal = this.openAppeals.get(decision.videoId);
    if (appeal === undefined || decision.appealId !== appeal.id) return;
    const appealed = this.store.decision(appeal.decisionId)!;
    this.store.resolveAppeal(appeal.id, decision.action === appealed.action ? 'upheld' : 'reversed', decision.id);
    this.openAppeals.delete(decision.videoId);
  }

  // ---- what other serving nodes of a cluster took in or decided (src/cluster/moderation-stream.ts)

  /** A report another node took in and judged (its weight, and any freeze, came from there); false if known. */
  adoptReport(report: StoredReport): boolean {
    if (!this.store.addReport(report)) return false;
    this.addPending(report);
    return true;
  }

  /** A decision made through another node, applied as it was made there (its id too); false if known. */
  adoptDecision(decision: Decision): boolean {
    if (this.store.decision(decision.id) !== undefined) return false;
    this.record(decision);
    this.settleAppeal(decision);
    return true;
  }

  /** An appeal sent through another node: the case reopens here too; false if known. */
  adoptAppeal(appeal: Appeal): boolean {
    if (this.store.appeal(appeal.id) !== undefined) return false;
    this.store.addAppeal(appeal);
    if (appeal.status === 'open') this.openAppeals.set(appeal.videoId, appeal);
    return true;
  }

  /** A creator's appeal of a restricting decision: the case reopens in the queue for another moderator. */
  appeal(decisionId: string, explanation: string, ts: number): Appeal {
    const decision = this.store.decision(decisionId);
    if (decision === undefined) throw new MoteurError('not_found', `decision '${decisionId}' does not exist`, { field: 'decisionId' });
    if (!restricts(decision.action))
      throw new MoteurError('not_appealable', `decision ${decisionId} restores the video: there is nothing to appeal`, { field: 'decisionId' });
    if (!this.inForce(decision)) {
      throw new MoteurError('not_appealable', `decision ${decisionId} is no longer in force: a later decision replaced it`, { field: 'decisionId' });
    }
    if (this.openAppeals.has(decision.videoId))
      throw new MoteurError('appeal_open', `an appeal of video ${decision.videoId} is already waiting for a moderator`, { field: 'decisionId' });
    const appeal: Appeal = { id: newId('apl', ts), decisionId, videoId: decision.videoId, explanation, ts, status: 'open', resolvedBy: null };
    this.store.addAppeal(appeal);
    this.openAppeals.set(decision.videoId, appeal);
    return appeal;
  }

  decision(id: string): Decision | undefined {
    return this.store.decision(id);
  }

  /** Whether no later decision about the video replaced this one. */
  inForce(decision: Decision): boolean {
    return this.lastDecision.get(decision.videoId)?.id === decision.id;
  }

  underAppeal(videoId: string): boolean {
    return this.openAppeals.has(videoId);
  }

  /** Videos whose decision in force is a removal, with its category: what prior detection learns from. */
  removalsInForce(): { videoId: string; category: DecisionCategory }[] {
    return [...this.lastDecision.values()].filter((d) => d.action === 'remove').map((d) => ({ videoId: d.videoId, category: d.category }));
  }

  decisions(from?: number, to?: number): Decision[] {
    return this.store.decisions(from, to);
  }

  appeals(): Appeal[] {
    return this.store.appeals();
  }

  reports(): StoredReport[] {
    return this.store.reports();
  }

  private record(decision: Decision): Decision {
    this.store.addDecision(decision);
    this.apply(decision);
    return decision;
  }

  /** A decision's effect on the state the feed reads; a human decision also closes the case and scores its reporters. */
  private apply(decision: Decision): void {
    this.lastDecision.set(decision.videoId, decision);
    const restriction: Restriction = { ...(this.restrictions.get(decision.videoId) ?? { frozen: false, notForYou: false, ageRestricted: false, label: null }) };
    if (decision.action === 'freeze' && decision.source === 'own_initiative') this.held.set(decision.videoId, decision);
    if (decision.decidedBy === 'human') {
      restriction.frozen = false;
      this.held.delete(decision.videoId);
      this.reviewed.add(decision.videoId);
      for (const r of this.pending.get(decision.videoId) ?? []) {
        const record = this.reporters.get(r.reporter) ?? { upheld: 0, decided: 0 };
        record.decided++;
        if (restricts(decision.action)) record.upheld++;
        this.reporters.set(r.reporter, record);
      }
      this.pending.delete(decision.videoId);
    }
    switch (decision.action) {
      case 'freeze':
        restriction.frozen = true;
        break;
      case 'not_for_you':
        restriction.notForYou = true;
        break;
      case 'age_restrict':
        restriction.ageRestricted = true;
        break;
      case 'label':
        restriction.label = decision.label;
        break;
      case 'restore':
        Object.assign(restriction, { frozen: false, notForYou: false, ageRestricted: false, label: null });
        break;
      case 'remove':
        break;
    }
    const any = restriction.frozen || restriction.notForYou || restriction.ageRestricted || restriction.label !== null;
    if (any) this.restrictions.set(decision.videoId, restriction);
    else this.restrictions.delete(decision.videoId);
  }

  close(): void {
    this.store.close();
  }
}
