import nodemailer from 'nodemailer';
import type { SmtpConfig } from '../config';
import type { TokenSource } from '../ports/account';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/**
 * Sends through the SMTP server of SMTP_URL. Short timeouts: a dead SMTP server must not hold a
 * worker. With ?auth=oauth2 it logs in by XOAUTH2 with the sender's token (renewed when refused).
 */
export function createMailer(smtp: SmtpConfig, tokens?: TokenSource, timeoutMs = 15_000): Mailer {
  const sender = smtp.oauth && tokens ? tokens(smtp.oauth, '') : undefined;
  const oauth2 = sender && {
    auth: {
      type: 'OAuth2',
      user: smtp.oauth!.user,
      provisionCallback: (_user: string, renew: boolean, done: (err: Error | null, token?: string) => void) => {
        sender.accessToken({ renew }).then((token) => done(null, token), (err: Error) => done(err));
      },
    },
  };
  const transport = nodemailer.createTransport({
    url: smtp.url,
    ...oauth2,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(mail) {
      await transport.sendMail({ from: smtp.from, ...mail });
    },
    close: () => transport.close(),
  };
}
