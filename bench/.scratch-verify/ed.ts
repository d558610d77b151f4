import { chromium } from 'playwright-core';

const b = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox'],
});
const p = await b.newPage();
await p.goto('file:///tmp/x.html');
const r = await p.evaluate(async () => {
  try {
    const k = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
    const sig = await crypto.subtle.sign(
      { name: 'Ed25519' },
      (k as CryptoKeyPair).privateKey,
      new Uint8Array([1, 2]),
    );
    const raw = await crypto.subtle.exportKey('raw', (k as CryptoKeyPair).publicKey);
    const pub = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    return {
      secure: isSecureContext,
      ok: await crypto.subtle.verify({ name: 'Ed25519' }, pub, sig, new Uint8Array([1, 2])),
    };
  } catch (e) {
    return { secure: isSecureContext, err: String(e) };
  }
});
console.log(r);
await b.close();
