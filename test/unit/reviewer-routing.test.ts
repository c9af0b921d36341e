import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStageConfig, stageConfig } from '../../infra/config';
import { LOCAL_PARTNERS } from '../../infra/config/partners';
import { parseConfig } from '../../shared/config';
import { CLINICAL_AREAS } from '../../shared/core/case';
import { parseReviewerText, reviewerText, routeReview, type Reviewer, type ReviewerDirectory } from '../../shared/core/reviewers';

const PARTNERS = ['humanitas', 'maugeri', 'ieo', 'kos'] as const;

const anna: Reviewer = { email: 'anna.bianchi@hub.example.org', organisation: 'humanitas', areas: ['cardiology'] };
const luca: Reviewer = { email: 'luca.verdi@hub.example.org', organisation: 'maugeri', areas: ['cardiology', 'oncology'] };
const sara: Reviewer = { email: 'sara.neri@hub.example.org', areas: ['oncology'] };
const paolo: Reviewer = { email: 'paolo.rossi@hub.example.org' };
const coordinatorOfHumanitas: Reviewer = { email: 'giulia.coordina@hub.example.org', organisation: 'humanitas' };
const hubCoordinator: Reviewer = { email: 'coordinamento@hub.example.org' };

const emailsOf = (list: { email: string }[]) => list.map((r) => r.email);

