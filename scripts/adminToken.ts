// Recovery on the server itself (never over HTTP): creates a new admin token in the store that DATA_DIR or DATABASE_URL names, records it in the audit log, and prints it once.
//
// Usage: npm run admin:token [-- --name <name>]
//   The file store must not be open in a running server (stop it first); on PostgreSQL the servers may keep running.
// Exit codes: 0 created, 2 the store cannot be opened or refuses writes, 1 internal error.
import { Command } from 'commander';
import { addToken } from '../server/auth.js';
import { describeStore, openStore, storeConfig } from '../server/store/open.js';
import { UserError, run } from './lib/cli.js';

await run(async () => {
  const program = new Command('admin:token')
    .description('Create a new admin token in the store (recovery when every admin token is lost)')
    .option('--name <name>', 'who the token is for', 'admin')
    .exitOverride()
    .parse();
  const { name } = program.opts<{ name: string }>();
  const config = storeConfig();
  const { repo } = await openStore(config).catch((e: Error) => {
    throw new UserError(`Cannot open the store (${describeStore(config)}): ${e.message}`);
  });
  try {
    const report = await repo.integrity();
    if (!report.writable) throw new UserError(`The store refuses writes: ${report.problems[0]?.message ?? 'its integrity check failed'}`);
    const { token, secret } = await repo.transact((tx) => addToken(tx, name, 'admin', `console (${process.env.USER ?? 'operator'} on the server)`, new Date().toISOString()));
    console.log(`Created admin token ${token.id} for ${name} in ${describeStore(config)}. It is shown only now; keep it:\n\n  ${secret}\n`);
  } finally {
    await repo.close();
  }
});
