/**
 * Email. Messages are queued in `identity.emails` inside the transaction that decides to send them
 * (so a crash loses none) with their bodies encrypted (a reset code is a secret at rest), and a
 * background job delivers them over SMTP, retrying with back-off. Without SMTP configured (the demo)
 * messages are written as .eml files under the data directory. Bodies never reach the logs.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type { Clock } from '../../platform/clock.ts';
import type { Encryptor } from '../../platform/crypto/encryption.ts';
import { createIntervalJob } from '../../platform/interval-job.ts';
import type { Logger } from '../../platform/logging.ts';
import type { BackgroundJob } from '../../platform/module-kit.ts';
import type { IdentityDb, IdentityTrx } from './identity-tables.ts';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface MailQueue {
  enqueue(trx: IdentityTrx, message: EmailMessage): Promise<void>;
  /** Sends what is due; returns how many were sent. */
  flush(): Promise<number>;
  job(intervalMs: number): BackgroundJob;
}

export function createTransport(smtpUrl: string | undefined, dataDir: string): Transporter {
  if (smtpUrl) return nodemailer.createTransport(smtpUrl);
  const dir = join(dataDir, 'mail');
  mkdirSync(dir, { recursive: true });
  // nodemailer's stream transport builds the RFC 5322 message; we write it to a file.
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true });
  return {
    async sendMail(message: SendMailOptions) {
      const info = await stream.sendMail(message);
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(dir, `${Date.now()}-${randomUUID()}.eml`), info.message as Buffer, {
        mode: 0o600,
      });
      return info;
    },
  } as unknown as Transporter;
}

export function createMailQueue(o: {
  db: IdentityDb;
  transport: Transporter;
  from: string;
  encryptor: Encryptor;
  clock: Clock;
  logger: Logger;
}): MailQueue {
  async function flush(): Promise<number> {
    const now = o.clock.now();
    const due = await o.db
      .selectFrom('identity.emails')
      .selectAll()
      .where('sent_at', 'is', null)
      .where('next_attempt_at', '<=', now)
      .orderBy('created_at')
      .limit(50)
      .execute();
    let sent = 0;
    for (const email of due) {
      try {
        await o.transport.sendMail({
          from: o.from,
          to: email.recipient,
          subject: email.subject,
          text: o.encryptor.decrypt(email.body, email.id),
        });
        await o.db
          .updateTable('identity.emails')
          .set({ sent_at: o.clock.now(), last_error: null })
          .where('id', '=', email.id)
          .execute();
        sent++;
      } catch (err) {
        const attempts = email.attempts + 1;
        const delay = Math.min(3_600_000, 5000 * 2 ** attempts);
        await o.db
          .updateTable('identity.emails')
          .set({
            attempts,
            last_error: String((err as Error).message).slice(0, 300),
            next_attempt_at: new Date(now.getTime() + delay),
          })
          .where('id', '=', email.id)
          .execute();
        o.logger.warn(
          { emailId: email.id, attempts, err: (err as Error).message },
          'email delivery failed; will retry',
        );
      }
    }
    return sent;
  }

  return {
    async enqueue(trx, message) {
      const id = randomUUID();
      const now = o.clock.now();
      await trx
        .insertInto('identity.emails')
        .values({
          id,
          recipient: message.to,
          subject: message.subject,
          body: o.encryptor.encrypt(message.text, id),
          created_at: now,
          attempts: 0,
          next_attempt_at: now,
          sent_at: null,
          last_error: null,
        })
        .execute();
    },
    flush,
    job(intervalMs) {
      return createIntervalJob('email-sender', intervalMs, async () => (await flush()) >= 50, o.logger);
    },
  };
}