describe('routeReview', () => {
  const directory: ReviewerDirectory = { reviewers: [anna, luca, sara, paolo], coordinators: [coordinatorOfHumanitas, hubCoordinator] };

  it('sends a case to the reviewers of its clinical areas and to those who cover every area, in the configured order', () => {
    expect(emailsOf(routeReview(directory, { partner: 'ieo', clinicalAreas: ['cardiology'] }, 'review'))).toEqual([anna.email, luca.email, paolo.email]);
    expect(emailsOf(routeReview(directory, { partner: 'ieo', clinicalAreas: ['oncology', 'neurology'] }, 'review'))).toEqual([luca.email, sara.email, paolo.email]);
  });

  it('never sends a case to a reviewer of the submitting organisation, nor in a reminder', () => {
    for (const reason of ['review', 'reminder'] as const) {
      expect(emailsOf(routeReview(directory, { partner: 'humanitas', clinicalAreas: ['cardiology'] }, reason))).toEqual([luca.email, paolo.email]);
    }
  });

  it('says in what role and for which organisation each person is asked', () => {
    expect(routeReview(directory, { partner: 'ieo', clinicalAreas: ['cardiology'] }, 'review')[0]).toEqual({ email: anna.email, role: 'reviewer', organisation: 'humanitas' });
    expect(routeReview(directory, { partner: 'ieo', clinicalAreas: ['cardiology'] }, 'escalation')[1]).toEqual({ email: hubCoordinator.email, role: 'coordinator' });
  });

  it('falls back on the coordinators when no reviewer is left, leaving out those of the submitting organisation', () => {
    const onlyAnna: ReviewerDirectory = { reviewers: [anna], coordinators: [coordinatorOfHumanitas, hubCoordinator] };
    expect(routeReview(onlyAnna, { partner: 'humanitas', clinicalAreas: ['cardiology'] }, 'review')).toEqual([{ email: hubCoordinator.email, role: 'coordinator' }]);
    expect(routeReview(onlyAnna, { partner: 'ieo', clinicalAreas: ['geriatrics'] }, 'review').map((r) => r.role)).toEqual(['coordinator', 'coordinator']);
  });

  it('escalates to the coordinators alone, never one of the submitting organisation', () => {
    expect(emailsOf(routeReview(directory, { partner: 'humanitas', clinicalAreas: ['cardiology'] }, 'escalation'))).toEqual([hubCoordinator.email]);
    expect(routeReview({ reviewers: [anna], coordinators: [coordinatorOfHumanitas] }, { partner: 'humanitas', clinicalAreas: ['cardiology'] }, 'escalation')).toEqual([]);
  });

  it('counts a person listed twice as of the organisation either entry names, and asks them once', () => {
    const twice: ReviewerDirectory = { reviewers: [{ email: 'Giulia.Coordina@hub.example.org' }, paolo], coordinators: [coordinatorOfHumanitas, hubCoordinator] };
    expect(emailsOf(routeReview(twice, { partner: 'humanitas', clinicalAreas: ['oncology'] }, 'review'))).toEqual([paolo.email]);
    expect(emailsOf(routeReview({ reviewers: [paolo, { email: 'PAOLO.rossi@hub.example.org' }], coordinators: [] }, { partner: 'ieo', clinicalAreas: ['oncology'] }, 'review'))).toEqual([paolo.email]);
  });

  const reviewer = fc.record(
    {
      email: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f', 'g').map((name) => `${name}@hub.example.org`),
      organisation: fc.constantFrom(...PARTNERS),
      areas: fc.uniqueArray(fc.constantFrom(...CLINICAL_AREAS), { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: ['email'] },
  );
  const directories = fc.record({ reviewers: fc.array(reviewer, { maxLength: 6 }), coordinators: fc.array(reviewer, { maxLength: 3 }) });
  const cases = fc.record({ partner: fc.constantFrom(...PARTNERS), clinicalAreas: fc.uniqueArray(fc.constantFrom(...CLINICAL_AREAS), { minLength: 1, maxLength: 3 }) });
  const reasons = fc.constantFrom('review' as const, 'reminder' as const, 'escalation' as const);

  it('property: never asks anyone any entry ties to the submitting organisation', () => {
    fc.assert(
      fc.property(directories, cases, reasons, (dir, kase, reason) => {
        const own = new Set([...dir.reviewers, ...dir.coordinators].filter((r) => r.organisation === kase.partner).map((r) => r.email.toLowerCase()));
        for (const asked of routeReview(dir, kase, reason)) expect(own.has(asked.email.toLowerCase())).toBe(false);
      }),
    );
  });

  it('property: every reviewer asked covers one of the case’s areas, and each person is asked once', () => {
    fc.assert(
      fc.property(directories, cases, reasons, (dir, kase, reason) => {
        const asked = routeReview(dir, kase, reason);
        expect(new Set(asked.map((a) => a.email.toLowerCase())).size).toBe(asked.length);
        for (const person of asked.filter((a) => a.role === 'reviewer')) {
          const entries = dir.reviewers.filter((r) => r.email === person.email);
          expect(entries.some((r) => !r.areas || r.areas.some((area) => kase.clinicalAreas.includes(area)))).toBe(true);
        }
      }),
    );
  });

  it('property: coordinators are asked exactly when the case escalates or no reviewer is left, and then alone', () => {
    fc.assert(
      fc.property(directories, cases, reasons, (dir, kase, reason) => {
        const asked = routeReview(dir, kase, reason);
        const roles = new Set(asked.map((a) => a.role));
        expect(roles.size).toBeLessThanOrEqual(1);
        const own = new Set([...dir.reviewers, ...dir.coordinators].filter((r) => r.organisation === kase.partner).map((r) => r.email.toLowerCase()));
        const reviewersLeft = dir.reviewers.some(
          (r) => !own.has(r.email.toLowerCase()) && (!r.areas || r.areas.some((area) => kase.clinicalAreas.includes(area))),
        );
        if (reason === 'escalation' || !reviewersLeft) expect(asked.every((a) => a.role === 'coordinator')).toBe(true);
        else expect(asked.length > 0 && asked.every((a) => a.role === 'reviewer')).toBe(true);
      }),
    );
  });
});

describe('REVIEWERS and COORDINATORS', () => {
  it('read comma-separated addresses', () => {
    expect(parseReviewerText(' anna@hub.example.org , luca@hub.example.org,')).toEqual({ ok: true, value: [{ email: 'anna@hub.example.org' }, { email: 'luca@hub.example.org' }] });
    expect(parseReviewerText('')).toEqual({ ok: true, value: [] });
  });

  it('read a JSON array of {email, organisation?, areas?}', () => {
    const value = [anna, sara, paolo];
    expect(parseReviewerText(JSON.stringify(value))).toEqual({ ok: true, value });
  });

  it('write back the form they read, the shortest one', () => {
    expect(reviewerText([paolo, { email: 'x@hub.example.org' }])).toBe('paolo.rossi@hub.example.org,x@hub.example.org');
    expect(parseReviewerText(reviewerText([anna, paolo]))).toEqual({ ok: true, value: [anna, paolo] });
  });

  const base = {
    TABLE_NAME: 't',
    PUBLIC_BASE_URL: 'https://intake.example.org',
    MAIL_FROM: 'hub@example.org',
    PARTNERS: JSON.stringify(LOCAL_PARTNERS),
  };
  const problem = (env: Record<string, string>) => {
    try {
      parseConfig({ ...base, ...env }, undefined);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('parse in the functions’ configuration, both forms', () => {
    const cfg = parseConfig({ ...base, REVIEWERS: JSON.stringify([anna, luca]), COORDINATORS: 'coordinamento@hub.example.org' }, undefined);
    expect(cfg.REVIEWERS).toEqual([anna, luca]);
    expect(cfg.COORDINATORS).toEqual([hubCoordinator]);
    expect(parseConfig(base, undefined).COORDINATORS).toEqual([]);
  });

  it('stop the start with a message that names the value at fault', () => {
    expect(problem({ REVIEWERS: 'anna@hub.example.org,not an email' })).toMatch(/REVIEWERS\.1: Invalid email address/);
    expect(problem({ REVIEWERS: '[{"email": "anna@hub.example.org"' })).toMatch(/REVIEWERS: starts with "\[" but is not valid JSON/);
    expect(problem({ COORDINATORS: '[{"email": "c@hub.example.org", "areas": ["cardio"]}]' })).toMatch(/COORDINATORS\.0\.areas\.0: Invalid option/);
    expect(problem({ REVIEWERS: '[{"email": "a@hub.example.org", "organization": "ieo"}]' })).toMatch(/REVIEWERS\.0: Unrecognized key: "organization"/);
    expect(problem({ REVIEWERS: '[{"email": "a@hub.example.org", "organisation": "humanitass"}]' })).toMatch(/REVIEWERS\.0\.organisation: organisation "humanitass" is no configured partner id/);
    expect(problem({ REVIEWERS: 'a@hub.example.org,A@hub.example.org' })).toMatch(/REVIEWERS\.1\.email: A@hub\.example\.org is listed twice/);
    expect(problem({ REVIEWERS: '{"email": "a@hub.example.org"}' })).toMatch(/REVIEWERS\.0: Invalid email address/);
  });

  it('stop the start when a partner’s escalated cases would reach nobody', () => {
    const ofHumanitas = JSON.stringify([{ email: 'c@hub.example.org', organisation: 'humanitas' }]);
    expect(problem({ REVIEWERS: 'anna@hub.example.org', COORDINATORS: ofHumanitas })).toMatch(
      /^Invalid configuration: COORDINATORS: no coordinator may review the cases of humanitas \(every coordinator works for it\)/,
    );
    // A coordinator listed without an organisation, but as a reviewer of Humanitas, is just as conflicted.
    const listedTwice = { REVIEWERS: JSON.stringify([{ email: 'c@hub.example.org', organisation: 'humanitas' }]), COORDINATORS: 'C@hub.example.org' };
    expect(problem(listedTwice)).toMatch(/COORDINATORS: no coordinator may review the cases of humanitas/);
    expect(problem({ REVIEWERS: 'anna@hub.example.org' })).toMatch(/COORDINATORS: no coordinator: escalated cases, and cases no reviewer covers, would reach nobody/);
    expect(problem({ REVIEWERS: 'anna@hub.example.org', COORDINATORS: JSON.stringify([{ email: 'c@hub.example.org', organisation: 'humanitas' }, { email: 'd@hub.example.org', organisation: 'ieo' }]) })).toBeUndefined();
    // A function that routes no review (no list at all) starts as before.
    expect(problem({})).toBeUndefined();
  });
});

describe('the stage configuration of reviewers and coordinators', () => {
  const dev = stageConfig('dev');
  const problem = (changes: Record<string, unknown>) => {
    try {
      parseStageConfig('dev', { ...dev, ...changes });
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('accepts reviewers with organisations and areas, and coordinators', () => {
    const cfg = parseStageConfig('dev', { ...dev, reviewers: [anna, sara], coordinators: [hubCoordinator] });
    expect(cfg.reviewers).toEqual([anna, sara]);
  });

  it('stops the synthesis on a bad value, naming its path', () => {
    expect(problem({ reviewers: [{ email: 'anna@hub.example.org', organisation: 'nowhere' }] })).toMatch(
      /Invalid configuration for stage dev: [\s\S]*organisation "nowhere" is no partner id of this stage[\s\S]*at reviewers\[0\]\.organisation/,
    );
    expect(problem({ coordinators: [] })).toMatch(/at coordinators/);
    expect(problem({ reviewers: [{ email: 'anna@hub.example.org', areas: ['cardio'] }] })).toMatch(/at reviewers\[0\]\.areas\[0\]/);
    expect(problem({ reviewers: [anna, { ...anna }] })).toMatch(/listed twice[\s\S]*at reviewers\[1\]\.email/);
    expect(problem({ review: { ...dev.review, escalationWindowSeconds: 0 } })).toMatch(/at review\.escalationWindowSeconds/);
    expect(problem({ coordinators: [{ email: 'c@hub.example.org', organisation: 'assolombarda' }] })).toMatch(
      /no coordinator may review the cases of assolombarda \(every coordinator works for it\)[\s\S]*at coordinators/,
    );
  });

  it('gives every stage at least one reviewer and one coordinator, of known organisations', () => {
    for (const stage of ['local', 'dev', 'prod']) {
      const cfg = stageConfig(stage);
      expect(cfg.reviewers.length, stage).toBeGreaterThan(0);
      expect(cfg.coordinators.length, stage).toBeGreaterThan(0);
    }
    // The embedded runtime's examples show the routing: reviewers with organisations and areas.
    const local = stageConfig('local');
    expect(local.reviewers.some((r) => r.organisation && r.areas)).toBe(true);
    expect(local.coordinators).toHaveLength(1);
  });
});
