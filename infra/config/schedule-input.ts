/**
 * What EventBridge Scheduler sends each scheduled function: the schedules set this object as
 * their target's input, with Scheduler's context attributes, which it replaces on every
 * invocation. (Without an input, Scheduler delivers an undocumented "default notification";
 * an explicit input is the only shape the documentation promises.) The samples in `events/`
 * and the embedded runtime's scheduled runs have exactly these keys.
 */
export const SCHEDULE_INPUT = {
  /** The ARN of the schedule. */
  scheduleArn: '<aws.scheduler.schedule-arn>',
  /** The time the run was scheduled for, to the second, in UTC: `2026-03-02T10:01:00Z`. */
  scheduledTime: '<aws.scheduler.scheduled-time>',
  /** Scheduler's id of this invocation attempt. */
  executionId: '<aws.scheduler.execution-id>',
  /** Which attempt of this invocation this is, from "1" (a string: the attribute sits in a JSON string). */
  attemptNumber: '<aws.scheduler.attempt-number>',
} as const;

/** The event a scheduled function receives. */
export type ScheduledInvocation = { [K in keyof typeof SCHEDULE_INPUT]: string };
