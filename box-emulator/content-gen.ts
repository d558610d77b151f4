import type { Prng } from './prng.ts';

const WORDS =
  'audit ledger invoice quarter revenue contract clause party term renewal payment schedule review approval budget forecast variance control evidence policy retention compliance risk owner vendor customer signature amendment appendix summary total balance account report minutes board resolution project milestone release architecture incident backup restore'.split(
    ' ',
  );

function sentence(rng: Prng): string {
  const n = rng.int(6, 14);
  const words = Array.from({ length: n }, () => rng.pick(WORDS));
  const first = words[0]!;
  words[0] = first[0]!.toUpperCase() + first.slice(1);
  return `${words.join(' ')}.`;
}

function paragraph(rng: Prng, lines: number): string {
  return Array.from({ length: lines }, () => sentence(rng)).join('\n');
}

function csv(rng: Prng, rows: number): string {
  const out = ['id,date,description,amount,currency'];
  for (let i = 1; i <= rows; i++) {
    const day = String(rng.int(1, 28)).padStart(2, '0');
    const month = String(rng.int(1, 12)).padStart(2, '0');
    out.push(
      `${i},2025-${month}-${day},${rng.pick(WORDS)} ${rng.pick(WORDS)},${(rng.int(1000, 9_999_999) / 100).toFixed(2)},EUR`,
    );
  }
  return `${out.join('\n')}\n`;
}

/**
 * Small, deterministic file bytes for a path and version. Not real PDFs or Office files: a recognisable
 * header plus text, enough for hashing, downloads and previews of text.
 */
export function fileBytes(rng: Prng, path: string, version: number): Buffer {
  const ext = (path.split('.').pop() ?? '').toLowerCase();
  const header = `${path} — version ${version}`;
  const body = paragraph(rng, rng.int(3, 18));
  switch (ext) {
    case 'csv':
      return Buffer.from(csv(rng, rng.int(5, 40)));
    case 'pdf':
      return Buffer.from(`%PDF-1.4\n% Demo Co document\n% ${header}\n${body}\n%%EOF\n`);
    case 'docx':
    case 'xlsx':
    case 'pptx':
      return Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(`\n${header}\n${body}\n`)]);
    case 'md':
      return Buffer.from(`# ${header}\n\n${body}\n`);
    default:
      return Buffer.from(`${header}\n\n${body}\n`);
  }
}
