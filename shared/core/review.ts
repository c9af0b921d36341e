import type { RequestReason, ReviewerRole } from './reviewers';

/** What a reviewer can decide about a case. */
export const DECISIONS = ['approve', 'reject', 'changes'] as const;
export type Decision = (typeof DECISIONS)[number];

/** One reviewer's link for one round and reminder attempt. Only the hash of its id is stored. */
export interface ReviewRequest {
  caseId: string;
  round: number;
  attempt: number;
  reviewer: string;
  /** Whether the Hub asked them as a reviewer or as a coordinator (requests stored before roles: a reviewer). */
  role?: ReviewerRole;
  /** The partner id of the organisation they work for, when configured. */
  organisation?: string;
  /** A new round, a reminder, or the escalation to the coordinators. */
  reason?: RequestReason;
  reviewIdHash: string;
  expiresAt: string;
  createdAt: string;
}

/** The one decision of a review round. */
export interface DecisionRecord {
  caseId: string;
  round: number;
  decision: Decision;
  comment?: string;
  reviewer: string;
  /** The role the decider was asked in: a coordinator's decision says so. */
  role?: ReviewerRole;
  at: string;
}

/** A case sent back for changes: the edit link (hash only) and its window. */
export interface AmendmentRecord {
  caseId: string;
  round: number;
  editTokenHash: string;
  expiresAt: string;
  /** The data version the reviewers saw; an amendment stores the next one, once. */
  baseVersion: number;
}
