/** Emails other services ask for through messages: tampering found in a set the user owns. */
import type { Envelope } from '../../platform/messaging/catalogue.ts';
import type { MessageHandler } from '../../platform/messaging/receiver.ts';
import type { IdentityDeps } from './identity-deps.ts';
import type { IdentityTrx } from './identity-tables.ts';

export function createNotificationHandler(d: IdentityDeps): MessageHandler {
  return {
    subscriber: 'identity.notifications',
    async handle(messages: Envelope[], trx) {
      for (const m of messages) {
        if (m.topic !== 'verification.tamper_detected') continue;
        const p = m.payload as Envelope<'verification.tamper_detected'>['payload'];
        for (const userId of p.notifyUserIds) {
          const user = await d.users.userById(trx as IdentityTrx, userId);
          if (!user || user.disabled_at) continue;
          const link = `${d.publicUrl}/verifications/${p.verificationId}`;
          const name = p.fileName ?? p.fileId;
          await d.mail.enqueue(trx as IdentityTrx, {
            to: user.email,
            subject:
              user.language === 'ja'
                ? `[重要] 改ざんを検出しました: ${name}`
                : `[Action needed] Tampering detected: ${name}`,
            text:
              user.language === 'ja'
                ? `監査対象のファイル「${name}」で改ざんを検出しました。\n理由: ${p.reasons.join('; ')}\n証跡: ${link}`
                : `Tampering was detected on the monitored file "${name}".\nReasons: ${p.reasons.join('; ')}\nEvidence: ${link}`,
          });
        }
      }
    },
  };
}
