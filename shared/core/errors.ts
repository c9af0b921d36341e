import type { Language } from './case';
import type { FieldError } from './validation';

type Bilingual = Record<Language, string>;

/**
 * An error the caller can act on: what happened, as a stable problem type and a title and detail
 * in Italian and English. It carries no HTTP status: the HTTP adapter's table
 * (`shared/adapters/http/statuses.ts`) maps each type to its status and headers.
 */
export abstract class DomainError extends Error {
  abstract readonly type: string;
  abstract readonly title: Bilingual;
  readonly detailText: Bilingual;
  readonly errors?: FieldError[];

  constructor(detail: Bilingual, errors?: FieldError[]) {
    super(detail.en);
    this.name = new.target.name;
    this.detailText = detail;
    this.errors = errors;
  }
}

const detail = (it: string, en: string): Bilingual => ({ it, en });

export class ValidationFailed extends DomainError {
  readonly type = 'validation';
  readonly title = detail('Dati non validi', 'Invalid submission');
  constructor(errors: FieldError[]) {
    super(
      detail(
        `La richiesta contiene ${errors.length} ${errors.length === 1 ? 'errore' : 'errori'}.`,
        `The request has ${errors.length} ${errors.length === 1 ? 'error' : 'errors'}.`,
      ),
      errors,
    );
  }
}

export class MalformedBody extends DomainError {
  readonly type = 'malformed-body';
  readonly title = detail('Corpo della richiesta non leggibile', 'Unreadable request body');
}

export class UnsupportedMediaType extends DomainError {
  readonly type = 'unsupported-media-type';
  readonly title = detail('Tipo di contenuto non supportato', 'Unsupported content type');
  constructor(contentType: string | undefined) {
    super(
      detail(
        `Il tipo di contenuto ${contentType ? `"${contentType}" ` : ''}non è supportato: usare application/json o application/x-www-form-urlencoded.`,
        `The content type ${contentType ? `"${contentType}" ` : ''}is not supported: use application/json or application/x-www-form-urlencoded.`,
      ),
    );
  }
}

export class PayloadTooLarge extends DomainError {
  readonly type = 'payload-too-large';
  readonly title = detail('Richiesta troppo grande', 'Request too large');
  constructor(limitBytes: number) {
    const kb = Math.round(limitBytes / 1024);
    super(
      detail(`Il corpo della richiesta supera il limite di ${kb} KB.`, `The request body exceeds the ${kb} KB limit.`),
    );
  }
}

export class Forbidden extends DomainError {
  readonly type = 'forbidden';
  readonly title = detail('Accesso negato', 'Forbidden');

  static unknownPartner(): Forbidden {
    return new Forbidden(
      detail(
        'Il partner indicato non è tra i membri configurati dello Hub.',
        'The partner given is not one of the Hub members configured.',
      ),
    );
  }

  static originNotAllowed(origin: string): Forbidden {
    return new Forbidden(
      detail(
        `Le richieste dal sito ${origin} non sono autorizzate per questo partner.`,
        `Requests from ${origin} are not allowed for this partner.`,
      ),
    );
  }
}

export class NotFound extends DomainError {
  readonly type = 'not-found';
  readonly title = detail('Non trovato', 'Not found');
  constructor() {
    super(
      detail(
        'La risorsa richiesta non esiste oppure il collegamento non è valido.',
        'The resource does not exist or the link is not valid.',
      ),
    );
  }
}

export class IdempotencyKeyReused extends DomainError {
  readonly type = 'idempotency-key-reused';
  readonly title = detail('Chiave di idempotenza già usata', 'Idempotency key already used');
  constructor() {
    super(
      detail(
        "Questa Idempotency-Key è già stata usata per un'altra richiesta: usare una chiave nuova per un nuovo invio.",
        'This Idempotency-Key was already used with a different request: use a new key for a new submission.',
      ),
    );
  }
}

export class InvalidIdempotencyKey extends DomainError {
  readonly type = 'invalid-idempotency-key';
  readonly title = detail('Idempotency-Key non valida', 'Invalid Idempotency-Key');
  constructor() {
    super(
      detail(
        "L'intestazione Idempotency-Key deve contenere da 8 a 128 caratteri visibili.",
        'The Idempotency-Key header must hold 8 to 128 visible characters.',
      ),
    );
  }
}

