import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { localCredentials } from '../dynamodb/clients';
import type { MailMessage, Mailer } from '../../app/ports';
export type { MailMessage, Mailer } from '../../app/ports';

/** A header value on one line: CR, LF and other controls never reach a mail header. */
export function headerSafe(value: string): string {
  return value.replace(/[\u0000-\u001F\u007F\u2028\u2029]+/g, ' ').trim();
}

const ADDRESS = /^[^\s@<>(),;:"\\[\]]+@[^\s@<>(),;:"\\[\]]+$/;

export function createSesMailer(options: { from: string; endpoint?: string; configurationSet?: string }): Mailer {
  const client = new SESv2Client({
    ...(options.endpoint
      ? { endpoint: options.endpoint, region: process.env.AWS_REGION ?? 'eu-south-1', credentials: localCredentials }
      : {}),
    maxAttempts: 4,
  });
  return {
    async send(message) {
      const bad = message.to.find((address) => !ADDRESS.test(address));
      if (bad !== undefined) throw new Error('refused to mail an address that is not a plain address');
      const result = await client.send(
        new SendEmailCommand({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: message.to },
          ConfigurationSetName: options.configurationSet,
          Content: {
            Simple: {
              Subject: { Data: headerSafe(message.subject), Charset: 'UTF-8' },
              Body: {
                Text: { Data: message.text, Charset: 'UTF-8' },
                Html: { Data: message.html, Charset: 'UTF-8' },
              },
            },
          },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
  };
}
