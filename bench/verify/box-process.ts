/**
 * The local Box for the verification benchmarks, in its own process (Box is a remote service; its
 * CPU must not be counted as ours): the demo enterprise plus a folder `Bench` of Demo Admin's with
 * `--files N` small files. Prints one JSON line: the URLs, the apps, the enterprise, the folder and
 * the admin's Box id.
 *
 *   node --import tsx bench/verify/box-process.ts --files 1000
 */
import { parseArgs } from 'node:util';
import { startBoxEmulator } from '../../box-emulator/index.ts';

const { values } = parseArgs({ options: { files: { type: 'string', default: '1000' } } });
const files = Number(values.files);
const running = await startBoxEmulator({ port: 0, demo: true, seed: 1 });
const state = running.emulator.state;
const admin = state.user('admin@demo.example');
const folder = state.createFolder(null, 'Bench', { login: admin.login });
for (let i = 0; i < files; i++) {
  const file = state.createFile(folder.id, `file-${String(i).padStart(5, '0')}.txt`, `bench file ${i}\n`, {
    login: admin.login,
  });
  // Most files have a history: a second version.
  if (i % 2 === 0) state.uploadNewVersion(file.id, `bench file ${i}, revised\n`, { login: admin.login });
}
process.stdout.write(
  `${JSON.stringify({
    url: running.url,
    baseUrls: running.baseUrls,
    enterprise: running.emulator.enterprise,
    apps: running.emulator.apps,
    folderId: folder.id,
    adminBoxUserId: admin.id,
    adminLogin: admin.login,
    latestStreamPosition: state.latestStreamPosition(),
  })}\n`,
);
const stop = async () => {
  await running.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