/** A dependency failed in a way that a retry may fix; the caller gets 503 and nothing internal. */
export class ServiceUnavailable extends DomainError {
  readonly type = 'service-unavailable';
  readonly title = detail('Servizio momentaneamente non disponibile', 'Service temporarily unavailable');
  constructor() {
    super(
      detail(
        'Non è stato possibile completare la richiesta. Nulla è stato perso: riprovare tra qualche secondo.',
        'The request could not be completed. Nothing was lost: please try again in a few seconds.',
      ),
    );
  }
}

/** Anything unexpected: the caller learns only that it happened and was logged. */
export class InternalError extends DomainError {
  readonly type = 'internal';
  readonly title = detail('Errore interno', 'Internal error');
  constructor() {
    super(
      detail(
        'Si è verificato un errore imprevisto. È stato registrato e verrà esaminato.',
        'An unexpected error occurred. It has been logged and will be looked at.',
      ),
    );
  }
}

/** A query parameter out of its range; the detail names it and what it accepts. */
export class InvalidParameter extends DomainError {
  readonly type = 'invalid-parameter';
  readonly title = detail('Parametro non valido', 'Invalid parameter');
}

/** No valid partner key and no solved challenge: the caller is not known to the Hub. */
export class Unauthorized extends DomainError {
  readonly type = 'unauthorized';
  readonly title = detail('Autenticazione richiesta', 'Authentication required');

  static missing(): Unauthorized {
    return new Unauthorized(
      detail(
        "Un invio richiede la chiave API del partner (intestazione Authorization: Bearer <chiave>) oppure la verifica anti-robot del modulo dello Hub.",
        "A submission needs the partner's API key (header Authorization: Bearer <key>) or the anti-robot check of the Hub's form.",
      ),
    );
  }

  static invalidKey(): Unauthorized {
    return new Unauthorized(
      detail(
        "La chiave API non è valida oppure è stata revocata. Chiedere una nuova chiave al gruppo operativo dello Hub.",
        "The API key is not valid or has been revoked. Ask the Hub's operations team for a new key.",
      ),
    );
  }

  static challengeFailed(): Unauthorized {
    return new Unauthorized(
      detail(
        "La verifica anti-robot non è valida, è scaduta o è già stata usata. Ricaricare il modulo e inviarlo di nuovo.",
        "The anti-robot check is not valid, has expired or was already used. Reload the form and send it again.",
      ),
    );
  }
}

/** A key that belongs to another partner than the one the submission names. */
export class KeyForAnotherPartner extends DomainError {
  readonly type = 'key-for-another-partner';
  readonly title = detail('Chiave di un altro partner', "Another partner's key");
  constructor() {
    super(
      detail(
        'La chiave API usata appartiene a un altro partner: ogni partner invia solo i propri casi, con la propria chiave.',
        "The API key used belongs to another partner: each partner submits only its own cases, with its own key.",
      ),
    );
  }
}

/** The first request with this Idempotency-Key is still being processed. */
export class SubmissionInProgress extends DomainError {
  readonly type = 'submission-in-progress';
  readonly title = detail('Invio in corso', 'Submission in progress');
  constructor() {
    super(
      detail(
        'Una richiesta con la stessa Idempotency-Key è ancora in elaborazione: riprovare tra qualche secondo per riceverne la risposta.',
        'A request with the same Idempotency-Key is still being processed: retry in a few seconds to get its answer.',
      ),
    );
  }
}

/** Every problem type, so that the HTTP adapter's table of statuses is exhaustive. */
export type ProblemType =
  | ValidationFailed['type']
  | MalformedBody['type']
  | UnsupportedMediaType['type']
  | PayloadTooLarge['type']
  | Forbidden['type']
  | NotFound['type']
  | IdempotencyKeyReused['type']
  | InvalidIdempotencyKey['type']
  | ServiceUnavailable['type']
  | InternalError['type']
  | InvalidParameter['type']
  | Unauthorized['type']
  | KeyForAnotherPartner['type']
  | SubmissionInProgress['type'];
