import { HttpMethod, type HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { API_THROTTLE } from '../config';
import { ROUTES, routeKey, type FunctionName } from '../routes';
import { acknowledge } from './compliance';
import { pascal } from './construct-ids';
import type { HubFunction } from './hub-function';

// The routes of the HTTP API, each with the reason it has no authorizer and what protects it instead.

/** The throttling every route shares, in words, for the reasons below. */
export const THROTTLING = `the stage throttles every route to ${API_THROTTLE.rateLimit} requests/s with bursts of ${API_THROTTLE.burstLimit} and answers 429 beyond`;

/**
 * Why each function's routes have no API Gateway authorizer, and what protects them instead.
 * Every function that serves a route needs an entry, or the stack refuses to build.
 */
const PUBLIC_ROUTE_CONTROLS: Partial<Record<FunctionName, string>> = {
  'submit-case':
    'Partners submit from the form embedded in their own sites and from scripts, without accounts, so the route is public by design. ' +
    'Compensating controls: the partner must be a configured one and a browser Origin must be on its allow-list (403 otherwise); ' +
    'bodies over 64 KB get 413 and other content types 415; strict validation rejects unknown fields; a honeypot field drops bot posts; ' +
    `an Idempotency-Key makes retries safe; ${THROTTLING}; nothing is published before a reviewer approves it.`,
  'get-case-status':
    'The submitter opens the status link from the receipt, without an account. Compensating controls: the link carries a 256-bit ' +
    'random token of which only the SHA-256 is stored; a wrong token gets the same 404 as an unknown case; the route only reads; ' +
    `query strings are kept out of the access logs; ${THROTTLING}.`,
  'serve-form':
    'Static, public content (the embeddable form, embed.js, the JSON Schema, the FHIR Questionnaire, the OpenAPI document, the privacy notice, assets) that partner pages and integrators load without credentials. ' +
    `Compensating controls: it reads no data and changes nothing, the form only posts to POST /cases with its own checks; ${THROTTLING}.`,
  'confirm-contact':
    'The contact of a case sent through the form confirms the address from the link in the confirmation mail, without an account. ' +
    'Compensating controls: the link holds 256 random bits of which only the SHA-256 is stored; a wrong token gets the same 404 as an ' +
    'unknown case; GET and HEAD only show a button (mail scanners probe links); the POST is a single conditional write that can ' +
    `only move an unconfirmed case to review once; ${THROTTLING}.`,
  'review-case':
    'Reviewers decide from the link in their email, without an account. Compensating controls: each link holds 256 random bits, ' +
    'is bound to one reviewer, stored only as a SHA-256 hash and expires with the review window; GET and HEAD only show a ' +
    'confirmation page and never change anything (mail scanners probe links); the POST decision is a single conditional write, ' +
    `so a second one gets 409; ${THROTTLING}.`,
  'amend-case':
    'The submitter amends a case from the edit link in the changes email, without an account. Compensating controls: the link ' +
    'holds a 256-bit token stored only as a hash, valid for the amend window and one round; the amendment passes the same ' +
    `validation as a submission and goes back to review; ${THROTTLING}.`,
  'get-metrics':
    "The Hub's published figures (metrics, history, dashboard, embeddable figures) are public by purpose. Compensating controls: " +
    `read-only; only aggregate snapshots of approved cases, which hold no personal data; ${THROTTLING}.`,
  'get-catalog':
    'The public catalogue of approved projects (as JSON, HTML, CSV, a spreadsheet, FHIR and Digital Health Atlas projects) is public by purpose. Compensating controls: read-only; only approved cases and ' +
    `only their public fields, never contact data; ${THROTTLING}.`,
};

/** A route of the HTTP API per entry of ROUTES, with one integration per function, each acknowledged as public. */
export function addPublicRoutes(api: HttpApi, functions: Readonly<Record<FunctionName, HubFunction>>): void {
  const integrations = new Map<FunctionName, HttpLambdaIntegration>();
  for (const route of ROUTES) {
    let integration = integrations.get(route.fn);
    if (!integration) {
      integration = new HttpLambdaIntegration(`${pascal(route.fn)}Integration`, functions[route.fn]);
      integrations.set(route.fn, integration);
    }
    const controls = PUBLIC_ROUTE_CONTROLS[route.fn];
    if (!controls) throw new Error(`${routeKey(route)} is served by ${route.fn}, which has no entry in PUBLIC_ROUTE_CONTROLS`);
    for (const httpRoute of api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration })) {
      acknowledge(httpRoute, 'AwsSolutions-APIG4', `${routeKey(route)} has no authorizer. ${controls}`);
    }
  }
}
