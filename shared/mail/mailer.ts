import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { localCredentials } from '../store/clients';

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends email; the SES v2 adapter is the only implementation outside tests. */
export interface Mailer {
  send(message: MailMessage): Promise<{ messageId: string }>;
}

export function createSesMailer(options: { from: string; endpoint?: string; configurationSet?: string }): Mailer {
  const client = new SESv2Client({
    ...(options.endpoint
      ? { endpoint: options.endpoint, region: process.env.AWS_REGION ?? 'eu-south-1', credentials: localCredentials }
      : {}),
    maxAttempts: 4,
  });
  return {
    async send(message) {
      const result = await client.send(
        new SendEmailCommand({
          FromEmailAddress: options.from,
          Destination: { ToAddresses: message.to },
          ConfigurationSetName: options.configurationSet,
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
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
