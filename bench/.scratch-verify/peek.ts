import { ManualClock, startBoxEmulator } from '../../box-emulator/index.ts';

const box = await startBoxEmulator({ demo: true, seed: 1, clock: new ManualClock('2026-03-02T09:00:00Z') });
const st = box.emulator.state;
for (const f of st.files()) {
  const p = st.pathOf(f);
  if (p.startsWith('Compliance') || p.startsWith('Board'))
    console.log(p, f.id, f.versions.length, f.ownerId, st.isTrashed(f.id));
}
await box.close();
